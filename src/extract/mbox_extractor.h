// Unix mailboxes (mboxo, mboxrd, mboxcl): one child per message.
#pragma once

#include "extract/extractor.h"

namespace dossier::extract {

// Stateless and thread-safe. Claims application/mbox and text that starts with a "From " line
// (65, above the email and text extractors), except a file under 64 KiB holding one message and
// not named *.mbox / *.mbx / *.mbs (55: the email extractor takes that lone saved message).
//
// Every line that starts with "From " is a separator, as in mboxo/mboxrd (mboxcl's Content-Length
// is not trusted: it is often wrong in leaks); declared_children is their number. Each message is
// emitted as soon as it is found, as "message-N <subject>.eml" (N from 1, subject RFC 2047
// decoded), with the separator line removed, the trailing blank line that mbox adds dropped and
// quoted "From " lines unescaped (">From " -> "From ", ">>From " -> ">From "). The envelope
// sender and date of each separator are not kept (the message has its own headers). No text of
// its own; metadata "mbox:messages". Consumed pages of the input are released as it goes (see
// the .cpp), so a 2 GB mailbox does not stay resident. Stops emitting at a context limit, with a
// warning; keeps counting.
class MboxExtractor final : public Extractor {
 public:
  ExtractorId id() const override { return {"mbox", 1}; }
  MatchScore sniff(const Probe& probe) const override;
  Result<Extraction> extract(const Item& item, ExtractContext& ctx) const override;
};

}  // namespace dossier::extract
