// Scans made in the test: text typeset by MuPDF from a PDF written here, rendered to pixels,
// then turned, encoded (PNG, JPEG with an EXIF orientation, multi-page TIFF) or wrapped in an
// image-only PDF. Nothing is committed; every expected word is known.
#pragma once

#include <leptonica/allheaders.h>
#include <mupdf/fitz.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace dossier::extract::testing {

struct PixDeleter {
  void operator()(PIX* p) const { pixDestroy(&p); }
};
using Pix = std::unique_ptr<PIX, PixDeleter>;

// A PDF whose object i+1 is objs[i] (the catalog first), with a correct xref table.
inline std::string pdf_from_objects(const std::vector<std::string>& objs) {
  std::string out = "%PDF-1.4\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objs.size(); ++i) {
    offsets.push_back(out.size());
    out += std::to_string(i + 1) + " 0 obj\n" + objs[i] + "\nendobj\n";
  }
  size_t xref = out.size();
  out += "xref\n0 " + std::to_string(objs.size() + 1) + "\n0000000000 65535 f \n";
  for (size_t off : offsets) {
    std::string d = std::to_string(off);
    out += std::string(10 - d.size(), '0') + d + " 00000 n \n";
  }
  out += "trailer\n<< /Size " + std::to_string(objs.size() + 1) + " /Root 1 0 R >>\nstartxref\n" +
         std::to_string(xref) + "\n%%EOF\n";
  return out;
}

// A one-page PDF, 612x396 pt, with each line in 20 pt Helvetica.
inline std::string text_pdf(const std::vector<std::string>& lines) {
  std::string content = "BT /F1 20 Tf 40 340 Td 26 TL\n";
  for (const auto& l : lines) content += "(" + l + ") Tj T*\n";
  content += "ET\n";
  std::vector<std::string> objs = {
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
      "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "\nendstream",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 396] /Resources << /Font << /F1 3 0 R >> >> "
      "/Contents 4 0 R >>"};
  return pdf_from_objects(objs);
}

// The first page of `pdf` rendered in 8-bit gray at `dpi`.
inline Pix render_pdf(const std::string& pdf, int dpi) {
  fz_context* ctx = fz_new_context(nullptr, nullptr, FZ_STORE_DEFAULT);
  fz_register_document_handlers(ctx);
  PIX* out = nullptr;
  fz_stream* stm = nullptr;
  fz_document* doc = nullptr;
  fz_pixmap* pm = nullptr;
  fz_var(stm);
  fz_var(doc);
  fz_var(pm);
  fz_try(ctx) {
    stm = fz_open_memory(ctx, reinterpret_cast<const unsigned char*>(pdf.data()), pdf.size());
    doc = fz_open_document_with_stream(ctx, "application/pdf", stm);
    pm = fz_new_pixmap_from_page_number(ctx, doc, 0, fz_scale(dpi / 72.0F, dpi / 72.0F), fz_device_gray(ctx), 0);
    int w = fz_pixmap_width(ctx, pm), h = fz_pixmap_height(ctx, pm);
    auto stride = static_cast<size_t>(fz_pixmap_stride(ctx, pm));
    const unsigned char* s = fz_pixmap_samples(ctx, pm);
    out = pixCreate(w, h, 8);
    pixSetResolution(out, dpi, dpi);
    l_uint32* data = pixGetData(out);
    int wpl = pixGetWpl(out);
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < w; ++x) SET_DATA_BYTE(data + static_cast<size_t>(y) * wpl, x, s[y * stride + x]);
    }
  }
  fz_always(ctx) {
    fz_drop_pixmap(ctx, pm);
    fz_drop_document(ctx, doc);
    fz_drop_stream(ctx, stm);
  }
  fz_catch(ctx) {
    out = nullptr;
  }
  fz_drop_context(ctx);
  return Pix(out);
}

inline Pix scan_of(const std::vector<std::string>& lines, int dpi = 200) {
  return render_pdf(text_pdf(lines), dpi);
}

inline Pix rotated(PIX* p, int quarters) { return Pix(pixRotateOrth(p, quarters)); }

inline std::string encode(PIX* p, int format) {
  l_uint8* data = nullptr;
  size_t size = 0;
  if (pixWriteMem(&data, &size, p, format) != 0) return {};
  std::string out(reinterpret_cast<char*>(data), size);
  lept_free(data);
  return out;
}

inline std::string multipage_tiff(const std::vector<PIX*>& pages) {
  PIXA* pixa = pixaCreate(0);
  for (PIX* p : pages) pixaAddPix(pixa, p, L_COPY);
  l_uint8* data = nullptr;
  size_t size = 0;
  pixaWriteMemMultipageTiff(&data, &size, pixa);
  pixaDestroy(&pixa);
  std::string out(reinterpret_cast<char*>(data), size);
  lept_free(data);
  return out;
}

// An EXIF APP1 segment (big-endian TIFF) holding only the orientation tag.
inline std::string exif_app1(int orientation) {
  std::string tiff = std::string("MM\0*\0\0\0\x08", 8);                 // header, IFD0 at 8
  tiff += std::string("\0\x01", 2);                                      // one entry
  tiff += std::string("\x01\x12\0\x03\0\0\0\x01", 8);                    // 0x0112, SHORT, count 1
  tiff += std::string(1, '\0') + std::string(1, static_cast<char>(orientation)) + std::string(2, '\0');
  tiff += std::string(4, '\0');                                          // no next IFD
  std::string body = std::string("Exif\0\0", 6) + tiff;
  size_t len = body.size() + 2;
  return std::string("\xFF\xE1", 2) + static_cast<char>(len >> 8) + static_cast<char>(len & 0xFF) + body;
}

// A JPEG of `p` carrying EXIF orientation `orientation`, inserted right after SOI.
inline std::string jpeg_with_orientation(PIX* p, int orientation) {
  std::string jpeg = encode(p, IFF_JFIF_JPEG);
  if (jpeg.size() < 2) return jpeg;
  return jpeg.substr(0, 2) + exif_app1(orientation) + jpeg.substr(2);
}

// A one-page PDF whose page is nothing but `p` as an uncompressed gray image.
inline std::string image_only_pdf(PIX* p) {
  int w = pixGetWidth(p), h = pixGetHeight(p);
  std::string pixels;
  pixels.reserve(static_cast<size_t>(w) * h);
  l_uint32* data = pixGetData(p);
  int wpl = pixGetWpl(p);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) pixels.push_back(static_cast<char>(GET_DATA_BYTE(data + static_cast<size_t>(y) * wpl, x)));
  }
  double pw = w * 72.0 / 200, ph = h * 72.0 / 200;  // as scanned at 200 dpi
  std::string content = "q " + std::to_string(pw) + " 0 0 " + std::to_string(ph) + " 0 0 cm /Im1 Do Q\n";
  std::vector<std::string> objs = {
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
      "<< /Type /XObject /Subtype /Image /Width " + std::to_string(w) + " /Height " + std::to_string(h) +
          " /ColorSpace /DeviceGray /BitsPerComponent 8 /Length " + std::to_string(pixels.size()) + " >>\nstream\n" +
          pixels + "\nendstream",
      "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "\nendstream",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 " + std::to_string(pw) + " " + std::to_string(ph) +
          "] /Resources << /XObject << /Im1 3 0 R >> >> /Contents 4 0 R >>"};
  return pdf_from_objects(objs);
}

}  // namespace dossier::extract::testing
