// A reader for the Compound File Binary format (MS-CFB, "OLE2 storage"): the container of Word
// 97-2003, Excel 97-2003, PowerPoint 97-2003, Outlook MSG and many other legacy files.
//
// Hostile input is the normal case: every sector number is bounds-checked, every chain (FAT,
// DIFAT, miniFAT, directory tree) is walked with cycle detection, so a malformed file yields an
// Error and never loops or reads outside the span.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace dossier::extract {

inline constexpr uint8_t kCfbMagic[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};

// True when the bytes start with the CFB signature.
bool is_cfb(std::span<const uint8_t> head);

enum class CfbType : uint8_t { kUnknown = 0, kStorage = 1, kStream = 2, kRoot = 5 };

struct CfbEntry {
  uint32_t id = 0;   // directory entry number
  int parent = -1;   // index into entries() of the containing storage; -1 for the root
  std::string name;  // UTF-8
  std::string path;  // "Storage/Sub/Stream"; "" for the root
  CfbType type = CfbType::kUnknown;
  uint64_t size = 0;             // stream size in bytes
  uint32_t start = 0;            // first sector (or mini sector)
  std::vector<size_t> children;  // indexes into entries()
};

// Owns nothing but its tables: the byte span must outlive the reader. Immutable after open(),
// so const methods are thread-safe.
class CfbReader {
 public:
  // Validates the header, loads the FAT, miniFAT and directory. kCorrupt with a reason when the
  // file is not a readable compound file.
  static Result<CfbReader> open(std::span<const uint8_t> bytes);

  const std::vector<CfbEntry>& entries() const { return entries_; }
  const CfbEntry& root() const { return entries_[0]; }
  // The child of `storage` named `name` (case-insensitive, as CFB compares), or nullptr.
  const CfbEntry* child(const CfbEntry& storage, std::string_view name) const;
  // The entry at a '/'-separated path from the root, or nullptr.
  const CfbEntry* find(std::string_view path) const;

  // The stream's bytes. kLimit when the stream is larger than `max_bytes`; kCorrupt when its
  // sector chain is broken (out of range, a cycle, shorter than the declared size).
  Result<std::string> read_stream(const CfbEntry& entry, uint64_t max_bytes = 512ull << 20) const;

 private:
  CfbReader() = default;
  Status load_fat();
  Status load_directory();
  Status load_mini();
  Result<std::vector<uint32_t>> chain(uint32_t start, const std::vector<uint32_t>& fat,
                                      uint64_t max_sectors) const;
  Result<std::string> read_chain(uint32_t start, uint64_t size, bool mini) const;

  std::span<const uint8_t> bytes_;
  uint32_t sector_size_ = 512;
  uint32_t mini_sector_size_ = 64;
  uint32_t mini_cutoff_ = 4096;
  uint32_t first_dir_ = 0;
  uint32_t first_minifat_ = 0;
  uint32_t num_minifat_ = 0;
  std::vector<uint32_t> fat_;
  std::vector<uint32_t> minifat_;
  std::string mini_stream_;
  std::vector<CfbEntry> entries_;
};

// Little-endian reads that return 0 past the end, for parsers over untrusted buffers.
uint16_t le16(std::string_view s, size_t at);
uint32_t le32(std::string_view s, size_t at);
uint64_t le64(std::string_view s, size_t at);

// UTF-16LE to UTF-8; unpaired surrogates become U+FFFD. Stops at the first NUL when `stop_at_nul`.
enum class StopAtNul { kNo, kYes };
std::string utf16le_to_utf8(std::string_view bytes, StopAtNul stop = StopAtNul::kNo);
void append_utf8(std::string& out, uint32_t code_point);

// A Windows code page number as a charset label text::to_utf8 understands ("windows-1251", "GBK").
std::string codepage_charset(int codepage);

// Windows FILETIME (100 ns since 1601) to Unix seconds; nullopt for 0 and absurd values.
std::optional<int64_t> filetime_to_unix(uint64_t filetime);

}  // namespace dossier::extract
