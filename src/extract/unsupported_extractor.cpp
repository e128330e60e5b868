#include "extract/unsupported_extractor.h"

#include <cstring>

namespace dossier::extract {
namespace {

struct Magic {
  std::string_view bytes;
  const char* format;
};
constexpr Magic kMagics[] = {
    {"\xE4\x52\x5C\x7B\x8C\xD8\xA7\x4D\xAE\xB1\x53\x78\xD0\x29\x96\xD3",
     "Microsoft OneNote section"},
    {"\xA1\x2F\xFF\x43\xD9\xEF\x76\x4C\x9E\xE2\x10\xEA\x57\x22\x76\x5F",
     "Microsoft OneNote table of contents"},
    {"\xFF"
     "WPC",
     "WordPerfect document"},
    // Excel 2.x-4.x: a bare BIFF record stream (BOF record 0x0009 / 0x0209 / 0x0409), not OLE.
    {std::string_view("\x09\x00\x04\x00", 4), "Excel 2.x worksheet (BIFF2)"},
    {std::string_view("\x09\x02\x06\x00", 4), "Excel 3.0 worksheet (BIFF3)"},
    {std::string_view("\x09\x04\x06\x00", 4), "Excel 4.0 worksheet (BIFF4)"},
};

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string iwork_name(std::string_view head, std::string_view name) {
  if (head.substr(0, 4) != "PK\x03\x04")
    return {};
  bool iwork = head.find("Index/Document.iwa") != std::string_view::npos ||
               head.find("index.apxl") != std::string_view::npos ||
               (head.find("buildVersionHistory.plist") != std::string_view::npos &&
                head.find("index.xml") != std::string_view::npos);
  if (!iwork)
    return {};
  if (ends_with(name, ".pages"))
    return "Apple Pages document";
  if (ends_with(name, ".numbers"))
    return "Apple Numbers spreadsheet";
  if (ends_with(name, ".key") || head.find("index.apxl") != std::string_view::npos)
    return "Apple Keynote presentation";
  return "Apple iWork document";
}

}  // namespace

std::string unsupported_format_name(std::span<const uint8_t> head, std::string_view name) {
  std::string_view h(reinterpret_cast<const char*>(head.data()), head.size());
  for (const Magic& m : kMagics) {
    if (h.substr(0, m.bytes.size()) == m.bytes)
      return m.format;
  }
  return iwork_name(h, name);
}

MatchScore NamedUnsupportedExtractor::sniff(const Probe& probe) const {
  std::string format = unsupported_format_name(probe.head, probe.name);
  if (format.empty())
    return kNoMatch;
  return format.rfind("Apple", 0) == 0 ? 2 * kFallbackMatch : kExactMatch;
}

Result<Extraction> NamedUnsupportedExtractor::extract(const Item& item, ExtractContext&) const {
  std::string format = unsupported_format_name(
      item.bytes.first(std::min<size_t>(item.bytes.size(), 65536)), item.name);
  if (format.empty())
    format = "this format";
  return Error{ErrorCode::kUnsupported, "unsupported format: " + format + " is not supported yet",
               item.name};
}

}  // namespace dossier::extract
