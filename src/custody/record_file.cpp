#include "custody/record_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>

#include "core/time_util.h"
#include "custody/codec.h"

namespace dossier::custody {
namespace {

std::span<const uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

Result<UniqueFd> open_locked(const std::filesystem::path& path, int flags) {
  UniqueFd fd(::open(path.c_str(), flags | O_RDWR | O_CLOEXEC, 0644));
  if (!fd.valid())
    return errno_error("cannot open custody log", path, errno);
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      return Error{ErrorCode::kIo,
                   "another dossier process has this custody log open; wait for it to finish",
                   path.string()};
    }
    return errno_error("cannot lock custody log", path, errno);
  }
  return fd;
}

}  // namespace

Result<RecordFile> RecordFile::create(const std::filesystem::path& path) {
  RecordFile f;
  f.path_ = path;
  DOSSIER_ASSIGN_OR_RETURN(f.fd_, open_locked(path, O_CREAT | O_EXCL));
  DOSSIER_RETURN_IF_ERROR(write_all(f.fd_.get(), as_bytes(kLogMagic), path));
  DOSSIER_RETURN_IF_ERROR(fsync_fd(f.fd_.get(), path));
  DOSSIER_RETURN_IF_ERROR(fsync_dir(path.parent_path()));
  f.end_ = kLogMagic.size();
  return f;
}

Result<RecordFile> RecordFile::open(const std::filesystem::path& path) {
  RecordFile f;
  f.path_ = path;
  DOSSIER_ASSIGN_OR_RETURN(f.fd_, open_locked(path, 0));
  DOSSIER_RETURN_IF_ERROR(f.scan(path.parent_path() / "torn"));
  return f;
}

// Walks the record headers. Only the final record's CRC is checked here (a crash tears the
// tail, not the middle); verify() checks every CRC.
Status RecordFile::scan(const std::filesystem::path& torn_dir) {
  DOSSIER_ASSIGN_OR_RETURN(MappedFile map, MappedFile::open(path_));
  std::span<const uint8_t> b = map.bytes();
  std::string_view head(reinterpret_cast<const char*>(b.data()),
                        std::min(b.size(), kLogMagic.size()));
  if (head != kLogMagic) {
    return Error{ErrorCode::kCorrupt, "not a dossier custody log (bad first line)", path_.string()};
  }
  uint64_t pos = kLogMagic.size();
  uint64_t good_end = pos;
  while (pos < b.size()) {
    if (b.size() - pos < 8)
      break;
    uint32_t len = get_be32(b.data() + pos);
    if (len == 0 || len > kMaxRecordBytes || b.size() - pos - 8 < len)
      break;
    uint64_t next = pos + 8 + len;
    if (next == b.size() && crc32c(b.subspan(pos + 8, len)) != get_be32(b.data() + pos + 4))
      break;
    offsets_.push_back(pos);
    pos = next;
    good_end = pos;
  }
  end_ = good_end;
  if (good_end == b.size())
    return ok_status();
  // Keep the torn bytes as evidence before cutting them off.
  torn_bytes_ = b.size() - good_end;
  std::error_code ec;
  std::filesystem::create_directories(torn_dir, ec);
  torn_path_ = torn_dir / (std::to_string(now_unix()) + "-at-" + std::to_string(good_end) + ".bin");
  std::string_view tail(reinterpret_cast<const char*>(b.data() + good_end), torn_bytes_);
  DOSSIER_RETURN_IF_ERROR(write_file_atomic(torn_path_, tail, 0600));
  if (::ftruncate(fd_.get(), static_cast<off_t>(good_end)) != 0) {
    return errno_error("cannot truncate torn custody log tail", path_, errno);
  }
  return fsync_fd(fd_.get(), path_);
}

Status RecordFile::append(std::span<const std::string> entries) {
  if (entries.empty())
    return ok_status();
  std::string buf;
  std::vector<uint64_t> starts;
  for (const std::string& e : entries) {
    DOSSIER_CHECK(!e.empty() && e.size() <= kMaxRecordBytes);
    starts.push_back(end_ + buf.size());
    std::array<uint8_t, 8> hdr{};
    put_be32(hdr.data(), static_cast<uint32_t>(e.size()));
    put_be32(hdr.data() + 4, crc32c(as_bytes(e)));
    buf.append(reinterpret_cast<const char*>(hdr.data()), hdr.size());
    buf.append(e);
  }
  Status st = ok_status();
  if (::lseek(fd_.get(), static_cast<off_t>(end_), SEEK_SET) < 0) {
    st = errno_error("cannot seek custody log", path_, errno);
  }
  if (st.has_value())
    st = write_all(fd_.get(), as_bytes(buf), path_);
  if (st.has_value())
    st = fsync_fd(fd_.get(), path_);
  if (!st.has_value()) {
    // Best effort: leave no partial batch behind (open() would cut it anyway).
    if (::ftruncate(fd_.get(), static_cast<off_t>(end_)) == 0)
      (void)::fsync(fd_.get());
    return st;
  }
  end_ += buf.size();
  offsets_.insert(offsets_.end(), starts.begin(), starts.end());
  return ok_status();
}

Status RecordFile::truncate(uint64_t n) {
  DOSSIER_CHECK(n <= offsets_.size());
  if (n == offsets_.size())
    return ok_status();
  const uint64_t end = offsets_[n];
  if (::ftruncate(fd_.get(), static_cast<off_t>(end)) != 0)
    return errno_error("cannot truncate custody log", path_, errno);
  DOSSIER_RETURN_IF_ERROR(fsync_fd(fd_.get(), path_));
  offsets_.resize(n);
  end_ = end;
  return ok_status();
}

Result<std::string> RecordFile::read_raw(uint64_t index, bool& crc_ok) const {
  if (index >= offsets_.size()) {
    return Error{ErrorCode::kNotFound, "no log entry " + std::to_string(index), path_.string()};
  }
  uint64_t off = offsets_[index];
  uint64_t stop = index + 1 < offsets_.size() ? offsets_[index + 1] : end_;
  std::string rec(stop - off, '\0');
  ssize_t n = ::pread(fd_.get(), rec.data(), rec.size(), static_cast<off_t>(off));
  if (n != static_cast<ssize_t>(rec.size())) {
    return errno_error("cannot read custody log", path_, n < 0 ? errno : EIO);
  }
  const auto* p = reinterpret_cast<const uint8_t*>(rec.data());
  uint32_t len = get_be32(p);
  if (len != rec.size() - 8) {
    return Error{ErrorCode::kCorrupt, "record length changed on disk", path_.string()};
  }
  std::string entry = rec.substr(8);
  crc_ok = crc32c(as_bytes(entry)) == get_be32(p + 4);
  return entry;
}

Status RecordFile::for_each(const std::function<void(uint64_t, std::string_view, bool)>& fn) const {
  DOSSIER_ASSIGN_OR_RETURN(MappedFile map, MappedFile::open(path_));
  std::span<const uint8_t> b = map.bytes();
  if (b.size() < end_)
    return Error{ErrorCode::kCorrupt, "custody log shrank", path_.string()};
  for (uint64_t i = 0; i < offsets_.size(); ++i) {
    uint64_t off = offsets_[i];
    uint64_t stop = i + 1 < offsets_.size() ? offsets_[i + 1] : end_;
    uint32_t len = get_be32(b.data() + off);
    if (len != stop - off - 8) {
      fn(i, {}, false);
      continue;
    }
    std::span<const uint8_t> entry = b.subspan(off + 8, len);
    bool crc_ok = crc32c(entry) == get_be32(b.data() + off + 4);
    fn(i, std::string_view(reinterpret_cast<const char*>(entry.data()), len), crc_ok);
  }
  return ok_status();
}

Result<std::string> RecordFile::read(uint64_t index) const {
  bool crc_ok = false;
  DOSSIER_ASSIGN_OR_RETURN(std::string e, read_raw(index, crc_ok));
  if (!crc_ok) {
    return Error{ErrorCode::kCorrupt,
                 "log entry " + std::to_string(index) + " fails its checksum: altered on disk",
                 path_.string()};
  }
  return e;
}

}  // namespace dossier::custody
