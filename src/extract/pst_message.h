// Turns one libpff message item into an RFC 822 .eml, so that the email extractor reads it like
// any other mail (its attachments become grandchildren of the PST). Internal to PstExtractor.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "extract/libpff_handles.h"

namespace dossier::extract {

struct PstMessage {
  std::string eml;              // the composed message
  std::string subject;          // UTF-8, "" when absent
  std::optional<int64_t> date;  // client submit time, else delivery time (Unix seconds)
  // Things lost while composing ("attachment 2: <libpff error>"), for the PST's warnings.
  std::vector<std::string> problems;
};

// The message's transport headers when Outlook kept them (minus the MIME structure headers, which
// are rewritten), else From / To / Cc / Subject / Date made from its MAPI properties; then a
// multipart/mixed body: the plain text body, else HTML, else the RTF body reduced to text; each
// attachment as a base64 part with its long file name; an attached item (a forwarded message) as
// a nested message/rfc822, composed the same way up to `depth` 8. Never fails: whatever can be read
// is kept and the rest is listed in `problems`. Attachments over `max_attachment_bytes` are left
// out with a problem.
PstMessage compose_pst_message(libpff_item_t* message, uint64_t max_attachment_bytes,
                               int depth = 0);

// A UTF-8 string property of record set `set` of an item, or nullopt.
std::optional<std::string> pff_string(libpff_item_t* item, uint32_t entry_type, int set = 0);

// Plain text from RTF: control words dropped, \par and \line as line breaks, \'hh and \uN
// decoded, destinations such as \fonttbl, \colortbl, \stylesheet, \info and \* skipped.
std::string rtf_to_text(std::string_view rtf);

}  // namespace dossier::extract
