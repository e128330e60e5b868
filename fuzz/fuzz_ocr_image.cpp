// Image decoding on the way to OCR, without Tesseract: EXIF orientation, Leptonica frames (BMP
// repair, multi-page TIFF, alpha, colormaps) and MuPDF's decoder, on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <span>

#include "extract/mupdf_image.h"
#include "extract/ocr_image.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dossier::extract;
  std::span<const uint8_t> bytes(data, size);
  (void)jpeg_exif_orientation(bytes);
  constexpr int64_t kMaxPixels = 4'000'000;  // keeps each run fast; the limit path is covered too
  int frames = 0;
  auto st = for_each_ocr_frame(bytes, kMaxPixels, [&](Pix*) -> dossier::Status {
    return ++frames < 8 ? dossier::ok_status() : dossier::Error{dossier::ErrorCode::kLimit, "enough", {}};
  });
  (void)st;
  auto decoded = decode_image_with_mupdf(bytes, kMaxPixels);
  (void)decoded;
  return 0;
}
