#include "extract/odf_extractor.h"

#include <gtest/gtest.h>

#include "core/time_util.h"
#include "test_util.h"
#include "zip_test_util.h"

namespace dossier::extract {
namespace {

using testing::meta;
using testing::run;

constexpr const char* kNs =
    "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
    "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" "
    "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" "
    "xmlns:draw=\"urn:oasis:names:tc:opendocument:xmlns:drawing:1.0\" "
    "xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\" "
    "xmlns:presentation=\"urn:oasis:names:tc:opendocument:xmlns:presentation:1.0\" "
    "xmlns:meta=\"urn:oasis:names:tc:opendocument:xmlns:meta:1.0\" "
    "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
    "xmlns:svg=\"urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0\"";

std::string content(const std::string& styles, const std::string& body) {
  return std::string("<?xml version=\"1.0\"?><office:document-content ") + kNs +
         "><office:automatic-styles>" + styles + "</office:automatic-styles><office:body>" + body +
         "</office:body></office:document-content>";
}

const std::string kPng = std::string("\x89PNG\r\n\x1a\n", 8) + "fake image";

std::string make_odf(const std::string& mimetype, const std::string& content_xml,
                     std::vector<testing::ZipEntrySpec> extra = {}) {
  std::vector<testing::ZipEntrySpec> parts = {
      {"mimetype", mimetype},
      {"content.xml", content_xml},
      {"meta.xml",
       std::string("<?xml version=\"1.0\"?><office:document-meta ") + kNs +
           "><office:meta><dc:title>Minutes</dc:title><meta:initial-creator>Ann</"
           "meta:initial-creator>"
           "<dc:creator>Ben</dc:creator><meta:creation-date>2020-01-02T03:04:05</"
           "meta:creation-date>"
           "<dc:date>2020-02-03T04:05:06Z</dc:date><meta:generator>LibreOffice/7.0</meta:generator>"
           "<meta:keyword>board</meta:keyword><meta:user-defined "
           "meta:name=\"Case\">X-7</meta:user-defined>"
           "<meta:document-statistic meta:page-count=\"2\"/></office:meta></office:document-meta>"},
      {"META-INF/manifest.xml",
       "<?xml version=\"1.0\"?><manifest:manifest "
       "xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\"/>"},
  };
  for (auto& e : extra)
    parts.push_back(std::move(e));
  // Stored, as office suites store the mimetype member: its text is then visible in the head.
  return testing::make_zip(parts, testing::ZipCompression::kStore);
}

std::string make_odt() {
  const std::string body =
      "<office:text><text:tracked-changes><text:changed-region text:id=\"ct1\"><text:deletion>"
      "<office:change-info><dc:creator>Cy</dc:creator><dc:date>2021-05-06T07:08:09</dc:date>"
      "</office:change-info><text:p>old words</text:p></text:deletion></text:changed-region>"
      "</text:tracked-changes><text:sequence-decls><text:sequence-decl text:name=\"Table\"/>"
      "</text:sequence-decls>"
      "<text:h text:outline-level=\"1\">Agenda</text:h>"
      "<text:p>Keep <text:span>this</text:span><text:s text:c=\"2\"/>and<text:tab/>that"
      "<text:change text:change-id=\"ct1\"/>.<office:annotation><dc:creator>Dee</dc:creator>"
      "<dc:date>2021-06-07T08:09:10</dc:date><text:p>Really?</text:p></office:annotation>"
      "<text:note text:note-class=\"footnote\"><text:note-citation>1</text:note-citation>"
      "<text:note-body><text:p>See annex.</text:p></text:note-body></text:note></text:p>"
      "<text:list><text:list-item><text:p>first</text:p></text:list-item><text:list-item>"
      "<text:p>second</text:p></text:list-item></text:list>"
      "<table:table table:name=\"T\"><table:table-column/><table:table-row><table:table-cell>"
      "<text:p>a1</text:p></table:table-cell><table:table-cell office:value-type=\"float\" "
      "office:value=\"2\"/></table:table-row><table:table-row><table:table-cell><text:p>a2</text:p>"
      "<text:p>more</text:p></table:table-cell><table:covered-table-cell/></table:table-row>"
      "</table:table><text:p/><text:p/><text:p>End<draw:frame><draw:image><svg:title>logo alt"
      "</svg:title></draw:image></draw:frame></text:p></office:text>";
  const std::string styles =
      std::string("<?xml version=\"1.0\"?><office:document-styles ") + kNs +
      "><office:master-styles><style:master-page style:name=\"Standard\"><style:header><text:p>"
      "Page head</text:p></style:header><style:footer><text:p>Page foot</text:p></style:footer>"
      "</style:master-page></office:master-styles></office:document-styles>";
  return make_odf("application/vnd.oasis.opendocument.text", content("", body),
                  {{"styles.xml", styles},
                   {"Pictures/img.png", kPng},
                   {"Object 1/content.xml", "<math/>"},
                   {"Basic/Standard/Module1.xml", "<script:module/>"}});
}

TEST(OdfExtractor, SniffsByMimeTypeAndMimetypeMember) {
  OdfExtractor e;
  const std::string odt = make_odt();
  Probe p = testing::probe_for(odt);
  EXPECT_EQ(e.sniff(p), kExactMatch) << p.mime;
  p.mime = "application/zip";
  EXPECT_EQ(e.sniff(p), kExactMatch);
  EXPECT_EQ(testing::chosen(odt), "odf");
  EXPECT_EQ(e.sniff(testing::probe_for(testing::make_zip({{"a.txt", "x"}}))), kNoMatch);
  EXPECT_EQ(e.sniff(testing::probe_for("%PDF-1.4\n")), kNoMatch);
}

TEST(OdfExtractor, TextGoldenWithChangesCommentsNotesAndHeaders) {
  auto r = run(OdfExtractor(), make_odt());
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  ASSERT_EQ(r->pages.size(), 1u);
  EXPECT_EQ(r->pages[0].text,
            "Agenda\n"
            "Keep this  and\tthat[deleted: old words].\n"
            "first\n"
            "second\n"
            "a1\t2\n"
            "a2 more\n"
            "\n"
            "End\n"
            "logo alt\n\n"
            "[comment by Dee (2021-06-07T08:09:10)] Really?\n\n"
            "[footnote] See annex.\n\n"
            "[header] Page head\n\n"
            "[footer] Page foot");
  EXPECT_EQ(meta(*r, "odf:deleted_text"), "Cy (2021-05-06T07:08:09): old words");
  EXPECT_EQ(meta(*r, "odf:annotation"), "Dee (2021-06-07T08:09:10): Really?");
  EXPECT_EQ(meta(*r, "odf:mimetype"), "application/vnd.oasis.opendocument.text");
}

TEST(OdfExtractor, MetaFieldsAndCommon) {
  auto r = run(OdfExtractor(), make_odt());
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  EXPECT_EQ(meta(*r, "odf:meta:title"), "Minutes");
  EXPECT_EQ(meta(*r, "odf:meta:initial-creator"), "Ann");
  EXPECT_EQ(meta(*r, "odf:meta:creator"), "Ben");
  EXPECT_EQ(meta(*r, "odf:meta:keyword"), "board");
  EXPECT_EQ(meta(*r, "odf:meta:user:Case"), "X-7");
  EXPECT_EQ(meta(*r, "odf:meta:page-count"), "2");
  EXPECT_EQ(r->common.title, "Minutes");
  EXPECT_EQ(r->common.author, "Ann");
  EXPECT_EQ(r->common.application, "LibreOffice/7.0");
  EXPECT_EQ(r->common.created, parse_date("2020-01-02T03:04:05"));
  EXPECT_EQ(r->common.modified, parse_date("2020-02-03T04:05:06Z"));
}

TEST(OdfExtractor, PicturesObjectsAndMacrosBecomeChildren) {
  auto r = run(OdfExtractor(), make_odt());
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  ASSERT_EQ(r->children.size(), 3u);
  EXPECT_EQ(r->children[0].name, "Pictures/img.png");
  EXPECT_EQ(r->children[0].bytes, kPng);
  EXPECT_EQ(r->children[1].name, "Object 1/content.xml");
  EXPECT_EQ(r->children[2].name, "Basic/Standard/Module1.xml");
  EXPECT_EQ(r->declared_children, 3u);
  EXPECT_EQ(meta(*r, "odf:has_macros"), "yes");
}

TEST(OdfExtractor, SpreadsheetOnePagePerTableWithHiddenTable) {
  const std::string styles =
      "<style:style style:name=\"ta2\" style:family=\"table\"><style:table-properties "
      "table:display=\"false\"/></style:style>";
  const std::string body =
      "<office:spreadsheet><table:table table:name=\"Open\"><table:table-row><table:table-cell>"
      "<text:p>x</text:p></table:table-cell><table:table-cell office:value-type=\"float\" "
      "office:value=\"3.5\"><text:p>3.50</text:p></table:table-cell></table:table-row>"
      "</table:table><table:table table:name=\"Secret\" table:style-name=\"ta2\">"
      "<table:table-header-rows><table:table-row><table:table-cell><text:p>hidden</text:p>"
      "</table:table-cell></table:table-row></table:table-header-rows></table:table>"
      "</office:spreadsheet>";
  auto r = run(OdfExtractor(),
               make_odf("application/vnd.oasis.opendocument.spreadsheet", content(styles, body)));
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  ASSERT_EQ(r->pages.size(), 2u);
  EXPECT_EQ(r->pages[0].number, 1);
  EXPECT_EQ(r->pages[0].text, "x\t3.50");
  EXPECT_EQ(r->pages[1].text, "hidden");
  EXPECT_EQ(meta(*r, "odf:table:2"), "Secret");
  EXPECT_EQ(meta(*r, "odf:hidden_table"), "Secret");
}

TEST(OdfExtractor, PresentationOnePagePerSlideWithNotes) {
  const std::string styles =
      "<style:style style:name=\"dp2\" style:family=\"drawing-page\">"
      "<style:drawing-page-properties presentation:visibility=\"hidden\"/></style:style>";
  const std::string body =
      "<office:presentation><draw:page draw:name=\"s1\"><draw:frame><draw:text-box><text:p>"
      "Title one</text:p></draw:text-box></draw:frame><presentation:notes><draw:frame>"
      "<draw:text-box><text:p>say hello</text:p></draw:text-box></draw:frame>"
      "</presentation:notes></draw:page><draw:page draw:name=\"s2\" draw:style-name=\"dp2\">"
      "<draw:custom-shape><text:p>Secret slide</text:p></draw:custom-shape></draw:page>"
      "</office:presentation>";
  auto r = run(OdfExtractor(),
               make_odf("application/vnd.oasis.opendocument.presentation", content(styles, body)));
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  ASSERT_EQ(r->pages.size(), 2u);
  EXPECT_EQ(r->pages[0].text, "Title one\n\n[notes] say hello");
  EXPECT_EQ(r->pages[1].number, 2);
  EXPECT_EQ(r->pages[1].text, "Secret slide");
  EXPECT_EQ(meta(*r, "odf:page:1"), "s1");
  EXPECT_EQ(meta(*r, "odf:hidden_page"), "2");
}

TEST(OdfExtractor, EncryptedDocumentNeedsAPassword) {
  const std::string odt = testing::make_zip(
      {{"mimetype", "application/vnd.oasis.opendocument.text"},
       {"content.xml", "\x01\x02 encrypted bytes"},
       {"META-INF/manifest.xml",
        "<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\">"
        "<manifest:file-entry manifest:full-path=\"content.xml\"><manifest:encryption-data/>"
        "</manifest:file-entry></manifest:manifest>"}});
  auto r = run(OdfExtractor(), odt);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kEncrypted);
  EXPECT_EQ(r.error().message, "encrypted OpenDocument: needs a password");
}

TEST(OdfExtractor, MalformedInputIsAnError) {
  auto not_zip = run(OdfExtractor(), "PK\x03\x04 garbage that is not a zip archive");
  ASSERT_FALSE(not_zip.has_value());
  EXPECT_EQ(not_zip.error().code, ErrorCode::kCorrupt);
  auto no_content = run(OdfExtractor(), testing::make_zip({{"mimetype", "x"}}));
  ASSERT_FALSE(no_content.has_value());
  EXPECT_EQ(no_content.error().code, ErrorCode::kCorrupt);
  auto bad_xml = run(OdfExtractor(), make_odf("application/vnd.oasis.opendocument.text",
                                              "<office:document-content><office:body>"));
  ASSERT_FALSE(bad_xml.has_value());
  EXPECT_EQ(bad_xml.error().code, ErrorCode::kCorrupt);
  const std::string odt = make_odt();
  for (size_t cut : {odt.size() / 3, odt.size() / 2, odt.size() - 20}) {
    auto r = run(OdfExtractor(), odt.substr(0, cut));
    if (!r.has_value()) {
      EXPECT_FALSE(r.error().message.empty());
    }
  }
}

}  // namespace
}  // namespace dossier::extract
