#include "extract/image_extractor.h"

#include <gtest/gtest.h>

#include "core/time_util.h"
#include "test_util.h"

namespace dossier::extract {
namespace {

using testing::fixture;
using testing::meta;
using testing::probe_for;
using testing::read_bytes;
using testing::run;

TEST(ImageExtractor, SniffsItsOwnFixturesAndNotOthers) {
  const ImageExtractor e;
  EXPECT_EQ(e.sniff(probe_for(read_bytes(fixture("exif.jpg")))), kExactMatch);
  EXPECT_EQ(e.sniff(probe_for(read_bytes(fixture("drawing.svg")))), kNoMatch);
  EXPECT_EQ(e.sniff(probe_for(read_bytes(fixture("page.html")))), kNoMatch);
  EXPECT_EQ(e.sniff(probe_for(read_bytes(fixture("doc.xml")))), kNoMatch);
  EXPECT_EQ(e.sniff(probe_for(read_bytes(fixture("hello.txt")))), kNoMatch);
  EXPECT_EQ(e.sniff(probe_for(read_bytes(fixture("binary.bin")))), kNoMatch);
}

TEST(ImageExtractor, ExifXmpAndCommonFields) {
  auto r = run(ImageExtractor(), read_bytes(fixture("exif.jpg")));
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  EXPECT_TRUE(r->pages.empty());
  EXPECT_EQ(meta(*r, "exif:Exif.Image.Make"), "Dossier");
  EXPECT_EQ(meta(*r, "exif:Exif.Image.Model"), "TestCam 1");
  EXPECT_EQ(meta(*r, "exif:Exif.Photo.DateTimeOriginal"), "2017:03:02 10:04:05");
  EXPECT_EQ(meta(*r, "xmp:Xmp.dc.title"), "Harbour at dawn");
  EXPECT_EQ(meta(*r, "image:width"), "16");
  EXPECT_EQ(meta(*r, "image:height"), "8");
  EXPECT_EQ(meta(*r, "image:mime"), "image/jpeg");
  EXPECT_EQ(meta(*r, "image:comment"), "dossier test fixture");
  EXPECT_EQ(r->common.application, "dossier-fixture 1.0");
  EXPECT_EQ(r->common.author, "Jane Reporter");
  EXPECT_EQ(r->common.title, "Harbour at dawn");
  EXPECT_EQ(r->common.created, parse_date("2017-03-02T10:04:05Z"));
}

TEST(ImageExtractor, ParsesExifDates) {
  EXPECT_EQ(parse_exif_date("2017:03:02 10:04:05"), parse_date("2017-03-02T10:04:05Z"));
  EXPECT_EQ(parse_exif_date("2017:03:02 10:04:05", "+02:00"), parse_date("2017-03-02T08:04:05Z"));
  EXPECT_EQ(parse_exif_date("0000:00:00 00:00:00"), std::nullopt);
  EXPECT_EQ(parse_exif_date("    :  :     :  :  "), std::nullopt);
  EXPECT_EQ(parse_exif_date(""), std::nullopt);
}

TEST(ImageExtractor, TruncatedJpegIsAnErrorOrPartial) {
  auto r = run(ImageExtractor(), read_bytes(fixture("truncated.jpg")));
  if (!r.has_value()) {
    EXPECT_EQ(r.error().message.rfind("corrupt image: ", 0), 0u) << r.error().message;
  }
}

TEST(ImageExtractor, UnknownImageTypeIsUnsupported) {
  auto r = run(ImageExtractor(), "not an image at all", "image/x-unknown");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kUnsupported);
  EXPECT_EQ(r.error().message, "unsupported image format");
}

TEST(ImageExtractor, MalformedInputsNeverCrash) {
  const std::string jpeg = read_bytes(fixture("exif.jpg"));
  // Every prefix, and every single-byte corruption of the EXIF block.
  for (size_t n = 0; n < jpeg.size(); n += 7) {
    auto r = run(ImageExtractor(), jpeg.substr(0, n), "image/jpeg");
    (void)r;
  }
  for (size_t i = 4; i < 200 && i < jpeg.size(); ++i) {
    std::string bad = jpeg;
    bad[i] = static_cast<char>(bad[i] ^ 0xFF);
    auto r = run(ImageExtractor(), bad, "image/jpeg");
    (void)r;
  }
  auto r = run(ImageExtractor(), "", "image/png");
  EXPECT_FALSE(r.has_value());
  auto png = run(ImageExtractor(), "\x89PNG\r\n\x1A\n\0\0\0\x0DIHDR", "image/png");
  (void)png;
}

}  // namespace
}  // namespace dossier::extract
