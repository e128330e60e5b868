// The PDF extractor's OCR path on arbitrary bytes: every page is rendered by MuPDF's draw device,
// as for a scan (--ocr=force), and handed to a stub engine that reads every pixel. The text
// extraction target (fuzz_extract_pdf-mupdf) never renders, so it never reaches the image
// decoders a scan's pages need (JBIG2, CCITT fax, JPX, DCT) or the rasteriser.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "extract/ocr.h"
#include "extract/pdf_extractor.h"

namespace {

using namespace dossier;
using namespace dossier::extract;

// Touches every pixel it is given (so that AddressSanitizer checks the whole buffer) and
// answers with a line that depends on them.
class PixelReadingEngine final : public OcrEngine {
 public:
  std::string tool() const override { return "fuzz"; }
  std::string tool_version() const override { return "0"; }
  Status load() override { return ok_status(); }
  Result<OcrPage> recognize(const OcrPixels& px) override {
    if (px.data == nullptr || px.width <= 0 || px.height <= 0) return Error{ErrorCode::kInvalidInput, "no pixels", {}};
    uint64_t dark = 0;
    for (int y = 0; y < px.height; ++y) {
      const uint8_t* row = px.data + static_cast<size_t>(y) * static_cast<size_t>(px.stride);
      for (int x = 0; x < px.width * px.channels; ++x) dark += row[x] < 128 ? 1 : 0;
    }
    OcrPage page;
    page.text = "dark " + std::to_string(dark);
    page.confidence = 50;
    return page;
  }
  Result<std::vector<OcrPage>> recognize_image(std::span<const uint8_t>) override {
    return Error{ErrorCode::kUnsupported, "images are fuzz_ocr_image's", {}};
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const PdfExtractor extractor;
  static PixelReadingEngine engine;
  Item item;
  item.bytes = std::span<const uint8_t>(data, size);
  item.mime = "application/pdf";
  item.name = "fuzz-input.pdf";
  ExtractContext ctx;
  ctx.limits.max_child_bytes = 8ull << 20;
  ctx.limits.max_children = 100;
  ctx.limits.max_pages = 4;  // each page is a 300 dpi render
  ctx.limits.max_text_bytes = 1ull << 20;
  ctx.item_size = size;
  ctx.on_child = [](Child&&) {};
  ctx.ocr = &engine;
  ctx.ocr_mode = OcrMode::kForce;
  auto result = extractor.extract(item, ctx);
  (void)result;
  return 0;
}
