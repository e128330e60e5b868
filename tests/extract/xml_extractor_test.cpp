#include "extract/xml_extractor.h"

#include <gtest/gtest.h>

#include <chrono>

#include "test_util.h"

namespace dossier::extract {
namespace {

using testing::fixture;
using testing::meta;
using testing::probe_for;
using testing::read_bytes;
using testing::run;

TEST(XmlExtractor, SniffsItsOwnFixturesAndNotOthers) {
  const XmlExtractor e;
  EXPECT_GE(e.sniff(probe_for(read_bytes(fixture("doc.xml")))), kGoodMatch);
  EXPECT_GE(e.sniff(probe_for(read_bytes(fixture("drawing.svg")))), kGoodMatch);
  EXPECT_GE(e.sniff(probe_for(read_bytes(fixture("billion_laughs.xml")))), kGoodMatch);
  EXPECT_EQ(e.sniff(probe_for(read_bytes(fixture("page.html")))), kNoMatch);
  EXPECT_EQ(e.sniff(probe_for(read_bytes(fixture("hello.txt")))), kNoMatch);
  EXPECT_EQ(e.sniff(probe_for(read_bytes(fixture("exif.jpg")))), kNoMatch);
  EXPECT_EQ(e.sniff(probe_for(read_bytes(fixture("binary.bin")))), kNoMatch);
}

TEST(XmlExtractor, GoldenText) {
  auto r = run(XmlExtractor(), read_bytes(fixture("doc.xml")));
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  ASSERT_EQ(r->pages.size(), 1u);
  EXPECT_EQ(r->pages[0].text,
            "Ledger\n"
            "Acme Holdings\n1200\n"
            "Globex\n300\n"
            "Paid via Cyprus account.\n"
            "raw <cdata> text");
  EXPECT_EQ(meta(*r, "xml:root"), "report");
  EXPECT_EQ(meta(*r, "xml:namespace"), "urn:example:report");
}

TEST(XmlExtractor, SvgTextAndTitle) {
  auto r = run(XmlExtractor(), read_bytes(fixture("drawing.svg")));
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  EXPECT_EQ(meta(*r, "xml:root"), "svg");
  EXPECT_EQ(r->common.title, "Org chart");
  EXPECT_EQ(r->pages[0].text, "Org chart\nShell company A");
}

TEST(XmlExtractor, BillionLaughsDoesNotBlowUp) {
  const auto start = std::chrono::steady_clock::now();
  auto r = run(XmlExtractor(), read_bytes(fixture("billion_laughs.xml")));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::seconds(60));  // a hang guard, not a timing test
  if (r.has_value()) {
    EXPECT_LT(r->text_bytes(), 4u << 20);
  } else {
    EXPECT_EQ(r.error().code, ErrorCode::kLimit) << r.error().to_string();
  }
}

TEST(XmlExtractor, QuadraticBlowupStaysBounded) {
  // One 50 KB entity referenced 2,000 times would be 100 MB of text if expanded naively.
  std::string xml =
      "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY a \"" + std::string(50000, 'a') + "\">]><d>";
  for (int i = 0; i < 2000; ++i)
    xml += "&a;";
  xml += "</d>";
  auto r = run(XmlExtractor(), xml, "text/xml");
  if (r.has_value()) {
    // Expansion budget: max(1 MiB, input size), plus the text written out in the document.
    EXPECT_LE(r->text_bytes(), (size_t{1} << 20) + xml.size());
  } else {
    EXPECT_EQ(r.error().code, ErrorCode::kLimit) << r.error().to_string();
  }
}

TEST(XmlExtractor, ExternalEntitiesAreNeverLoaded) {
  auto r = run(XmlExtractor(), read_bytes(fixture("xxe.xml")));
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  EXPECT_EQ(r->pages[0].text.find("root:"), std::string::npos);
  EXPECT_NE(r->pages[0].text.find("before"), std::string::npos);
  EXPECT_NE(r->pages[0].text.find("after"), std::string::npos);
  EXPECT_EQ(r->warnings, std::vector<std::string>{"external entities were not loaded"});
}

TEST(XmlExtractor, InternalTextEntitiesExpand) {
  auto r = run(XmlExtractor(),
               "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY co \"Acme Ltd\">]><d>By &co; &amp; "
               "partners</d>");
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  EXPECT_EQ(r->pages[0].text, "By Acme Ltd & partners");
}

TEST(XmlExtractor, TruncatedXmlIsCorrupt) {
  auto r = run(XmlExtractor(), read_bytes(fixture("truncated.xml")));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kCorrupt);
  EXPECT_EQ(r.error().message.rfind("corrupt XML: ", 0), 0u) << r.error().message;
  EXPECT_NE(r.error().message.find("line"), std::string::npos) << r.error().message;
}

TEST(XmlExtractor, MalformedInputsAreErrorsNotCrashes) {
  const char* inputs[] = {"",
                          "<",
                          "<a>",
                          "<a></b>",
                          "<?xml version=\"1.0\"?>",
                          "\xFF\xFE<\0",
                          "<a>&undefined;</a>",
                          "<a b='1' b='2'/>"};
  for (const char* in : inputs) {
    auto r = run(XmlExtractor(), in, "text/xml");
    EXPECT_FALSE(r.has_value()) << in;
  }
}

TEST(XmlExtractor, UndeclaredLegacyCharsetIsDetected) {
  // GBK bytes with no encoding declaration: libxml2 refuses them as UTF-8; we decode and retry.
  std::string body = "<doc><p>";
  body +=
      "\xB9\xFA\xCE\xF1\xD4\xBA\xB0\xEC\xB9\xAB\xCC\xFC\xB9\xD8\xD3\xDA\xD3\xA1\xB7\xA2"
      "\xD0\xC2\xBD\xAE\xCE\xAC\xCE\xE1\xB6\xFB\xD7\xD4\xD6\xCE\xC7\xF8";  // 国务院办公厅关于印发新疆维吾尔自治区
  body += "</p></doc>";
  auto r = run(XmlExtractor(), body, "text/xml");
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  EXPECT_EQ(r->pages[0].text, "国务院办公厅关于印发新疆维吾尔自治区");
}

TEST(XmlExtractor, DeclaredEncodingIsHonoured) {
  std::string body = "<?xml version=\"1.0\" encoding=\"GB2312\"?><doc>";
  body += "\xD0\xC2\xBD\xAE";  // 新疆
  body += "</doc>";
  auto r = run(XmlExtractor(), body, "text/xml");
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  EXPECT_EQ(r->pages[0].text, "新疆");
}

}  // namespace
}  // namespace dossier::extract
