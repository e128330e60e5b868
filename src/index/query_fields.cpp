#include "index/query_fields.h"

#include <array>
#include <charconv>

#include "core/time_util.h"
#include "index/schema.h"
#include "text/normalize.h"
#include "text/tokenizer.h"

namespace dossier::index::fields {
namespace {

constexpr std::array<std::string_view, 15> kFields = {
    "title", "type", "mime", "lang", "path", "ext", "author", "from", "to", "application",
    "failed", "ocr", "date", "size", "confidence"};

bool is_range_field(std::string_view f) {
  return f == "date" || f == "size" || f == "confidence";
}

unsigned slot_of(std::string_view f) {
  return f == "date" ? schema::kDateSlot : f == "size" ? schema::kSizeSlot : schema::kOcrConfidenceSlot;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool parse_uint(std::string_view s, int64_t& out) {
  if (s.empty())
    return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && out >= 0;
}

// "1000", "10k", "2MB", "1.5G" (binary multiples).
std::optional<int64_t> parse_size(std::string_view s) {
  std::string lower = schema::ascii_lower(s);
  double mult = 1;
  size_t n = lower.size();
  if (n > 1 && lower[n - 1] == 'b' && (lower[n - 2] < '0' || lower[n - 2] > '9'))
    --n;
  if (n > 0) {
    char u = lower[n - 1];
    if (u == 'k')
      mult = 1024.0;
    if (u == 'm')
      mult = 1024.0 * 1024;
    if (u == 'g')
      mult = 1024.0 * 1024 * 1024;
    if (u == 't')
      mult = 1024.0 * 1024 * 1024 * 1024;
    if (mult != 1)
      --n;
  }
  double v = 0;
  auto [p, ec] = std::from_chars(lower.data(), lower.data() + n, v);
  if (ec != std::errc() || p != lower.data() + n || n == 0 || v < 0)
    return std::nullopt;
  return static_cast<int64_t>(v * mult);
}

// NOLINTNEXTLINE(bugprone-easily-swappable-parameters): field name, then its value
std::optional<std::pair<int64_t, int64_t>> interval(std::string_view field, std::string_view v) {
  if (field == "date")
    return date_interval(v);
  if (field == "confidence") {
    int64_t c = 0;
    if (!parse_uint(v, c) || c > 100)
      return std::nullopt;
    return std::make_pair(c, c);
  }
  auto n = parse_size(v);
  if (!n)
    return std::nullopt;
  return std::make_pair(*n, *n);
}

std::string how_to_write(std::string_view field) {
  if (field == "date")
    return "write a date as 2017, 2017-03, 2017-03-02 or 2017-03-02T10:00:00Z, e.g. "
           "date:[2017-01-01 TO 2017-06-30]";
  if (field == "confidence")
    return "write an OCR confidence from 0 to 100, e.g. confidence:[0 TO 60] for poorly read pages";
  return "write a size in bytes, optionally with K, M or G, e.g. size:[1M TO *]";
}

}  // namespace

bool is_field(std::string_view name) {
  for (auto f : kFields) {
    if (f == name)
      return true;
  }
  return false;
}

const char* field_list() {
  return "title, author, from, to, application, type, mime, lang, ext, path, failed, ocr, date, size, "
         "confidence";
}

std::optional<std::pair<int64_t, int64_t>> date_interval(std::string_view text) {
  int64_t y = 0, m = 0, d = 0;
  auto day_start = [](int64_t yy, int64_t mm, int64_t dd) {
    return days_from_civil(yy, static_cast<unsigned>(mm), static_cast<unsigned>(dd)) * 86400;
  };
  if (text.size() == 4 && parse_uint(text, y))
    return std::make_pair(day_start(y, 1, 1), day_start(y + 1, 1, 1) - 1);
  if (text.size() == 7 && text[4] == '-' && parse_uint(text.substr(0, 4), y) &&
      parse_uint(text.substr(5, 2), m) && m >= 1 && m <= 12) {
    int64_t ny = m == 12 ? y + 1 : y, nm = m == 12 ? 1 : m + 1;
    return std::make_pair(day_start(y, m, 1), day_start(ny, nm, 1) - 1);
  }
  if (text.size() == 10 && text[4] == '-' && text[7] == '-' && parse_uint(text.substr(0, 4), y) &&
      parse_uint(text.substr(5, 2), m) && parse_uint(text.substr(8, 2), d) && m >= 1 && m <= 12 &&
      d >= 1 && d <= 31) {
    int64_t start = day_start(y, m, d);
    return std::make_pair(start, start + 86399);
  }
  if (auto t = parse_date(text))
    return std::make_pair(*t, *t);
  return std::nullopt;
}

QueryNode text_node(std::string_view text, const std::string& prefix, bool wildcard) {
  QueryNode node;
  node.prefix = prefix;
  uint32_t first = 0, last = 0;
  size_t last_end = 0;
  text::tokenize(text, [&](const text::Token& t) {
    if (t.alternative)
      return;  // the index has it at the same position as the term a query uses
    if (node.terms.empty())
      first = t.position;
    last = t.position;
    last_end = t.end;
    node.terms.push_back(t.term);
  });
  if (node.terms.empty())
    return node;  // kMatchAll with no terms: nothing searchable
  // A '*' right after a CJK character adds nothing: every character is its own term already.
  size_t i = last_end - 1;
  while (i > 0 && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80)
    --i;
  if (wildcard && text::is_cjk(text::decode_utf8(text, i)))
    wildcard = false;
  if (wildcard && last_end != text.size())
    wildcard = false;  // "foo.*": the '*' follows no term
  if (node.terms.size() == 1) {
    node.kind = wildcard ? NodeKind::kWildcard : NodeKind::kTerm;
    return node;
  }
  node.kind = NodeKind::kPhrase;
  node.window = last - first + 1;
  node.wildcard_last = wildcard;
  return node;
}

std::optional<QueryNode> value_node(std::string_view field, std::string_view value, bool wildcard,
                                    std::string& error) {
  QueryNode node;
  node.kind = NodeKind::kFilter;
  if (is_range_field(field)) {
    auto iv = interval(field, value);
    if (!iv) {
      error = "'" + std::string(value) + "' is not a " + std::string(field) + "; " +
              how_to_write(field);
      return std::nullopt;
    }
    node.kind = NodeKind::kRange;
    node.slot = slot_of(field);
    node.lo = iv->first;
    node.hi = iv->second;
    return node;
  }
  if (value.empty() && !wildcard) {
    error = std::string(field) + ": needs a value; write e.g. " + std::string(field) +
            (field == "path" ? ":\"/some dir/file.pdf\"" : ":pdf");
    return std::nullopt;
  }
  node.wildcard_last = wildcard;
  if (field == "failed" || field == "ocr") {
    std::string v = schema::ascii_lower(value);
    if (v != "true" && v != "false" && v != "yes" && v != "no") {
      error = std::string(field) + ": takes true or false, e.g. " + std::string(field) + ":true";
      return std::nullopt;
    }
    bool yes = v == "true" || v == "yes";
    node.terms.push_back(field == "failed" ? std::string(schema::kFailedPrefix) + (yes ? "failed" : "ok")
                                           : std::string(schema::kOcrPrefix) + (yes ? "yes" : "no"));
    node.wildcard_last = false;
  } else if (field == "author" || field == "from" || field == "to" || field == "application") {
    const char* prefix = field == "author" ? schema::kAuthorPrefix
                         : field == "from" ? schema::kFromPrefix
                         : field == "to"   ? schema::kToPrefix
                                           : schema::kApplicationPrefix;
    text::tokenize(value, [&](const text::Token& t) {
      if (!t.alternative)
        node.terms.push_back(schema::boolean_term(prefix, t.term));
    });
    if (node.terms.empty()) {
      error = std::string(field) + ": needs a name or address, e.g. " + std::string(field) +
              ":smith or " + std::string(field) + ":\"john@example.com\"";
      return std::nullopt;
    }
  } else if (field == "path") {
    std::string p = schema::normalize_path(value);
    node.terms.push_back(schema::boolean_term(schema::kPathPrefix, p));
  } else {
    std::string_view prefix = field == "type"   ? schema::kTypePrefix
                              : field == "mime" ? schema::kMimePrefix
                              : field == "lang" ? schema::kLangPrefix
                                                : schema::kExtPrefix;
    if (field == "ext" && !value.empty() && value.front() == '.')
      value.remove_prefix(1);
    node.terms.push_back(schema::boolean_term(prefix, schema::ascii_lower(value)));
  }
  return node;
}

// NOLINTNEXTLINE(bugprone-easily-swappable-parameters): lo before hi, as written in the query
std::optional<QueryNode> range_node(std::string_view field, std::string_view lo, bool lo_inclusive,
                                    std::string_view hi, bool hi_inclusive, std::string& error) {
  if (!is_range_field(field)) {
    error = "ranges work on date:, size: and confidence: only, not " + std::string(field) + ":";
    return std::nullopt;
  }
  QueryNode node;
  node.kind = NodeKind::kRange;
  node.slot = slot_of(field);
  for (int end = 0; end < 2; ++end) {
    std::string_view v = end == 0 ? lo : hi;
    if (v == "*")
      continue;
    auto iv = interval(field, v);
    if (!iv) {
      error =
          "'" + std::string(v) + "' is not a " + std::string(field) + "; " + how_to_write(field);
      return std::nullopt;
    }
    // Inclusive bounds take the whole day/month/year; exclusive ones exclude all of it.
    if (end == 0)
      node.lo = lo_inclusive ? iv->first : iv->second + 1;
    if (end == 1)
      node.hi = hi_inclusive ? iv->second : iv->first - 1;
  }
  if (node.lo > node.hi) {
    error = "the range is empty: its start is after its end; swap them";
    return std::nullopt;
  }
  return node;
}

}  // namespace dossier::index::fields
