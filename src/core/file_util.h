// Small POSIX file helpers with RAII descriptors and errors that name the path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "core/result.h"

namespace dossier {

// Owns a file descriptor; closes it on destruction.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.release()) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    if (this != &o) reset(o.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

// A read-only memory map of a whole file. Empty files map to an empty span.
class MappedFile {
 public:
  MappedFile() = default;
  ~MappedFile();
  MappedFile(MappedFile&& o) noexcept;
  MappedFile& operator=(MappedFile&& o) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  static Result<MappedFile> open(const std::filesystem::path& path);
  std::span<const uint8_t> bytes() const { return {data_, size_}; }
  std::string_view view() const { return {reinterpret_cast<const char*>(data_), size_}; }

 private:
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

// Error for a failed syscall: errno text plus what to do where we know.
Error errno_error(std::string_view what, const std::filesystem::path& path, int err);

Result<UniqueFd> open_read(const std::filesystem::path& path);
// Reads up to buf.size() bytes, retrying EINTR; 0 means end of file.
Result<size_t> read_some(int fd, std::span<uint8_t> buf, const std::filesystem::path& path);
Status write_all(int fd, std::span<const uint8_t> bytes, const std::filesystem::path& path);
Status fsync_fd(int fd, const std::filesystem::path& path);
// fsyncs a directory so that a rename inside it is durable.
Status fsync_dir(const std::filesystem::path& dir);

Result<std::string> read_file(const std::filesystem::path& path);
// Writes to PATH.tmp.<pid>, fsyncs, renames over PATH and fsyncs the directory.
Status write_file_atomic(const std::filesystem::path& path, std::string_view contents, int mode = 0644);

}  // namespace dossier
