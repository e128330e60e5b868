#include "extract/rtf_extractor.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "test_util.h"

namespace dossier::extract {
namespace {

using testing::all_text;
using testing::meta;

Extraction rtf(std::string_view doc) {
  auto r = testing::run(RtfExtractor(), doc);
  EXPECT_TRUE(r.has_value());
  return r.has_value() ? std::move(r).value() : Extraction{};
}

TEST(RtfExtractor, SniffsRtfAboveText) {
  EXPECT_EQ(testing::chosen("{\\rtf1\\ansi hello}"), "rtf");
  EXPECT_EQ(RtfExtractor().sniff(testing::probe_for("{\\rtf1 x}")), kExactMatch);
  EXPECT_EQ(RtfExtractor().sniff(testing::probe_for("hello world")), kNoMatch);
}

TEST(RtfExtractor, PlainTextParagraphsAndTabs) {
  Extraction x =
      rtf("{\\rtf1\\ansi{\\fonttbl{\\f0 Times;}}{\\colortbl;\\red0;}"
          "Hello {\\b bold}\\par second\\tab cell\\line end}");
  EXPECT_EQ(all_text(x), "Hello bold\nsecond\tcell\nend");
}

TEST(RtfExtractor, UnicodeWithFallbackSkip) {
  Extraction x = rtf("{\\rtf1\\ansi\\uc1 caf\\u233?\\uc2 \\u8364\\'80\\'80 \\u-10179?\\u-8704?}");
  EXPECT_EQ(all_text(x), "caf\xC3\xA9\xE2\x82\xAC \xF0\x9F\x98\x80");
}

TEST(RtfExtractor, HexEscapesInCp1251AndCp936) {
  Extraction ru = rtf("{\\rtf1\\ansi\\ansicpg1251 \\'cf\\'f0\\'e8\\'e2\\'e5\\'f2}");
  EXPECT_EQ(all_text(ru), "Привет");
  Extraction zh = rtf("{\\rtf1\\ansi\\ansicpg936 \\'d6\\'d0\\'ce\\'c4}");
  EXPECT_EQ(all_text(zh), "中文");
  // Shift_JIS trail bytes may be plain ASCII: 表 is 0x95 0x5C, written \'95\\.
  Extraction ja = rtf("{\\rtf1\\ansi\\ansicpg932 \\'95\\\\\\'8c]}");
  EXPECT_EQ(all_text(ja), "表\xE7\x8F\xAA");
  // The font's charset wins over the document's code page.
  Extraction font =
      rtf("{\\rtf1\\ansi\\ansicpg1252{\\fonttbl{\\f0 Arial;}{\\f1\\fcharset134 SimSun;}}"
          "{\\f1 \\'d6\\'d0}\\'e9}");
  EXPECT_EQ(all_text(font), "中é");
}

TEST(RtfExtractor, SkipsDestinationsAndFieldInstructions) {
  Extraction x =
      rtf("{\\rtf1{\\stylesheet{\\s1 Normal;}}{\\*\\generator Msftedit;}{\\pict\\pngblip 89504e47}"
          "{\\*\\themedata 504b}{\\*\\unknowndest junk}"
          "{\\field{\\*\\fldinst HYPERLINK \"http://x\"}{\\fldrslt link text}} after"
          "{\\nested{\\deeper{\\deepest deep}}}}");
  EXPECT_EQ(all_text(x), "link text afterdeep");
}

TEST(RtfExtractor, InfoBecomesMetadata) {
  Extraction x =
      rtf("{\\rtf1{\\info{\\title The Title}{\\author Jane Roe}{\\company ACME}"
          "{\\creatim\\yr2001\\mo2\\dy3\\hr4\\min5}}body}");
  EXPECT_EQ(all_text(x), "body");
  EXPECT_EQ(meta(x, "rtf:title"), "The Title");
  EXPECT_EQ(meta(x, "rtf:author"), "Jane Roe");
  EXPECT_EQ(meta(x, "rtf:company"), "ACME");
  EXPECT_EQ(meta(x, "rtf:creatim"), "2001-02-03T04:05:00Z");
  EXPECT_EQ(x.common.title, "The Title");
  EXPECT_EQ(x.common.author, "Jane Roe");
  ASSERT_TRUE(x.common.created.has_value());
  EXPECT_EQ(*x.common.created, 981173100);
}

std::string hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    out += kHex[static_cast<uint8_t>(c) >> 4];
    out += kHex[static_cast<uint8_t>(c) & 15];
  }
  return out;
}

std::string ole1(std::string_view cls, std::string_view native) {
  std::string o;
  auto u32 = [&](uint32_t v) {
    for (int i = 0; i < 4; ++i)
      o += static_cast<char>((v >> (8 * i)) & 0xFF);
  };
  u32(0x501);
  u32(2);
  u32(static_cast<uint32_t>(cls.size() + 1));
  o += cls;
  o += '\0';
  u32(0);
  u32(0);
  u32(static_cast<uint32_t>(native.size()));
  o += native;
  return o;
}

TEST(RtfExtractor, EmbeddedObjectsBecomeChildren) {
  std::string doc = "{\\rtf1 before {\\object\\objemb{\\*\\objclass Excel.Sheet.8}{\\*\\objdata\n" +
                    hex(ole1("Excel.Sheet.8", "NATIVE")) +
                    "\n}{\\result shown}} {\\object{\\*\\objdata 0102zz03}} after}";
  Extraction x = rtf(doc);
  EXPECT_EQ(all_text(x), "before shown  after");
  ASSERT_EQ(x.children.size(), 2u);
  EXPECT_EQ(x.children[0].name, "object-1.bin");
  EXPECT_EQ(x.children[0].bytes, "NATIVE");
  EXPECT_EQ(meta(x, "rtf:object-1:class"), "Excel.Sheet.8");
  EXPECT_EQ(x.children[1].name, "object-2.bin");
  EXPECT_EQ(x.children[1].bytes, "\x01\x02\x03");
}

TEST(RtfExtractor, PackagedFileKeepsItsName) {
  std::string pkg("\x02\x00", 2);
  pkg += std::string("report.txt") + '\0' + "C:\\tmp\\report.txt" + '\0';
  pkg += std::string("\x00\x00\x03\x00", 4);
  pkg += std::string("\x04\x00\x00\x00", 4) + "C:\\x";
  pkg += std::string("\x05\x00\x00\x00", 4) + "hello";
  auto o = parse_ole1(ole1("Package", pkg));
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->file_name, "report.txt");
  EXPECT_EQ(o->bytes, "hello");
}

TEST(RtfExtractor, MalformedInputNeverFails) {
  for (std::string_view doc :
       {"{\\rtf1 unbalanced {{{ text", "{\\rtf1 }}}}} x", "{\\rtf1\\'", "{\\rtf1\\u",
        "{\\rtf1\\bin99999999 abc}", "{\\rtf1\\'zz\\uc99\\u65"}) {
    auto r = testing::run(RtfExtractor(), doc);
    EXPECT_TRUE(r.has_value()) << doc;
  }
  std::string deep = "{\\rtf1 ";
  for (int i = 0; i < 100000; ++i)
    deep += '{';
  deep += "x";
  EXPECT_TRUE(testing::run(RtfExtractor(), deep).has_value());
}

TEST(RtfExtractor, LzfuDecompressesTheSpecExample) {
  const unsigned char kCompressed[] = {0x2d, 0x00, 0x00, 0x00, 0x2b, 0x00, 0x00, 0x00, 0x4c, 0x5a,
                                       0x46, 0x75, 0xf1, 0xc5, 0xc7, 0xa7, 0x03, 0x00, 0x0a, 0x00,
                                       0x72, 0x63, 0x70, 0x67, 0x31, 0x32, 0x35, 0x42, 0x32, 0x0a,
                                       0xf3, 0x20, 0x68, 0x65, 0x6c, 0x09, 0x00, 0x20, 0x62, 0x77,
                                       0x05, 0xb0, 0x6c, 0x64, 0x7d, 0x0a, 0x80, 0x0f, 0xa0};
  auto r = lzfu_decompress(
      std::string_view(reinterpret_cast<const char*>(kCompressed), sizeof kCompressed));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, "{\\rtf1\\ansi\\ansicpg1252\\pard hello world}\r\n");
  EXPECT_FALSE(lzfu_decompress("short").has_value());
}

}  // namespace
}  // namespace dossier::extract
