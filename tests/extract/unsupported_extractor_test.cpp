#include "extract/unsupported_extractor.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace dossier::extract {
namespace {

TEST(NamedUnsupportedExtractor, OneNoteIsNamed) {
  std::string one("\xE4\x52\x5C\x7B\x8C\xD8\xA7\x4D\xAE\xB1\x53\x78\xD0\x29\x96\xD3", 16);
  one += std::string(200, '\0');
  EXPECT_EQ(testing::chosen(one), "unsupported");
  auto r = testing::run(NamedUnsupportedExtractor(), one);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kUnsupported);
  EXPECT_EQ(r.error().message,
            "unsupported format: Microsoft OneNote section is not supported yet");
}

TEST(NamedUnsupportedExtractor, OldExcelAndWordPerfectAreNamed) {
  std::string biff4("\x09\x04\x06\x00\x00\x00\x10\x00", 8);
  EXPECT_EQ(unsupported_format_name(testing::as_bytes(biff4), ""), "Excel 4.0 worksheet (BIFF4)");
  EXPECT_EQ(unsupported_format_name(testing::as_bytes("\xFFWPC\x10\x00"), ""),
            "WordPerfect document");
  EXPECT_EQ(unsupported_format_name(testing::as_bytes("hello"), ""), "");
}

TEST(NamedUnsupportedExtractor, IworkYieldsToArchives) {
  std::string zip = std::string("PK\x03\x04", 4) + std::string(26, '\0') + "Index/Document.iwa";
  EXPECT_EQ(unsupported_format_name(testing::as_bytes(zip), "a.pages"), "Apple Pages document");
  Probe p = testing::probe_for(zip, "a.pages");
  EXPECT_LT(NamedUnsupportedExtractor().sniff(p), kGoodMatch);
}

}  // namespace
}  // namespace dossier::extract
