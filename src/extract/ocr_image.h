// Images on their way to OCR: decoding with Leptonica into what Tesseract reads best. Pure
// functions of the bytes, fuzzed by fuzz/fuzz_ocr_image.cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include "core/result.h"

struct Pix;  // Leptonica's image

namespace dossier::extract {

struct PixCloser {
  void operator()(Pix* p) const;
};
using PixPtr = std::unique_ptr<Pix, PixCloser>;

// Decodes every frame of an image (each page of a multi-page TIFF, one at a time) into 1, 8 or
// 32 bpp without colormap or alpha (alpha flattened over white), turned upright by the JPEG EXIF
// orientation, and calls `fn` with it; stops at the first error `fn` returns. kUnsupported when
// Leptonica does not know the format, kCorrupt when no frame decodes, kLimit when a frame has more
// than `max_pixels`. BMPs whose header miscounts their size are read.
Status for_each_ocr_frame(std::span<const uint8_t> bytes, int64_t max_pixels, const std::function<Status(Pix*)>& fn);

// kLimit: "image of WxH pixels is too large to OCR".
Error ocr_image_too_large(int width, int height);

// GIF decoders (giflib under Leptonica, MuPDF) decode every frame at the size its descriptor
// claims, whatever the logical screen says: a 1.5 KB GIF made them allocate 600 MB. Walks the
// blocks without decoding: kLimit when a frame, or all frames together, exceed `max_pixels`.
// OK for anything that is not a GIF, and for a GIF whose blocks end early (the decoders then
// stop there too).
Status check_gif_frames(std::span<const uint8_t> bytes, int64_t max_pixels);

// The EXIF orientation tag (1..8) of a JPEG, or 1 when it has none or is not a JPEG. Reads only
// the APP1 segment's first IFD; never reads past `bytes`.
int jpeg_exif_orientation(std::span<const uint8_t> bytes);

}  // namespace dossier::extract
