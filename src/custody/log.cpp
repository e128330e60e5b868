#include "custody/log.h"

#include <sodium.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cstdio>

#include "core/file_util.h"
#include "custody/entry.h"

namespace dossier::custody {
namespace {

constexpr const char* kEntries = "entries";
constexpr const char* kSigningKey = "signing.key";
constexpr const char* kVerifierKey = "verifier.key";
constexpr const char* kCheckpoints = "checkpoints";

std::string checkpoint_name(uint64_t size) {
  std::string digits = std::to_string(size);
  return std::string(20 - std::min<size_t>(20, digits.size()), '0') + digits;
}

Result<Signer> load_signer(const std::filesystem::path& dir) {
  std::filesystem::path p = dir / kSigningKey;
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0)
    return errno_error("cannot find the custody key", p, errno);
  if ((st.st_mode & 077) != 0) {
    return Error{ErrorCode::kInvalidInput,
                 "the custody signing key is readable by others; run chmod 600 on it", p.string()};
  }
  DOSSIER_ASSIGN_OR_RETURN(std::string text, read_file(p));
  auto signer = Signer::parse(text);
  sodium_memzero(text.data(), text.size());
  if (!signer.has_value())
    return Error{signer.error().code, signer.error().message, p.string()};
  DOSSIER_ASSIGN_OR_RETURN(std::string vkey, read_file(dir / kVerifierKey));
  if (vkey != signer->verifier().vkey() + "\n") {
    return Error{ErrorCode::kCorrupt, "verifier.key does not match signing.key",
                 (dir / kVerifierKey).string()};
  }
  return signer;
}

}  // namespace

const char* problem_kind_name(ProblemKind kind) {
  switch (kind) {
    case ProblemKind::kBlobModified:
      return "blob modified";
    case ProblemKind::kBlobMissing:
      return "blob missing";
    case ProblemKind::kEntryAltered:
      return "entry altered";
    case ProblemKind::kEntryMissing:
      return "entry missing";
    case ProblemKind::kHistoryRewritten:
      return "history rewritten";
    case ProblemKind::kBadCheckpoint:
      return "bad checkpoint";
    case ProblemKind::kCacheMismatch:
      return "cache mismatch";
  }
  return "unknown";
}

std::string CustodyLog::default_origin() {
  std::array<uint8_t, 8> raw{};
  randombytes_buf(raw.data(), raw.size());
  return "dossier.invalid/" + to_hex(std::span<const uint8_t>(raw));
}

Result<CustodyLog> CustodyLog::create(const std::filesystem::path& dir, std::string_view origin) {
  std::error_code ec;
  std::filesystem::create_directories(dir / kCheckpoints, ec);
  if (ec)
    return Error{ErrorCode::kIo, "cannot create custody folder: " + ec.message(), dir.string()};
  if (std::filesystem::exists(dir / kEntries)) {
    return Error{ErrorCode::kInvalidInput, "a custody log already exists here", dir.string()};
  }
  CustodyLog log;
  log.dir_ = dir;
  DOSSIER_ASSIGN_OR_RETURN(Signer signer, Signer::generate(origin));
  std::string skey = signer.encode() + "\n";
  Status st = write_file_atomic(dir / kSigningKey, skey, 0600);
  sodium_memzero(skey.data(), skey.size());
  if (!st.has_value())
    return st.error();
  DOSSIER_RETURN_IF_ERROR(write_file_atomic(dir / kVerifierKey, signer.verifier().vkey() + "\n"));
  log.signer_.emplace(std::move(signer));
  DOSSIER_ASSIGN_OR_RETURN(log.records_, RecordFile::create(dir / kEntries));
  DOSSIER_ASSIGN_OR_RETURN(log.tree_, TreeStore::open(dir / "tree"));
  DOSSIER_RETURN_IF_ERROR(log.tree_.truncate(0));
  return log;
}

Result<CustodyLog> CustodyLog::open(const std::filesystem::path& dir) {
  CustodyLog log;
  log.dir_ = dir;
  DOSSIER_ASSIGN_OR_RETURN(Signer signer, load_signer(dir));
  log.signer_.emplace(std::move(signer));
  DOSSIER_ASSIGN_OR_RETURN(log.records_, RecordFile::open(dir / kEntries));
  DOSSIER_ASSIGN_OR_RETURN(log.tree_, TreeStore::open(dir / "tree"));
  DOSSIER_RETURN_IF_ERROR(log.sync_tree());
  return log;
}

// The tree cache is not fsynced: after a crash it may be short (recompute from the entries) or,
// after a torn tail was cut, long (truncate).
Status CustodyLog::sync_tree() {
  uint64_t n = records_.size();
  if (tree_.size() > n)
    DOSSIER_RETURN_IF_ERROR(tree_.truncate(n));
  std::vector<Hash> leaves;
  for (uint64_t i = tree_.size(); i < n; ++i) {
    bool crc_ok = false;
    DOSSIER_ASSIGN_OR_RETURN(std::string e, records_.read_raw(i, crc_ok));
    leaves.push_back(leaf_hash(e));
    if (leaves.size() == 4096 || i + 1 == n) {
      DOSSIER_RETURN_IF_ERROR(tree_.append(leaves));
      leaves.clear();
    }
  }
  return ok_status();
}

Result<uint64_t> CustodyLog::append(std::string_view entry) {
  std::string e(entry);
  return append_batch(std::span<const std::string>(&e, 1));
}

Result<uint64_t> CustodyLog::append_batch(std::span<const std::string> entries) {
  if (tree_.size() != records_.size()) {
    return Error{ErrorCode::kInternal, "tree cache failed earlier; reopen the project",
                 dir_.string()};
  }
  uint64_t first = records_.size();
  for (const std::string& e : entries) {
    if (e.empty() || e.size() > kMaxRecordBytes) {
      return Error{ErrorCode::kInvalidInput, "custody entry is empty or larger than 16 MiB",
                   dir_.string()};
    }
  }
  DOSSIER_RETURN_IF_ERROR(records_.append(entries));
  std::vector<Hash> leaves;
  leaves.reserve(entries.size());
  for (const std::string& e : entries)
    leaves.push_back(leaf_hash(e));
  Status st = tree_.append(leaves);
  if (!st.has_value()) {
    // All or nothing: the entries are taken back (nothing refers to them yet, no checkpoint covers
    // them), so that log and cache agree and the log opens without repairs on a disk still full.
    if (records_.truncate(first).has_value())
      return st.error();
    return Error{st.error().code,
                 "entries were logged but the tree cache failed (" + st.error().message +
                     "); reopen the project to rebuild it",
                 st.error().context};
  }
  return first;
}

Result<std::string> CustodyLog::entry(uint64_t index) const {
  return records_.read(index);
}

Result<std::vector<uint64_t>> CustodyLog::checkpoint_sizes() const {
  std::vector<uint64_t> out;
  std::error_code ec;
  if (!std::filesystem::exists(dir_ / kCheckpoints, ec)) return out;
  for (const auto& de : std::filesystem::directory_iterator(dir_ / kCheckpoints, ec)) {
    std::string name = de.path().filename().string();
    if (name.size() != 20 || name.find_first_not_of("0123456789") != std::string::npos)
      continue;
    out.push_back(std::stoull(name));
  }
  if (ec)
    return Error{ErrorCode::kIo, "cannot list checkpoints: " + ec.message(), dir_.string()};
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::string> CustodyLog::stored_checkpoint(uint64_t size) const {
  return read_file(dir_ / kCheckpoints / checkpoint_name(size));
}

Result<std::string> CustodyLog::latest_checkpoint() const {
  DOSSIER_ASSIGN_OR_RETURN(std::vector<uint64_t> sizes, checkpoint_sizes());
  if (sizes.empty()) {
    return Error{ErrorCode::kNotFound, "no checkpoint signed yet", (dir_ / kCheckpoints).string()};
  }
  return stored_checkpoint(sizes.back());
}

Result<std::string> CustodyLog::checkpoint() {
  uint64_t n = size();
  auto latest = latest_checkpoint();
  if (latest.has_value()) {
    DOSSIER_ASSIGN_OR_RETURN(Checkpoint old, open_checkpoint(*latest, verifier()));
    if (old.size > n) {
      return Error{ErrorCode::kCorrupt,
                   "the log is shorter than its last checkpoint; run dossier custody verify",
                   dir_.string()};
    }
    DOSSIER_ASSIGN_OR_RETURN(Hash old_root, root(old.size));
    if (old_root != old.root) {
      return Error{ErrorCode::kCorrupt,
                   "the log no longer matches its last checkpoint; run dossier custody verify",
                   dir_.string()};
    }
    if (old.size == n)
      return std::move(latest).value();
  } else if (latest.error().code != ErrorCode::kNotFound) {
    return latest.error();
  }
  DOSSIER_ASSIGN_OR_RETURN(Hash r, root(n));
  std::string note = signer_->sign(encode_checkpoint(Checkpoint{origin(), n, r, {}}));
  DOSSIER_RETURN_IF_ERROR(write_file_atomic(dir_ / kCheckpoints / checkpoint_name(n), note));
  return note;
}

Result<TlogProof> CustodyLog::prove(uint64_t index) {
  if (index >= size()) {
    return Error{ErrorCode::kNotFound, "no log entry " + std::to_string(index), dir_.string()};
  }
  auto latest = latest_checkpoint();
  if (!latest.has_value() && latest.error().code != ErrorCode::kNotFound)
    return latest.error();
  std::string note = latest.has_value() ? std::move(latest).value() : std::string();
  std::optional<Checkpoint> c;
  if (!note.empty()) {
    DOSSIER_ASSIGN_OR_RETURN(Checkpoint old, open_checkpoint(note, verifier()));
    if (old.size > index)
      c = std::move(old);
  }
  if (!c) {
    DOSSIER_ASSIGN_OR_RETURN(note, checkpoint());
    DOSSIER_ASSIGN_OR_RETURN(Checkpoint fresh, open_checkpoint(note, verifier()));
    c = std::move(fresh);
  }
  // A proof is only worth giving if the tree we prove from is the one the checkpoint signed.
  DOSSIER_ASSIGN_OR_RETURN(Hash r, root(c->size));
  if (r != c->root) {
    return Error{ErrorCode::kCorrupt,
                 "the log no longer matches its checkpoint; run dossier custody verify",
                 dir_.string()};
  }
  TlogProof p;
  p.index = index;
  DOSSIER_ASSIGN_OR_RETURN(p.path, inclusion_proof(index, c->size));
  p.checkpoint = std::move(note);
  return p;
}

Result<uint64_t> CustodyLog::find_ingest(const Digest& sha256) const {
  for (uint64_t i = 0; i < size(); ++i) {
    auto bytes = entry(i);
    if (!bytes.has_value())
      continue;
    auto e = parse_entry(*bytes);
    if (!e.has_value())
      continue;
    const auto* in = std::get_if<IngestEntry>(&e.value());
    if (in != nullptr && in->sha256 == sha256)
      return i;
  }
  return Error{ErrorCode::kNotFound, "no INGEST entry for document " + to_hex(sha256),
               dir_.string()};
}

}  // namespace dossier::custody
