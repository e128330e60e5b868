// XML Paper Specification (XPS, OpenXPS) fixed-layout documents: a zip package of FixedPage parts.
#pragma once

#include "extract/extractor.h"

namespace dossier::extract {

// Stateless and thread-safe.
//
// Text: the pages in document order (FixedDocumentSequence → FixedDocument → PageContent, else
// every *.fpage in natural order), one Page per fixed page numbered from 1, holding the
// UnicodeString of each <Glyphs> element on a line of its own. page_count counts the pages.
// Metadata: "xps:core:<name>" from docProps/core.xml (title, creator, created, ...). Common:
// title, author (creator), created, modified. Fonts, images and thumbnails are not children.
// Errors: a zip libarchive cannot read is kCorrupt; a package with no fixed page is kCorrupt
// ("not an XPS document: no FixedPage parts").
class XpsExtractor final : public Extractor {
 public:
  ExtractorId id() const override { return {"xps", 1}; }
  MatchScore sniff(const Probe& probe) const override;
  Result<Extraction> extract(const Item& item, ExtractContext& ctx) const override;
};

}  // namespace dossier::extract
