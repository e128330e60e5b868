#include "extract/html_extractor.h"

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

TEST(HtmlExtractor, SniffsItsOwnFixturesAndNotOthers) {
  const HtmlExtractor e;
  EXPECT_GE(e.sniff(probe_for(read_bytes(fixture("page.html")))), kGoodMatch);
  EXPECT_GE(e.sniff(probe_for(read_bytes(fixture("gbk.html")))), kGoodMatch);
  EXPECT_EQ(e.sniff(probe_for(read_bytes(fixture("doc.xml")))), kNoMatch);
  EXPECT_EQ(e.sniff(probe_for(read_bytes(fixture("drawing.svg")))), kNoMatch);
  EXPECT_EQ(e.sniff(probe_for(read_bytes(fixture("hello.txt")))), kNoMatch);
  EXPECT_EQ(e.sniff(probe_for(read_bytes(fixture("exif.jpg")))), kNoMatch);
  EXPECT_EQ(e.sniff(probe_for(read_bytes(fixture("binary.bin")))), kNoMatch);
}

TEST(HtmlExtractor, GoldenTextWithoutScriptStyleNoscriptTemplate) {
  auto r = run(HtmlExtractor(), read_bytes(fixture("page.html")));
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  ASSERT_EQ(r->pages.size(), 1u);
  EXPECT_EQ(r->pages[0].text,
            "Payments\n"
            "\n"
            "Transfers to Acme Holdings rose in the third quarter.\n"
            "\n"
            "Acme\t1,200\n"
            "Globex\t300\n"
            "\n"
            "first\n"
            "second\n"
            "\n"
            "line one\n"
            "  line two\n"
            "\n"
            "中文段落：新疆维吾尔自治区");
}

TEST(HtmlExtractor, TitleAndMetaFields) {
  auto r = run(HtmlExtractor(), read_bytes(fixture("page.html")));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->common.title, "Quarterly payments report");
  EXPECT_EQ(r->common.author, "Jane Reporter");
  EXPECT_EQ(r->common.application, "HandWritten 2.0");
  EXPECT_EQ(r->common.created, parse_date("2017-03-02T10:04:05Z"));
  EXPECT_EQ(meta(*r, "html:meta:description"), "Payments to offshore accounts");
  EXPECT_EQ(meta(*r, "html:meta:author"), "Jane Reporter");
  EXPECT_EQ(meta(*r, "html:charset"), "UTF-8");
}

TEST(HtmlExtractor, DeclaredGb2312IsDecoded) {
  auto r = run(HtmlExtractor(), read_bytes(fixture("gbk.html")));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->common.title, "新闻发布会");
  EXPECT_EQ(r->pages[0].text, "国务院办公厅关于印发通知的说明");
  EXPECT_EQ(meta(*r, "html:charset"), "GB18030");
  EXPECT_EQ(meta(*r, "html:http-equiv:Content-Type"), "text/html; charset=gb2312");
}

TEST(HtmlExtractor, DeclaredCharsetPrescan) {
  auto as = [](std::string_view s) { return testing::as_bytes(s); };
  EXPECT_EQ(html_declared_charset(as("<html><head><meta charset=\"Big5\">")), "big5");
  EXPECT_EQ(html_declared_charset(
                as("<META HTTP-EQUIV='Content-Type' CONTENT='text/html; charset=windows-1251'>")),
            "windows-1251");
  EXPECT_EQ(html_declared_charset(as("<p>charset=nothing</p>")), "");
}

TEST(HtmlExtractor, Utf16WithBom) {
  std::string html = "<html><head><title>T</title></head><body><p>Hi 你好</p></body></html>";
  std::string u16 = "\xFF\xFE";
  for (unsigned char c : std::string("<html><body><p>Hi</p></body></html>")) {
    u16 += static_cast<char>(c);
    u16 += '\0';
  }
  auto r = run(HtmlExtractor(), u16, "text/html");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->pages[0].text, "Hi");
  EXPECT_EQ(meta(*r, "html:charset"), "UTF-16LE");
}

TEST(HtmlExtractor, MalformedHtmlNeverFails) {
  const char* inputs[] = {"<html><body><p>unclosed <b>bold <i>italic",
                          "</p></div>stray end tags</td>",
                          "<<<<>>>>&&&&;;;<!-- unterminated comment", "<script>never closed", ""};
  for (const char* in : inputs) {
    auto r = run(HtmlExtractor(), in, "text/html");
    EXPECT_TRUE(r.has_value()) << in;
  }
  auto r = run(HtmlExtractor(), "<p>unclosed <b>bold", "text/html");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->pages[0].text, "unclosed bold");
}

TEST(HtmlExtractor, NoBreakSpaceParagraphsAreEmpty) {
  auto r = run(HtmlExtractor(), "<p>&nbsp;</p><p>one&nbsp;two</p><p>&nbsp;&nbsp;</p>", "text/html");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->pages[0].text, "one\xC2\xA0two");
}

TEST(HtmlExtractor, DeepNestingDoesNotOverflowTheStack) {
  std::string html;
  for (int i = 0; i < 100000; ++i)
    html += "<div>";
  html += "deep";
  auto r = run(HtmlExtractor(), html, "text/html");
  ASSERT_TRUE(r.has_value());
}

}  // namespace
}  // namespace dossier::extract
