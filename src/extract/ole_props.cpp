#include "extract/ole_props.h"

#include "core/time_util.h"
#include "text/charset.h"

namespace dossier::extract {
namespace {

constexpr size_t kMaxProps = 256;

struct Named {
  uint32_t id;
  const char* name;
};
constexpr Named kSummary[] = {{2, "Title"},       {3, "Subject"},        {4, "Author"},
                              {5, "Keywords"},    {6, "Comments"},       {7, "Template"},
                              {8, "LastAuthor"},  {9, "RevisionNumber"}, {11, "LastPrinted"},
                              {12, "CreateTime"}, {13, "LastSaveTime"},  {14, "PageCount"},
                              {15, "WordCount"},  {16, "CharCount"},     {18, "ApplicationName"}};
constexpr Named kDocSummary[] = {{2, "Category"}, {14, "Manager"}, {15, "Company"}};

std::string trim(std::string s) {
  while (!s.empty() &&
         (s.back() == '\0' || s.back() == ' ' || s.back() == '\r' || s.back() == '\n'))
    s.pop_back();
  return s;
}

// One typed value; "" when the type is not one we show.
std::string value_at(std::string_view sec, size_t off, int codepage, std::optional<int64_t>* time) {
  uint32_t type = le32(sec, off);
  std::string_view v = off + 4 <= sec.size() ? sec.substr(off + 4) : std::string_view();
  switch (type) {
    case 2:
      return std::to_string(static_cast<int16_t>(le16(v, 0)));
    case 3:
      return std::to_string(static_cast<int32_t>(le32(v, 0)));
    case 30: {  // VT_LPSTR in the set's code page
      uint32_t n = le32(v, 0);
      if (n > v.size() - std::min<size_t>(v.size(), 4))
        return {};
      std::string_view raw = v.substr(4, n);
      if (codepage == 1200)
        return trim(utf16le_to_utf8(raw, StopAtNul::kYes));
      raw = raw.substr(0, raw.find('\0'));
      auto d = text::to_utf8(raw, codepage_charset(codepage));
      return d.has_value() ? trim(d->text) : std::string();
    }
    case 31: {  // VT_LPWSTR, length in characters
      uint64_t n = le32(v, 0);
      if (n * 2 > v.size() - std::min<size_t>(v.size(), 4))
        return {};
      return trim(utf16le_to_utf8(v.substr(4, n * 2), StopAtNul::kYes));
    }
    case 64: {  // VT_FILETIME
      *time = filetime_to_unix(le64(v, 0));
      return time->has_value() ? format_iso8601(**time) : std::string();
    }
    default:
      return {};
  }
}

void read_set(std::string_view s, std::span<const Named> names, Extraction& out) {
  if (s.size() < 48 || le16(s, 0) != 0xFFFE) {
    out.warnings.push_back("damaged OLE property set");
    return;
  }
  uint32_t sec_off = le32(s, 44);  // the first section; a second one holds user-defined fields
  if (sec_off >= s.size())
    return;
  std::string_view sec = s.substr(sec_off);
  uint32_t count = std::min<uint32_t>(le32(sec, 4), kMaxProps);
  int codepage = 1252;
  for (uint32_t i = 0; i < count; ++i) {
    if (le32(sec, 8 + 8 * i) == 1)
      codepage = le16(sec, size_t{le32(sec, 12 + 8 * i)} + 4);
  }
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t id = le32(sec, 8 + 8 * i);
    uint32_t off = le32(sec, 12 + 8 * i);
    if (off >= sec.size())
      continue;
    for (const Named& n : names) {
      if (n.id != id)
        continue;
      std::optional<int64_t> time;
      std::string value = value_at(sec, off, codepage, &time);
      if (value.empty())
        break;
      out.metadata.push_back({std::string("ole:") + n.name, value});
      std::string_view name = n.name;
      if (name == "Title" && out.common.title.empty())
        out.common.title = value;
      else if (name == "Author" && out.common.author.empty())
        out.common.author = value;
      else if (name == "ApplicationName" && out.common.application.empty())
        out.common.application = value;
      else if (name == "CreateTime" && !out.common.created)
        out.common.created = time;
      else if (name == "LastSaveTime" && !out.common.modified)
        out.common.modified = time;
    }
  }
}

}  // namespace

void add_ole_summary(const CfbReader& cfb, Extraction& out) {
  if (const CfbEntry* e = cfb.child(cfb.root(), "\005SummaryInformation")) {
    auto s = cfb.read_stream(*e, 16u << 20);
    if (s.has_value())
      read_set(*s, kSummary, out);
  }
  if (const CfbEntry* e = cfb.child(cfb.root(), "\005DocumentSummaryInformation")) {
    auto s = cfb.read_stream(*e, 16u << 20);
    if (s.has_value())
      read_set(*s, kDocSummary, out);
  }
}

}  // namespace dossier::extract
