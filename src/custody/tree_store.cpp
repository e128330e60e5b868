#include "custody/tree_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace dossier::custody {
namespace {

std::filesystem::path level_path(const std::filesystem::path& dir, unsigned level) {
  std::string name = std::to_string(level);
  return dir / ("level-" + std::string(name.size() < 2 ? 1 : 0, '0') + name);
}

}  // namespace

Result<TreeStore> TreeStore::open(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return Error{ErrorCode::kIo, "cannot create tree cache: " + ec.message(), dir.string()};
  TreeStore t;
  t.dir_ = dir;
  DOSSIER_RETURN_IF_ERROR(t.open_level(0));
  for (unsigned k = 1; (t.counts_[k - 1] >> 1) > 0 || std::filesystem::exists(level_path(dir, k));
       ++k) {
    DOSSIER_RETURN_IF_ERROR(t.open_level(k));
    DOSSIER_RETURN_IF_ERROR(t.repair_level(k));
  }
  t.pending_left_.resize(t.counts_.size());
  for (unsigned k = 0; k < t.counts_.size(); ++k) {
    if (t.counts_[k] % 2 == 1) {
      DOSSIER_ASSIGN_OR_RETURN(t.pending_left_[k], t.node(k, t.counts_[k] - 1));
    }
  }
  return t;
}

Status TreeStore::open_level(unsigned level) {
  std::filesystem::path p = level_path(dir_, level);
  UniqueFd fd(::open(p.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!fd.valid())
    return errno_error("cannot open tree cache", p, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0)
    return errno_error("cannot stat", p, errno);
  uint64_t count = static_cast<uint64_t>(st.st_size) / 32;
  if (static_cast<uint64_t>(st.st_size) % 32 != 0 &&
      ::ftruncate(fd.get(), static_cast<off_t>(count * 32)) != 0) {
    return errno_error("cannot truncate torn tree cache", p, errno);
  }
  files_.push_back(std::move(fd));
  counts_.push_back(count);
  return ok_status();
}

// Level k must hold exactly count(k-1)/2 nodes.
Status TreeStore::repair_level(unsigned level) {
  uint64_t want = counts_[level - 1] >> 1;
  if (counts_[level] > want) {
    if (::ftruncate(files_[level].get(), static_cast<off_t>(want * 32)) != 0) {
      return errno_error("cannot truncate tree cache", level_path(dir_, level), errno);
    }
    counts_[level] = want;
  }
  std::vector<Hash> add;
  for (uint64_t i = counts_[level]; i < want; ++i) {
    DOSSIER_ASSIGN_OR_RETURN(Hash l, node(level - 1, 2 * i));
    DOSSIER_ASSIGN_OR_RETURN(Hash r, node(level - 1, 2 * i + 1));
    add.push_back(node_hash(l, r));
  }
  if (add.empty())
    return ok_status();
  std::filesystem::path p = level_path(dir_, level);
  if (::lseek(files_[level].get(), static_cast<off_t>(counts_[level] * 32), SEEK_SET) < 0) {
    return errno_error("cannot seek", p, errno);
  }
  DOSSIER_RETURN_IF_ERROR(
      write_all(files_[level].get(),
                std::span<const uint8_t>(add.front().data(), add.size() * sizeof(Hash)), p));
  counts_[level] = want;
  return ok_status();
}

Result<Hash> TreeStore::node(unsigned level, uint64_t index) const {
  if (level >= counts_.size() || index >= counts_[level]) {
    return Error{ErrorCode::kInvalidInput, "no such complete subtree in the tree cache",
                 dir_.string()};
  }
  Hash h{};
  ssize_t n = ::pread(files_[level].get(), h.data(), h.size(), static_cast<off_t>(index * 32));
  if (n != static_cast<ssize_t>(h.size())) {
    return errno_error("cannot read tree cache", level_path(dir_, level), n < 0 ? errno : EIO);
  }
  return h;
}

Result<std::vector<Hash>> TreeStore::leaves(uint64_t begin, uint64_t count) const {
  if (begin + count > size()) {
    return Error{ErrorCode::kInvalidInput, "leaf range beyond the tree cache", dir_.string()};
  }
  std::vector<Hash> out(count);
  size_t bytes = count * sizeof(Hash);
  ssize_t n =
      bytes == 0 ? 0 : ::pread(files_[0].get(), out.data(), bytes, static_cast<off_t>(begin * 32));
  if (n != static_cast<ssize_t>(bytes)) {
    return errno_error("cannot read tree cache", level_path(dir_, 0), n < 0 ? errno : EIO);
  }
  return out;
}

Status TreeStore::append(std::span<const Hash> leaves) {
  if (leaves.empty())
    return ok_status();
  if (counts_.empty())
    return Error{ErrorCode::kInternal, "tree store not open", dir_.string()};
  // All or nothing: a write that fails (a full disk) leaves the store as it was, so that the log
  // can take its entries back and stay consistent with the cache without reopening it.
  const std::vector<uint64_t> counts_before = counts_;
  const std::vector<Hash> pending_before = pending_left_;
  std::vector<std::vector<Hash>> added(1);
  added[0].assign(leaves.begin(), leaves.end());
  Status st = ok_status();
  // Each new node at level k may finish a node at level k+1, paired with the frontier node.
  for (size_t k = 0; st.has_value() && !added[k].empty(); ++k) {
    if (pending_left_.size() <= k + 1)
      pending_left_.resize(k + 2);
    if (counts_.size() <= k + 1)
      st = open_level(static_cast<unsigned>(k + 1));
    added.emplace_back();
    uint64_t count = counts_[k];
    for (const Hash& h : added[k]) {
      if (count % 2 == 1) {
        added[k + 1].push_back(node_hash(pending_left_[k], h));
      } else {
        pending_left_[k] = h;
      }
      ++count;
    }
  }
  for (size_t k = 0; st.has_value() && k < added.size() && !added[k].empty(); ++k) {
    std::filesystem::path p = level_path(dir_, static_cast<unsigned>(k));
    if (::lseek(files_[k].get(), static_cast<off_t>(counts_[k] * 32), SEEK_SET) < 0) {
      st = errno_error("cannot seek", p, errno);
      break;
    }
    st = write_all(
        files_[k].get(),
        std::span<const uint8_t>(added[k].front().data(), added[k].size() * sizeof(Hash)), p);
    if (st.has_value())
      counts_[k] += added[k].size();
  }
  if (st.has_value())
    return st;
  for (size_t k = 0; k < counts_.size(); ++k) {
    counts_[k] = k < counts_before.size() ? counts_before[k] : 0;
    // Shrinking needs no space; a failure here shows as a cache mismatch, repaired at open.
    (void)::ftruncate(files_[k].get(), static_cast<off_t>(counts_[k] * 32));
  }
  pending_left_ = pending_before;
  return st;
}

Status TreeStore::truncate(uint64_t n) {
  for (unsigned k = 0; k < counts_.size(); ++k) {
    uint64_t want = n >> k;
    if (counts_[k] <= want)
      continue;
    if (::ftruncate(files_[k].get(), static_cast<off_t>(want * 32)) != 0) {
      return errno_error("cannot truncate tree cache", level_path(dir_, k), errno);
    }
    counts_[k] = want;
    if (want % 2 == 1) {
      DOSSIER_ASSIGN_OR_RETURN(pending_left_[k], node(k, want - 1));
    }
  }
  return ok_status();
}

}  // namespace dossier::custody
