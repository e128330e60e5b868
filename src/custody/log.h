// CustodyLog: the project's append-only, tamper-evident record of what entered it and what was
// derived from it. Files under PROJECT/custody/ (specified in docs/formats/custody.md):
//   entries           the log itself (RecordFile): the only source of truth, fsynced per batch
//   tree/level-NN     Merkle node cache (TreeStore), rebuilt from entries when out of step
//   signing.key       Ed25519 signer, PRIVATE+KEY+... form, mode 0600
//   verifier.key      the public key, name+keyid+base64 form
//   checkpoints/NNN   every signed checkpoint, named by tree size (20 digits)
//   torn/             bytes cut off a torn tail after a crash, kept as evidence
//
// Ordering with the catalog: ingest appends (and fsyncs) a document's entries BEFORE it commits
// the catalog row. A crash in between leaves entries the catalog does not know; on resume the
// file is ingested again and logs a second, identical-content INGEST entry. That duplicate is
// harmless: both entries are true statements about bytes the project holds.
//
// Not thread-safe: one CustodyLog per project per process; an flock keeps other processes out.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/sha256.h"
#include "custody/merkle.h"
#include "custody/note.h"
#include "custody/proof_file.h"
#include "custody/record_file.h"
#include "custody/tree_store.h"

namespace dossier::custody {

enum class ProblemKind {
  kBlobModified,      // an original's bytes no longer hash to its id
  kBlobMissing,       // an original is gone from the store
  kEntryAltered,      // a log entry's bytes changed after they were logged
  kEntryMissing,      // a signed checkpoint covers entries the log no longer has
  kHistoryRewritten,  // the tree is not an extension of a signed checkpoint
  kBadCheckpoint,     // a checkpoint does not parse or its signature fails
  kCacheMismatch,     // the tree cache disagrees with the entries (proofs would be wrong)
};
// "blob modified", "blob missing", "entry altered", "entry missing", "history rewritten",
// "bad checkpoint", "cache mismatch".
const char* problem_kind_name(ProblemKind kind);

struct Problem {
  ProblemKind kind = ProblemKind::kEntryAltered;
  std::optional<uint64_t> index;  // log entry, when known
  std::string document;           // document id (sha256 hex), when known
  std::string detail;             // for a person
};

class CustodyLog {
 public:
  // Creates PROJECT/custody at `dir` (which must not hold a log yet) with a fresh key named
  // `origin` (a schema-less URL-like name without spaces or '+'; see default_origin()).
  static Result<CustodyLog> create(const std::filesystem::path& dir, std::string_view origin);
  // Opens an existing log: locks it, recovers a torn tail, repairs the tree cache.
  static Result<CustodyLog> open(const std::filesystem::path& dir);
  // "dossier.invalid/<16 random hex digits>": unique per project, never resolvable.
  static std::string default_origin();

  CustodyLog(CustodyLog&&) noexcept = default;
  CustodyLog& operator=(CustodyLog&&) noexcept = default;

  uint64_t size() const { return records_.size(); }
  const std::string& origin() const { return signer_->verifier().name; }
  const Verifier& verifier() const { return signer_->verifier(); }
  uint64_t torn_bytes_recovered() const { return records_.torn_bytes(); }

  // Appends one entry (durable when this returns); returns its index.
  Result<uint64_t> append(std::string_view entry);
  // Appends all entries with one write and one fsync; returns the index of the first.
  // All or nothing: if the tree cache cannot take them (a full disk), the entries are taken back
  // out of the log. REQUIRES: entries non-empty, each at most kMaxRecordBytes.
  Result<uint64_t> append_batch(std::span<const std::string> entries);

  // Calls fn(index, bytes, crc_ok) for every entry in order through one memory map; bytes are
  // empty if the record's length changed on disk (see RecordFile::for_each).
  Status for_each_entry(const std::function<void(uint64_t, std::string_view, bool)>& fn) const {
    return records_.for_each(fn);
  }
  // Entry bytes; kCorrupt if they fail their checksum.
  Result<std::string> entry(uint64_t index) const;
  Result<Hash> leaf(uint64_t index) const { return tree_.node(0, index); }
  // Root of the first `size` entries. REQUIRES: size <= size().
  Result<Hash> root(uint64_t size) const { return root_at(tree_, size); }
  Result<std::vector<Hash>> inclusion_proof(uint64_t index, uint64_t size) const {
    return custody::inclusion_proof(tree_, index, size);
  }
  Result<std::vector<Hash>> consistency_proof(uint64_t size1, uint64_t size2) const {
    return custody::consistency_proof(tree_, size1, size2);
  }

  // Signs a checkpoint for the current size, stores it and returns the signed note. Refuses
  // (kCorrupt) if the tree is not consistent with the latest stored checkpoint.
  Result<std::string> checkpoint();
  // The newest stored signed checkpoint; kNotFound if none was made.
  Result<std::string> latest_checkpoint() const;
  // A c2sp tlog-proof for entry `index` against the latest checkpoint, signing a new one first
  // if the latest does not cover the entry.
  Result<TlogProof> prove(uint64_t index);
  // The first INGEST entry for the document (a linear scan: store the index where you can).
  Result<uint64_t> find_ingest(const Digest& sha256) const;

  // Recomputes every leaf from the entry bytes and the whole tree, compares with the cache and
  // with every stored checkpoint (signature and root) and, if given, proves by a consistency
  // proof that the log only grew since `since_checkpoint` (a signed note saved earlier).
  // Returns the problems found (empty: all is well). Reads everything: O(n).
  std::vector<Problem> verify(const std::optional<std::string>& since_checkpoint = {}) const;

 private:
  CustodyLog() = default;
  Result<std::vector<uint64_t>> checkpoint_sizes() const;  // ascending
  Result<std::string> stored_checkpoint(uint64_t size) const;
  // verify(): one stored checkpoint against the recomputed tree.
  void check_stored(const MemoryTree& tree, uint64_t name_size, std::vector<Problem>& out) const;
  Status sync_tree();

  std::filesystem::path dir_;
  RecordFile records_;
  TreeStore tree_;
  std::optional<Signer> signer_;  // always set once create()/open() succeed
};

// Checks each INGEST entry's original: blob_path(sha256) names where the store keeps it, or
// nullopt if unknown. Reports kBlobMissing / kBlobModified (size or hash differ) by document.
std::vector<Problem> verify_blobs(
    const CustodyLog& log,
    const std::function<std::optional<std::filesystem::path>(const Digest&)>& blob_path);

}  // namespace dossier::custody
