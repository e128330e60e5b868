#include "extract/text_extractor.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace dossier::extract {
namespace {

using testing::fixture;
using testing::probe_for;
using testing::read_bytes;
using testing::run;

TEST(TextExtractor, SniffsItsOwnFixturesAndNotOthers) {
  const TextExtractor e;
  EXPECT_GE(e.sniff(probe_for(read_bytes(fixture("hello.txt")))), kGoodMatch - 1);
  EXPECT_GE(e.sniff(probe_for(read_bytes(fixture("table.csv")))), kGoodMatch - 1);
  EXPECT_EQ(e.sniff(probe_for(read_bytes(fixture("exif.jpg")))), kNoMatch);
  EXPECT_EQ(e.sniff(probe_for(read_bytes(fixture("binary.bin")))), kNoMatch);
  // It would take HTML and XML, but only as a fallback below their owners.
  EXPECT_LT(e.sniff(probe_for(read_bytes(fixture("page.html")))), kGoodMatch);
  EXPECT_LT(e.sniff(probe_for(read_bytes(fixture("doc.xml")))), kGoodMatch);
}

TEST(TextExtractor, GoldenText) {
  auto r = run(TextExtractor(), read_bytes(fixture("hello.txt")));
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  ASSERT_EQ(r->pages.size(), 1u);
  EXPECT_EQ(r->pages[0].number, 0);
  EXPECT_EQ(r->pages[0].text,
            "Plain text fixture.\nSecond line with 中文 and café.\nThird line.\n");
  EXPECT_EQ(testing::meta(*r, "text:charset"), "UTF-8");
}

TEST(TextExtractor, UsesTheMimeCharsetParameter) {
  auto r = run(TextExtractor(), "caf\xE9", "text/plain; charset=iso-8859-1");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->pages[0].text, "café");
  EXPECT_EQ(testing::meta(*r, "text:charset"), "windows-1252");
}

TEST(TextExtractor, BinaryIsAnError) {
  auto r = run(TextExtractor(), read_bytes(fixture("binary.bin")));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kUnsupported);
  EXPECT_EQ(r.error().message, "binary data, not text");
}

TEST(TextExtractor, TruncatesAtTheTextLimitWithAWarning) {
  const std::string bytes(1000, 'x');
  Item item = testing::item_for(bytes);
  ExtractContext ctx;
  ctx.limits.max_text_bytes = 100;
  auto r = TextExtractor().extract(item, ctx);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->pages[0].text.size(), 100u);
  EXPECT_EQ(r->warnings.size(), 1u);
}

TEST(TextExtractor, EmptyFileIsEmptyText) {
  auto r = run(TextExtractor(), "");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->text_bytes(), 0u);
}

TEST(MimeHelpers, BaseAndCharset) {
  EXPECT_EQ(mime_base("Text/Plain; charset=UTF-8"), "text/plain");
  EXPECT_EQ(mime_charset("text/plain; charset=\"gbk\""), "gbk");
  EXPECT_EQ(mime_charset("text/plain"), "");
  std::string s = "中文";
  EXPECT_TRUE(truncate_utf8(s, 4));
  EXPECT_EQ(s, "中");
}

}  // namespace
}  // namespace dossier::extract
