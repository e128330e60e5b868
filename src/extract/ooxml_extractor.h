// Office Open XML: Word (docx, docm, dotx, dotm), Excel (xlsx, xlsm, xltx) and PowerPoint (pptx,
// pptm, potx) packages, through libarchive (the zip) and libxml2 (the parts).
#pragma once

#include "extract/extractor.h"

namespace dossier::extract {

// Stateless and thread-safe.
//
// Text. Word: one Page numbered 0 with the body in order (paragraphs are lines, table cells are
// separated by tabs, text boxes included, field codes left out), then "[header] ...",
// "[footer] ...", "[footnote] ...", "[endnote] ..." and "[comment by Author (date)] ..."
// paragraphs. Tracked deletions stay searchable where they were, as "[deleted: ...]" (moves as
// "[moved from: ...]"); insertions are plain text; hidden (vanish) text is kept as "[hidden: ...]".
// Excel: one Page per sheet (number = position in the workbook, 1-based), hidden sheets, rows and
// columns included; rows are lines, cells are separated by tabs, cached values for formulas;
// cell comments as "[comment A1 by Author] ..." lines. PowerPoint: one Page per slide in
// presentation order; then "[notes] ..." and "[comment by Author] ...".
//
// Metadata: "ooxml:core:<name>" (core.xml: title, creator, lastModifiedBy, created, modified,
// revision, keywords, ...), "ooxml:app:<name>" (app.xml), "ooxml:custom:<name>" (custom.xml),
// "ooxml:deleted_text" ("Author (date): text", one per deletion), "ooxml:comment",
// "ooxml:hidden_text"="yes", "ooxml:has_macros"="yes", "xlsx:sheet:<n>" (sheet name),
// "xlsx:hidden_sheet" (name, "(veryHidden)" appended when so), "xlsx:sheet:<n>:hidden_rows",
// "xlsx:sheet:<n>:hidden_columns", "xlsx:comment", "pptx:hidden_slide" (slide number),
// "pptx:comment". Common: title, author (creator), application, created, modified.
//
// Children: every embedded part (*/embeddings/*, */media/*, vbaProject.bin) under its part name;
// declared_children counts them. Errors: an OLE compound file holding an encrypted package is
// kEncrypted ("encrypted Office document: needs a password"); a zip libarchive cannot read or a
// main part that is not XML is kCorrupt; binary workbooks (xlsb) are kUnsupported.
class OoxmlExtractor final : public Extractor {
 public:
  ExtractorId id() const override { return {"ooxml", 2}; }
  MatchScore sniff(const Probe& probe) const override;
  Result<Extraction> extract(const Item& item, ExtractContext& ctx) const override;
};

// True when `bytes` are an OLE compound file that holds an encrypted OOXML package (an
// "EncryptionInfo" stream). Exposed for the legacy Office extractor and tests.
bool is_encrypted_ooxml(std::span<const uint8_t> bytes);

}  // namespace dossier::extract
