#include "extract/archive_zip_directory.h"

#include <algorithm>
#include <vector>

namespace dossier::extract {
namespace {

constexpr uint32_t kEocdSignature = 0x06054b50;
constexpr uint32_t kZip64LocatorSignature = 0x07064b50;
constexpr uint32_t kZip64EocdSignature = 0x06064b50;
constexpr uint32_t kCentralHeaderSignature = 0x02014b50;
constexpr size_t kEocdSize = 22;
constexpr size_t kZip64LocatorSize = 20;
constexpr size_t kZip64EocdSize = 56;
constexpr size_t kCentralHeaderSize = 46;
constexpr size_t kMaxLegacyNames = 64 << 10;
constexpr uint16_t kUtf8Flag = 1 << 11;
constexpr uint8_t kHostUnix = 3;
constexpr uint32_t kUnixTypeMask = 0170000;
constexpr uint32_t kUnixDirectory = 0040000;
constexpr uint32_t kUnixSymlink = 0120000;

// Little-endian reads that return 0 past the end, so that callers check bounds once.
class Bytes {
 public:
  explicit Bytes(std::span<const uint8_t> b) : b_(b) {}
  size_t size() const { return b_.size(); }
  bool has(uint64_t at, uint64_t n) const { return at <= b_.size() && n <= b_.size() - at; }
  uint64_t le(uint64_t at, int n) const {
    if (!has(at, static_cast<uint64_t>(n)))
      return 0;
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i)
      v = (v << 8) | b_[at + static_cast<uint64_t>(i)];
    return v;
  }
  uint32_t u32(uint64_t at) const { return static_cast<uint32_t>(le(at, 4)); }
  uint16_t u16(uint64_t at) const { return static_cast<uint16_t>(le(at, 2)); }
  std::string str(uint64_t at, uint64_t n) const {
    if (!has(at, n))
      return {};
    return std::string(reinterpret_cast<const char*>(b_.data() + at), n);
  }

 private:
  std::span<const uint8_t> b_;
};

// The last EOCD whose comment fits inside the input.
std::optional<size_t> find_eocd(const Bytes& b) {
  if (b.size() < kEocdSize)
    return std::nullopt;
  const size_t lowest = b.size() > kEocdSize + 0xffff ? b.size() - kEocdSize - 0xffff : 0;
  for (size_t pos = b.size() - kEocdSize + 1; pos-- > lowest;) {
    if (b.u32(pos) == kEocdSignature && b.has(pos + kEocdSize, b.u16(pos + 20)))
      return pos;
  }
  return std::nullopt;
}

struct CentralDirectory {
  uint64_t entries = 0;
  uint64_t size = 0;
  uint64_t offset = 0;
  uint64_t record_pos = 0;  // where the (zip64) EOCD record is: the directory ends there
};

// The zip64 EOCD overrides saturated fields. Data prepended to the zip (a self-extractor stub)
// shifts every offset, so the record is also looked for where it must be if nothing follows it.
void apply_zip64(const Bytes& b, size_t eocd, CentralDirectory& cd) {
  if (eocd < kZip64LocatorSize || b.u32(eocd - kZip64LocatorSize) != kZip64LocatorSignature)
    return;
  const size_t locator = eocd - kZip64LocatorSize;
  uint64_t at = b.le(locator + 8, 8);
  if (b.u32(at) != kZip64EocdSignature && locator >= kZip64EocdSize)
    at = locator - kZip64EocdSize;
  if (b.u32(at) != kZip64EocdSignature || !b.has(at, kZip64EocdSize))
    return;
  cd.entries = b.le(at + 32, 8);
  cd.size = b.le(at + 40, 8);
  cd.offset = b.le(at + 48, 8);
  cd.record_pos = at;
}

bool is_high_bit(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<uint8_t>(c) >= 0x80; });
}

// Counts file headers. False when a header is missing or runs past the input.
bool walk(const Bytes& b, uint64_t start, ZipDirectory& dir) {
  uint64_t at = start;
  uint64_t files = 0;
  std::vector<uint32_t> offsets;  // of the file headers' local headers (0xffffffff: in zip64 extra)
  for (uint64_t i = 0; i < dir.entries; ++i) {
    if (!b.has(at, kCentralHeaderSize) || b.u32(at) != kCentralHeaderSignature)
      return false;
    const uint8_t host = static_cast<uint8_t>(b.u16(at + 4) >> 8);
    const uint16_t flags = b.u16(at + 8);
    const uint64_t name_len = b.u16(at + 28);
    const uint64_t extra_len = b.u16(at + 30);
    const uint64_t comment_len = b.u16(at + 32);
    const uint32_t unix_type = (b.u32(at + 38) >> 16) & kUnixTypeMask;
    if (!b.has(at + kCentralHeaderSize, name_len))
      return false;
    const std::string name = b.str(at + kCentralHeaderSize, name_len);
    const bool directory =
        (!name.empty() && name.back() == '/') || (host == kHostUnix && unix_type == kUnixDirectory);
    const bool symlink = host == kHostUnix && unix_type == kUnixSymlink;
    if (!directory && !symlink) {
      ++files;
      if (b.u32(at + 42) != 0xffffffff)
        offsets.push_back(b.u32(at + 42));
    }
    if ((flags & kUtf8Flag) == 0 && is_high_bit(name) &&
        dir.legacy_names.size() + name.size() < kMaxLegacyNames) {
      dir.legacy_names += name;
      dir.legacy_names += '\n';
    }
    at += kCentralHeaderSize + name_len + extra_len + comment_len;
  }
  dir.files = files;
  std::sort(offsets.begin(), offsets.end());
  for (size_t i = 1; i < offsets.size(); ++i)
    dir.shared_offsets += offsets[i] == offsets[i - 1];
  return true;
}

}  // namespace

std::optional<ZipDirectory> read_zip_directory(std::span<const uint8_t> bytes) {
  const Bytes b(bytes);
  const std::optional<size_t> eocd = find_eocd(b);
  if (!eocd)
    return std::nullopt;
  ZipDirectory dir;
  dir.disk = b.u16(*eocd + 4);
  dir.comment = b.str(*eocd + kEocdSize, b.u16(*eocd + 20));
  CentralDirectory cd{b.u16(*eocd + 10), b.u32(*eocd + 12), b.u32(*eocd + 16), *eocd};
  if (cd.entries == 0xffff || cd.size == 0xffffffff || cd.offset == 0xffffffff)
    apply_zip64(b, *eocd, cd);
  dir.entries = cd.entries;
  dir.files = cd.entries;
  uint64_t start = cd.offset;
  if (b.u32(start) != kCentralHeaderSignature && cd.size <= cd.record_pos)
    start = cd.record_pos - cd.size;  // prepended data shifted the archive
  dir.walked = walk(b, start, dir);
  if (!dir.walked) {
    dir.files = cd.entries;
    dir.legacy_names.clear();
  }
  return dir;
}

}  // namespace dossier::extract
