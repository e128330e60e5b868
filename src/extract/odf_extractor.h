// OpenDocument: text (odt, ott), spreadsheets (ods, ots), presentations (odp, otp) and drawings
// (odg, otg), plus the OpenOffice.org 1 formats (sxw, sxc, sxi, sxd) that share the layout.
#pragma once

#include "extract/extractor.h"

namespace dossier::extract {

// Stateless and thread-safe.
//
// Text from content.xml in order: paragraphs and headings are lines, lists are their items,
// table cells are separated by tabs. Text documents are one Page numbered 0, followed by
// "[header] ..." / "[footer] ..." from styles.xml and the gathered "[footnote] ...",
// "[endnote] ..." and "[comment by Author (date)] ..." paragraphs. Spreadsheets are one Page per
// table:table, presentations and drawings one Page per draw:page (1-based), with speaker notes as
// "[notes] ...". Tracked deletions are written where they happened as "[deleted: ...]".
//
// Metadata: "odf:mimetype"; "odf:meta:<name>" for meta.xml fields (title, initial-creator,
// creator, creation-date, date, generator, editing-cycles, editing-duration, keyword, ...;
// user-defined fields as "odf:meta:user:<name>", statistics as "odf:meta:<attribute>");
// "odf:deleted_text" and "odf:annotation" ("Author (date): text"); "odf:table:<n>" and
// "odf:page:<n>" (names); "odf:hidden_table", "odf:hidden_page"; "odf:has_macros"="yes".
// Common: title, author (initial creator, else creator), application (generator), created,
// modified.
//
// Children: Pictures/*, embedded objects ("Object 1/content.xml", ...), Basic macro modules;
// declared_children counts them. Errors: kEncrypted for a password-protected document ("encrypted
// OpenDocument: needs a password"), kCorrupt for a zip libarchive cannot read, a missing or
// malformed content.xml.
class OdfExtractor final : public Extractor {
 public:
  ExtractorId id() const override { return {"odf", 1}; }
  MatchScore sniff(const Probe& probe) const override;
  Result<Extraction> extract(const Item& item, ExtractContext& ctx) const override;
};

}  // namespace dossier::extract
