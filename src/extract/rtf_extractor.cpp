#include "extract/rtf_extractor.h"

#include <cstring>

#include "extract/cfb_reader.h"
#include "extract/text_extractor.h"
#include "text/charset.h"

namespace dossier::extract {
namespace {

// MS-OXRTFCP 2.1.3.1.1: the dictionary's initial contents.
constexpr std::string_view kLzfuPrebuf =
    "{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern "
    "\\fscript \\fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0"
    "\\blue0\r\n\\par \\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx";
static_assert(kLzfuPrebuf.size() == 207);

constexpr uint32_t kMaxOleString = 4096;

// An OLE1 LengthPrefixedAnsiString.
bool read_ansi(std::string_view d, size_t& at, std::string* out) {
  uint32_t n = le32(d, at);
  if (at + 4 > d.size() || n > kMaxOleString || n > d.size() - at - 4)
    return false;
  std::string_view s = d.substr(at + 4, n);
  *out = std::string(s.substr(0, s.find('\0')));
  at += 4 + size_t{n};
  return true;
}

std::string cstring(std::string_view d, size_t& at) {
  size_t end = d.find('\0', at);
  if (end == std::string_view::npos || end - at > kMaxOleString) {
    at = d.size() + 1;
    return {};
  }
  std::string s(d.substr(at, end - at));
  at = end + 1;
  return s;
}

std::string base_name(std::string path) {
  size_t slash = path.find_last_of("\\/");
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The OLE "Package" native data: a file with its label and original path.
bool read_package(std::string_view d, Ole1Object& o) {
  size_t at = 2;  // signature 0x0002
  std::string label = cstring(d, at);
  std::string path = cstring(d, at);
  at += 4;  // reserved and type (3 = embedded file)
  uint32_t tmp = le32(d, at);
  if (at + 4 > d.size() || tmp > d.size() - at - 4)
    return false;
  at += 4 + size_t{tmp};
  uint32_t size = le32(d, at);
  if (at + 4 > d.size() || size > d.size() - at - 4)
    return false;
  o.bytes = std::string(d.substr(at + 4, size));
  std::string name = base_name(!label.empty() ? label : path);
  auto utf8 = text::to_utf8(name);  // ANSI in the writer's code page: detect it
  o.file_name = utf8.has_value() ? utf8->text : std::string();
  return true;
}

}  // namespace

std::optional<Ole1Object> parse_ole_package(std::string_view native) {
  Ole1Object o;
  o.class_name = "Package";
  if (le16(native, 0) != 2 || !read_package(native, o))
    return std::nullopt;
  return o;
}

std::optional<Ole1Object> parse_ole1(std::string_view d) {
  if (d.size() < 8 || le32(d, 0) != 0x00000501 || le32(d, 4) != 2)
    return std::nullopt;
  Ole1Object o;
  std::string topic, item;
  size_t at = 8;
  if (!read_ansi(d, at, &o.class_name) || !read_ansi(d, at, &topic) || !read_ansi(d, at, &item))
    return std::nullopt;
  uint32_t size = le32(d, at);
  if (at + 4 > d.size() || size > d.size() - at - 4)
    return std::nullopt;
  std::string_view native = d.substr(at + 4, size);
  if (o.class_name == "Package" && read_package(native, o))
    return o;
  o.bytes = std::string(native);
  return o;
}

Result<std::string> lzfu_decompress(std::string_view data) {
  constexpr uint32_t kCompressed = 0x75465A4C, kRaw = 0x414C454D;
  if (data.size() < 16)
    return Error{ErrorCode::kCorrupt, "compressed RTF truncated", {}};
  uint32_t comp_size = le32(data, 0), raw_size = le32(data, 4), magic = le32(data, 8);
  std::string_view in =
      data.substr(16, std::min<size_t>(data.size() - 16, comp_size - std::min(comp_size, 12u)));
  if (magic == kRaw)
    return std::string(in.substr(0, raw_size));
  if (magic != kCompressed)
    return Error{ErrorCode::kCorrupt, "compressed RTF: unknown signature", {}};
  if (raw_size > (256u << 20))
    return Error{ErrorCode::kLimit, "compressed RTF larger than 256 MiB", {}};
  char dict[4096];
  std::memcpy(dict, kLzfuPrebuf.data(), kLzfuPrebuf.size());
  std::memset(dict + kLzfuPrebuf.size(), 0, sizeof dict - kLzfuPrebuf.size());
  uint32_t write = static_cast<uint32_t>(kLzfuPrebuf.size());
  std::string out;
  out.reserve(raw_size);
  size_t at = 0;
  while (at < in.size() && out.size() < raw_size) {
    uint8_t control = static_cast<uint8_t>(in[at++]);
    for (int bit = 0; bit < 8 && at < in.size() && out.size() < raw_size; ++bit) {
      if ((control & (1 << bit)) == 0) {
        char c = in[at++];
        out += c;
        dict[write] = c;
        write = (write + 1) & 4095;
        continue;
      }
      if (at + 2 > in.size())
        return out;
      uint32_t ref = static_cast<uint32_t>(static_cast<uint8_t>(in[at]) << 8 |
                                           static_cast<uint8_t>(in[at + 1]));
      at += 2;
      uint32_t offset = ref >> 4, len = (ref & 15) + 2;
      if (offset == write)
        return out;  // the end marker
      for (uint32_t i = 0; i < len && out.size() < raw_size; ++i) {
        char c = dict[(offset + i) & 4095];
        out += c;
        dict[write] = c;
        write = (write + 1) & 4095;
      }
    }
  }
  return out;
}

MatchScore RtfExtractor::sniff(const Probe& probe) const {
  std::string_view head(reinterpret_cast<const char*>(probe.head.data()), probe.head.size());
  size_t skip = head.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  if (head.substr(skip, 5) == "{\\rtf")
    return kExactMatch;
  const std::string base = mime_base(probe.mime);
  if (base == "text/rtf" || base == "application/rtf")
    return kGoodMatch;
  return kNoMatch;
}

Result<Extraction> RtfExtractor::extract(const Item& item, ExtractContext& ctx) const {
  std::string_view rtf(reinterpret_cast<const char*>(item.bytes.data()), item.bytes.size());
  if (rtf.find("{\\rtf") > 16)
    return Error{ErrorCode::kCorrupt, "not RTF: no {\\rtf header", item.name};
  Extraction x;
  parse_rtf(rtf, x, ctx);
  return x;
}

}  // namespace dossier::extract
