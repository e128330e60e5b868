// Rich Text Format: a real tokenizer (groups, control words, \uN with \ucN, \'hh in the document's
// or font's code page), text without markup, \info metadata, embedded objects as children.
#pragma once

#include "extract/extractor.h"

namespace dossier::extract {

// Stateless and thread-safe. Claims "{\rtf" (100) and text/rtf, application/rtf (50). One Page 0.
// Metadata: "rtf:<field>" for \info title, subject, author, operator, keywords, comment,
// doccomm, company, manager, category, creatim, revtim, printim; "rtf:ansicpg";
// "rtf:object-N:class". Children: \object ... \objdata as "object-N.bin" (OLE1 header stripped) or,
// for OLE packages, under the packaged file's name. Never fails on damaged RTF: unbalanced groups
// are closed.
class RtfExtractor final : public Extractor {
 public:
  ExtractorId id() const override { return {"rtf", 1}; }
  MatchScore sniff(const Probe& probe) const override;
  Result<Extraction> extract(const Item& item, ExtractContext& ctx) const override;
};

// The RTF parser itself, shared with the Outlook MSG module. Fills text (one page 0), metadata,
// common fields; embedded objects go through ctx.emit_child.
void parse_rtf(std::string_view rtf, Extraction& out, ExtractContext& ctx);

// MS-OXRTFCP: decompresses an Outlook PR_RTF_COMPRESSED stream ("LZFu", or "MELA" uncompressed).
Result<std::string> lzfu_decompress(std::string_view data);

// The payload of an OLE1 embedded object (\objdata): the native data without the OLE1 header;
// for an OLE "Package" the packaged file and its name. Exposed for tests.
struct Ole1Object {
  std::string class_name;
  std::string file_name;  // packages only
  std::string bytes;
};
std::optional<Ole1Object> parse_ole1(std::string_view data);
// An OLE Package's native data (the "\001Ole10Native" stream without its 4-byte size prefix).
std::optional<Ole1Object> parse_ole_package(std::string_view native);

}  // namespace dossier::extract
