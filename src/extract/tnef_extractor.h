// TNEF (application/ms-tnef, "winmail.dat"): Outlook's wrapper for rich-text mail. Its attachments
// are invisible to a plain MIME parser, so dossier unpacks them.
#pragma once

#include <string>
#include <vector>

#include "extract/extractor.h"

namespace dossier::extract {

struct TnefAttachment {
  std::string title;  // attAttachTitle (8-bit, as stored), "" when absent
  std::string data;   // attAttachData
  bool has_data = false;
};

struct TnefContent {
  std::string subject;                      // attSubject
  std::string body;                         // attBody (plain text, as stored)
  std::vector<TnefAttachment> attachments;  // one per attAttachRendData, in stream order
  bool truncated = false;                   // the stream ended inside an attribute
};

// Parses the attribute stream (signature 0x223E9F78). Thread-safe. kCorrupt when the signature
// is wrong; a truncated stream returns what was read with truncated = true.
Result<TnefContent> parse_tnef(std::span<const uint8_t> bytes);

// Emits each TNEF attachment as a child (title, else "tnef-attachment-N.bin"), records
// attachments without data as ChildProblems, appends the TNEF body to `body`, and adds the
// number of attachments to out.declared_children. kNotTnef: nothing was added (the caller keeps the
// winmail.dat itself); kStopped: ctx refused a child (a limit), stop emitting.
enum class TnefOutcome { kDone, kNotTnef, kStopped };
TnefOutcome add_tnef_part(std::span<const uint8_t> bytes, Extraction& out, ExtractContext& ctx,
                          std::string& body);

// Stateless and thread-safe. Claims the TNEF signature (100). Text: the TNEF body; children: the
// attachments.
class TnefExtractor final : public Extractor {
 public:
  ExtractorId id() const override { return {"tnef", 1}; }
  MatchScore sniff(const Probe& probe) const override;
  Result<Extraction> extract(const Item& item, ExtractContext& ctx) const override;
};

}  // namespace dossier::extract
