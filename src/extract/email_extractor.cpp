#include "extract/email_extractor.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <climits>
#include <mutex>
#include <set>

#include "extract/email_headers.h"
#include "extract/gmime_handles.h"
#include "extract/mime_walker.h"
#include "extract/text_extractor.h"
#include "text/charset.h"

namespace dossier::extract {
namespace {

constexpr size_t kMaxWarnings = 20;

std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_known_header(std::string_view name) {
  static const std::set<std::string, std::less<>> kKnown = {"from",
                                                            "to",
                                                            "cc",
                                                            "subject",
                                                            "date",
                                                            "message-id",
                                                            "received",
                                                            "return-path",
                                                            "mime-version",
                                                            "content-type",
                                                            "delivered-to",
                                                            "x-mailer",
                                                            "reply-to",
                                                            "sender",
                                                            "dkim-signature",
                                                            "in-reply-to",
                                                            "references",
                                                            "content-transfer-encoding",
                                                            "thread-topic",
                                                            "x-originating-ip",
                                                            "user-agent",
                                                            "bcc",
                                                            "comments"};
  return kKnown.count(lowered(name)) > 0;
}

// The length of an .emlx byte-count line ("1795\n"), or 0.
size_t emlx_prefix(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && i < 12 && std::isdigit(static_cast<unsigned char>(s[i])))
    ++i;
  if (i == 0 || i >= s.size())
    return 0;
  size_t j = i;
  while (j < s.size() && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r'))
    ++j;
  return j < s.size() && s[j] == '\n' ? j + 1 : 0;
}

// The length of an mbox envelope line ("From sender date\n") that starts a single saved message.
size_t envelope_line(std::string_view s) {
  // "From  : x" is an obsolete-syntax From header (RFC 2822 section 4.5), not an envelope.
  const size_t word = s.find_first_not_of(" \t", 4);
  if (s.substr(0, 5) != "From " || word == std::string_view::npos || s[word] == ':')
    return 0;
  const size_t eol = s.find('\n');
  return eol == std::string_view::npos ? 0 : eol + 1;
}

struct Warnings {
  std::vector<std::string> list;
  std::set<int> seen;
};

const char* warning_text(GMimeParserWarning code) {
  switch (code) {
    case GMIME_WARN_TRUNCATED_MESSAGE:
      return "the message is truncated";
    case GMIME_WARN_MALFORMED_MULTIPART:
      return "a multipart has no parts";
    case GMIME_WARN_MALFORMED_MESSAGE:
      return "the message is malformed";
    case GMIME_CRIT_INVALID_HEADER_NAME:
      return "invalid header name: parts may be skipped";
    case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY:
      return "a multipart has no boundary";
    case GMIME_CRIT_NESTING_OVERFLOW:
      return "MIME nesting too deep: inner parts were skipped";
    case GMIME_WARN_PART_WITHOUT_CONTENT:
      return "a MIME part has no content";
    case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT:
      return "a MIME part has no headers or content";
    case GMIME_CRIT_CONFLICTING_HEADER:
      return "conflicting headers";
    default:
      return nullptr;  // minor: duplicated headers, 8-bit headers, bad parameters
  }
}

void on_parser_warning(gint64 offset, GMimeParserWarning code, const gchar* item, gpointer data) {
  auto* w = static_cast<Warnings*>(data);
  const char* what = warning_text(code);
  if (what == nullptr || w->list.size() >= kMaxWarnings || !w->seen.insert(code).second)
    return;
  std::string text = std::string("MIME: ") + what;
  if (item != nullptr && *item != '\0')
    text += std::string(" (") + std::string(item).substr(0, 80) + ")";
  if (offset >= 0)
    text += " at byte " + std::to_string(offset);
  w->list.push_back(std::move(text));
}

}  // namespace

void ensure_gmime_initialized() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

bool looks_like_rfc822(std::span<const uint8_t> head) {
  std::string_view s(reinterpret_cast<const char*>(head.data()),
                     std::min<size_t>(head.size(), 16384));
  s.remove_prefix(emlx_prefix(s));
  s.remove_prefix(envelope_line(s));
  int headers = 0;
  int known = 0;
  bool ended = false;
  size_t at = 0;
  for (int line_no = 0; at < s.size() && line_no < 200; ++line_no) {
    size_t eol = s.find('\n', at);
    if (eol == std::string_view::npos)
      break;  // an unfinished line proves nothing
    std::string_view line = s.substr(at, eol - at);
    at = eol + 1;
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (line.empty()) {
      ended = true;
      break;
    }
    if (line[0] == ' ' || line[0] == '\t') {
      if (headers == 0)
        return false;
      continue;
    }
    // A broken line after two well-known fields is damage inside a message, not prose.
    const size_t colon = line.find(':');
    if (colon == 0 || colon == std::string_view::npos || colon > 76)
      return known >= 2;
    std::string_view name = line.substr(0, colon);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t'))
      name.remove_suffix(1);  // obsolete syntax allows space before the colon
    if (name.empty() ||
        std::any_of(name.begin(), name.end(), [](char c) { return c <= ' ' || c > '~'; })) {
      return known >= 2;
    }
    ++headers;
    if (is_known_header(name))
      ++known;
  }
  return known >= 2 || (known >= 1 && ended);
}

MatchScore EmailExtractor::sniff(const Probe& probe) const {
  const std::string base = mime_base(probe.mime);
  const bool rfc822 = looks_like_rfc822(probe.head);
  if (base == "message/rfc822" || base == "message/news")
    return kGoodMatch + 10;
  if (rfc822 && (base.rfind("text/", 0) == 0 || base == "application/octet-stream"))
    return kGoodMatch + 10;
  return kNoMatch;
}

Result<Extraction> EmailExtractor::extract(const Item& item, ExtractContext& ctx) const {
  if (item.bytes.size() > INT_MAX) {
    return Error{ErrorCode::kLimit, "email larger than 2 GiB is not parsed", item.name};
  }
  std::span<const uint8_t> bytes = item.bytes;
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (size_t prefix = emlx_prefix(text); prefix > 0) {
    // Apple Mail .emlx: "<length>\n", the message, then an XML property list.
    const size_t length = std::stoul(std::string(text.substr(0, prefix)));
    bytes = bytes.subspan(prefix, std::min(length, bytes.size() - prefix));
  }
  std::string envelope;
  const std::string_view raw(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (size_t n = envelope_line(raw); n > 0) {
    // One message saved with its mbox envelope line, which is not a header.
    envelope = std::string(raw.substr(5, n - 5));
    while (!envelope.empty() && (envelope.back() == '\n' || envelope.back() == '\r'))
      envelope.pop_back();
    bytes = bytes.subspan(n);
  }
  // GMime holds every part in memory: a message of 100,000 parts would take 400 MB. Parse it up
  // to the last part allowed and account for the rest.
  uint64_t parts = 0;
  const size_t cut =
      mime_parts_cut(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
                     ctx.limits.max_mime_parts, parts);
  if (cut != std::string_view::npos)
    bytes = bytes.first(cut);
  ensure_gmime_initialized();
  Warnings warnings;
  ParserOptionsPtr options(g_mime_parser_options_new());
  // For 8-bit names and parameters without a declared charset (the headers themselves are
  // decoded in email_headers.cpp): UTF-8, else the charset the message uses, else windows-1252.
  const std::string hint = email_charset_hint(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  const char* fallback[] = {"UTF-8", hint.empty() ? "windows-1252" : hint.c_str(), "windows-1252",
                            nullptr};
  g_mime_parser_options_set_fallback_charsets(options.get(), fallback);
  g_mime_parser_options_set_rfc2047_compliance_mode(options.get(), GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_address_compliance_mode(options.get(), GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_parameter_compliance_mode(options.get(), GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_warning_callback(options.get(), on_parser_warning, &warnings);
  GObjectPtr<GMimeStream> stream(
      g_mime_stream_mem_new_with_buffer(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  GObjectPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
  GObjectPtr<GMimeMessage> message(g_mime_parser_construct_message(parser.get(), options.get()));
  if (message == nullptr || g_mime_header_list_get_count(
                                g_mime_object_get_header_list(GMIME_OBJECT(message.get()))) == 0) {
    return Error{ErrorCode::kCorrupt, "not an email: no RFC 822 headers", item.name};
  }
  Extraction out;
  if (!envelope.empty())
    out.metadata.push_back({"email:envelope", envelope});
  const std::string summary =
      add_email_headers(message.get(), options.get(), text::canonical_charset(hint), out);
  out.declared_children = 0;
  MimeWalker walker(out, ctx);
  walker.walk(g_mime_message_get_mime_part(message.get()));
  if (cut != std::string_view::npos) {
    const std::string why = "the message has " + std::to_string(parts) +
                            " MIME parts; only the first " +
                            std::to_string(ctx.limits.max_mime_parts) + " were read";
    out.warnings.push_back(why);
    out.child_problems.push_back(
        {"parts after " + std::to_string(ctx.limits.max_mime_parts), "limit", why});
  }
  std::string body = walker.take_body();
  std::string page = summary.empty() ? std::move(body) : summary + "\n" + body;
  if (truncate_utf8(page, ctx.limits.max_text_bytes)) {
    out.warnings.push_back("text truncated at " + std::to_string(ctx.limits.max_text_bytes) +
                           " bytes");
  }
  out.pages.push_back(Page{0, std::move(page), TextSource::kNative, -1});
  for (std::string& w : warnings.list)
    out.warnings.push_back(std::move(w));
  return out;
}

}  // namespace dossier::extract
