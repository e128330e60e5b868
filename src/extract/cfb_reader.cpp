#include "extract/cfb_reader.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace dossier::extract {
namespace {

constexpr uint32_t kEndOfChain = 0xFFFFFFFE;
constexpr uint32_t kNoStream = 0xFFFFFFFF;
constexpr size_t kHeaderDifat = 109;
constexpr size_t kMaxEntries = 1u << 20;

Error corrupt(std::string what) {
  return Error{ErrorCode::kCorrupt, "corrupt OLE file: " + what, {}};
}

std::string_view view(std::span<const uint8_t> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

}  // namespace

uint16_t le16(std::string_view s, size_t at) {
  if (at > s.size() || s.size() - at < 2)
    return 0;
  return static_cast<uint16_t>(static_cast<uint8_t>(s[at]) | static_cast<uint8_t>(s[at + 1]) << 8);
}
uint32_t le32(std::string_view s, size_t at) {
  if (at > s.size() || s.size() - at < 4)
    return 0;
  return static_cast<uint32_t>(le16(s, at)) | static_cast<uint32_t>(le16(s, at + 2)) << 16;
}
uint64_t le64(std::string_view s, size_t at) {
  if (at > s.size() || s.size() - at < 8)
    return 0;
  return static_cast<uint64_t>(le32(s, at)) | static_cast<uint64_t>(le32(s, at + 4)) << 32;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    cp = 0xFFFD;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string utf16le_to_utf8(std::string_view bytes, StopAtNul stop) {
  std::string out;
  out.reserve(bytes.size() / 2);
  for (size_t i = 0; i + 1 < bytes.size(); i += 2) {
    uint32_t u = le16(bytes, i);
    if (u == 0 && stop == StopAtNul::kYes)
      break;
    if (u >= 0xD800 && u <= 0xDBFF && i + 3 < bytes.size()) {
      uint32_t lo = le16(bytes, i + 2);
      if (lo >= 0xDC00 && lo <= 0xDFFF) {
        append_utf8(out, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
        i += 2;
        continue;
      }
    }
    append_utf8(out, u);
  }
  return out;
}

std::string codepage_charset(int cp) {
  switch (cp) {
    case 65001:
      return "UTF-8";
    case 1200:
      return "UTF-16LE";
    case 1201:
      return "UTF-16BE";
    case 936:
      return "GBK";
    case 950:
      return "Big5";
    case 932:
      return "Shift_JIS";
    case 949:
      return "windows-949";
    case 10000:
      return "macintosh";
    case 20127:
      return "US-ASCII";
    case 20866:
      return "KOI8-R";
    case 28591:
      return "ISO-8859-1";
    case 54936:
      return "GB18030";
    case 437:
      return "IBM437";
    case 850:
      return "IBM850";
    case 866:
      return "IBM866";
    default:
      break;
  }
  if (cp == 874 || (cp >= 1250 && cp <= 1258))
    return "windows-" + std::to_string(cp);
  if (cp >= 28592 && cp <= 28605)
    return "ISO-8859-" + std::to_string(cp - 28590);
  return "windows-1252";
}

std::optional<int64_t> filetime_to_unix(uint64_t ft) {
  constexpr uint64_t kEpochDiff = 11644473600ull;
  uint64_t secs = ft / 10000000ull;
  if (ft == 0 || secs < kEpochDiff || secs > kEpochDiff + 253402300799ull)
    return std::nullopt;
  return static_cast<int64_t>(secs - kEpochDiff);
}

bool is_cfb(std::span<const uint8_t> head) {
  return head.size() >= 8 && std::memcmp(head.data(), kCfbMagic, 8) == 0;
}

Result<CfbReader> CfbReader::open(std::span<const uint8_t> bytes) {
  if (!is_cfb(bytes))
    return corrupt("no compound file signature");
  if (bytes.size() < 512)
    return corrupt("truncated header");
  std::string_view h = view(bytes);
  CfbReader r;
  r.bytes_ = bytes;
  uint16_t shift = le16(h, 0x1E);
  uint16_t mini_shift = le16(h, 0x20);
  if (le16(h, 0x1C) != 0xFFFE || (shift != 9 && shift != 12) || mini_shift != 6)
    return corrupt("bad header (byte order or sector size)");
  r.sector_size_ = 1u << shift;
  r.mini_sector_size_ = 1u << mini_shift;
  r.first_dir_ = le32(h, 0x30);
  r.mini_cutoff_ = le32(h, 0x38);
  if (r.mini_cutoff_ != 4096)
    r.mini_cutoff_ = 4096;
  r.first_minifat_ = le32(h, 0x3C);
  r.num_minifat_ = le32(h, 0x40);
  DOSSIER_RETURN_IF_ERROR(r.load_fat());
  DOSSIER_RETURN_IF_ERROR(r.load_directory());
  DOSSIER_RETURN_IF_ERROR(r.load_mini());
  return r;
}

Status CfbReader::load_fat() {
  std::string_view h = view(bytes_);
  const uint64_t sectors_in_file = (bytes_.size() + sector_size_ - 1) / sector_size_;
  const uint32_t per_sector = sector_size_ / 4;
  uint32_t num_fat = le32(h, 0x2C);
  if (num_fat > sectors_in_file + 1)
    return corrupt("FAT sector count beyond the file size");
  std::vector<uint32_t> fat_sectors;
  for (size_t i = 0; i < kHeaderDifat && fat_sectors.size() < num_fat; ++i)
    fat_sectors.push_back(le32(h, 0x4C + 4 * i));
  // The DIFAT chain: each sector lists FAT sectors and ends with the next DIFAT sector.
  uint32_t difat = le32(h, 0x44);
  uint64_t steps = 0;
  while (fat_sectors.size() < num_fat && difat != kEndOfChain && difat != kNoStream) {
    if (++steps > sectors_in_file)
      return corrupt("DIFAT chain loops");
    uint64_t off = (static_cast<uint64_t>(difat) + 1) * sector_size_;
    if (off + sector_size_ > bytes_.size())
      return corrupt("DIFAT sector out of range");
    std::string_view s = h.substr(off, sector_size_);
    for (uint32_t i = 0; i + 1 < per_sector && fat_sectors.size() < num_fat; ++i)
      fat_sectors.push_back(le32(s, 4 * i));
    difat = le32(s, sector_size_ - 4);
  }
  fat_.reserve(fat_sectors.size() * per_sector);
  for (uint32_t sec : fat_sectors) {
    uint64_t off = (static_cast<uint64_t>(sec) + 1) * sector_size_;
    if (sec >= 0xFFFFFFFA || off >= bytes_.size()) {
      // A truncated file loses its last FAT sectors; chains into them fail later.
      fat_.insert(fat_.end(), per_sector, kNoStream);
      continue;
    }
    std::string_view s = h.substr(off, sector_size_);
    for (uint32_t i = 0; i < per_sector; ++i)
      fat_.push_back(4 * i + 4 <= s.size() ? le32(s, 4 * i) : kNoStream);
  }
  if (fat_.empty())
    return corrupt("no FAT");
  return ok_status();
}

Result<std::vector<uint32_t>> CfbReader::chain(uint32_t start, const std::vector<uint32_t>& fat,
                                               uint64_t max_sectors) const {
  std::vector<uint32_t> out;
  std::vector<bool> seen(fat.size(), false);
  uint32_t s = start;
  while (s != kEndOfChain) {
    if (s >= fat.size())
      return corrupt("sector number out of range");
    if (seen[s])
      return corrupt("sector chain loops");
    seen[s] = true;
    out.push_back(s);
    if (out.size() >= max_sectors)
      break;
    s = fat[s];
  }
  return out;
}

Result<std::string> CfbReader::read_chain(uint32_t start, uint64_t size, bool mini) const {
  const uint32_t unit = mini ? mini_sector_size_ : sector_size_;
  const uint64_t need = (size + unit - 1) / unit;
  DOSSIER_ASSIGN_OR_RETURN(std::vector<uint32_t> sectors,
                           chain(start, mini ? minifat_ : fat_, std::max<uint64_t>(need, 1)));
  std::string out;
  out.reserve(static_cast<size_t>(std::min<uint64_t>(size, sectors.size() * uint64_t{unit})));
  std::string_view src = mini ? std::string_view(mini_stream_) : view(bytes_);
  for (uint32_t sec : sectors) {
    if (out.size() >= size)
      break;
    uint64_t off = mini ? uint64_t{sec} * unit : (uint64_t{sec} + 1) * unit;
    if (off >= src.size())
      return corrupt(mini ? "mini sector out of range" : "sector beyond the end of the file");
    size_t take =
        static_cast<size_t>(std::min<uint64_t>({unit, size - out.size(), src.size() - off}));
    out.append(src.substr(off, take));
  }
  if (out.size() < size)
    return corrupt("stream shorter than its declared size (truncated file?)");
  return out;
}

Status CfbReader::load_directory() {
  DOSSIER_ASSIGN_OR_RETURN(std::vector<uint32_t> sectors, chain(first_dir_, fat_, fat_.size()));
  std::string dir;
  for (uint32_t sec : sectors) {
    uint64_t off = (uint64_t{sec} + 1) * sector_size_;
    if (off >= bytes_.size())
      break;  // a truncated directory: keep the entries we have
    dir.append(view(bytes_).substr(off, sector_size_));
  }
  const size_t count = std::min(dir.size() / 128, kMaxEntries);
  if (count == 0)
    return corrupt("empty directory");
  // Raw entries first; the tree is walked afterwards from the root.
  struct Raw {
    std::string name;
    uint8_t type;
    uint32_t left, right, child, start;
    uint64_t size;
  };
  std::vector<Raw> raw(count);
  for (size_t i = 0; i < count; ++i) {
    std::string_view e = std::string_view(dir).substr(i * 128, 128);
    size_t name_len = std::min<size_t>(le16(e, 64), 64);
    raw[i] = {utf16le_to_utf8(e.substr(0, name_len), StopAtNul::kYes),
              static_cast<uint8_t>(e[66]),
              le32(e, 68),
              le32(e, 72),
              le32(e, 76),
              le32(e, 116),
              sector_size_ == 512 ? le32(e, 120) : le64(e, 120)};
  }
  if (raw[0].type != static_cast<uint8_t>(CfbType::kRoot))
    return corrupt("first directory entry is not the root");
  std::vector<bool> used(count, false);
  used[0] = true;
  entries_.push_back({0, -1, raw[0].name, "", CfbType::kRoot, raw[0].size, raw[0].start, {}});
  // Each storage's children form a binary tree through left/right; walk it with an explicit
  // stack, taking each entry once, so that cycles and shared subtrees cannot loop.
  for (size_t parent = 0; parent < entries_.size(); ++parent) {
    if (entries_[parent].type != CfbType::kStorage && entries_[parent].type != CfbType::kRoot)
      continue;
    std::vector<uint32_t> stack = {raw[entries_[parent].id].child};
    while (!stack.empty()) {
      uint32_t id = stack.back();
      stack.pop_back();
      if (id >= count || used[id])
        continue;
      used[id] = true;
      const Raw& r = raw[id];
      stack.push_back(r.left);
      stack.push_back(r.right);
      if (r.type != 1 && r.type != 2)
        continue;
      CfbEntry e{id,
                 static_cast<int>(parent),
                 r.name,
                 {},
                 static_cast<CfbType>(r.type),
                 r.type == 2 ? r.size : 0,
                 r.start,
                 {}};
      e.path = entries_[parent].path.empty() ? e.name : entries_[parent].path + "/" + e.name;
      entries_[parent].children.push_back(entries_.size());
      entries_.push_back(std::move(e));
    }
    auto& kids = entries_[parent].children;
    std::sort(kids.begin(), kids.end(),
              [&](size_t a, size_t b) { return entries_[a].name < entries_[b].name; });
  }
  return ok_status();
}

Status CfbReader::load_mini() {
  const CfbEntry& r = entries_[0];
  if (r.size == 0 || r.start == kEndOfChain)
    return ok_status();
  if (num_minifat_ > fat_.size())
    return corrupt("miniFAT larger than the file");
  uint64_t minifat_bytes = uint64_t{num_minifat_} * sector_size_;
  auto mf = read_chain(first_minifat_, minifat_bytes, false);
  if (mf.has_value()) {
    for (size_t i = 0; i + 4 <= mf->size(); i += 4)
      minifat_.push_back(le32(*mf, i));
  }
  // The mini stream may be declared longer than the file holds; read what the chain gives.
  uint64_t size = std::min<uint64_t>(r.size, bytes_.size());
  auto ms = read_chain(r.start, size, false);
  if (ms.has_value())
    mini_stream_ = std::move(ms).value();
  return ok_status();
}

const CfbEntry* CfbReader::child(const CfbEntry& storage, std::string_view name) const {
  for (size_t k : storage.children) {
    if (iequal(entries_[k].name, name))
      return &entries_[k];
  }
  return nullptr;
}

const CfbEntry* CfbReader::find(std::string_view path) const {
  const CfbEntry* at = &entries_[0];
  while (!path.empty() && at != nullptr) {
    size_t slash = path.find('/');
    at = child(*at, path.substr(0, slash));
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
  }
  return at;
}

Result<std::string> CfbReader::read_stream(const CfbEntry& entry, uint64_t max_bytes) const {
  if (entry.type != CfbType::kStream)
    return Error{ErrorCode::kInvalidInput, "not a stream", entry.path};
  if (entry.size > max_bytes)
    return Error{ErrorCode::kLimit,
                 "OLE stream larger than " + std::to_string(max_bytes >> 20) + " MiB", entry.path};
  if (entry.size == 0)
    return std::string();
  if (entry.size > bytes_.size())
    return corrupt("stream larger than the file: " + entry.path);
  auto r = read_chain(entry.start, entry.size, entry.size < mini_cutoff_);
  if (!r.has_value())
    return Error{r.error().code, r.error().message, entry.path};
  return r;
}

}  // namespace dossier::extract
