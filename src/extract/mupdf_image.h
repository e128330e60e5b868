// Image decoding with MuPDF, for what Leptonica refuses: BMPs whose header miscounts their
// bytes, JPEG 2000, JBIG2, PNM variants. Gray pixels, ready for OCR.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/result.h"
#include "extract/ocr.h"

namespace dossier::extract {

struct DecodedImage {
  std::vector<uint8_t> gray;  // width * height bytes, rows top to bottom
  int width = 0;
  int height = 0;
  int dpi = 0;  // 0 when the file does not say

  OcrPixels pixels() const { return {gray.data(), width, height, 1, width, dpi > 0 ? dpi : 300}; }
};

// kUnsupported when MuPDF does not know the format, kCorrupt when it cannot decode it, kLimit
// over `max_pixels`.
Result<DecodedImage> decode_image_with_mupdf(std::span<const uint8_t> bytes, int64_t max_pixels);

}  // namespace dossier::extract
