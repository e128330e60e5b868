// Internet mail: RFC 822 / MIME messages (.eml, Apple Mail .emlx, MHTML) through GMime 3.
#pragma once

#include <span>

#include "extract/extractor.h"

namespace dossier::extract {

// Stateless and thread-safe (GMime is initialised once, on first use).
//
// Claims message/rfc822 and any text whose first lines are RFC 822 headers (at least two well-known
// fields, or one followed by the blank line that ends a header block), also after an .emlx byte
// count line or a single mbox envelope line ("From sender date", kept as "email:envelope") (60,
// above text and HTML; MboxExtractor outbids it unless the item is one small message).
//
// Text: one Page 0 with a short header block (From, To, Cc, Date, Subject, decoded) then the body:
// text/plain, else HTML converted to text by HtmlExtractor, each decoded from its part's charset;
// several inline text parts are joined by blank lines. Metadata: every header, in order, under
// "email:<Header-Name>" as written (all occurrences: Received, DKIM-Signature, X-*), RFC 2047
// decoded; S/MIME signer certificates as "smime:*". Common: title = Subject, from, to = To, Cc and
// Bcc joined with ", ", created = Date.
//
// Children: every attachment and inline non-text part (file name, else "part-N.ext"), a nested
// message/rfc822 as "<subject>.eml", the content of opaque-signed S/MIME, the attachments inside a
// TNEF winmail.dat. declared_children counts those leaf parts as the MIME structure declares them;
// encrypted (S/MIME enveloped, PGP/MIME) and empty parts become child_problems. Parser complaints
// (truncated message, malformed multipart, ...) become warnings. Fails only with kCorrupt when
// there are no headers at all, or kLimit past 2 GiB.
class EmailExtractor final : public Extractor {
 public:
  ExtractorId id() const override { return {"email", 2}; }
  MatchScore sniff(const Probe& probe) const override;
  Result<Extraction> extract(const Item& item, ExtractContext& ctx) const override;
};

// True when `head` starts with an RFC 822 header block (see EmailExtractor). Exposed for the mbox
// extractor and tests.
bool looks_like_rfc822(std::span<const uint8_t> head);

// Initialises GMime once per process; thread-safe.
void ensure_gmime_initialized();

}  // namespace dossier::extract
