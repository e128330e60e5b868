// Walks a parsed GMime tree: body text from the text parts, every attachment, inline non-text part
// and nested message as a child, and an account of the parts that could not be had. Internal to
// the email extractor.
#pragma once

#include <gmime/gmime.h>

#include <string>
#include <string_view>

#include "extract/extractor.h"

namespace dossier::extract {

// Not thread-safe; one per message. `out` and `ctx` must outlive it.
class MimeWalker {
 public:
  MimeWalker(Extraction& out, ExtractContext& ctx) : out_(out), ctx_(ctx) {}

  // Walks the message's body. Adds to out_: children, child_problems, declared_children (the leaf
  // parts that are attachments or nested messages), warnings, S/MIME metadata.
  void walk(GMimeObject* root);
  // The body text (text/plain preferred over text/html in multipart/alternative), UTF-8.
  std::string take_body() { return std::move(body_); }

 private:
  enum class Mode { kBody, kAttachmentsOnly };

  void walk_object(GMimeObject* object, int depth, Mode mode);
  void walk_multipart(GMimeMultipart* multipart, int depth, Mode mode);
  void walk_alternative(GMimeMultipart* multipart, int depth, Mode mode);
  void message_part(GMimeMessagePart* part);
  void leaf(GMimePart* part, Mode mode);
  void add_body_text(GMimePart* part, const std::string& type, const std::string& bytes);
  void emit(std::string name, std::string bytes);
  void problem(std::string name, std::string code, std::string reason);
  void count_declared() { out_.declared_children = out_.declared_children.value_or(0) + 1; }
  std::string part_name(GMimeObject* object, const std::string& type);

  Extraction& out_;
  ExtractContext& ctx_;
  std::string body_;
  int part_number_ = 0;
  bool stopped_ = false;  // ctx refused a child: a limit was hit
};

// Where to cut a message so that a MIME parser builds at most `max_parts` parts: the offset of the
// delimiter line that opens part max_parts + 1 (counting the delimiters of every boundary the
// message declares), or npos when it has no more parts than that. `parts` receives how many
// delimiter lines open a part in the whole message. One pass; no parsing.
size_t mime_parts_cut(std::string_view message, uint64_t max_parts, uint64_t& parts);

// Decoded (transfer-encoding removed) content of a leaf part; false when it has none.
bool mime_part_bytes(GMimePart* part, std::string& bytes);
// The RFC 822 serialization of a message (headers as parsed, body as on the wire).
std::string mime_message_bytes(GMimeMessage* message);

}  // namespace dossier::extract
