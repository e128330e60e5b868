// The append-only entries file: a magic line, then records of
//   uint32 BE length | uint32 BE CRC-32C(entry) | entry bytes
// Appends are written in one write() and fsynced before they count. open() truncates a torn
// tail (an incomplete record, or a final record whose CRC fails, as a crash leaves it) after
// saving its bytes under torn/, so nothing is ever half-read and nothing is silently lost.
// Not thread-safe; one RecordFile per process (an exclusive flock enforces it).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/file_util.h"
#include "core/result.h"

namespace dossier::custody {

inline constexpr std::string_view kLogMagic = "dossier-custody-log v1\n";
inline constexpr uint32_t kMaxRecordBytes = 16u << 20;

class RecordFile {
 public:
  RecordFile() = default;
  RecordFile(RecordFile&&) noexcept = default;
  RecordFile& operator=(RecordFile&&) noexcept = default;

  // Creates the file with its magic line. kIo if it already exists.
  static Result<RecordFile> create(const std::filesystem::path& path);
  // Opens, locks, indexes the records and recovers a torn tail into torn/ next to the file.
  static Result<RecordFile> open(const std::filesystem::path& path);

  uint64_t size() const { return offsets_.size(); }
  // Bytes cut off a torn tail at open (0 normally); they are kept in torn_path().
  uint64_t torn_bytes() const { return torn_bytes_; }
  const std::filesystem::path& torn_path() const { return torn_path_; }

  // Appends every entry in one write and fsyncs. On failure nothing is appended (the file is
  // truncated back). REQUIRES: each entry is non-empty and at most kMaxRecordBytes.
  Status append(std::span<const std::string> entries);
  // Takes back the records from index n on, which the caller has just appended and nothing
  // refers to yet (their batch failed after the append). REQUIRES: n <= size().
  Status truncate(uint64_t n);
  // The entry bytes; kCorrupt if the record's CRC fails (the entry was altered on disk).
  Result<std::string> read(uint64_t index) const;
  // Like read() but returns bytes even if the CRC fails; crc_ok tells which.
  Result<std::string> read_raw(uint64_t index, bool& crc_ok) const;
  // Calls fn(index, bytes, crc_ok) for every record in order, reading through one memory map
  // (verify() at a million entries). A record whose length field changed is passed as empty
  // bytes with crc_ok false.
  Status for_each(const std::function<void(uint64_t, std::string_view, bool)>& fn) const;

 private:
  Status scan(const std::filesystem::path& torn_dir);

  std::filesystem::path path_;
  UniqueFd fd_;
  uint64_t end_ = 0;               // file size = offset of the next record
  std::vector<uint64_t> offsets_;  // start of each record's header
  uint64_t torn_bytes_ = 0;
  std::filesystem::path torn_path_;
};

}  // namespace dossier::custody
