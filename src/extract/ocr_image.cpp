#include "extract/ocr_image.h"

#include <leptonica/allheaders.h>

#include <cstring>
#include <vector>

namespace dossier::extract {
namespace {

uint32_t read_u16(const uint8_t* p, bool little) {
  return little ? (p[0] | (p[1] << 8)) : ((p[0] << 8) | p[1]);
}
uint32_t read_u32(const uint8_t* p, bool little) {
  return little ? (p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24))
                : ((static_cast<uint32_t>(p[0]) << 24) | (p[1] << 16) | (p[2] << 8) | p[3]);
}

// Orientation from a TIFF structure (the body of an Exif APP1 segment after "Exif\0\0").
int tiff_orientation(std::span<const uint8_t> t) {
  if (t.size() < 8) return 1;
  bool little = t[0] == 'I' && t[1] == 'I';
  if (!little && !(t[0] == 'M' && t[1] == 'M')) return 1;
  uint32_t ifd = read_u32(t.data() + 4, little);
  if (ifd > t.size() - 2) return 1;
  uint32_t count = read_u16(t.data() + ifd, little);
  for (uint32_t i = 0; i < count; ++i) {
    size_t e = ifd + 2 + static_cast<size_t>(i) * 12;
    if (e + 12 > t.size()) return 1;
    if (read_u16(t.data() + e, little) == 0x0112) {
      uint32_t v = read_u16(t.data() + e + 8, little);  // SHORT, left-justified in the value field
      return v >= 1 && v <= 8 ? static_cast<int>(v) : 1;
    }
  }
  return 1;
}

uint32_t le32(const uint8_t* p) {
  return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24);
}

// Leptonica refuses an uncompressed BMP whose header counts padding into the image size
// (biSizeImage) or that has bytes after its pixel rows; the rows themselves are intact, so read
// a copy with the size corrected and the tail cut. `fixed` holds the copy.
std::span<const uint8_t> tidy_bmp(std::span<const uint8_t> b, std::vector<uint8_t>& fixed) {
  if (b.size() < 54 || b[0] != 'B' || b[1] != 'M' || le32(b.data() + 30) != 0) return b;  // BI_RGB only
  uint32_t offset = le32(b.data() + 10);
  auto width = static_cast<int32_t>(le32(b.data() + 18));
  auto height = static_cast<int32_t>(le32(b.data() + 22));
  uint32_t bpp = b[28] | (b[29] << 8);
  if (width <= 0 || height == 0 || bpp == 0 || bpp > 32) return b;
  uint64_t row = ((static_cast<uint64_t>(width) * bpp + 31) / 32) * 4;
  uint64_t need = offset + row * static_cast<uint64_t>(height < 0 ? -static_cast<int64_t>(height) : height);
  if (need > b.size() || row * (height < 0 ? -static_cast<int64_t>(height) : height) > UINT32_MAX) return b;
  fixed.assign(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(need));
  auto image = static_cast<uint32_t>(need - offset);
  for (int i = 0; i < 4; ++i) fixed[34 + i] = static_cast<uint8_t>(image >> (8 * i));
  return fixed;
}

// What Tesseract reads as its CLI would: 1, 8 or 32 bpp without colormap or alpha. Colour stays
// colour (Tesseract's own thresholding reads a coloured poster better than a gray conversion).
Result<PixPtr> to_readable(Pix* src) {
  PixPtr pix(pixClone(src));
  if (pixGetColormap(pix.get()) != nullptr) pix.reset(pixRemoveColormap(pix.get(), REMOVE_CMAP_BASED_ON_SRC));
  if (pix != nullptr && pixGetDepth(pix.get()) == 32 && pixGetSpp(pix.get()) == 4) {
    // Transparent pixels are often black underneath: flatten over white.
    pix.reset(pixAlphaBlendUniform(pix.get(), 0xffffff00));
  }
  if (pix != nullptr) {
    int d = pixGetDepth(pix.get());
    if (d != 1 && d != 8 && d != 32) pix.reset(pixConvertTo8(pix.get(), 0));
  }
  if (pix == nullptr) return Error{ErrorCode::kCorrupt, "image pixels could not be converted for OCR", {}};
  return pix;
}

PixPtr apply_exif_orientation(PixPtr pix, int orientation) {
  Pix* p = pix.get();
  PixPtr out;
  switch (orientation) {
    case 2: out.reset(pixFlipLR(nullptr, p)); break;
    case 3: out.reset(pixRotateOrth(p, 2)); break;
    case 4: out.reset(pixFlipTB(nullptr, p)); break;
    case 5: out.reset(pixRotateOrth(p, 1)); if (out) out.reset(pixFlipLR(nullptr, out.get())); break;
    case 6: out.reset(pixRotateOrth(p, 1)); break;
    case 7: out.reset(pixRotateOrth(p, 1)); if (out) out.reset(pixFlipTB(nullptr, out.get())); break;
    case 8: out.reset(pixRotateOrth(p, 3)); break;
    default: return pix;
  }
  return out != nullptr ? std::move(out) : std::move(pix);
}

bool is_tiff(l_int32 format) {
  return format == IFF_TIFF || format == IFF_TIFF_G3 || format == IFF_TIFF_G4 || format == IFF_TIFF_LZW ||
         format == IFF_TIFF_ZIP || format == IFF_TIFF_PACKBITS || format == IFF_TIFF_RLE || format == IFF_TIFF_JPEG;
}

}  // namespace

void PixCloser::operator()(Pix* p) const { pixDestroy(&p); }

Error ocr_image_too_large(int width, int height) {
  return Error{ErrorCode::kLimit,
               "image of " + std::to_string(width) + "x" + std::to_string(height) + " pixels is too large to OCR", {}};
}

Status check_gif_frames(std::span<const uint8_t> b, int64_t max_pixels) {
  if (b.size() < 13 || (std::memcmp(b.data(), "GIF87a", 6) != 0 && std::memcmp(b.data(), "GIF89a", 6) != 0))
    return ok_status();
  auto le16 = [&](size_t at) { return static_cast<int64_t>(b[at]) | (static_cast<int64_t>(b[at + 1]) << 8); };
  auto color_table = [](uint8_t flags) -> size_t { return (flags & 0x80) != 0 ? 3u << ((flags & 7) + 1) : 0; };
  auto skip_sub_blocks = [&](size_t at) {
    while (at < b.size()) {
      size_t n = b[at++];
      if (n == 0) break;
      at += n;
    }
    return at;
  };
  size_t pos = 13 + color_table(b[10]);
  int64_t total = 0;
  int frames = 0;
  while (pos < b.size()) {
    uint8_t block = b[pos++];
    if (block == 0x21) {  // extension: label, then data sub-blocks
      pos = skip_sub_blocks(pos + 1);
    } else if (block == 0x2C) {  // image descriptor: left, top, width, height, flags
      if (pos + 9 > b.size()) break;
      int64_t w = le16(pos + 4), h = le16(pos + 6);
      uint8_t flags = b[pos + 8];
      ++frames;
      total += w * h;
      if (w * h > max_pixels) return ocr_image_too_large(static_cast<int>(w), static_cast<int>(h));
      if (total > max_pixels) {
        return Error{ErrorCode::kLimit,
                     "GIF whose " + std::to_string(frames) + " frames hold over " + std::to_string(max_pixels / 1'000'000) +
                         " million pixels in all is too large to OCR",
                     {}};
      }
      pos = skip_sub_blocks(pos + 9 + color_table(flags) + 1);  // + the LZW code size byte
    } else {
      break;  // the trailer (0x3B), or garbage where the decoders stop too
    }
  }
  return ok_status();
}

Status for_each_ocr_frame(std::span<const uint8_t> bytes, int64_t max_pixels, const std::function<Status(Pix*)>& fn) {
  std::vector<uint8_t> fixed_bmp;
  bytes = tidy_bmp(bytes, fixed_bmp);
  DOSSIER_RETURN_IF_ERROR(check_gif_frames(bytes, max_pixels));
  l_int32 format = 0, w = 0, h = 0, bps = 0, spp = 0, cmap = 0;
  if (bytes.empty() || pixReadHeaderMem(bytes.data(), bytes.size(), &format, &w, &h, &bps, &spp, &cmap) != 0)
    return Error{ErrorCode::kUnsupported, "image format not readable for OCR", {}};
  if (static_cast<int64_t>(w) * h > max_pixels) return ocr_image_too_large(w, h);
  int orientation = jpeg_exif_orientation(bytes);
  // One frame in memory at a time: a 500-page fax TIFF is read page by page.
  size_t offset = 0;
  int frames = 0;
  do {
    PixPtr frame(is_tiff(format) ? pixReadMemFromMultipageTiff(bytes.data(), bytes.size(), &offset)
                                 : pixReadMem(bytes.data(), bytes.size()));
    if (!is_tiff(format)) offset = 0;
    if (frame == nullptr) break;
    int fw = pixGetWidth(frame.get()), fh = pixGetHeight(frame.get());
    if (static_cast<int64_t>(fw) * fh > max_pixels) return ocr_image_too_large(fw, fh);
    DOSSIER_ASSIGN_OR_RETURN(PixPtr readable, to_readable(frame.get()));
    frame.reset();
    readable = apply_exif_orientation(std::move(readable), orientation);
    DOSSIER_RETURN_IF_ERROR(fn(readable.get()));
    ++frames;
  } while (offset != 0);
  if (frames == 0) return Error{ErrorCode::kCorrupt, "image could not be decoded for OCR", {}};
  return ok_status();
}

int jpeg_exif_orientation(std::span<const uint8_t> b) {
  if (b.size() < 4 || b[0] != 0xFF || b[1] != 0xD8) return 1;
  size_t i = 2;
  while (i + 4 <= b.size()) {
    if (b[i] != 0xFF) return 1;
    uint8_t marker = b[i + 1];
    if (marker == 0xFF) {  // fill byte
      ++i;
      continue;
    }
    if (marker == 0xDA || marker == 0xD9) return 1;  // start of scan / end of image: no EXIF before
    size_t len = (static_cast<size_t>(b[i + 2]) << 8) | b[i + 3];
    if (len < 2 || i + 2 + len > b.size()) return 1;
    if (marker == 0xE1 && len >= 8 && std::memcmp(b.data() + i + 4, "Exif\0\0", 6) == 0) {
      return tiff_orientation(b.subspan(i + 10, len - 8));
    }
    i += 2 + len;
  }
  return 1;
}

}  // namespace dossier::extract
