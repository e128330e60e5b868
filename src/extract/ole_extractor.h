// Compound File Binary (OLE2) documents: one extractor that opens the container once and hands
// it to the module for the streams it holds (Word, Excel, PowerPoint, Outlook MSG), each in its
// own file. See docs/extractors.md "Legacy Office, Outlook MSG, RTF".
#pragma once

#include "extract/cfb_reader.h"
#include "extract/extractor.h"

namespace dossier::extract {

// Stateless and thread-safe. Claims the CFB signature (100). Failures: kEncrypted "encrypted
// <Word|Excel|PowerPoint|Office> document: needs a password"; kUnsupported naming the format
// for OLE files that are neither (Works, Visio, Publisher, MSI, Thumbs.db); kCorrupt for broken
// containers ("corrupt OLE file: sector chain loops").
class OleExtractor final : public Extractor {
 public:
  ExtractorId id() const override { return {"ole", 1}; }
  MatchScore sniff(const Probe& probe) const override;
  Result<Extraction> extract(const Item& item, ExtractContext& ctx) const override;
};

// Helpers the OLE modules share.
// Appends a page of text (UTF-8, any line ends) normalized to NFC and '\n', capped at the
// context's text limit with a warning.
void add_ole_page(Extraction& x, int number, std::string text, const ExtractContext& ctx);
Error ole_encrypted(std::string_view what);  // "encrypted <what> document: needs a password"

// The modules: each reads an opened container. Summary metadata is added by OleExtractor.
Result<Extraction> extract_doc(const CfbReader& cfb, ExtractContext& ctx);
Result<Extraction> extract_xls(const CfbReader& cfb, ExtractContext& ctx);
Result<Extraction> extract_ppt(const CfbReader& cfb, ExtractContext& ctx);
Result<Extraction> extract_msg(const CfbReader& cfb, ExtractContext& ctx, int depth);

}  // namespace dossier::extract
