#include "extract/mbox_extractor.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "extract/email_extractor.h"
#include "extract/gmime_handles.h"
#include "extract/page_releaser.h"
#include "extract/text_extractor.h"

namespace dossier::extract {
namespace {

constexpr std::string_view kSeparator = "From ";

bool is_separator(std::string_view s, size_t at) {
  return (at == 0 || s[at - 1] == '\n') && s.compare(at, kSeparator.size(), kSeparator) == 0;
}

// The next separator at or after `from`, or s.size().
size_t next_separator(std::string_view s, size_t from) {
  if (from == 0 && is_separator(s, 0))
    return 0;
  for (size_t at = s.find("\nFrom ", from == 0 ? 0 : from - 1); at != std::string_view::npos;
       at = s.find("\nFrom ", at + 1)) {
    if (at + 1 >= from)
      return at + 1;
  }
  return s.size();
}

// mboxrd: a line of one or more '>' then "From " lost one '>' when it was written.
std::string unescape(std::string_view message) {
  std::string out;
  out.reserve(message.size());
  size_t at = 0;
  while (at < message.size()) {
    size_t eol = message.find('\n', at);
    const size_t end = eol == std::string_view::npos ? message.size() : eol + 1;
    std::string_view line = message.substr(at, end - at);
    const size_t quotes = line.find_first_not_of('>');
    if (quotes != std::string_view::npos && quotes > 0 &&
        line.compare(quotes, kSeparator.size(), kSeparator) == 0) {
      line.remove_prefix(1);
    }
    out.append(line);
    at = end;
  }
  return out;
}

// The raw Subject header of a message (unfolded), or "".
std::string raw_subject(std::string_view message) {
  size_t at = 0;
  while (at < message.size()) {
    size_t eol = message.find('\n', at);
    if (eol == std::string_view::npos)
      eol = message.size();
    std::string_view line = message.substr(at, eol - at);
    if (line.empty() || line == "\r")
      return {};  // end of the header block
    if (line.size() > 8 && strncasecmp(line.data(), "subject:", 8) == 0) {
      std::string value(line.substr(8));
      for (size_t next = eol + 1;
           next < message.size() && (message[next] == ' ' || message[next] == '\t');) {
        size_t e = message.find('\n', next);
        if (e == std::string_view::npos)
          e = message.size();
        value += message.substr(next, e - next);
        next = e + 1;
      }
      value.erase(std::remove(value.begin(), value.end(), '\r'), value.end());
      return value;
    }
    at = eol + 1;
  }
  return {};
}

std::string child_name(int n, std::string_view message) {
  std::string name = "message-" + std::to_string(n);
  std::string subject = raw_subject(message);
  if (!subject.empty()) {
    ensure_gmime_initialized();
    GCharPtr decoded(g_mime_utils_header_decode_text(nullptr, subject.c_str()));
    std::string s = decoded != nullptr ? decoded.get() : subject;
    s.erase(0, s.find_first_not_of(" \t"));
    for (char& c : s) {
      if (c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20)
        c = '_';
    }
    truncate_utf8(s, 120);
    if (!s.empty())
      name += " " + s;
  }
  return name + ".eml";
}

}  // namespace

MatchScore MboxExtractor::sniff(const Probe& probe) const {
  if (mime_base(probe.mime) == "application/mbox")
    return kGoodMatch + 15;
  const std::string_view head(reinterpret_cast<const char*>(probe.head.data()), probe.head.size());
  if (head.compare(0, kSeparator.size(), kSeparator) != 0)
    return kNoMatch;
  const size_t eol = head.find('\n');
  const size_t word = head.find_first_not_of(" \t", 4);
  if (word == std::string_view::npos || head[word] == ':')
    return kNoMatch;  // "From  : x", an obsolete-syntax header
  // "From sender date": a word and more on one line, no NUL bytes in the head.
  if (eol == std::string_view::npos || eol < 7 || eol > 1000 ||
      head.find('\0') != std::string_view::npos) {
    return kNoMatch;
  }
  // A lone message saved with its envelope line is an email, unless the name says mailbox: with
  // the whole file in the head (under 64 KiB) and one separator, content cannot tell them apart.
  const bool whole_file = probe.head.size() < 65536;
  const bool one_message = head.find("\nFrom ") == std::string_view::npos;
  std::string name = probe.name;
  for (char& c : name)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const bool named_mbox = name.ends_with(".mbox") || name.ends_with(".mbx") ||
                          name.ends_with(".mbs") || name.ends_with("mbox");
  if (whole_file && one_message && !named_mbox && looks_like_rfc822(probe.head))
    return kGoodMatch + 5;  // below EmailExtractor
  return kGoodMatch + 15;
}

Result<Extraction> MboxExtractor::extract(const Item& item, ExtractContext& ctx) const {
  const std::string_view s(reinterpret_cast<const char*>(item.bytes.data()), item.bytes.size());
  Extraction out;
  PageReleaser releaser(item.bytes);
  uint64_t separators = 0;
  bool emitting = true;
  size_t at = next_separator(s, 0);
  if (at > 0 && s.substr(0, at).find_first_not_of(" \t\r\n") != std::string_view::npos) {
    out.warnings.push_back(std::to_string(at) + " bytes before the first \"From \" line skipped");
  }
  while (at < s.size()) {
    if (ctx.is_cancelled())
      return Error{ErrorCode::kLimit, "cancelled", item.name};
    ++separators;
    size_t body = s.find('\n', at);
    body = body == std::string_view::npos ? s.size() : body + 1;
    const size_t next = next_separator(s, body);
    std::string_view message = s.substr(body, next - body);
    // The blank line mbox writes before the next separator belongs to the mailbox.
    if (message.ends_with("\r\n\r\n"))
      message.remove_suffix(2);
    else if (message.ends_with("\n\n"))
      message.remove_suffix(1);
    if (emitting) {
      const int n = static_cast<int>(separators);
      auto st = ctx.emit_child(out, Child{child_name(n, message), unescape(message)});
      if (!st) {
        out.warnings.push_back("stopped emitting messages: " + st.error().to_string());
        emitting = false;
      }
    }
    releaser.release_before(next);
    at = next;
  }
  out.declared_children = separators;
  out.metadata.push_back({"mbox:messages", std::to_string(separators)});
  return out;
}

}  // namespace dossier::extract
