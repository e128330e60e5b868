// Image metadata through Exiv2: EXIF, IPTC and XMP, plus dimensions. Text (OCR) comes later.
#pragma once

#include <optional>

#include "extract/extractor.h"

namespace dossier::extract {

// Thread-safe (Exiv2's XMP toolkit is initialised once with a lock). Yields no pages.
// Metadata under the original Exiv2 keys: "exif:Exif.Image.Model", "iptc:Iptc.Application2.Byline",
// "xmp:Xmp.dc.title"; plus "image:width", "image:height", "image:mime", "image:comment".
// Binary blobs (maker notes, undefined-type values over 64 bytes) are left out; values are cut
// at 4 KiB. Common: created (Exif.Photo.DateTimeOriginal, then DateTimeDigitized,
// Xmp.xmp.CreateDate), modified (Exif.Image.DateTime, Xmp.xmp.ModifyDate), application
// (Exif.Image.Software, Xmp.xmp.CreatorTool), author (Exif.Image.Artist, Xmp.dc.creator,
// Iptc.Application2.Byline), title (Xmp.dc.title, Iptc.Application2.ObjectName).
// Failures: kUnsupported "unsupported image format" for types Exiv2 does not read; kCorrupt
// "corrupt image: <Exiv2's reason>" otherwise. Exiv2 exceptions never escape.
class ImageExtractor final : public Extractor {
 public:
  ImageExtractor();
  ExtractorId id() const override { return {"image", 1}; }
  MatchScore sniff(const Probe& probe) const override;
  Result<Extraction> extract(const Item& item, ExtractContext& ctx) const override;
};

// Initialises Exiv2's XMP toolkit (once per process; thread-safe). Extraction calls it itself;
// warm_up_libraries() calls it early for sandboxed workers.
void ensure_exiv2_initialized();

// "2009:08:11 09:09:45" (EXIF's form) with an optional "+02:00" offset to Unix seconds.
std::optional<int64_t> parse_exif_date(std::string_view date, std::string_view offset = {});

}  // namespace dossier::extract
