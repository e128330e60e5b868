// Small pure helpers for images on their way to OCR.
#pragma once

#include <cstdint>
#include <span>

namespace dossier::extract {

// The EXIF orientation tag (1..8) of a JPEG, or 1 when it has none or is not a JPEG. Reads only
// the APP1 segment's first IFD; never reads past `bytes`.
int jpeg_exif_orientation(std::span<const uint8_t> bytes);

}  // namespace dossier::extract
