// EPUB electronic books (EPUB 2 and 3): a zip package with an OPF package document whose spine
// orders XHTML content documents.
#pragma once

#include "extract/extractor.h"

namespace dossier::extract {

// Stateless and thread-safe.
//
// Text: one Page per spine item, in reading order and numbered from 1, holding the visible text
// of that XHTML document (through the HTML extractor); page_count counts the spine items.
// Metadata: "epub:<name>" for each Dublin Core element of the OPF metadata (title, creator,
// language, date, publisher, identifier, subject, description, ...; repeated elements give
// repeated fields), "epub:rootfile" (the OPF part). Common: title (first dc:title), author
// (dc:creator values joined with ", "), created (dc:date). Images, stylesheets, fonts and other
// members are not children. Errors: a zip libarchive cannot read is kCorrupt; a package without
// an OPF package document is kCorrupt ("not an EPUB book: no OPF package document").
class EpubExtractor final : public Extractor {
 public:
  ExtractorId id() const override { return {"epub", 1}; }
  MatchScore sniff(const Probe& probe) const override;
  Result<Extraction> extract(const Item& item, ExtractContext& ctx) const override;
};

}  // namespace dossier::extract
