#include "extract/pst_message.h"

#include <glib.h>

#include <cctype>
#include <cstring>
#include <ctime>

#include "extract/gmime_handles.h"
#include "text/charset.h"

namespace dossier::extract {
namespace {

constexpr int kMaxDepth = 8;
// MAPI properties libpff has no name for: the SMTP forms of Exchange ("EX") addresses.
constexpr uint32_t kSenderSmtpAddress = 0x5d01;                 // PR_SENDER_SMTP_ADDRESS
constexpr uint32_t kSentRepresentingSmtp = 0x5d02;              // PR_SENT_REPRESENTING_SMTP_ADDRESS
constexpr uint32_t kRecipientSmtpAddress = 0x39fe;              // PR_SMTP_ADDRESS
constexpr uint64_t kFiletimeUnixEpoch = 116444736000000000ull;  // 1970-01-01 in 100 ns ticks

std::optional<int64_t> filetime_to_unix(uint64_t ft) {
  if (ft <= kFiletimeUnixEpoch)
    return std::nullopt;
  return static_cast<int64_t>((ft - kFiletimeUnixEpoch) / 10000000ull);
}

std::string rfc2822_date(int64_t t) {
  const time_t tt = static_cast<time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

std::string base64_lines(std::string_view data) {
  GCharPtr encoded(g_base64_encode(reinterpret_cast<const guchar*>(data.data()), data.size()));
  std::string_view s(encoded.get());
  std::string out;
  out.reserve(s.size() + s.size() / 76 * 2 + 2);
  for (size_t at = 0; at < s.size(); at += 76) {
    out.append(s.substr(at, 76));
    out += "\r\n";
  }
  return out;
}

bool is_ascii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80 || c == '\r' || c == '\n')
      return false;
  }
  return true;
}

// RFC 2047 for header values and (as mail clients do) file name parameters.
std::string encoded_word(const std::string& s) {
  if (is_ascii(s))
    return s;
  GCharPtr b64(g_base64_encode(reinterpret_cast<const guchar*>(s.data()), s.size()));
  return "=?UTF-8?B?" + std::string(b64.get()) + "?=";
}

// MAPI subjects may start with a prefix marker: U+0001 and the prefix length.
std::string clean_subject(std::string s) {
  if (s.size() >= 2 && s[0] == '\x01')
    s.erase(0, 2);
  return s;
}

// Drops the MIME structure fields (and their continuation lines): the body is rewritten.
std::string strip_mime_headers(std::string_view headers) {
  std::string out;
  bool skipping = false;
  size_t at = 0;
  while (at < headers.size()) {
    size_t eol = headers.find('\n', at);
    const size_t end = eol == std::string_view::npos ? headers.size() : eol + 1;
    std::string_view line = headers.substr(at, end - at);
    at = end;
    std::string_view bare = line;
    while (!bare.empty() && (bare.back() == '\n' || bare.back() == '\r'))
      bare.remove_suffix(1);
    if (bare.empty())
      break;  // end of the header block
    if (line[0] == ' ' || line[0] == '\t') {
      if (!skipping)
        out.append(bare).append("\r\n");
      continue;
    }
    skipping = strncasecmp(bare.data(), "content-", 8) == 0 ||
               strncasecmp(bare.data(), "mime-version:", 13) == 0;
    if (!skipping)
      out.append(bare).append("\r\n");
  }
  return out;
}

std::optional<std::string> body(libpff_item_t* item,
                                int (*size_fn)(libpff_item_t*, size_t*, libpff_error_t**),
                                int (*get_fn)(libpff_item_t*, uint8_t*, size_t, libpff_error_t**)) {
  PffError err;
  size_t size = 0;
  if (size_fn(item, &size, err.out()) != 1 || size == 0)
    return std::nullopt;
  std::string s(size, '\0');
  if (get_fn(item, reinterpret_cast<uint8_t*>(s.data()), size, err.out()) != 1)
    return std::nullopt;
  s.resize(strnlen(s.data(), s.size()));
  return s;
}

std::string recipients_headers(libpff_item_t* message) {
  PffError err;
  libpff_item_t* raw = nullptr;
  if (libpff_message_get_recipients(message, &raw, err.out()) != 1)
    return {};
  PffItem recipients(raw);
  int sets = 0;
  if (libpff_item_get_number_of_record_sets(recipients.get(), &sets, err.out()) != 1)
    return {};
  std::string to, cc;
  for (int i = 0; i < sets; ++i) {
    std::string name = pff_string(recipients.get(), LIBPFF_ENTRY_TYPE_DISPLAY_NAME, i).value_or("");
    std::string addr = pff_string(recipients.get(), kRecipientSmtpAddress, i).value_or("");
    if (addr.empty())
      addr = pff_string(recipients.get(), LIBPFF_ENTRY_TYPE_EMAIL_ADDRESS, i).value_or("");
    std::string one = addr.empty()   ? encoded_word(name)
                      : name.empty() ? "<" + addr + ">"
                                     : "\"" + encoded_word(name) + "\" <" + addr + ">";
    if (one.empty())
      continue;
    // Bcc recipients are rare in stores and harmless in To; Cc is told apart by its type.
    const auto type = pff_string(recipients.get(), LIBPFF_ENTRY_TYPE_RECIPIENT_TYPE, i);
    std::string& list = (type && *type == "2") ? cc : to;
    list += (list.empty() ? "" : ", ") + one;
  }
  std::string out;
  if (!to.empty())
    out += "To: " + to + "\r\n";
  if (!cc.empty())
    out += "Cc: " + cc + "\r\n";
  return out;
}

std::string attachment_name(libpff_item_t* att, int n) {
  for (uint32_t type :
       {LIBPFF_ENTRY_TYPE_ATTACHMENT_FILENAME_LONG, LIBPFF_ENTRY_TYPE_ATTACHMENT_FILENAME_SHORT,
        LIBPFF_ENTRY_TYPE_DISPLAY_NAME}) {
    auto s = pff_string(att, type);
    if (s && !s->empty())
      return *s;
  }
  return "attachment-" + std::to_string(n);
}

std::string quoted(const std::string& s) {
  std::string out;
  for (char c : encoded_word(s)) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += (c == '\r' || c == '\n') ? ' ' : c;
  }
  return "\"" + out + "\"";
}

// One attachment as a MIME part (with its boundary line), or "" with a problem recorded.
std::string attachment_part(libpff_item_t* att, int n, uint64_t max_bytes, int depth,
                            PstMessage& m) {
  PffError err;
  const std::string name = attachment_name(att, n);
  int type = 0;
  if (libpff_attachment_get_type(att, &type, err.out()) != 1) {
    m.problems.push_back("attachment " + name + ": " + err.text());
    return {};
  }
  if (type == LIBPFF_ATTACHMENT_TYPE_ITEM) {
    libpff_item_t* raw = nullptr;
    if (libpff_attachment_get_item(att, &raw, err.out()) != 1) {
      m.problems.push_back("attached item " + name + ": " + err.text());
      return {};
    }
    PffItem item(raw);
    if (depth + 1 >= kMaxDepth) {
      m.problems.push_back("attached item " + name + ": nested too deep");
      return {};
    }
    PstMessage inner = compose_pst_message(item.get(), max_bytes, depth + 1);
    for (std::string& p : inner.problems)
      m.problems.push_back(name + ": " + p);
    return "Content-Type: message/rfc822\r\nContent-Disposition: attachment; filename=" +
           quoted(name + ".eml") + "\r\n\r\n" + inner.eml + "\r\n";
  }
  if (type != LIBPFF_ATTACHMENT_TYPE_DATA) {
    m.problems.push_back("attachment " + name + ": a reference to a file outside the PST");
    return {};
  }
  size64_t size = 0;
  if (libpff_attachment_get_data_size(att, &size, err.out()) != 1) {
    m.problems.push_back("attachment " + name + ": " + err.text());
    return {};
  }
  if (size > max_bytes) {
    m.problems.push_back("attachment " + name + ": " + std::to_string(size) +
                         " bytes, over the limit");
    return {};
  }
  std::string data(static_cast<size_t>(size), '\0');
  size_t got = 0;
  while (got < data.size()) {
    ssize_t r = libpff_attachment_data_read_buffer(
        att, reinterpret_cast<uint8_t*>(data.data() + got), data.size() - got, err.out());
    if (r <= 0)
      break;
    got += static_cast<size_t>(r);
  }
  if (got < data.size()) {
    m.problems.push_back("attachment " + name + ": only " + std::to_string(got) + " of " +
                         std::to_string(size) + " bytes readable");
    return {};
  }
  return "Content-Type: application/octet-stream; name=" + quoted(name) +
         "\r\nContent-Disposition: attachment; filename=" + quoted(name) +
         "\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64_lines(data);
}

}  // namespace

std::optional<std::string> pff_string(libpff_item_t* item, uint32_t entry_type, int set) {
  PffError err;
  libpff_record_set_t* set_raw = nullptr;
  if (libpff_item_get_record_set_by_index(item, set, &set_raw, err.out()) != 1)
    return std::nullopt;
  PffRecordSet record_set(set_raw);
  libpff_record_entry_t* entry_raw = nullptr;
  if (libpff_record_set_get_entry_by_type(record_set.get(), entry_type, 0, &entry_raw,
                                          LIBPFF_ENTRY_VALUE_FLAG_MATCH_ANY_VALUE_TYPE,
                                          err.out()) != 1) {
    return std::nullopt;
  }
  PffRecordEntry entry(entry_raw);
  uint32_t value_type = 0;
  if (libpff_record_entry_get_value_type(entry.get(), &value_type, err.out()) == 1 &&
      (value_type == LIBPFF_VALUE_TYPE_INTEGER_32BIT_SIGNED)) {
    uint32_t v = 0;
    if (libpff_record_entry_get_data_as_32bit_integer(entry.get(), &v, err.out()) == 1)
      return std::to_string(v);
    return std::nullopt;
  }
  size_t size = 0;
  if (libpff_record_entry_get_data_as_utf8_string_size(entry.get(), &size, err.out()) != 1 ||
      size == 0) {
    return std::nullopt;
  }
  std::string s(size, '\0');
  if (libpff_record_entry_get_data_as_utf8_string(entry.get(), reinterpret_cast<uint8_t*>(s.data()),
                                                  size, err.out()) != 1) {
    return std::nullopt;
  }
  s.resize(strnlen(s.data(), s.size()));
  return s;
}

PstMessage compose_pst_message(libpff_item_t* message, uint64_t max_attachment_bytes, int depth) {
  PstMessage m;
  PffError err;
  m.subject = clean_subject(pff_string(message, LIBPFF_ENTRY_TYPE_MESSAGE_SUBJECT).value_or(""));
  uint64_t ft = 0;
  if (libpff_message_get_client_submit_time(message, &ft, err.out()) == 1)
    m.date = filetime_to_unix(ft);
  if (!m.date && libpff_message_get_delivery_time(message, &ft, err.out()) == 1)
    m.date = filetime_to_unix(ft);

  std::string headers;
  if (auto transport = pff_string(message, LIBPFF_ENTRY_TYPE_MESSAGE_TRANSPORT_HEADERS);
      transport && transport->find(':') != std::string::npos) {
    headers = strip_mime_headers(*transport);
  }
  if (headers.empty()) {
    const std::string name =
        pff_string(message, LIBPFF_ENTRY_TYPE_MESSAGE_SENDER_NAME).value_or("");
    std::string addr;
    for (uint32_t type : {kSenderSmtpAddress, kSentRepresentingSmtp,
                          static_cast<uint32_t>(LIBPFF_ENTRY_TYPE_MESSAGE_SENDER_EMAIL_ADDRESS)}) {
      if (addr.empty())
        addr = pff_string(message, type).value_or("");
    }
    if (!name.empty() || !addr.empty()) {
      headers += "From: " + (name.empty() ? "" : "\"" + encoded_word(name) + "\" ") +
                 (addr.empty() ? "" : "<" + addr + ">") + "\r\n";
    }
    headers += recipients_headers(message);
    if (!m.subject.empty())
      headers += "Subject: " + encoded_word(m.subject) + "\r\n";
    if (m.date)
      headers += "Date: " + rfc2822_date(*m.date) + "\r\n";
    // Say so: these headers were made by dossier, not sent by anyone.
    headers += "X-Dossier-Composed: from PST properties (the store kept no transport headers)";
    if (auto cls = pff_string(message, LIBPFF_ENTRY_TYPE_MESSAGE_CLASS))
      headers += "; message class " + *cls;
    headers += "\r\n";
  }
  const std::string boundary = "=_dossier_pst_" + std::to_string(depth);
  std::string eml = headers + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"" +
                    boundary + "\"\r\n\r\n";
  const std::string open = "--" + boundary + "\r\n";
  if (auto plain = body(message, libpff_message_get_plain_text_body_size,
                        libpff_message_get_plain_text_body)) {
    eml += open + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64" +
           "\r\n\r\n" + base64_lines(*plain);
  } else if (auto html =
                 body(message, libpff_message_get_html_body_size, libpff_message_get_html_body)) {
    eml += open + "Content-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
           base64_lines(*html);
  } else if (auto rtf =
                 body(message, libpff_message_get_rtf_body_size, libpff_message_get_rtf_body)) {
    eml += open + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64" +
           "\r\n\r\n" + base64_lines(rtf_to_text(*rtf));
  }
  int count = 0;
  if (libpff_message_get_number_of_attachments(message, &count, err.out()) != 1)
    count = 0;
  for (int i = 0; i < count; ++i) {
    libpff_item_t* raw = nullptr;
    if (libpff_message_get_attachment(message, i, &raw, err.out()) != 1) {
      m.problems.push_back("attachment " + std::to_string(i + 1) + ": " + err.text());
      continue;
    }
    PffItem att(raw);
    std::string part = attachment_part(att.get(), i + 1, max_attachment_bytes, depth, m);
    if (!part.empty())
      eml += open + part;
  }
  eml += "--" + boundary + "--\r\n";
  m.eml = std::move(eml);
  return m;
}

}  // namespace dossier::extract
