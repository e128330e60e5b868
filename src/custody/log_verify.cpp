// CustodyLog::verify and verify_blobs: recompute everything, trust nothing cached.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <set>
#include <system_error>
#include <thread>

#include "core/file_util.h"
#include "custody/entry.h"
#include "custody/log.h"

namespace dossier::custody {
namespace {

// A MemoryTree answers every in-range subtree, so this cannot fail for size <= t.size().
Hash root_of_tree(const MemoryTree& t, uint64_t size) {
  auto r = root_at(t, size);
  return r.has_value() ? *r : Hash{};
}

std::string document_of(std::string_view bytes) {
  auto e = parse_entry(bytes);
  if (!e.has_value())
    return {};
  if (const auto* in = std::get_if<IngestEntry>(&e.value()))
    return to_hex(in->sha256);
  return to_hex(std::get<DeriveEntry>(e.value()).input);
}

void check_since(const NodeReader& tree, const Verifier& verifier, std::string_view since,
                 std::vector<Problem>& out) {
  auto old = open_checkpoint(since, verifier);
  if (!old.has_value()) {
    out.push_back({ProblemKind::kBadCheckpoint,
                   std::nullopt,
                   {},
                   "the saved checkpoint does not verify with this project's key (" +
                       old.error().message +
                       "); if it is from this project, its key was replaced"});
    return;
  }
  uint64_t n = tree.size();
  if (old->size > n) {
    out.push_back({ProblemKind::kHistoryRewritten,
                   n,
                   {},
                   "the saved checkpoint covers " + std::to_string(old->size) +
                       " entries but the log now has only " + std::to_string(n)});
    return;
  }
  if (old->size == 0)
    return;  // the empty tree is a prefix of every tree
  auto proof = consistency_proof(tree, old->size, n);
  auto now = root_at(tree, n);
  Status ok = proof.has_value() && now.has_value()
                  ? verify_consistency(old->size, n, *proof, old->root, *now)
                  : Status(Error{ErrorCode::kInternal, "cannot build a consistency proof", {}});
  if (!ok.has_value()) {
    out.push_back({ProblemKind::kHistoryRewritten,
                   std::nullopt,
                   {},
                   "the log is not an extension of the saved checkpoint at size " +
                       std::to_string(old->size) + ": " + ok.error().message +
                       " (entries before it were changed and the log rebuilt)"});
  }
}

}  // namespace

void CustodyLog::check_stored(const MemoryTree& tree, uint64_t name_size,
                              std::vector<Problem>& out) const {
  std::string where = "checkpoint " + std::to_string(name_size);
  auto note = stored_checkpoint(name_size);
  auto c = note.has_value() ? open_checkpoint(*note, verifier()) : Result<Checkpoint>(note.error());
  uint64_t n = tree.size();
  if (!c.has_value()) {
    out.push_back(
        {ProblemKind::kBadCheckpoint, std::nullopt, {}, where + ": " + c.error().message});
  } else if (c->size != name_size) {
    out.push_back({ProblemKind::kBadCheckpoint,
                   std::nullopt,
                   {},
                   where + ": file name and tree size differ"});
  } else if (c->size > n) {
    out.push_back({ProblemKind::kEntryMissing,
                   n,
                   {},
                   where + " was signed for " + std::to_string(c->size) +
                       " entries but the log has only " + std::to_string(n)});
  } else if (root_of_tree(tree, c->size) != c->root) {
    out.push_back({ProblemKind::kHistoryRewritten,
                   std::nullopt,
                   {},
                   where + ": the first " + std::to_string(c->size) +
                       " entries no longer hash to the signed root"});
  }
}

std::vector<Problem> CustodyLog::verify(const std::optional<std::string>& since_checkpoint) const {
  std::vector<Problem> out;
  uint64_t n = size();
  MemoryTree tree;
  uint64_t altered = 0;
  auto cached = tree_.leaves(0, std::min<uint64_t>(n, tree_.size()));
  auto report = [&](uint64_t i, std::string_view bytes, std::string detail) {
    out.push_back({ProblemKind::kEntryAltered, i, document_of(bytes),
                   "entry " + std::to_string(i) + " " + std::move(detail)});
    ++altered;
  };
  Status read = records_.for_each([&](uint64_t i, std::string_view bytes, bool crc_ok) {
    const Hash* was = cached.has_value() && i < cached->size() ? &(*cached)[i] : nullptr;
    if (bytes.empty()) {
      tree.append(was != nullptr ? *was : Hash{});
      return report(i, bytes, "has a record length that changed on disk");
    }
    Hash leaf = leaf_hash(bytes);
    tree.append(leaf);
    if (!crc_ok) {
      report(i, bytes, "fails its checksum: altered on disk");
    } else if (was == nullptr || *was != leaf) {
      report(i, bytes, "no longer hashes to the leaf recorded when it was logged");
    }
  });
  if (!read.has_value()) {
    out.push_back({ProblemKind::kEntryAltered, std::nullopt, {}, read.error().to_string()});
    return out;
  }
  auto cached_root = root_at(tree_, n);
  if (altered == 0 && (!cached_root.has_value() || *cached_root != root_of_tree(tree, n))) {
    out.push_back({ProblemKind::kCacheMismatch,
                   std::nullopt,
                   {},
                   "the tree cache disagrees with the entries; delete custody/tree to rebuild it"});
  }
  auto sizes = checkpoint_sizes();
  if (!sizes.has_value()) {
    out.push_back({ProblemKind::kBadCheckpoint, std::nullopt, {}, sizes.error().to_string()});
  } else {
    for (uint64_t name_size : *sizes)
      check_stored(tree, name_size, out);
  }
  if (since_checkpoint)
    check_since(tree, verifier(), *since_checkpoint, out);
  return out;
}

namespace {

struct BlobCheck {
  uint64_t index = 0;  // the document's first INGEST entry
  Digest id{};
  uint64_t size = 0;
  std::optional<std::filesystem::path> path;
  std::optional<Problem> problem;  // the result
};

// Hashes one original: open, fstat, 1 MiB reads, close (no other system calls: at a million
// small blobs the syscalls cost as much as the hashing).
void check_blob(BlobCheck& c, std::vector<uint8_t>& buf) {
  std::string id = to_hex(c.id);
  auto missing = [&](std::string detail) {
    c.problem = Problem{ProblemKind::kBlobMissing, c.index, id, std::move(detail)};
  };
  if (!c.path)
    return missing("the original is not in the blob store");
  UniqueFd fd(::open(c.path->c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.valid()) {
    return missing(errno == ENOENT
                       ? "the original is not in the blob store"
                       : "cannot open the original: " + std::system_category().message(errno));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
    return missing("the blob store holds something that is not a file");
  (void)::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
  Sha256 h;
  uint64_t total = 0;
  for (;;) {
    auto n = read_some(fd.get(), buf, *c.path);
    if (!n.has_value())
      return missing(n.error().to_string());
    if (*n == 0)
      break;
    h.update(std::span<const uint8_t>(buf.data(), *n));
    total += *n;
  }
  Digest digest = h.finish();
  if (digest != c.id || total != c.size) {
    c.problem = Problem{ProblemKind::kBlobModified, c.index, id,
                        "the stored original now hashes to " + to_hex(digest) + " (" +
                            std::to_string(total) + " bytes, logged " + std::to_string(c.size) +
                            "), not to its id"};
  }
}

}  // namespace

std::vector<Problem> verify_blobs(
    const CustodyLog& log,
    const std::function<std::optional<std::filesystem::path>(const Digest&)>& blob_path) {
  // One pass over the entries through the log's memory map, then the originals in parallel:
  // hashing is the cost, and the machine's cores are idle otherwise.
  std::vector<BlobCheck> checks;
  std::set<Digest> seen;
  Status read = log.for_each_entry([&](uint64_t i, std::string_view bytes, bool crc_ok) {
    if (!crc_ok || bytes.empty())
      return;  // verify() reports altered entries
    auto e = parse_entry(bytes);
    if (!e.has_value())
      return;
    const auto* in = std::get_if<IngestEntry>(&e.value());
    if (in == nullptr || !seen.insert(in->sha256).second)
      return;
    checks.push_back({i, in->sha256, in->size, blob_path(in->sha256), std::nullopt});
  });
  std::vector<Problem> out;
  if (!read.has_value()) {
    out.push_back({ProblemKind::kEntryAltered, std::nullopt, {}, read.error().to_string()});
    return out;
  }
  std::atomic<size_t> next{0};
  auto work = [&] {
    std::vector<uint8_t> buf(1 << 20);
    for (size_t k = next++; k < checks.size(); k = next++)
      check_blob(checks[k], buf);
  };
  unsigned threads = std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
  threads = static_cast<unsigned>(std::min<size_t>(threads, checks.size() / 16 + 1));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t)
    pool.emplace_back(work);
  work();
  for (auto& t : pool)
    t.join();
  for (auto& c : checks) {
    if (c.problem)
      out.push_back(std::move(*c.problem));
  }
  return out;
}

}  // namespace dossier::custody
