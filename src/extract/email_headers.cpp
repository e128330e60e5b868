#include "extract/email_headers.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <vector>

#include "core/time_util.h"
#include "extract/gmime_handles.h"
#include "extract/text_extractor.h"
#include "text/charset.h"

namespace dossier::extract {
namespace {

constexpr size_t kMaxHeaders = 10000;
constexpr size_t kMaxHeaderValue = 64 * 1024;

std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string trimmed(std::string s) {
  const size_t start = s.find_first_not_of(" \t\r\n");
  if (start == std::string::npos)
    return {};
  const size_t end = s.find_last_not_of(" \t\r\n");
  return s.substr(start, end - start + 1);
}

bool is_utf8(const std::string& s) {
  return g_utf8_validate(s.data(), static_cast<gssize>(s.size()), nullptr);
}

struct RawHeader {
  std::string name;
  std::string raw;  // as in the message, folded, may be 8-bit in any charset
};

// Headers in other charsets than UTF-8 arrive as raw bytes; GMime would guess from its fallback
// list, which cannot tell Latin-1 from GB18030. The message's own charset, else detection over
// all its 8-bit headers together, is a better guess.
std::string charset_for_8bit(const std::vector<RawHeader>& headers, const std::string& hint) {
  if (!hint.empty())
    return hint;
  std::string sample;
  for (const RawHeader& h : headers) {
    if (!is_utf8(h.raw))
      sample += h.raw + "\n";
  }
  if (sample.empty())
    return {};
  return text::detect_charset(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(sample.data()), sample.size()));
}

std::string decode_value(const std::string& raw, const std::string& charset,
                         GMimeParserOptions* options, std::string* utf8_raw) {
  std::string fixed = raw;
  if (!is_utf8(fixed)) {
    auto d = text::to_utf8(fixed, charset);
    if (d)
      fixed = std::move(d->text);
  }
  GCharPtr unfolded(g_mime_utils_header_unfold(fixed.c_str()));
  std::string plain = unfolded != nullptr ? unfolded.get() : fixed;
  if (utf8_raw != nullptr)
    *utf8_raw = plain;
  GCharPtr decoded(g_mime_utils_header_decode_text(options, plain.c_str()));
  std::string value = trimmed(decoded != nullptr ? decoded.get() : plain);
  if (value.size() > kMaxHeaderValue)
    truncate_utf8(value, kMaxHeaderValue);
  return value;
}

// "Name <addr>, ..." as GMime formats a parsed list, or "" when nothing parses.
std::string addresses(const std::string& utf8_raw, GMimeParserOptions* options) {
  GObjectPtr<InternetAddressList> list(internet_address_list_parse(options, utf8_raw.c_str()));
  if (list == nullptr || internet_address_list_length(list.get()) == 0)
    return {};
  GCharPtr s(internet_address_list_to_string(list.get(), nullptr, FALSE));
  return s != nullptr ? std::string(s.get()) : std::string();
}

void append_list(std::string& list, const std::string& more) {
  if (more.empty())
    return;
  if (!list.empty())
    list += ", ";
  list += more;
}

}  // namespace

std::string email_charset_hint(std::string_view message) {
  const std::string head = lowered(message.substr(0, 256 * 1024));
  for (size_t at = head.find("charset="); at != std::string::npos;
       at = head.find("charset=", at + 8)) {
    size_t i = at + 8;
    if (i < head.size() && (head[i] == '"' || head[i] == '\''))
      ++i;
    size_t j = i;
    while (j < head.size() &&
           (std::isalnum(static_cast<unsigned char>(head[j])) || head[j] == '-' || head[j] == '_' ||
            head[j] == ':' || head[j] == '.')) {
      ++j;
    }
    const std::string label = head.substr(i, j - i);
    if (label.empty() || label == "us-ascii" || label == "utf-8" || label == "utf8")
      continue;
    return label;
  }
  return {};
}

std::string add_email_headers(GMimeMessage* message, GMimeParserOptions* options,
                              const std::string& charset_hint, Extraction& out) {
  GMimeHeaderList* list = g_mime_object_get_header_list(GMIME_OBJECT(message));  // owned
  const int n = g_mime_header_list_get_count(list);
  std::vector<RawHeader> headers;
  for (int i = 0; i < n && headers.size() < kMaxHeaders; ++i) {
    GMimeHeader* h = g_mime_header_list_get_header_at(list, i);  // owned by the list
    const char* name = g_mime_header_get_name(h);
    const char* raw = g_mime_header_get_raw_value(h);
    if (name != nullptr)
      headers.push_back({name, raw != nullptr ? raw : ""});
  }
  if (static_cast<size_t>(n) > kMaxHeaders)
    out.warnings.push_back("only the first " + std::to_string(kMaxHeaders) + " headers kept");
  const std::string charset = charset_for_8bit(headers, charset_hint);
  std::string summary;
  std::set<std::string> seen;
  std::string to;
  for (const RawHeader& h : headers) {
    std::string utf8_raw;
    const std::string value = decode_value(h.raw, charset, options, &utf8_raw);
    out.metadata.push_back({"email:" + h.name, value});
    const std::string key = lowered(h.name);
    const bool first = seen.insert(key).second;
    if (first && !value.empty() &&
        (key == "from" || key == "to" || key == "cc" || key == "date" || key == "subject")) {
      summary += h.name + ": " + value + "\n";
    }
    if (key == "subject" && first) {
      out.common.title = value;
    } else if (key == "from" && first) {
      out.common.from = addresses(utf8_raw, options);
      if (out.common.from.empty())
        out.common.from = value;  // an Exchange DN or a bare name: keep it as written
    } else if (key == "to" || key == "cc" || key == "bcc") {
      std::string parsed = addresses(utf8_raw, options);
      append_list(to, parsed.empty() ? value : parsed);
    }
  }
  out.common.to = std::move(to);
  GDateTime* date = g_mime_message_get_date(message);  // owned by message
  if (date != nullptr) {
    out.common.created = g_date_time_to_unix(date);
  } else if (const char* raw = g_mime_object_get_header(GMIME_OBJECT(message), "Date")) {
    out.common.created = parse_date(raw);
  }
  return summary;
}

}  // namespace dossier::extract
