// Outlook personal folders and offline stores (PST, OST; ANSI and Unicode) through libpff.
#pragma once

#include "extract/extractor.h"

namespace dossier::extract {

// Stateless and thread-safe. Claims the "!BDN" magic (100); libmagic calls both PST and Outlook
// .msg files application/vnd.ms-outlook, so the MIME type alone is not enough.
//
// Reads from memory through a bounds-checked libbfio handle (pst_bfio.h). Walks every folder; each
// message (mail, contact, appointment, ...) becomes one child: an RFC 822 .eml composed by
// compose_pst_message() (pst_message.h), so that the email extractor then reads it and its
// attachments become grandchildren. Child name: "<Folder/Path>/<subject> (<YYYY-MM-DD>).eml".
// declared_children is the sum of libpff's per-folder message counts; a message libpff cannot open
// becomes a ChildProblem with libpff's reason; parts lost while composing are warnings. Metadata:
// "pst:messages", "pst:folders", "pst:orphan_items" (deleted or unreferenced items, not extracted).
// No text of its own. Fails with kCorrupt "corrupt PST: <libpff's reason>" when libpff cannot open
// the store.
class PstExtractor final : public Extractor {
 public:
  ExtractorId id() const override { return {"pst", 2}; }
  MatchScore sniff(const Probe& probe) const override;
  Result<Extraction> extract(const Item& item, ExtractContext& ctx) const override;
};

}  // namespace dossier::extract
