#include "extract/mime_walker.h"

#include <algorithm>
#include <cctype>
#include <unordered_set>

#include "extract/gmime_handles.h"
#include "extract/html_extractor.h"
#include "extract/smime_extractor.h"
#include "extract/text_extractor.h"
#include "extract/tnef_extractor.h"
#include "text/charset.h"

namespace dossier::extract {
namespace {

// GMime refuses deeper nesting itself (GMIME_CRIT_NESTING_OVERFLOW); this is a second guard for
// the recursion below.
constexpr int kMaxDepth = 64;

std::string lowered(const char* s) {
  std::string out = s != nullptr ? s : "";
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string content_type(GMimeObject* object) {
  GMimeContentType* ct = g_mime_object_get_content_type(object);  // owned by object
  if (ct == nullptr)
    return "text/plain";
  return lowered(g_mime_content_type_get_media_type(ct)) + "/" +
         lowered(g_mime_content_type_get_media_subtype(ct));
}

std::span<const uint8_t> as_span(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

bool is_body_type(const std::string& type) {
  return type == "text/plain" || type == "text/html" || type == "text/enriched" ||
         type == "text/rfc822-headers" || type == "message/delivery-status" ||
         type == "message/disposition-notification";
}

std::string extension_for(const std::string& type) {
  static constexpr std::pair<std::string_view, std::string_view> kExt[] = {
      {"application/pdf", "pdf"},
      {"image/png", "png"},
      {"image/jpeg", "jpg"},
      {"image/gif", "gif"},
      {"image/tiff", "tif"},
      {"text/plain", "txt"},
      {"text/html", "html"},
      {"text/calendar", "ics"},
      {"text/x-vcard", "vcf"},
      {"text/vcard", "vcf"},
      {"application/zip", "zip"},
      {"message/rfc822", "eml"},
      {"application/msword", "doc"},
      {"application/rtf", "rtf"},
      {"text/rtf", "rtf"},
      {"application/vnd.ms-excel", "xls"},
      {"application/ms-tnef", "dat"},
      {"application/pkcs7-mime", "p7m"},
      {"application/pkcs7-signature", "p7s"},
      {"text/css", "css"},
      {"text/javascript", "js"},
      {"application/javascript", "js"},
      {"image/svg+xml", "svg"},
      {"image/webp", "webp"},
      {"image/bmp", "bmp"},
  };
  for (const auto& [mime, ext] : kExt) {
    if (type == mime)
      return std::string(ext);
  }
  return "bin";
}

// Child names become path components under the parent: no separators, no control characters.
std::string safe_name(std::string name) {
  for (char& c : name) {
    if (c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20)
      c = '_';
  }
  if (name.size() > 200)
    name.resize(200);  // may cut a UTF-8 sequence; repaired below
  auto fixed = text::to_utf8(name, "utf-8");
  return fixed ? fixed->text : name;
}

}  // namespace

namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Every value of a boundary= parameter in the message, quoted or not (views into `message`).
std::unordered_set<std::string_view> declared_boundaries(std::string_view message) {
  std::unordered_set<std::string_view> out;
  constexpr std::string_view kParam = "boundary=";
  for (size_t at = 0; at + kParam.size() < message.size(); ++at) {
    if ((message[at] | 0x20) != 'b')
      continue;
    bool match = true;
    for (size_t k = 1; k < kParam.size() && match; ++k) {
      char c = message[at + k];
      match = (kParam[k] == '=' ? c : static_cast<char>(c | 0x20)) == kParam[k];
    }
    if (!match)
      continue;
    size_t from = at + kParam.size();
    size_t to = from;
    if (message[from] == '"') {
      ++from;
      to = message.find('"', from);
      if (to == std::string_view::npos)
        continue;
    } else {
      while (to < message.size() && !is_blank(message[to]) && message[to] != ';')
        ++to;
    }
    if (to > from && to - from <= 200)  // RFC 2046: at most 70 characters
      out.insert(message.substr(from, to - from));
    at = to;
  }
  return out;
}

}  // namespace

size_t mime_parts_cut(std::string_view message, uint64_t max_parts, uint64_t& parts) {
  parts = 0;
  const auto boundaries = declared_boundaries(message);
  if (boundaries.empty())
    return std::string_view::npos;
  size_t cut = std::string_view::npos;
  for (size_t line = 0; line < message.size();) {
    size_t end = message.find('\n', line);
    if (end == std::string_view::npos)
      end = message.size();
    if (end - line > 2 && message[line] == '-' && message[line + 1] == '-') {
      std::string_view rest = message.substr(line + 2, end - line - 2);
      while (!rest.empty() && is_blank(rest.back()))
        rest.remove_suffix(1);
      // "--boundary" opens a part, "--boundary--" closes the multipart.
      const bool closing = rest.size() > 2 && rest.ends_with("--") &&
                           boundaries.count(rest.substr(0, rest.size() - 2)) > 0;
      if (!closing && boundaries.count(rest) > 0 && ++parts == max_parts + 1)
        cut = line;
    }
    line = end + 1;
  }
  return cut;
}

bool mime_part_bytes(GMimePart* part, std::string& bytes) {
  GMimeDataWrapper* content = g_mime_part_get_content(part);  // owned by part
  if (content == nullptr)
    return false;
  GObjectPtr<GMimeStream> mem(g_mime_stream_mem_new());
  if (g_mime_data_wrapper_write_to_stream(content, mem.get()) < 0)
    return false;
  GByteArray* array = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem.get()));  // owned
  bytes.assign(reinterpret_cast<const char*>(array->data), array->len);
  return true;
}

std::string mime_message_bytes(GMimeMessage* message) {
  GObjectPtr<GMimeStream> mem(g_mime_stream_mem_new());
  g_mime_object_write_to_stream(GMIME_OBJECT(message), nullptr, mem.get());
  GByteArray* array = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem.get()));  // owned
  return std::string(reinterpret_cast<const char*>(array->data), array->len);
}

void MimeWalker::walk(GMimeObject* root) {
  if (root != nullptr)
    walk_object(root, 0, Mode::kBody);
}

void MimeWalker::walk_object(GMimeObject* object, int depth, Mode mode) {
  if (stopped_)
    return;
  if (depth > kMaxDepth) {
    out_.warnings.push_back("MIME nesting deeper than " + std::to_string(kMaxDepth) +
                            " levels was not read");
    return;
  }
  if (GMIME_IS_MULTIPART_ENCRYPTED(object)) {
    count_declared();
    problem(part_name(object, "application/pgp-encrypted"), "encrypted",
            "PGP/MIME encrypted message: needs the recipient's private key");
  } else if (GMIME_IS_MULTIPART(object)) {
    if (content_type(object) == "multipart/alternative")
      walk_alternative(GMIME_MULTIPART(object), depth, mode);
    else
      walk_multipart(GMIME_MULTIPART(object), depth, mode);
  } else if (GMIME_IS_MESSAGE_PART(object)) {
    message_part(GMIME_MESSAGE_PART(object));
  } else if (GMIME_IS_PART(object)) {
    leaf(GMIME_PART(object), mode);
  }
}

void MimeWalker::walk_multipart(GMimeMultipart* multipart, int depth, Mode mode) {
  const int n = g_mime_multipart_get_count(multipart);
  for (int i = 0; i < n && !stopped_; ++i)
    walk_object(g_mime_multipart_get_part(multipart, i), depth + 1, mode);
}

// One alternative is the body (text/plain, else HTML, else a multipart that holds one); the others
// say the same thing again, so only their non-text parts (inline images, calendars) are kept.
void MimeWalker::walk_alternative(GMimeMultipart* multipart, int depth, Mode mode) {
  const int n = g_mime_multipart_get_count(multipart);
  int best = -1;
  int best_score = 0;
  for (int i = 0; i < n; ++i) {
    GMimeObject* sub = g_mime_multipart_get_part(multipart, i);
    const std::string type = content_type(sub);
    int score = 0;
    if (type == "text/plain")
      score = 3;
    else if (type == "text/html")
      score = 2;
    else if (GMIME_IS_MULTIPART(sub))
      score = 1;
    if (score > best_score) {
      best = i;
      best_score = score;
    }
  }
  for (int i = 0; i < n && !stopped_; ++i) {
    walk_object(g_mime_multipart_get_part(multipart, i), depth + 1,
                i == best ? mode : Mode::kAttachmentsOnly);
  }
}

void MimeWalker::message_part(GMimeMessagePart* part) {
  count_declared();
  GMimeMessage* message = g_mime_message_part_get_message(part);  // owned by part
  std::string name;
  if (message != nullptr) {
    const char* subject = g_mime_message_get_subject(message);
    if (subject != nullptr && *subject != '\0')
      name = safe_name(subject) + ".eml";
  }
  if (name.empty())
    name = part_name(GMIME_OBJECT(part), "message/rfc822");
  if (message == nullptr) {
    problem(name, "corrupt", "message/rfc822 part without a message");
    return;
  }
  emit(std::move(name), mime_message_bytes(message));
}

void MimeWalker::leaf(GMimePart* part, Mode mode) {
  GMimeObject* object = GMIME_OBJECT(part);
  const std::string type = content_type(object);
  const std::string disposition = lowered(g_mime_object_get_disposition(object));
  const std::string filename = lowered(g_mime_part_get_filename(part));
  std::string bytes;
  const bool has_content = mime_part_bytes(part, bytes);
  if (type == "application/pkcs7-signature" || type == "application/x-pkcs7-signature") {
    // A detached signature is about the message, not an attachment of it.
    auto smime = has_content ? read_smime(as_span(bytes))
                             : Result<SmimeContent>(Error{ErrorCode::kCorrupt, "empty", ""});
    if (!smime) {
      out_.warnings.push_back("S/MIME signature not readable: " + smime.error().message);
      return;
    }
    for (MetaField& f : smime->metadata)
      out_.metadata.push_back(std::move(f));
    return;
  }
  if (type == "application/pgp-signature") {
    out_.metadata.push_back({"email:pgp-signature", "present (not verified)"});
    return;
  }
  if (disposition != "attachment" && is_body_type(type)) {
    if (mode == Mode::kBody && has_content)
      add_body_text(part, type, bytes);
    return;
  }
  count_declared();
  std::string name = part_name(object, type);
  if (!has_content) {
    problem(std::move(name), "corrupt", "MIME part without content (truncated message?)");
    return;
  }
  if (type == "application/pkcs7-mime" || type == "application/x-pkcs7-mime" ||
      filename.ends_with(".p7m")) {
    if (!add_smime_part(as_span(bytes), name, "smime-content.eml", out_, ctx_))
      stopped_ = true;
    return;
  }
  if (type == "application/ms-tnef" || type == "application/vnd.ms-tnef" ||
      filename == "winmail.dat") {
    // The TNEF's own attachments replace the winmail.dat in the count.
    out_.declared_children = *out_.declared_children - 1;
    switch (add_tnef_part(as_span(bytes), out_, ctx_, body_)) {
      case TnefOutcome::kDone:
        return;
      case TnefOutcome::kStopped:
        stopped_ = true;
        return;
      case TnefOutcome::kNotTnef:
        count_declared();
        out_.warnings.push_back(name + ": not a readable TNEF stream, kept as it is");
        break;
    }
  }
  emit(std::move(name), std::move(bytes));
}

void MimeWalker::add_body_text(GMimePart* part, const std::string& type, const std::string& bytes) {
  const char* charset = g_mime_object_get_content_type_parameter(GMIME_OBJECT(part), "charset");
  std::string text;
  if (type == "text/html") {
    Item item;
    item.bytes = as_span(bytes);
    item.mime = std::string("text/html") + (charset != nullptr ? "; charset=" : "") +
                (charset != nullptr ? charset : "");
    item.name = "body.html";
    auto html = HtmlExtractor().extract(item, ctx_);
    if (html) {
      for (Page& p : html->pages)
        text += p.text;
    } else {
      out_.warnings.push_back("HTML body not converted: " + html.error().message);
    }
  } else {
    auto decoded = text::to_utf8(bytes, charset != nullptr ? charset : "");
    if (decoded)
      text = std::move(decoded->text);
    else
      out_.warnings.push_back("body not decoded: " + decoded.error().message);
  }
  if (text.empty())
    return;
  if (!body_.empty())
    body_ += "\n\n";
  body_ += text;
}

void MimeWalker::emit(std::string name, std::string bytes) {
  if (stopped_)
    return;
  auto st = ctx_.emit_child(out_, Child{std::move(name), std::move(bytes)});
  if (!st) {
    out_.warnings.push_back("stopped emitting attachments: " + st.error().to_string());
    stopped_ = true;
  }
}

void MimeWalker::problem(std::string name, std::string code, std::string reason) {
  out_.child_problems.push_back({std::move(name), std::move(code), std::move(reason)});
}

std::string MimeWalker::part_name(GMimeObject* object, const std::string& type) {
  ++part_number_;
  if (GMIME_IS_PART(object)) {
    const char* filename = g_mime_part_get_filename(GMIME_PART(object));
    if (filename != nullptr && *filename != '\0')
      return safe_name(filename);
    // MHTML resources have a URL instead of a file name: keep its last segment.
    std::string location;
    if (const char* loc = g_mime_part_get_content_location(GMIME_PART(object)))
      location = loc;
    location = location.substr(0, location.find_first_of("?#"));
    while (!location.empty() && location.back() == '/')
      location.pop_back();
    location = location.substr(location.find_last_of('/') + 1);
    if (!location.empty() && location.find(':') == std::string::npos)
      return safe_name(location);
  }
  return "part-" + std::to_string(part_number_) + "." + extension_for(type);
}

}  // namespace dossier::extract
