// Formats dossier recognizes but cannot read yet: claiming them lets the failure reason name the
// format ("Microsoft OneNote section is not supported yet") instead of "unsupported type
// application/octet-stream", so that `dossier stats` counts what is missing.
#pragma once

#include "extract/extractor.h"

namespace dossier::extract {

// Stateless and thread-safe. Claims by magic: OneNote sections and tables of contents (100),
// WordPerfect (100); Apple iWork zips (Pages, Numbers, Keynote) at 20 only, so that an archive
// extractor, which can reach their QuickLook previews, wins when one is registered.
// extract() always fails with kUnsupported "<format> is not supported yet".
class NamedUnsupportedExtractor final : public Extractor {
 public:
  ExtractorId id() const override { return {"unsupported", 1}; }
  MatchScore sniff(const Probe& probe) const override;
  Result<Extraction> extract(const Item& item, ExtractContext& ctx) const override;
};

// The format name for bytes NamedUnsupportedExtractor claims, or "".
std::string unsupported_format_name(std::span<const uint8_t> head, std::string_view name);

}  // namespace dossier::extract
