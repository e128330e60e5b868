#include "extract/epub_extractor.h"

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

std::string xhtml(const std::string& title, const std::string& body) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><html xmlns=\"http://www.w3.org/1999/xhtml\">"
         "<head><title>" + title + "</title><style>p { color: red }</style></head><body>" + body +
         "</body></html>";
}

constexpr const char* kContainer =
    "<?xml version=\"1.0\"?><container version=\"1.0\" "
    "xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\"><rootfiles>"
    "<rootfile full-path=\"OEBPS/content.opf\" media-type=\"application/oebps-package+xml\"/>"
    "</rootfiles></container>";

constexpr const char* kOpf =
    "<?xml version=\"1.0\"?><package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" "
    "unique-identifier=\"id\"><metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
    "<dc:title>The Leak</dc:title><dc:creator>Ann Author</dc:creator>"
    "<dc:creator>Bob Writer</dc:creator><dc:language>en</dc:language>"
    "<dc:date>2020-05-01</dc:date><dc:publisher>Acme Press</dc:publisher>"
    "<dc:identifier id=\"id\">urn:isbn:9780000000000</dc:identifier></metadata>"
    "<manifest><item id=\"c2\" href=\"text/chapter%202.xhtml\" "
    "media-type=\"application/xhtml+xml\"/>"
    "<item id=\"c1\" href=\"text/chapter1.xhtml\" media-type=\"application/xhtml+xml\"/>"
    "<item id=\"img\" href=\"images/cover.jpg\" media-type=\"image/jpeg\"/></manifest>"
    "<spine><itemref idref=\"c1\"/><itemref idref=\"c2\"/></spine></package>";

std::string make_epub(bool mimetype_first = true) {
  std::vector<testing::ZipEntrySpec> parts = {
      {"META-INF/container.xml", kContainer},
      {"OEBPS/content.opf", kOpf},
      {"OEBPS/text/chapter 2.xhtml", xhtml("Two", "<h1>Chapter Two</h1><p>The end.</p>")},
      {"OEBPS/text/chapter1.xhtml",
       xhtml("One", "<h1>Chapter One</h1><p>It was a dark night.</p>")},
      {"OEBPS/images/cover.jpg", "\xff\xd8\xff\xe0 not really a jpeg"},
  };
  if (mimetype_first)
    parts.insert(parts.begin(), {"mimetype", "application/epub+zip"});
  return testing::make_zip(parts, testing::ZipCompression::kStore);
}

TEST(EpubExtractor, SpineOrderAndDublinCore) {
  const std::string epub = make_epub();
  EXPECT_EQ(testing::chosen(epub), "epub");
  auto x = run(EpubExtractor{}, epub);
  ASSERT_TRUE(x.has_value()) << x.error().message;
  ASSERT_EQ(x->pages.size(), 2u);
  EXPECT_EQ(x->page_count, 2);
  EXPECT_EQ(x->pages[0].number, 1);
  EXPECT_EQ(x->pages[0].text, "Chapter One\n\nIt was a dark night.");
  EXPECT_EQ(x->pages[1].number, 2);
  EXPECT_EQ(x->pages[1].text, "Chapter Two\n\nThe end.");
  EXPECT_EQ(meta(*x, "epub:title"), "The Leak");
  EXPECT_EQ(meta(*x, "epub:language"), "en");
  EXPECT_EQ(meta(*x, "epub:publisher"), "Acme Press");
  EXPECT_EQ(meta(*x, "epub:identifier"), "urn:isbn:9780000000000");
  EXPECT_EQ(meta(*x, "epub:rootfile"), "OEBPS/content.opf");
  EXPECT_EQ(x->common.title, "The Leak");
  EXPECT_EQ(x->common.author, "Ann Author, Bob Writer");
  EXPECT_EQ(x->common.created, parse_date("2020-05-01"));
  EXPECT_TRUE(x->children.empty());
}

TEST(EpubExtractor, SniffsMimetypeMemberAndMime) {
  EpubExtractor e;
  EXPECT_EQ(e.sniff(testing::probe_for(make_epub())), kExactMatch);
  EXPECT_EQ(e.sniff(testing::probe_for(make_epub(false))), kGoodMatch + 5);
  Probe p;
  p.mime = "application/epub+zip";
  EXPECT_EQ(e.sniff(p), kGoodMatch);
  const std::string plain = testing::make_zip({{"a.txt", "hello"}});
  EXPECT_EQ(e.sniff(testing::probe_for(plain)), kNoMatch);
}

TEST(EpubExtractor, NoPackageDocumentIsCorrupt) {
  const std::string zip = testing::make_zip({{"mimetype", "application/epub+zip"}},
                                            testing::ZipCompression::kStore);
  auto x = run(EpubExtractor{}, zip);
  ASSERT_FALSE(x.has_value());
  EXPECT_EQ(x.error().code, ErrorCode::kCorrupt);
  EXPECT_EQ(x.error().message, "not an EPUB book: no OPF package document");
}

// Found by fuzz_extract_epub: container.xml names a package document the zip does not hold.
TEST(EpubExtractor, ContainerNamingAMissingPackageIsCorrupt) {
  const std::string zip = testing::make_zip(
      {{"mimetype", "application/epub+zip"},
       {"META-INF/container.xml",
        "<?xml version=\"1.0\"?><container xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">"
        "<rootfiles><rootfile full-path=\"OEBPS/missing.opf\"/></rootfiles></container>"}},
      testing::ZipCompression::kStore);
  auto x = run(EpubExtractor{}, zip);
  ASSERT_FALSE(x.has_value());
  EXPECT_EQ(x.error().code, ErrorCode::kCorrupt);
  EXPECT_EQ(x.error().message, "not an EPUB book: no OPF package document");
}

TEST(EpubExtractor, TikaCorpus) {
  const fs::path dir = fs::path(DOSSIER_SHARED) / "corpora" / "tika" / "epub";
  if (!fs::is_directory(dir))
    GTEST_SKIP() << "no " << dir;
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string bytes = testing::read_bytes(entry.path());
    const std::string name = entry.path().filename().string();
    ++files;
    EXPECT_EQ(testing::chosen(bytes), "epub") << name;
    auto x = run(EpubExtractor{}, bytes);
    if (!x.has_value()) {
      ADD_FAILURE() << name << ": " << x.error().message;
      continue;
    }
    EXPECT_GT(x->page_count, 0) << name;
    EXPECT_FALSE(testing::all_text(*x).empty()) << name;
    EXPECT_FALSE(meta(*x, "epub:title").empty()) << name;
    EXPECT_TRUE(x->children.empty()) << name;
  }
  EXPECT_GT(files, 0);
  auto x = run(EpubExtractor{}, testing::read_bytes(dir / "testEPUB.epub"));
  ASSERT_TRUE(x.has_value());
  EXPECT_EQ(x->common.title, "An ePub for Tika");
  EXPECT_EQ(x->common.author, "Bart Hanssens");
  EXPECT_NE(testing::all_text(*x).find("This is the text for chapter One"), std::string::npos)
      << testing::all_text(*x);
}

}  // namespace
}  // namespace dossier::extract
