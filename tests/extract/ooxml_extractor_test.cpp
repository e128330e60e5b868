#include "extract/ooxml_extractor.h"

#include <gtest/gtest.h>

#include "core/time_util.h"
#include "ooxml_fixtures.h"
#include "test_util.h"

namespace dossier::extract {
namespace {

using testing::all_text;
using testing::meta;
using testing::run;

std::vector<std::string> all_meta(const Extraction& x, std::string_view key) {
  std::vector<std::string> out;
  for (const MetaField& f : x.metadata) {
    if (f.key == key)
      out.push_back(f.value);
  }
  return out;
}

TEST(OoxmlExtractor, SniffsPackagesByMimeAndContent) {
  OoxmlExtractor e;
  const std::string docx = testing::make_docx();
  Probe p = testing::probe_for(docx);
  EXPECT_GE(e.sniff(p), kGoodMatch) << p.mime;
  p.mime = "application/zip";
  EXPECT_EQ(e.sniff(p), kExactMatch);
  p.mime = "application/octet-stream";
  EXPECT_EQ(e.sniff(p), kExactMatch);
  EXPECT_EQ(testing::chosen(docx), "ooxml");
  EXPECT_EQ(testing::chosen(testing::make_xlsx()), "ooxml");
  EXPECT_EQ(testing::chosen(testing::make_pptx()), "ooxml");

  const std::string plain_zip = testing::make_zip({{"a.txt", "hello"}});
  EXPECT_EQ(e.sniff(testing::probe_for(plain_zip)), kNoMatch);
  EXPECT_EQ(e.sniff(testing::probe_for("%PDF-1.4\n")), kNoMatch);
  EXPECT_EQ(e.sniff(testing::probe_for("<html><body>x</body></html>")), kNoMatch);
  Probe macro;
  macro.mime = "application/vnd.ms-word.document.macroEnabled.12";
  EXPECT_EQ(e.sniff(macro), kGoodMatch);
}

TEST(OoxmlExtractor, WordGoldenTextWithChangesNotesAndComments) {
  auto r = run(OoxmlExtractor(), testing::make_docx());
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  ASSERT_EQ(r->pages.size(), 1u);
  EXPECT_EQ(r->pages[0].number, 0);
  EXPECT_EQ(r->pages[0].text,
            "Hello new [deleted: secret plan] world\n"
            "7[hidden: invisible ink]\n"
            "A1\tB1 more\n"
            "A2\tB2\n"
            "End\n\n"
            "[header] Confidential header\n\n"
            "[footnote] A footnote.\n\n"
            "[comment by Carol (2024-02-03T04:05:06Z)] Check this.");
  EXPECT_EQ(all_meta(*r, "ooxml:deleted_text"),
            std::vector<std::string>{"Alice (2024-01-02T03:04:05Z): secret plan"});
  EXPECT_EQ(meta(*r, "ooxml:comment"), "Carol (2024-02-03T04:05:06Z): Check this.");
  EXPECT_EQ(meta(*r, "ooxml:hidden_text"), "yes");
  EXPECT_EQ(meta(*r, "ooxml:has_macros"), "");
}

TEST(OoxmlExtractor, PropertiesAndCommonMeta) {
  auto r = run(OoxmlExtractor(), testing::make_docx());
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  EXPECT_EQ(meta(*r, "ooxml:core:title"), "Quarterly report");
  EXPECT_EQ(meta(*r, "ooxml:core:creator"), "Dana");
  EXPECT_EQ(meta(*r, "ooxml:core:lastModifiedBy"), "Eve");
  EXPECT_EQ(meta(*r, "ooxml:core:revision"), "3");
  EXPECT_EQ(meta(*r, "ooxml:core:keywords"), "budget, secret");
  EXPECT_EQ(meta(*r, "ooxml:core:created"), "2023-05-06T07:08:09Z");
  EXPECT_EQ(meta(*r, "ooxml:app:Application"), "Microsoft Office Word");
  EXPECT_EQ(meta(*r, "ooxml:app:Company"), "ACME");
  EXPECT_EQ(meta(*r, "ooxml:app:TotalTime"), "42");
  EXPECT_EQ(meta(*r, "ooxml:app:Template"), "Normal.dotm");
  EXPECT_EQ(meta(*r, "ooxml:custom:Project"), "Falcon");
  EXPECT_EQ(r->common.title, "Quarterly report");
  EXPECT_EQ(r->common.author, "Dana");
  EXPECT_EQ(r->common.application, "Microsoft Office Word");
  EXPECT_EQ(r->common.created, parse_date("2023-05-06T07:08:09Z"));
  EXPECT_EQ(r->common.modified, parse_date("2023-06-07T08:09:10Z"));
}

TEST(OoxmlExtractor, EmbeddedPartsAndMacrosBecomeChildren) {
  auto r = run(OoxmlExtractor(), testing::make_docx(/*with_macros=*/true));
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  ASSERT_EQ(r->children.size(), 3u);
  EXPECT_EQ(r->children[0].name, "word/media/image1.png");
  EXPECT_EQ(r->children[0].bytes, testing::kPng);
  EXPECT_EQ(r->children[1].name, "word/embeddings/oleObject1.bin");
  EXPECT_EQ(r->children[2].name, "word/vbaProject.bin");
  EXPECT_EQ(r->declared_children, 3u);
  EXPECT_EQ(r->emitted_children, 3u);
  EXPECT_EQ(meta(*r, "ooxml:has_macros"), "yes");
}

TEST(OoxmlExtractor, ChildLimitStopsEmittingWithAWarning) {
  const std::string docx = testing::make_docx();
  Item item = testing::item_for(docx, "a.docx");
  ExtractContext ctx;
  ctx.limits.max_children = 1;
  auto r = OoxmlExtractor().extract(item, ctx);
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  EXPECT_EQ(r->children.size(), 1u);
  EXPECT_EQ(r->declared_children, 2u);
  ASSERT_FALSE(r->warnings.empty());
}

TEST(OoxmlExtractor, SheetsOnePagePerSheetWithHiddenSheetsAndComments) {
  auto r = run(OoxmlExtractor(), testing::make_xlsx());
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  ASSERT_EQ(r->pages.size(), 3u);
  EXPECT_EQ(r->page_count, 3);
  EXPECT_EQ(r->pages[0].number, 1);
  EXPECT_EQ(r->pages[0].text,
            "Name\tAmount\n"
            "Inline\t3\n"
            "Rich text\tTRUE\tformula text\n\n"
            "[comment B2 by Frank] Check total");
  EXPECT_EQ(r->pages[1].number, 2);
  EXPECT_EQ(r->pages[1].text, "hidden data");
  EXPECT_EQ(r->pages[2].text, "42");
  EXPECT_EQ(meta(*r, "xlsx:sheet:1"), "Visible");
  EXPECT_EQ(meta(*r, "xlsx:sheet:2"), "Secret");
  EXPECT_EQ(meta(*r, "xlsx:sheet:3"), "Deep");
  EXPECT_EQ(all_meta(*r, "xlsx:hidden_sheet"),
            (std::vector<std::string>{"Secret", "Deep (veryHidden)"}));
  EXPECT_EQ(meta(*r, "xlsx:sheet:1:hidden_rows"), "1");
  EXPECT_EQ(meta(*r, "xlsx:sheet:1:hidden_columns"), "1");
  EXPECT_EQ(meta(*r, "xlsx:comment"), "B2 Frank: Check total");
  ASSERT_EQ(r->children.size(), 1u);
  EXPECT_EQ(r->children[0].name, "xl/media/image1.png");
}

TEST(OoxmlExtractor, SlidesInPresentationOrderWithNotesAndHiddenFlag) {
  auto r = run(OoxmlExtractor(), testing::make_pptx());
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  ASSERT_EQ(r->pages.size(), 2u);
  EXPECT_EQ(r->pages[0].number, 1);
  EXPECT_EQ(r->pages[0].text, "First slide\nPoint one\nPoint\ntwo\n\n[notes] Speaker says hi");
  EXPECT_EQ(r->pages[1].number, 2);
  EXPECT_EQ(r->pages[1].text, "Hidden slide text\nX\tY\n\n[comment by Gina] Fix typo");
  EXPECT_EQ(meta(*r, "pptx:hidden_slide"), "2");
  EXPECT_EQ(meta(*r, "pptx:comment"), "slide 2 Gina: Fix typo");
  ASSERT_EQ(r->children.size(), 1u);
  EXPECT_EQ(r->children[0].name, "ppt/media/image1.png");
}

TEST(OoxmlExtractor, NotAZipIsCorrupt) {
  auto r = run(OoxmlExtractor(), "PK\x03\x04 this is not really a zip file at all");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kCorrupt);
}

TEST(OoxmlExtractor, ZipWithoutMainPartIsCorrupt) {
  auto r = run(OoxmlExtractor(), testing::make_zip({{"[Content_Types].xml", "<Types/>"}}));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kCorrupt);
  EXPECT_NE(r.error().message.find("no main document part"), std::string::npos);
}

TEST(OoxmlExtractor, MalformedMainPartIsCorrupt) {
  auto r = run(OoxmlExtractor(),
               testing::make_package({{"word/document.xml", "<w:document><w:body><w:p>"}},
                                     "word/document.xml"));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kCorrupt);
  EXPECT_NE(r.error().message.find("word/document.xml"), std::string::npos);
}

TEST(OoxmlExtractor, TruncatedPackageFailsWithAReasonOrKeepsWhatItCan) {
  const std::string docx = testing::make_docx();
  for (size_t cut : {docx.size() / 4, docx.size() / 2, docx.size() - 30}) {
    auto r = run(OoxmlExtractor(), docx.substr(0, cut));
    if (!r.has_value()) {
      EXPECT_FALSE(r.error().message.empty());
    }
  }
}

TEST(OoxmlExtractor, EntityBombInAPartIsNotExpanded) {
  std::string dtd = "<!DOCTYPE w:document [<!ENTITY a0 \"lol\">";
  for (int i = 1; i < 10; ++i) {
    dtd += "<!ENTITY a" + std::to_string(i) + " \"";
    for (int j = 0; j < 10; ++j) dtd += "&a" + std::to_string(i - 1) + ";";
    dtd += "\">";
  }
  dtd += "]>";
  const std::string document = "<?xml version=\"1.0\"?>" + dtd + "<w:document " +
                               testing::kW + "><w:body>" + testing::wp(testing::wr("&a9;")) +
                               testing::wp(testing::wr("safe")) + "</w:body></w:document>";
  auto r = run(OoxmlExtractor(), testing::make_package({{"word/document.xml", document}},
                                                       "word/document.xml"));
  if (r.has_value()) {
    EXPECT_LT(r->text_bytes(), 1000u);
  } else {
    EXPECT_FALSE(r.error().message.empty());
  }
}

TEST(OoxmlExtractor, EncryptedPackageNeedsAPassword) {
  std::string cfb = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + std::string(504, '\0');
  cfb += std::string("E\0n\0c\0r\0y\0p\0t\0i\0o\0n\0I\0n\0f\0o\0", 28) + std::string(100, '\0');
  OoxmlExtractor e;
  EXPECT_EQ(e.sniff(testing::probe_for(cfb)), kExactMatch);
  EXPECT_TRUE(is_encrypted_ooxml(testing::as_bytes(cfb)));
  auto r = run(e, cfb);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kEncrypted);
  EXPECT_EQ(r.error().message, "encrypted Office document: needs a password");
  EXPECT_EQ(testing::chosen(cfb), "ooxml");
}

TEST(OoxmlExtractor, ZipCryptoEncryptedPackageIsEncrypted) {
  const std::string zip =
      testing::make_zip({{"[Content_Types].xml", "<Types/>"}, {"word/document.xml", "<document/>"}},
                        testing::ZipCompression::kDeflate, "pw");
  auto r = run(OoxmlExtractor(), zip);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kEncrypted);
}

}  // namespace
}  // namespace dossier::extract
