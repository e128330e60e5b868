// OCR: the Tesseract engine, EXIF orientation, and OCR inside the image and PDF extractors, on
// scans made in the test (ocr_test_util.h). Tesseract's English model reads 20 pt Helvetica at
// 200 dpi without error, so the assertions are on exact words.
#include <gtest/gtest.h>

#include <algorithm>

#include "extract/image_extractor.h"
#include "extract/mupdf_image.h"
#include "extract/ocr.h"
#include "extract/ocr_image.h"
#include "extract/pdf_extractor.h"
#include "ocr_test_util.h"
#include "test_util.h"

namespace dossier::extract {
namespace {

using testing::as_bytes;

const std::vector<std::string> kMemo = {"The quick brown fox jumps over the lazy dog.",
                                        "Payment of 4711 dollars was made in cash.",
                                        "Meeting at the consulate on Friday morning."};

// One English engine for the whole suite: loading models is the slow part.
OcrEngine& engine() {
  static std::unique_ptr<OcrEngine> e = [] {
    auto made = make_tesseract_engine("eng");
    EXPECT_TRUE(made.has_value()) << made.error().to_string();
    return made.has_value() ? std::move(made).value() : nullptr;
  }();
  return *e;
}

// Counts calls, so tests can tell whether an extractor asked for OCR.
class CountingOcr final : public OcrEngine {
 public:
  std::string tool() const override { return engine().tool(); }
  std::string tool_version() const override { return engine().tool_version(); }
  Status load() override { return engine().load(); }
  Result<OcrPage> recognize(const OcrPixels& px) override {
    ++pixel_calls;
    return engine().recognize(px);
  }
  Result<std::vector<OcrPage>> recognize_image(std::span<const uint8_t> bytes) override {
    ++image_calls;
    return engine().recognize_image(bytes);
  }
  int pixel_calls = 0;
  int image_calls = 0;
};

bool contains(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

void expect_memo(const std::string& text) {
  EXPECT_TRUE(contains(text, "The quick brown fox jumps over the lazy dog.")) << text;
  EXPECT_TRUE(contains(text, "4711")) << text;
  EXPECT_TRUE(contains(text, "consulate")) << text;
}

TEST(JpegExifOrientation, ReadsTheTagInEitherByteOrder) {
  testing::Pix pix = testing::scan_of({"x"}, 72);
  for (int o = 1; o <= 8; ++o) {
    std::string jpeg = testing::jpeg_with_orientation(pix.get(), o);
    EXPECT_EQ(jpeg_exif_orientation(as_bytes(jpeg)), o);
  }
  // Little-endian TIFF inside the APP1 segment.
  std::string tiff = std::string("II*\0\x08\0\0\0", 8) + std::string("\x01\0", 2) +
                     std::string("\x12\x01\x03\0\x01\0\0\0\x06\0\0\0", 12) + std::string(4, '\0');
  std::string body = std::string("Exif\0\0", 6) + tiff;
  std::string jpeg = std::string("\xFF\xD8\xFF\xE1", 4) + static_cast<char>(0) + static_cast<char>(body.size() + 2) +
                     body + "\xFF\xD9";
  EXPECT_EQ(jpeg_exif_orientation(as_bytes(jpeg)), 6);
}

TEST(JpegExifOrientation, DefaultsToUprightOnAnythingElse) {
  EXPECT_EQ(jpeg_exif_orientation({}), 1);
  EXPECT_EQ(jpeg_exif_orientation(as_bytes("\x89PNG\r\n\x1A\n")), 1);
  testing::Pix pix = testing::scan_of({"x"}, 72);
  std::string plain = testing::encode(pix.get(), IFF_JFIF_JPEG);
  EXPECT_EQ(jpeg_exif_orientation(as_bytes(plain)), 1);
  // Every truncation of a JPEG with the tag: never reads past the end, never invents a value.
  std::string tagged = testing::jpeg_with_orientation(pix.get(), 8);
  for (size_t n = 0; n < 40; ++n) {
    int o = jpeg_exif_orientation(as_bytes(std::string_view(tagged).substr(0, n)));
    EXPECT_TRUE(o == 1 || o == 8) << n;
  }
}

TEST(OcrLanguages, ChecksModelsAndSpelling) {
  EXPECT_TRUE(check_ocr_languages("eng").has_value());
  auto missing = check_ocr_languages("eng+xx_nope");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kUnsupported);
  EXPECT_TRUE(contains(missing.error().message, "tesseract-ocr-xx-nope")) << missing.error().message;
  for (const char* bad : {"", "eng;rm -rf", "+eng", "eng++chi_sim", "eng+"}) {
    auto r = check_ocr_languages(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput) << bad;
  }
  EXPECT_FALSE(make_tesseract_engine("eng+xx_nope").has_value());
}

TEST(TesseractEngine, ReadsAPngScan) {
  testing::Pix pix = testing::scan_of(kMemo);
  std::string png = testing::encode(pix.get(), IFF_PNG);
  auto pages = engine().recognize_image(as_bytes(png));
  ASSERT_TRUE(pages.has_value()) << pages.error().to_string();
  ASSERT_EQ(pages->size(), 1U);
  expect_memo(pages->front().text);
  EXPECT_GT(pages->front().confidence, 80);
  EXPECT_EQ(pages->front().rotation, 0);
  EXPECT_EQ(engine().tool(), "tesseract");
  EXPECT_TRUE(contains(engine().tool_version(), " eng")) << engine().tool_version();
}

TEST(TesseractEngine, ReadsEveryImageFormatALeakBrings) {
  testing::Pix pix = testing::scan_of({"Shipment 88 left the port at dawn."});
  for (int format : {IFF_PNG, IFF_JFIF_JPEG, IFF_TIFF_G4, IFF_TIFF_ZIP, IFF_BMP, IFF_GIF, IFF_WEBP, IFF_PNM}) {
    std::string bytes = testing::encode(pix.get(), format);
    ASSERT_FALSE(bytes.empty()) << "Leptonica could not write format " << format;
    auto pages = engine().recognize_image(as_bytes(bytes));
    ASSERT_TRUE(pages.has_value()) << "format " << format << ": " << pages.error().to_string();
    ASSERT_EQ(pages->size(), 1U);
    EXPECT_TRUE(contains(pages->front().text, "Shipment 88 left the port at dawn.")) << format << ": " << pages->front().text;
  }
}

TEST(TesseractEngine, TurnsUpsideDownAndSidewaysPages) {
  testing::Pix pix = testing::scan_of(kMemo);
  for (int q : {2, 1, 3}) {
    testing::Pix turned = testing::rotated(pix.get(), q);
    std::string png = testing::encode(turned.get(), IFF_PNG);
    auto pages = engine().recognize_image(as_bytes(png));
    ASSERT_TRUE(pages.has_value()) << pages.error().to_string();
    expect_memo(pages->front().text);
    // Tesseract's layout analysis reads sideways lines by itself; upside down needs our turn.
    if (q == 2) {
      EXPECT_EQ(pages->front().rotation, 180);
    }
  }
}

TEST(TesseractEngine, HonoursExifOrientation) {
  // Pixels stored upside down, with the tag that says so: read upright without a retry.
  testing::Pix pix = testing::scan_of(kMemo);
  testing::Pix upside_down = testing::rotated(pix.get(), 2);
  std::string jpeg = testing::jpeg_with_orientation(upside_down.get(), 3);
  auto pages = engine().recognize_image(as_bytes(jpeg));
  ASSERT_TRUE(pages.has_value()) << pages.error().to_string();
  expect_memo(pages->front().text);
  EXPECT_EQ(pages->front().rotation, 0);
}

TEST(TesseractEngine, ReadsEveryPageOfAMultipageTiff) {
  testing::Pix one = testing::scan_of({"First page about the shipment."});
  testing::Pix two = testing::scan_of({"Second page names the warehouse."});
  std::string tiff = testing::multipage_tiff({one.get(), two.get()});
  auto pages = engine().recognize_image(as_bytes(tiff));
  ASSERT_TRUE(pages.has_value()) << pages.error().to_string();
  ASSERT_EQ(pages->size(), 2U);
  EXPECT_TRUE(contains((*pages)[0].text, "First page about the shipment.")) << (*pages)[0].text;
  EXPECT_TRUE(contains((*pages)[1].text, "Second page names the warehouse.")) << (*pages)[1].text;
}

// Each page or frame read is reported (the sandboxed worker's heartbeat), as it is read.
TEST(TesseractEngine, ReportsEachFrameItReads) {
  auto made = make_tesseract_engine("eng");
  ASSERT_TRUE(made.has_value()) << made.error().to_string();
  OcrEngine& e = **made;
  std::vector<size_t> reported;
  size_t read_so_far = 0;
  e.set_on_page([&] { reported.push_back(++read_so_far); });
  testing::Pix one = testing::scan_of({"First page about the shipment."});
  testing::Pix two = testing::scan_of({"Second page names the warehouse."});
  testing::Pix three = testing::scan_of({"Third page lists the trucks."});
  auto pages = e.recognize_image(as_bytes(testing::multipage_tiff({one.get(), two.get(), three.get()})));
  ASSERT_TRUE(pages.has_value()) << pages.error().to_string();
  ASSERT_EQ(pages->size(), 3U);
  EXPECT_EQ(reported, (std::vector<size_t>{1, 2, 3}));
  // The same image again comes from the cache: no reading, no report.
  ASSERT_TRUE(e.recognize_image(as_bytes(testing::multipage_tiff({one.get(), two.get(), three.get()}))).has_value());
  EXPECT_EQ(reported.size(), 3U);
}

TEST(TesseractEngine, ReadsRawPixels) {
  testing::Pix pix = testing::scan_of(kMemo, 300);
  OcrPixels px;
  std::vector<uint8_t> gray;
  px.width = pixGetWidth(pix.get());
  px.height = pixGetHeight(pix.get());
  for (int y = 0; y < px.height; ++y) {
    for (int x = 0; x < px.width; ++x) {
      l_uint32 v = 0;
      pixGetPixel(pix.get(), x, y, &v);
      gray.push_back(static_cast<uint8_t>(v));
    }
  }
  px.data = gray.data();
  px.stride = px.width;
  px.channels = 1;
  px.dpi = 300;
  auto page = engine().recognize(px);
  ASSERT_TRUE(page.has_value()) << page.error().to_string();
  expect_memo(page->text);
}

TEST(TesseractEngine, RejectsWhatIsNotAnImage) {
  auto r = engine().recognize_image(as_bytes("not an image at all"));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kUnsupported);
  testing::Pix pix = testing::scan_of(kMemo);
  std::string png = testing::encode(pix.get(), IFF_PNG);
  auto truncated = engine().recognize_image(as_bytes(std::string_view(png).substr(0, png.size() / 3)));
  EXPECT_FALSE(truncated.has_value() && !truncated->empty() && contains(truncated->front().text, "consulate"));
  OcrPixels none;
  EXPECT_FALSE(engine().recognize(none).has_value());
}

// A GIF: a 50x50 logical screen with a 2-colour table, then the given frames, each a descriptor
// of w x h pixels and a one-sub-block LZW stream (clear, the first pixel, end).
std::string gif_with_frames(const std::vector<std::pair<int, int>>& frames) {
  std::string g = "GIF89a";
  auto le16 = [&](int v) {
    g.push_back(static_cast<char>(v & 0xFF));
    g.push_back(static_cast<char>(v >> 8));
  };
  le16(50);
  le16(50);
  g += std::string("\x80\x00\x00", 3);             // global table of 2 colours
  g += std::string("\x00\x00\x00\xff\xff\xff", 6);  // black, white
  for (auto [w, h] : frames) {
    g.push_back('\x2c');
    le16(0);
    le16(0);
    le16(w);
    le16(h);
    g.push_back('\0');
    g += std::string("\x02\x02\x44\x01\x00", 5);  // code size 2; 2 bytes of LZW; end
  }
  g.push_back('\x3b');
  return g;
}

// Found by fuzz_ocr_image: a 1.5 KB GIF whose frame claims 52143x36537 pixels in a 50x50 screen
// made giflib (through Leptonica) and MuPDF allocate what the frame claims: 667 MB in a worker.
TEST(CheckGifFrames, FramesAreMeasuredBeforeAnyDecoderSeesThem) {
  std::string huge = gif_with_frames({{52143, 36537}});
  Status frame = check_gif_frames(as_bytes(huge), 120'000'000);
  ASSERT_FALSE(frame.has_value());
  EXPECT_EQ(frame.error().code, ErrorCode::kLimit);
  EXPECT_EQ(frame.error().message, "image of 52143x36537 pixels is too large to OCR");
  // The same for every decoder OCR uses.
  auto leptonica = for_each_ocr_frame(as_bytes(huge), 120'000'000, [](Pix*) { return ok_status(); });
  ASSERT_FALSE(leptonica.has_value());
  EXPECT_EQ(leptonica.error().code, ErrorCode::kLimit);
  auto mupdf = decode_image_with_mupdf(as_bytes(huge), 120'000'000);
  ASSERT_FALSE(mupdf.has_value());
  EXPECT_EQ(mupdf.error().code, ErrorCode::kLimit);

  // Many frames that are each fine but too many pixels together.
  std::vector<std::pair<int, int>> many(40, {2000, 2000});
  Status all = check_gif_frames(as_bytes(gif_with_frames(many)), 120'000'000);
  ASSERT_FALSE(all.has_value());
  EXPECT_EQ(all.error().message, "GIF whose 31 frames hold over 120 million pixels in all is too large to OCR");

  // Ordinary GIFs, and what is not a GIF, pass.
  EXPECT_TRUE(check_gif_frames(as_bytes(gif_with_frames({{50, 50}, {20, 10}})), 120'000'000).has_value());
  EXPECT_TRUE(check_gif_frames(as_bytes("GIF89a"), 120'000'000).has_value());
  EXPECT_TRUE(check_gif_frames(as_bytes("not a gif at all"), 120'000'000).has_value());
}

// Found by fuzz_ocr_image: MuPDF allocated what a TIFF directory claimed (3.5 GB). Here a strip
// table of 800 million entries; the decoder must refuse it, not allocate it.
TEST(DecodeImageWithMupdf, ATiffClaimingAHugeTableIsRefused) {
  std::string tiff = std::string("MM\0*\0\0\0\x08", 8) + std::string("\0\x04", 2);
  auto entry = [](uint16_t tag, uint16_t type, uint32_t count, uint32_t value) {
    std::string e;
    for (int s : {8, 0}) e.push_back(static_cast<char>(tag >> s));
    for (int s : {8, 0}) e.push_back(static_cast<char>(type >> s));
    for (int s : {24, 16, 8, 0}) e.push_back(static_cast<char>(count >> s));
    for (int s : {24, 16, 8, 0}) e.push_back(static_cast<char>(value >> s));
    return e;
  };
  tiff += entry(0x0100, 4, 1, 64);           // width
  tiff += entry(0x0101, 4, 1, 64);           // height
  tiff += entry(0x0111, 4, 800'000'000, 8);  // StripOffsets: 800 M entries
  tiff += entry(0x0117, 4, 800'000'000, 8);  // StripByteCounts
  tiff += std::string(4, '\0');
  auto decoded = decode_image_with_mupdf(as_bytes(tiff), 1'000'000);
  EXPECT_FALSE(decoded.has_value());
}

TEST(ImageExtractorOcr, AddsTheTextAsAnOcrPage) {
  testing::Pix pix = testing::scan_of(kMemo);
  std::string png = testing::encode(pix.get(), IFF_PNG);
  ImageExtractor x;
  CountingOcr ocr;
  ExtractContext ctx;
  ctx.ocr = &ocr;
  auto out = x.extract(testing::item_for(png, "memo.png"), ctx);
  ASSERT_TRUE(out.has_value()) << out.error().to_string();
  ASSERT_EQ(out->pages.size(), 1U);
  EXPECT_EQ(out->pages[0].source, TextSource::kOcr);
  EXPECT_EQ(out->pages[0].number, 1);
  EXPECT_GT(out->pages[0].ocr_confidence, 80);
  expect_memo(out->pages[0].text);
  EXPECT_EQ(ocr.image_calls, 1);

  ctx.ocr_mode = OcrMode::kOff;
  auto off = x.extract(testing::item_for(png, "memo.png"), ctx);
  ASSERT_TRUE(off.has_value());
  EXPECT_TRUE(off->pages.empty());
  EXPECT_EQ(ocr.image_calls, 1);
}

TEST(ImageExtractorOcr, AnImageOcrCannotReadKeepsItsMetadataAndSaysWhy) {
  // A 1x1 GIF: Exiv2 reads it; it has nothing to read.
  testing::Pix dot(pixCreate(20000, 20000, 1));  // 400 Mpx: over the OCR limit
  std::string png = testing::encode(dot.get(), IFF_PNG);
  ImageExtractor x;
  ExtractContext ctx;
  ctx.ocr = &engine();
  auto out = x.extract(testing::item_for(png, "huge.png"), ctx);
  ASSERT_TRUE(out.has_value()) << out.error().to_string();
  EXPECT_TRUE(out->pages.empty());
  ASSERT_FALSE(out->warnings.empty());
  EXPECT_TRUE(contains(out->warnings[0], "too large to OCR")) << out->warnings[0];
}

// A worker whose engine could not be set up still answers: each image says why it has no text.
TEST(ImageExtractorOcr, AnEngineThatCouldNotBeSetUpSaysSoForEachImage) {
  testing::Pix pix = testing::scan_of(kMemo);
  std::string png = testing::encode(pix.get(), IFF_PNG);
  auto unavailable = make_unavailable_ocr_engine(Error{ErrorCode::kIo, "cannot open the OCR model eng", {}});
  ImageExtractor x;
  ExtractContext ctx;
  ctx.ocr = unavailable.get();
  auto out = x.extract(testing::item_for(png, "memo.png"), ctx);
  ASSERT_TRUE(out.has_value()) << out.error().to_string();
  EXPECT_TRUE(out->pages.empty());
  ASSERT_EQ(out->warnings.size(), 1U);
  EXPECT_EQ(out->warnings[0], "OCR: OCR engine unavailable: cannot open the OCR model eng");
  for (const MetaField& m : out->metadata) EXPECT_NE(m.key, "ocr:engine");
}

TEST(PdfExtractorOcr, ReadsAnImageOnlyPage) {
  testing::Pix pix = testing::scan_of(kMemo);
  std::string pdf = testing::image_only_pdf(pix.get());
  PdfExtractor x;
  ExtractContext none;
  auto plain = x.extract(testing::item_for(pdf, "scan.pdf"), none);
  ASSERT_TRUE(plain.has_value()) << plain.error().to_string();
  ASSERT_EQ(plain->pages.size(), 1U);
  EXPECT_EQ(plain->pages[0].source, TextSource::kNative);
  EXPECT_TRUE(plain->pages[0].text.empty());

  CountingOcr ocr;
  ExtractContext ctx;
  ctx.ocr = &ocr;
  auto out = x.extract(testing::item_for(pdf, "scan.pdf"), ctx);
  ASSERT_TRUE(out.has_value()) << out.error().to_string();
  ASSERT_EQ(out->pages.size(), 1U);
  EXPECT_EQ(out->pages[0].source, TextSource::kOcr);
  EXPECT_GT(out->pages[0].ocr_confidence, 80);
  expect_memo(out->pages[0].text);
  EXPECT_EQ(ocr.pixel_calls, 1);
}

TEST(PdfExtractorOcr, LeavesPagesWithTextAloneUnlessForced) {
  std::string pdf = testing::text_pdf(kMemo);
  PdfExtractor x;
  CountingOcr ocr;
  ExtractContext ctx;
  ctx.ocr = &ocr;
  auto native = x.extract(testing::item_for(pdf, "memo.pdf"), ctx);
  ASSERT_TRUE(native.has_value()) << native.error().to_string();
  ASSERT_EQ(native->pages.size(), 1U);
  EXPECT_EQ(native->pages[0].source, TextSource::kNative);
  EXPECT_EQ(ocr.pixel_calls, 0);

  ctx.ocr_mode = OcrMode::kForce;
  auto forced = x.extract(testing::item_for(pdf, "memo.pdf"), ctx);
  ASSERT_TRUE(forced.has_value()) << forced.error().to_string();
  EXPECT_EQ(forced->pages[0].source, TextSource::kOcr);
  expect_memo(forced->pages[0].text);
  EXPECT_EQ(ocr.pixel_calls, 1);
}

TEST(PdfExtractorOcr, ABlankPageIsNotRead) {
  std::string pdf = testing::pdf_from_objects({"<< /Type /Catalog /Pages 2 0 R >>",
                                               "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                                               "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"});
  PdfExtractor x;
  CountingOcr ocr;
  ExtractContext ctx;
  ctx.ocr = &ocr;
  auto out = x.extract(testing::item_for(pdf, "blank.pdf"), ctx);
  ASSERT_TRUE(out.has_value()) << out.error().to_string();
  EXPECT_EQ(ocr.pixel_calls, 0);
}

}  // namespace
}  // namespace dossier::extract
