// Helpers shared by the HTML and XML extractors: libxml2 set-up, error reasons, text assembly.
#pragma once

#include <libxml/xmlerror.h>
#include <libxml/xmlstring.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace dossier::extract {

// Calls xmlInitParser() once per process; libxml2 wants it before threads parse. Thread-safe.
void ensure_libxml2_initialized();

inline std::string_view xml_view(const xmlChar* s) {
  return s == nullptr ? std::string_view() : std::string_view(reinterpret_cast<const char*>(s));
}

// "unexpected end of document at line 3" from libxml2's structured error; `fallback` when null.
std::string xml_error_reason(const xmlError* error, std::string_view fallback);

// Builds display text from text runs and structural breaks: whitespace inside runs collapses to
// one space, breaks become at most one blank line, lines are trimmed. Stops collecting past
// `max_bytes` and remembers that it did.
class TextBuilder {
 public:
  explicit TextBuilder(size_t max_bytes) : max_bytes_(max_bytes) {}

  // A run of character data; whitespace collapses unless `preserve` (pre, textarea).
  void add_text(std::string_view run, bool preserve = false);
  // An element boundary that separates words but not lines (table cells, inline blocks).
  void add_space() { pending_space_ = true; }
  // A line break (br, block elements); `blank_line` for a paragraph gap.
  void add_break(bool blank_line = false);

  bool truncated() const { return truncated_; }
  bool ends_in_space() const;
  // The text so far, without trailing whitespace. Leaves the builder empty.
  std::string finish();

 private:
  void append(std::string_view s);

  std::string out_;
  size_t max_bytes_;
  int pending_breaks_ = 0;
  bool pending_space_ = false;
  bool truncated_ = false;
};

}  // namespace dossier::extract
