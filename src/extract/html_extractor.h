// HTML and XHTML through libxml2's forgiving HTML parser.
#pragma once

#include "extract/extractor.h"

namespace dossier::extract {

// Stateless and thread-safe. One Page numbered 0 holding the visible text: script, style,
// noscript and template are dropped, block elements end lines, table cells are separated by tabs.
// Metadata: "html:charset", "html:meta:<name>" for every <meta name|property=... content=...>
// (name as written), "html:http-equiv:<name>". Common: title from <title> (else dc.title,
// og:title), author from meta author / dc.creator, application from meta generator, created and
// modified from date metas. The charset comes from a BOM, then <meta charset>, then the MIME
// type's charset parameter, then detection. Fails only on input libxml2 cannot make a tree of
// ("corrupt HTML: ...") or past 2 GiB (kLimit).
class HtmlExtractor final : public Extractor {
 public:
  ExtractorId id() const override { return {"html", 1}; }
  MatchScore sniff(const Probe& probe) const override;
  Result<Extraction> extract(const Item& item, ExtractContext& ctx) const override;
};

// The charset an HTML document declares in its first 4 KiB (<meta charset=...> or
// <meta http-equiv="Content-Type" content="...; charset=...">), or "". Exposed for tests.
std::string html_declared_charset(std::span<const uint8_t> head);

}  // namespace dossier::extract
