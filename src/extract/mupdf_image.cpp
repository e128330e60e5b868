#include "extract/mupdf_image.h"

#include <cstdlib>
#include <cstring>
#include <string>

#include "extract/mupdf_handles.h"
#include "extract/ocr_image.h"

namespace dossier::extract {
namespace {

void ignore(void* /*user*/, const char* /*message*/) {}

// MuPDF trusts sizes in image headers (a TIFF that claims a 3.5 GB IFD is allocated as such):
// refuse any single allocation over the cap, which MuPDF turns into an error.
constexpr size_t kMaxAllocation = 768u << 20;
void* capped_malloc(void* /*user*/, size_t size) { return size > kMaxAllocation ? nullptr : std::malloc(size); }
void* capped_realloc(void* /*user*/, void* old, size_t size) {
  return size > kMaxAllocation ? nullptr : std::realloc(old, size);
}
void capped_free(void* /*user*/, void* p) { std::free(p); }
fz_alloc_context capped_allocator{nullptr, capped_malloc, capped_realloc, capped_free};


}  // namespace

Result<DecodedImage> decode_image_with_mupdf(std::span<const uint8_t> bytes, int64_t max_pixels) {
  DOSSIER_RETURN_IF_ERROR(check_gif_frames(bytes, max_pixels));
  MupdfContext owner(fz_new_context(&capped_allocator, nullptr, 16u << 20));
  if (owner == nullptr) return Error{ErrorCode::kInternal, "MuPDF could not create a context (out of memory)", {}};
  fz_context* ctx = owner.get();
  fz_set_warning_callback(ctx, ignore, nullptr);
  fz_set_error_callback(ctx, ignore, nullptr);
  fz_buffer* raw_buf = nullptr;
  mupdf_try(ctx, [&] { raw_buf = fz_new_buffer_from_copied_data(ctx, bytes.data(), bytes.size()); });
  auto buf = fz_own<FzBuffer>(ctx, raw_buf);
  fz_image* raw_image = nullptr;
  if (buf != nullptr) mupdf_try(ctx, [&] { raw_image = fz_new_image_from_buffer(ctx, buf.get()); });
  auto image = fz_own<FzImage>(ctx, raw_image);
  if (image == nullptr) return Error{ErrorCode::kUnsupported, "image format not readable for OCR", {}};
  if (static_cast<int64_t>(image->w) * image->h > max_pixels) {
    return Error{ErrorCode::kLimit, "image of " + std::to_string(image->w) + "x" + std::to_string(image->h) +
                                        " pixels is too large to OCR", {}};
  }
  fz_pixmap* raw_pix = nullptr;
  mupdf_try(ctx, [&] { raw_pix = fz_get_pixmap_from_image(ctx, image.get(), nullptr, nullptr, nullptr, nullptr); });
  auto pix = fz_own<FzPixmap>(ctx, raw_pix);
  fz_pixmap* raw_gray = nullptr;
  if (pix != nullptr) {
    mupdf_try(ctx, [&] {
      raw_gray = fz_convert_pixmap(ctx, pix.get(), fz_device_gray(ctx), nullptr, nullptr, fz_default_color_params, 0);
    });
  }
  auto gray = fz_own<FzPixmap>(ctx, raw_gray);
  if (gray == nullptr) return Error{ErrorCode::kCorrupt, "image could not be decoded for OCR", {}};
  DecodedImage out;
  out.width = fz_pixmap_width(ctx, gray.get());
  out.height = fz_pixmap_height(ctx, gray.get());
  out.dpi = image->xres > 0 && image->xres != 96 ? image->xres : 0;
  auto stride = static_cast<size_t>(fz_pixmap_stride(ctx, gray.get()));
  int n = fz_pixmap_components(ctx, gray.get());
  const unsigned char* s = fz_pixmap_samples(ctx, gray.get());
  out.gray.resize(static_cast<size_t>(out.width) * out.height);
  for (int y = 0; y < out.height; ++y) {
    for (int x = 0; x < out.width; ++x) out.gray[static_cast<size_t>(y) * out.width + x] = s[y * stride + x * n];
  }
  return out;
}

}  // namespace dossier::extract
