// Header decoding for the email extractor: every header to metadata, the common fields, and 8-bit
// headers that declare no charset read in the charset the message uses elsewhere.
#pragma once

#include <gmime/gmime.h>

#include <string>
#include <string_view>

#include "extract/extraction.h"

namespace dossier::extract {

// The first "charset=" parameter value in the first 256 KiB of a raw message ("big5",
// "iso-8859-1"), as written, or "" (also for us-ascii and utf-8, which say nothing about 8-bit
// headers).
std::string email_charset_hint(std::string_view message);

// Adds every header of `message` in order to out.metadata as "email:<Name>" (RFC 2047 decoded,
// unfolded) and fills out.common (title, from, to = To + Cc + Bcc, created). Raw 8-bit header
// bytes that are not UTF-8 are decoded from `charset_hint`, else from the charset detected over
// all such headers. Returns the summary block for the text ("From: ...\nTo: ...\n").
std::string add_email_headers(GMimeMessage* message, GMimeParserOptions* options,
                              const std::string& charset_hint, Extraction& out);

}  // namespace dossier::extract
