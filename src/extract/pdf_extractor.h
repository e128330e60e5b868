// PDF text, metadata and embedded files, read with MuPDF. See docs/pdf.md for what is extracted,
// the metadata keys and the failure reasons.
#pragma once

#include "extract/extractor.h"

namespace dossier::extract {

// Stateless and thread-safe: every extract() call makes its own fz_context and shares nothing,
// so any number of threads may call it at once on one instance.
//
// extract() never throws and never prints. Failures come back as an Error:
//   kEncrypted  the PDF needs a password to open;
//   kCorrupt    MuPDF cannot open the file at all (not a PDF, truncated beyond repair);
//   kLimit      the caller cancelled (ExtractContext::cancelled);
//   kInternal   MuPDF could not allocate its context.
// Damage that still leaves something readable (a repaired xref, a page that fails to parse, a limit
// reached) is extracted as far as possible and reported in Extraction::warnings.
class PdfExtractor final : public Extractor {
 public:
  PdfExtractor() = default;

  ExtractorId id() const override;
  // kExactMatch when "%PDF-" appears in the first 1024 bytes, kGoodMatch for application/pdf.
  MatchScore sniff(const Probe& probe) const override;
  Result<Extraction> extract(const Item& item, ExtractContext& ctx) const override;
};

}  // namespace dossier::extract
