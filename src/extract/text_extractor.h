// Plain text in any charset: text/plain, Markdown, CSV, source code, JSON, and every text/* type
// no other extractor owns. The whole file is one Page numbered 0.
#pragma once

#include "extract/extractor.h"

namespace dossier::extract {

// Stateless and thread-safe. Metadata: "text:charset" (the charset decoded from). Fails with
// kUnsupported "binary data, not text" when the bytes hold NULs or control characters that no
// text charset explains (sniff() already declines those, so the registry reports
// "unsupported type <mime>" for them).
class TextExtractor final : public Extractor {
 public:
  ExtractorId id() const override { return {"text", 1}; }
  MatchScore sniff(const Probe& probe) const override;
  Result<Extraction> extract(const Item& item, ExtractContext& ctx) const override;
};

// The "charset=" parameter of a MIME type ("text/plain; charset=gbk" -> "gbk"), or "".
std::string mime_charset(std::string_view mime);
// The MIME type without parameters, lowercased.
std::string mime_base(std::string_view mime);
// Keeps at most `max_bytes` of UTF-8 text, cutting at a character boundary. True if it cut.
bool truncate_utf8(std::string& text, size_t max_bytes);

}  // namespace dossier::extract
