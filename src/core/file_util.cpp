#include "core/file_util.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace dossier {

void UniqueFd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

Error errno_error(std::string_view what, const std::filesystem::path& path, int err) {
  std::string msg = std::string(what) + ": " + std::strerror(err);
  ErrorCode code = ErrorCode::kIo;
  if (err == ENOENT) {
    code = ErrorCode::kNotFound;
  } else if (err == ENOSPC || err == EDQUOT) {
    code = ErrorCode::kDiskFull;
    msg += "; the disk is full: free space and run the same command again, it resumes";
  } else if (err == EIO) {
    msg += "; the disk reported an error: check it (dmesg) before running the command again";
  } else if (err == EACCES || err == EPERM) {
    msg += "; check the file's permissions";
  }
  return Error{code, std::move(msg), path.string()};
}

MappedFile::~MappedFile() {
  if (data_ != nullptr && size_ > 0) ::munmap(const_cast<uint8_t*>(data_), size_);
}

MappedFile::MappedFile(MappedFile&& o) noexcept
    : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)) {}

MappedFile& MappedFile::operator=(MappedFile&& o) noexcept {
  if (this != &o) {
    if (data_ != nullptr && size_ > 0) ::munmap(const_cast<uint8_t*>(data_), size_);
    data_ = std::exchange(o.data_, nullptr);
    size_ = std::exchange(o.size_, 0);
  }
  return *this;
}

Result<MappedFile> MappedFile::open(const std::filesystem::path& path) {
  DOSSIER_ASSIGN_OR_RETURN(UniqueFd fd, open_read(path));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return errno_error("cannot stat", path, errno);
  MappedFile m;
  if (st.st_size == 0) return m;
  void* p = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd.get(), 0);
  if (p == MAP_FAILED) return errno_error("cannot map", path, errno);
  m.data_ = static_cast<const uint8_t*>(p);
  m.size_ = static_cast<size_t>(st.st_size);
  return m;
}

Result<UniqueFd> open_read(const std::filesystem::path& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return errno_error("cannot open", path, errno);
  return fd;
}

Result<size_t> read_some(int fd, std::span<uint8_t> buf, const std::filesystem::path& path) {
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n >= 0) return static_cast<size_t>(n);
    if (errno != EINTR) return errno_error("cannot read", path, errno);
  }
}

Status write_all(int fd, std::span<const uint8_t> bytes, const std::filesystem::path& path) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_error("cannot write", path, errno);
    }
    bytes = bytes.subspan(static_cast<size_t>(n));
  }
  return ok_status();
}

Status fsync_fd(int fd, const std::filesystem::path& path) {
  if (::fsync(fd) != 0) return errno_error("cannot fsync", path, errno);
  return ok_status();
}

Status fsync_dir(const std::filesystem::path& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return errno_error("cannot open directory", dir, errno);
  return fsync_fd(fd.get(), dir);
}

Result<std::string> read_file(const std::filesystem::path& path) {
  DOSSIER_ASSIGN_OR_RETURN(UniqueFd fd, open_read(path));
  std::string out;
  std::string buf(1 << 16, '\0');
  for (;;) {
    DOSSIER_ASSIGN_OR_RETURN(
        size_t n, read_some(fd.get(), std::span<uint8_t>(reinterpret_cast<uint8_t*>(buf.data()), buf.size()), path));
    if (n == 0) break;
    out.append(buf.data(), n);
  }
  return out;
}

Status write_file_atomic(const std::filesystem::path& path, std::string_view contents, int mode) {
  std::filesystem::path tmp = path;
  tmp += ".tmp." + std::to_string(::getpid());
  {
    UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
    if (!fd.valid()) return errno_error("cannot create", tmp, errno);
    DOSSIER_RETURN_IF_ERROR(write_all(
        fd.get(), std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(contents.data()), contents.size()), tmp));
    DOSSIER_RETURN_IF_ERROR(fsync_fd(fd.get(), tmp));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return errno_error("cannot rename into place", path, err);
  }
  return fsync_dir(path.has_parent_path() ? path.parent_path() : std::filesystem::path("."));
}

}  // namespace dossier
