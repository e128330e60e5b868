#include "extract/ocr_image.h"

#include <cstring>

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

}  // namespace

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
