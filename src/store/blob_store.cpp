// Write protocol and layout: docs/formats/blobs.md.
#include "store/blob_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <exception>
#include <random>
#include <vector>

#include "core/file_util.h"

namespace dossier::store {

namespace {

constexpr size_t kChunk = size_t{1} << 20;
constexpr mode_t kBlobMode = 0444;

std::atomic<uint64_t> g_temp_counter{0};

// Removes a temp file unless it was moved into place; a failed put leaves nothing behind.
class TempFile {
 public:
  explicit TempFile(std::filesystem::path path) : path_(std::move(path)) {}
  ~TempFile() {
    if (!path_.empty())
      ::unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::filesystem::path& path() const { return path_; }
  void release() { path_.clear(); }

 private:
  std::filesystem::path path_;
};

// Creates dir if missing. Returns true if this call created it, so the caller can fsync the parent
// and make the new entry durable.
Result<bool> ensure_dir(const std::filesystem::path& dir) {
  if (::mkdir(dir.c_str(), 0755) == 0)
    return true;
  if (errno == EEXIST)
    return false;
  int err = errno;
  Error e = errno_error("cannot create a blob store directory", dir, err);
  if (err == ENOENT)
    e.message += "; the project may be missing: run `dossier init`";
  return e;
}

// Atomically moves tmp to final unless final exists. renameat2(RENAME_NOREPLACE) makes "exactly
// one concurrent writer creates the blob" hold across threads and processes; file systems without
// it fall back to link(), which also fails on an existing name.
Result<bool> move_no_replace(const std::filesystem::path& tmp, const std::filesystem::path& final) {
  if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, final.c_str(), RENAME_NOREPLACE) == 0) {
    return true;
  }
  if (errno == EEXIST)
    return false;
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP) {
    return errno_error("cannot move a blob into place", final, errno);
  }
  if (::link(tmp.c_str(), final.c_str()) == 0)
    return true;  // the temp is unlinked by its owner
  if (errno == EEXIST)
    return false;
  return errno_error("cannot move a blob into place", final, errno);
}

// Opens a new temp file; O_EXCL so that a name collision fails rather than shares a file.
Result<UniqueFd> create_temp(const std::filesystem::path& path) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd.valid())
    return errno_error("cannot create a temp file in the blob store", path, errno);
  return fd;
}

// Flushes the content and makes the file read-only before it gets its final name, so a blob is
// never visible writable or partly written.
Status seal(int fd, const std::filesystem::path& path) {
  if (::fchmod(fd, kBlobMode) != 0)
    return errno_error("cannot make a blob read-only", path, errno);
  return fsync_fd(fd, path);
}

Error exception_error(const std::exception& e, const std::filesystem::path& path) {
  return Error{ErrorCode::kInternal, std::string("blob store failed: ") + e.what(), path.string()};
}

}  // namespace

std::filesystem::path BlobStore::path_of(const Digest& digest) const {
  std::string hex = to_hex(digest);
  return root_ / hex.substr(0, 2) / hex.substr(2, 2) / hex;
}

bool BlobStore::contains(const Digest& digest) const {
  struct stat st {};
  return ::stat(path_of(digest).c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::filesystem::path BlobStore::make_temp_path() const {
  // pid separates processes, the counter separates threads and calls in this process, and the
  // random part guards against a pid reused after a crash that left temps behind.
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::array<char, 96> name{};
  std::snprintf(name.data(), name.size(), "put-%ld-%llu-%016llx.tmp", static_cast<long>(::getpid()),
                static_cast<unsigned long long>(g_temp_counter.fetch_add(1)),
                static_cast<unsigned long long>(rng()));
  return root_ / "tmp" / name.data();
}

Result<bool> BlobStore::commit_temp(const std::filesystem::path& tmp, const Digest& digest) const {
  std::filesystem::path final = path_of(digest);
  std::filesystem::path level2 = final.parent_path();
  std::filesystem::path level1 = level2.parent_path();
  DOSSIER_ASSIGN_OR_RETURN(bool new1, ensure_dir(level1));
  if (new1)
    DOSSIER_RETURN_IF_ERROR(fsync_dir(root_));
  DOSSIER_ASSIGN_OR_RETURN(bool new2, ensure_dir(level2));
  if (new2)
    DOSSIER_RETURN_IF_ERROR(fsync_dir(level1));
  DOSSIER_ASSIGN_OR_RETURN(bool created, move_no_replace(tmp, final));
  // Also when another writer won the race: its rename may not be durable yet, and our caller is
  // about to record the blob as stored.
  DOSSIER_RETURN_IF_ERROR(fsync_dir(level2));
  return created;
}

bool BlobStore::failed_writing(const Error& error) const {
  if (error.code == ErrorCode::kDiskFull)
    return true;
  // Errors name the path they are about; everything under the store's root is the store's.
  std::string root = root_.string();
  return error.context.size() > root.size() && error.context.compare(0, root.size(), root) == 0 &&
         error.context[root.size()] == '/';
}

Result<uint64_t> BlobStore::remove_stale_temps() const {
  std::filesystem::path dir = root_ / "tmp";
  std::error_code ec;
  uint64_t freed = 0;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec == std::errc::no_such_file_or_directory)
    return freed;
  if (ec)
    return Error{ErrorCode::kIo, "cannot list the blob store's temp folder: " + ec.message(),
                 dir.string()};
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (ec)
      break;
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode))
      continue;
    if (::unlink(it->path().c_str()) == 0)
      freed += static_cast<uint64_t>(st.st_size);
  }
  if (ec)
    return Error{ErrorCode::kIo, "cannot list the blob store's temp folder: " + ec.message(),
                 dir.string()};
  return freed;
}

Result<PutResult> BlobStore::put_file(const std::filesystem::path& source) const {
  try {
    DOSSIER_ASSIGN_OR_RETURN(UniqueFd in, open_read(source));
    DOSSIER_RETURN_IF_ERROR(ensure_dir(root_ / "tmp"));
    TempFile tmp(make_temp_path());
    DOSSIER_ASSIGN_OR_RETURN(UniqueFd out, create_temp(tmp.path()));
    Sha256 hasher;
    PutResult result;
    std::vector<uint8_t> buf(kChunk);
    for (;;) {
      DOSSIER_ASSIGN_OR_RETURN(size_t n, read_some(in.get(), buf, source));
      if (n == 0)
        break;
      std::span<const uint8_t> chunk(buf.data(), n);
      hasher.update(chunk);
      DOSSIER_RETURN_IF_ERROR(write_all(out.get(), chunk, tmp.path()));
      result.size += n;
    }
    DOSSIER_RETURN_IF_ERROR(seal(out.get(), tmp.path()));
    out.reset();
    result.digest = hasher.finish();
    DOSSIER_ASSIGN_OR_RETURN(result.created, commit_temp(tmp.path(), result.digest));
    // After a rename the temp name is gone and unlink is a harmless ENOENT; after link() or when
    // the blob already existed, the destructor removes the temp.
    return result;
  } catch (const std::exception& e) {
    return exception_error(e, source);
  }
}

Result<PutResult> BlobStore::put_bytes(std::span<const uint8_t> bytes) const {
  try {
    PutResult result;
    result.digest = sha256(bytes);
    result.size = bytes.size();
    // The digest is known before writing, so a duplicate (the same attachment in a thousand
    // emails) costs no write at all.
    if (contains(result.digest))
      return result;
    DOSSIER_RETURN_IF_ERROR(ensure_dir(root_ / "tmp"));
    TempFile tmp(make_temp_path());
    {
      DOSSIER_ASSIGN_OR_RETURN(UniqueFd out, create_temp(tmp.path()));
      DOSSIER_RETURN_IF_ERROR(write_all(out.get(), bytes, tmp.path()));
      DOSSIER_RETURN_IF_ERROR(seal(out.get(), tmp.path()));
    }
    DOSSIER_ASSIGN_OR_RETURN(result.created, commit_temp(tmp.path(), result.digest));
    return result;
  } catch (const std::exception& e) {
    return exception_error(e, root_);
  }
}

}  // namespace dossier::store
