#include "extract/xps_extractor.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/time_util.h"
#include "test_util.h"
#include "zip_test_util.h"

namespace dossier::extract {
namespace {

namespace fs = std::filesystem;
using testing::meta;
using testing::run;

constexpr const char* kXpsNs = "xmlns=\"http://schemas.microsoft.com/xps/2005/06\"";

std::string fpage(const std::string& glyphs) {
  return std::string("<FixedPage ") + kXpsNs + " Width=\"816\" Height=\"1056\">" + glyphs +
         "</FixedPage>";
}

std::string glyph(const std::string& text) {
  return "<Glyphs OriginX=\"1\" OriginY=\"2\" FontRenderingEmSize=\"12\" FontUri=\"/f.odttf\" "
         "UnicodeString=\"" + text + "\"/>";
}

std::string make_xps(bool with_sequence) {
  std::vector<testing::ZipEntrySpec> parts = {
      {"[Content_Types].xml", "<?xml version=\"1.0\"?><Types/>"},
      {"_rels/.rels",
       "<?xml version=\"1.0\"?><Relationships "
       "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
       "<Relationship Id=\"R1\" Type=\"http://schemas.microsoft.com/xps/2005/06/"
       "fixedrepresentation\" Target=\"/FixedDocSeq.fdseq\"/>"
       "<Relationship Id=\"R2\" Type=\"http://schemas.openxmlformats.org/package/2006/"
       "relationships/metadata/core-properties\" Target=\"/docProps/core.xml\"/>"
       "</Relationships>"},
      {"docProps/core.xml",
       "<?xml version=\"1.0\"?><cp:coreProperties "
       "xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
       "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\">"
       "<dc:title>Quarterly Report</dc:title><dc:creator>Jane Roe</dc:creator>"
       "<dcterms:created>2021-03-12T11:51:00Z</dcterms:created></cp:coreProperties>"},
      // Pages stored out of order: the FixedDocument decides.
      {"Documents/1/Pages/10.fpage", fpage(glyph("Page ten"))},
      {"Documents/1/Pages/2.fpage",
       fpage("<Canvas>" + glyph("Second page") + glyph("{}{braces}") + "</Canvas>")},
      {"Documents/1/Pages/1.fpage", fpage(glyph("Hello XPS") + glyph("line two"))},
      {"Resources/font.odttf", "not a font"},
  };
  if (with_sequence) {
    parts.push_back({"FixedDocSeq.fdseq",
                     std::string("<FixedDocumentSequence ") + kXpsNs +
                         "><DocumentReference Source=\"/Documents/1/FixedDoc.fdoc\"/>"
                         "</FixedDocumentSequence>"});
    parts.push_back({"Documents/1/FixedDoc.fdoc",
                     std::string("<FixedDocument ") + kXpsNs +
                         "><PageContent Source=\"Pages/1.fpage\"/>"
                         "<PageContent Source=\"Pages/2.fpage\"/>"
                         "<PageContent Source=\"/Documents/1/Pages/10.fpage\"/></FixedDocument>"});
  }
  return testing::make_zip(parts);
}

TEST(XpsExtractor, PagesInDocumentOrderWithCoreMetadata) {
  const std::string xps = make_xps(true);
  EXPECT_EQ(testing::chosen(xps), "xps");
  auto x = run(XpsExtractor{}, xps);
  ASSERT_TRUE(x.has_value()) << x.error().message;
  ASSERT_EQ(x->pages.size(), 3u);
  EXPECT_EQ(x->page_count, 3);
  EXPECT_EQ(x->pages[0].number, 1);
  EXPECT_EQ(x->pages[0].text, "Hello XPS\nline two");
  EXPECT_EQ(x->pages[1].text, "Second page\n{braces}");
  EXPECT_EQ(x->pages[2].number, 3);
  EXPECT_EQ(x->pages[2].text, "Page ten");
  EXPECT_EQ(meta(*x, "xps:core:title"), "Quarterly Report");
  EXPECT_EQ(x->common.title, "Quarterly Report");
  EXPECT_EQ(x->common.author, "Jane Roe");
  EXPECT_EQ(x->common.created, parse_date("2021-03-12T11:51:00Z"));
  EXPECT_TRUE(x->children.empty());
  EXPECT_FALSE(x->declared_children.has_value());
}

TEST(XpsExtractor, FallsBackToFixedPagesInNaturalOrder) {
  auto x = run(XpsExtractor{}, make_xps(false));
  ASSERT_TRUE(x.has_value()) << x.error().message;
  ASSERT_EQ(x->pages.size(), 3u);
  EXPECT_EQ(x->pages[0].text, "Hello XPS\nline two");
  EXPECT_EQ(x->pages[1].text, "Second page\n{braces}");
  EXPECT_EQ(x->pages[2].text, "Page ten");
}

TEST(XpsExtractor, SniffsMimeAndLeavesOfficeToOoxml) {
  XpsExtractor e;
  Probe p;
  p.mime = "application/vnd.ms-xpsdocument";
  EXPECT_EQ(e.sniff(p), kGoodMatch);
  p.mime = "application/oxps";
  EXPECT_EQ(e.sniff(p), kGoodMatch);
  const std::string docx = testing::make_zip({{"[Content_Types].xml", "<Types/>"},
                                              {"word/document.xml", "<w:document/>"}});
  EXPECT_EQ(e.sniff(testing::probe_for(docx)), kNoMatch);
}

TEST(XpsExtractor, PackageWithoutPagesIsCorrupt) {
  const std::string zip = testing::make_zip({{"FixedDocumentSequence.fdseq", "<x/>"}});
  auto x = run(XpsExtractor{}, zip);
  ASSERT_FALSE(x.has_value());
  EXPECT_EQ(x.error().code, ErrorCode::kCorrupt);
  EXPECT_EQ(x.error().message, "not an XPS document: no FixedPage parts");
}

TEST(XpsExtractor, TikaCorpus) {
  const fs::path dir = fs::path(DOSSIER_SHARED) / "corpora" / "tika" / "xps";
  if (!fs::is_directory(dir))
    GTEST_SKIP() << "no " << dir;
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string bytes = testing::read_bytes(entry.path());
    const std::string name = entry.path().filename().string();
    ++files;
    EXPECT_EQ(testing::chosen(bytes), "xps") << name;
    auto x = run(XpsExtractor{}, bytes);
    if (!x.has_value()) {
      EXPECT_FALSE(x.error().message.empty()) << name;
      ADD_FAILURE() << name << ": " << x.error().message;
      continue;
    }
    EXPECT_GT(x->page_count, 0) << name;
    EXPECT_FALSE(testing::all_text(*x).empty()) << name;
    EXPECT_TRUE(x->children.empty()) << name;
  }
  EXPECT_GT(files, 0);
  const std::string ppt = testing::read_bytes(dir / "testPPT.xps");
  auto x = run(XpsExtractor{}, ppt);
  ASSERT_TRUE(x.has_value());
  EXPECT_EQ(x->page_count, 3);
}

}  // namespace
}  // namespace dossier::extract
