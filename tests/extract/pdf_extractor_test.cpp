// PdfExtractor: PDFs written by hand in the test (so every expected byte is known), damaged
// variants of them, and the shared corpus of real-world PDFs.
#include "extract/pdf_extractor.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace dossier::extract {
namespace {

namespace fs = std::filesystem;

// "0000012345 00000 n \n": one xref table entry for an object at byte `offset`.
std::string xref_entry(size_t offset) {
  std::string digits = std::to_string(offset);
  return std::string(10 - digits.size(), '0') + digits + " 00000 n \n";
}

// Writes a PDF with a correct xref table from object bodies; object i+1 is objs[i].
class PdfBuilder {
 public:
  int add(std::string body) {
    objs_.push_back(std::move(body));
    return static_cast<int>(objs_.size());
  }
  int add_stream(const std::string& data, const std::string& dict_extra = "") {
    return add("<< /Length " + std::to_string(data.size()) + dict_extra + " >>\nstream\n" + data +
               "\nendstream");
  }
  std::string build(int root, int info = 0) const {
    std::string out = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";
    std::vector<size_t> offsets;
    for (size_t i = 0; i < objs_.size(); ++i) {
      offsets.push_back(out.size());
      out += std::to_string(i + 1) + " 0 obj\n" + objs_[i] + "\nendobj\n";
    }
    size_t xref = out.size();
    out += "xref\n0 " + std::to_string(objs_.size() + 1) + "\n0000000000 65535 f \n";
    for (size_t off : offsets) {
      out += xref_entry(off);
    }
    out += "trailer\n<< /Size " + std::to_string(objs_.size() + 1) + " /Root " +
           std::to_string(root) + " 0 R";
    if (info != 0)
      out += " /Info " + std::to_string(info) + " 0 R";
    out += " >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
    return out;
  }

 private:
  std::vector<std::string> objs_;
};

// Pages with Helvetica text, one content stream each; `info` becomes the Info dictionary.
std::string make_pdf(const std::vector<std::string>& contents, const std::string& info = "") {
  std::string kids;
  for (size_t i = 0; i < contents.size(); ++i)
    kids += std::to_string(5 + 2 * i) + " 0 R ";
  PdfBuilder b;
  b.add("<< /Type /Catalog /Pages 2 0 R >>");
  b.add("<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(contents.size()) + " >>");
  b.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  for (const std::string& c : contents) {
    int stream = b.add_stream(c);  // 4, 6, 8, ...
    b.add(
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R "
        ">> >> /Contents " +
        std::to_string(stream) + " 0 R >>");
  }
  int info_obj = info.empty() ? 0 : b.add(info);
  return b.build(1, info_obj);
}

const std::string& page_one() {
  static const std::string text = "BT /F1 24 Tf 72 720 Td (Hello dossier) Tj ET";
  return text;
}
const std::string& page_two() {
  static const std::string text = "BT /F1 12 Tf 72 720 Td (Line one) Tj 0 -14 Td (Line two) Tj ET";
  return text;
}
std::vector<std::string> two_pages() {
  return {page_one(), page_two()};
}

Result<Extraction> run(const std::string& bytes, ExtractContext ctx = {}) {
  Item item;
  item.bytes = {reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()};
  item.mime = "application/pdf";
  item.name = "test.pdf";
  return PdfExtractor().extract(item, ctx);
}

std::string meta(const Extraction& e, const std::string& key) {
  for (const MetaField& f : e.metadata) {
    if (f.key == key)
      return f.value;
  }
  return "<absent>";
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// NOLINTNEXTLINE(bugprone-easily-swappable-parameters): a test helper, called with literals
MatchScore sniff(const std::string& head, const std::string& mime = "") {
  Probe p;
  p.head = {reinterpret_cast<const uint8_t*>(head.data()), head.size()};
  p.mime = mime;
  return PdfExtractor().sniff(p);
}

TEST(PdfExtractor, SniffsMagicAnywhereInFirstKilobyteAndMime) {
  EXPECT_EQ(sniff("%PDF-1.7\n"), kExactMatch);
  EXPECT_EQ(sniff(std::string(500, ' ') + "%PDF-1.4"), kExactMatch);
  EXPECT_EQ(sniff(std::string(1100, ' ') + "%PDF-1.4"), kNoMatch);
  EXPECT_EQ(sniff("garbage", "application/pdf"), kGoodMatch);
  EXPECT_EQ(sniff("\x89PNG\r\n\x1a\n", "image/png"), kNoMatch);
  EXPECT_EQ(sniff("PK\x03\x04", "application/zip"), kNoMatch);
  // A zip whose first member is a stored PDF is a zip: its other members must be read.
  EXPECT_EQ(sniff(std::string("PK\x03\x04", 4) + std::string(40, 'x') + "%PDF-1.4", "application/zip"), kNoMatch);
  EXPECT_EQ(sniff("Received: by gateway\n%PDF-1.4", "text/plain"), kExactMatch);
}

TEST(PdfExtractor, ExtractsTextPerPage) {
  auto r = run(make_pdf(two_pages()));
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->page_count, 2);
  ASSERT_EQ(r->pages.size(), 2u);
  EXPECT_EQ(r->pages[0].number, 1);
  EXPECT_EQ(r->pages[0].text, "Hello dossier\n");
  EXPECT_EQ(r->pages[1].number, 2);
  EXPECT_EQ(r->pages[1].text, "Line one\nLine two\n");
  EXPECT_TRUE(r->warnings.empty()) << r->warnings.front();
  EXPECT_EQ(meta(*r, "pdf:Version"), "1.7");
  EXPECT_EQ(meta(*r, "pdf:Pages"), "2");
  EXPECT_EQ(meta(*r, "pdf:Revisions"), "1");
  EXPECT_EQ(meta(*r, "pdf:Encrypted"), "<absent>");
}

TEST(PdfExtractor, SeparatesBlocksWithBlankLine) {
  auto r =
      run(make_pdf({"BT /F1 12 Tf 72 720 Td (Top) Tj ET BT /F1 12 Tf 72 300 Td (Bottom) Tj ET"}));
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->pages.size(), 1u);
  EXPECT_EQ(r->pages[0].text, "Top\n\nBottom\n");
}

TEST(PdfExtractor, ReadsInfoDictionaryAndCommonMeta) {
  auto r = run(make_pdf(two_pages(),
                        "<< /Title (Quarterly report) /Author (J. Doe) /Creator (Writer) "
                        "/Producer (HandPDF 1.0) /CreationDate (D:20170302100405Z) "
                        "/ModDate (D:20180102040405+01'00') /Trapped /False >>"));
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(meta(*r, "pdf:Title"), "Quarterly report");
  EXPECT_EQ(meta(*r, "pdf:Author"), "J. Doe");
  EXPECT_EQ(meta(*r, "pdf:Trapped"), "False");
  EXPECT_EQ(meta(*r, "pdf:CreationDate"), "D:20170302100405Z");
  EXPECT_EQ(r->common.title, "Quarterly report");
  EXPECT_EQ(r->common.author, "J. Doe");
  EXPECT_EQ(r->common.application, "HandPDF 1.0");
  EXPECT_EQ(r->common.created, 1488449045);
  EXPECT_EQ(r->common.modified, 1514862245);  // 03:04:05Z
}

TEST(PdfExtractor, DecodesUtf16AndPdfDocEncodingStrings) {
  // <FEFF65B07586> is UTF-16BE "新疆"; \225 is PDFDocEncoding's en dash... (0x85 is the em dash).
  auto r = run(make_pdf(two_pages(), "<< /Title <FEFF65B07586> /Subject (A\\204B) >>"));
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(meta(*r, "pdf:Title"), "新疆");
  EXPECT_EQ(r->common.title, "新疆");
  EXPECT_EQ(meta(*r, "pdf:Subject"), "A\u2014B");
}

TEST(PdfExtractor, ParsesXmpAndFallsBackToItForCommonMeta) {
  std::string xmp =
      "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>"
      "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF "
      "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
      "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
      "xmlns:xap=\"http://ns.adobe.com/xap/1.0/\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" "
      "xap:CreatorTool=\"Word\" pdf:Producer=\"Distiller\">"
      "<dc:title><rdf:Alt><rdf:li xml:lang=\"fr\">Rapport</rdf:li>"
      "<rdf:li xml:lang=\"x-default\">Report</rdf:li></rdf:Alt></dc:title>"
      "<dc:creator><rdf:Seq><rdf:li>Ann</rdf:li><rdf:li>Bob</rdf:li></rdf:Seq></dc:creator>"
      "<xap:CreateDate>2017-03-02T10:04:05Z</xap:CreateDate>"
      "</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>";
  PdfBuilder b;
  b.add("<< /Type /Catalog /Pages 2 0 R /Metadata 3 0 R >>");
  b.add("<< /Type /Pages /Kids [] /Count 0 >>");
  b.add_stream(xmp, " /Type /Metadata /Subtype /XML");
  auto r = run(b.build(1));
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->page_count, 0);
  EXPECT_EQ(meta(*r, "xmp:packet"), xmp);
  EXPECT_EQ(meta(*r, "xmp:dc:title"), "Report");
  EXPECT_EQ(meta(*r, "xmp:dc:creator"), "Ann; Bob");
  EXPECT_EQ(meta(*r, "xmp:xmp:CreatorTool"), "Word");
  EXPECT_EQ(meta(*r, "xmp:pdf:Producer"), "Distiller");
  EXPECT_EQ(meta(*r, "xmp:xmp:CreateDate"), "2017-03-02T10:04:05Z");
  EXPECT_EQ(r->common.title, "Report");
  EXPECT_EQ(r->common.author, "Ann; Bob");
  EXPECT_EQ(r->common.application, "Distiller");
  EXPECT_EQ(r->common.created, 1488449045);
}

TEST(PdfExtractor, XmpWithExternalEntityIsNotFetched) {
  std::string xmp =
      "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
      "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF "
      "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description "
      "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:format>&e;</dc:format>"
      "</rdf:Description></rdf:RDF></x:xmpmeta>";
  PdfBuilder b;
  b.add("<< /Type /Catalog /Pages 2 0 R /Metadata 3 0 R >>");
  b.add("<< /Type /Pages /Kids [] /Count 0 >>");
  b.add_stream(xmp);
  auto r = run(b.build(1));
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(meta(*r, "xmp:dc:format").find("root:"), std::string::npos);
}

TEST(PdfExtractor, ExtractsEmbeddedFilesAsChildren) {
  PdfBuilder b;
  b.add(
      "<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(note) 4 0 R] >> >> >>");
  b.add("<< /Type /Pages /Kids [] /Count 0 >>");
  b.add_stream("secret contents", " /Type /EmbeddedFile");
  b.add("<< /Type /Filespec /F (note.txt) /UF (note.txt) /EF << /F 3 0 R >> >>");
  auto r = run(b.build(1));
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->children.size(), 1u);
  EXPECT_EQ(r->children[0].name, "note.txt");
  EXPECT_EQ(r->children[0].bytes, "secret contents");
}

TEST(PdfExtractor, CountsIncrementalUpdates) {
  std::string pdf = make_pdf(two_pages(), "<< /Title (v1) >>");
  size_t prev_xref = std::stoul(pdf.substr(pdf.rfind("startxref\n") + 10));
  size_t off = pdf.size();
  std::string update = "8 0 obj\n<< /Title (v2) >>\nendobj\n";  // replaces the Info dict
  size_t xref = off + update.size();
  update += "xref\n8 1\n" + xref_entry(off) + "trailer\n<< /Size 9 /Root 1 0 R /Info 8 0 R /Prev " +
            std::to_string(prev_xref) + " >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  auto r = run(pdf + update);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(meta(*r, "pdf:Revisions"), "2");
  EXPECT_EQ(meta(*r, "pdf:Title"), "v2");
}

TEST(PdfExtractor, BrokenXrefIsRepairedWithWarning) {
  std::string pdf = make_pdf(two_pages());
  size_t at = pdf.find("xref\n0 ");
  pdf.replace(pdf.find(" 00000 n", at) - 10, 10, "0000000001");  // first object's offset wrong
  auto r = run(pdf);
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->pages.size(), 2u);
  EXPECT_EQ(r->pages[0].text, "Hello dossier\n");
  ASSERT_FALSE(r->warnings.empty());
  EXPECT_NE(r->warnings.front().find("damaged PDF"), std::string::npos);
  EXPECT_EQ(meta(*r, "pdf:Repaired"), "yes");
}

TEST(PdfExtractor, TruncatedPdfNeverCrashes) {
  std::string pdf = make_pdf(two_pages(), "<< /Title (t) >>");
  for (size_t n = 0; n < pdf.size(); n += 7) {
    auto r = run(pdf.substr(0, n));
    if (r) {
      // What survives is real text; the damage is reported.
      for (const Page& p : r->pages)
        EXPECT_TRUE(p.text.empty() || p.text.back() == '\n');
    } else {
      EXPECT_FALSE(r.error().message.empty());
    }
  }
  auto half = run(pdf.substr(0, pdf.size() / 2));
  if (half) {
    EXPECT_FALSE(half->warnings.empty());
  }
}

TEST(PdfExtractor, GarbageIsCorrupt) {
  auto r = run("this is not a pdf at all, just some text\n");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kCorrupt);
  EXPECT_EQ(r.error().context, "test.pdf");
  EXPECT_FALSE(run("").has_value());
}

bool has_warning(const Extraction& e, const std::string& prefix) {
  return std::any_of(e.warnings.begin(), e.warnings.end(),
                     [&](const std::string& w) { return w.rfind(prefix, 0) == 0; });
}

TEST(PdfExtractor, DamagedContentStreamGivesPageWarning) {
  std::string pdf = make_pdf({page_one(), "garbage-that-is-not-deflate", page_two()});
  // Declare the second page's stream (object 6) as Flate-compressed, which it is not.
  pdf.replace(pdf.find("<< /Length 27 >>"), 16, "<< /Length 27 /Filter /FlateDecode >>");
  size_t shift = std::string(" /Filter /FlateDecode").size();
  // Re-point the xref entries after object 6 (the builder wrote them before the edit).
  size_t at = pdf.find("xref\n0 ");
  for (int obj = 7; obj <= 9; ++obj) {
    size_t line = at + std::string("xref\n0 11\n").size() + static_cast<size_t>(obj) * 20;
    size_t off = std::stoul(pdf.substr(line, 10)) + shift;
    pdf.replace(line, 10, xref_entry(off).substr(0, 10));
  }
  size_t sx = pdf.rfind("startxref\n") + 10;
  size_t xref_end = pdf.find('\n', sx);
  pdf.replace(sx, xref_end - sx, std::to_string(at));
  auto r = run(pdf);
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->pages.size(), 3u);
  EXPECT_EQ(r->pages[0].text, "Hello dossier\n");
  EXPECT_EQ(r->pages[1].text, "");
  EXPECT_EQ(r->pages[2].text, "Line one\nLine two\n");
  EXPECT_TRUE(has_warning(*r, "page 2: ")) << ::testing::PrintToString(r->warnings);
  EXPECT_FALSE(has_warning(*r, "damaged PDF")) << ::testing::PrintToString(r->warnings);
}

TEST(PdfExtractor, PageThatFailsToLoadIsSkippedWithWarning) {
  PdfBuilder b;
  b.add("<< /Type /Catalog /Pages 2 0 R >>");
  b.add("<< /Type /Pages /Kids [4 0 R 5 0 R 4 0 R] /Count 3 >>");
  b.add_stream(page_one());
  b.add(
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 6 0 R >> "
      ">> /Contents 3 0 R >>");
  b.add("<< /Type /Pages /Kids [5 0 R] /Count 1 >>");  // a page-tree cycle
  b.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  auto r = run(b.build(1));
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->page_count, 3);
  ASSERT_EQ(r->pages.size(), 2u);
  EXPECT_EQ(r->pages[0].number, 1);
  EXPECT_EQ(r->pages[1].number, 3);
  EXPECT_EQ(r->pages[1].text, "Hello dossier\n");
  EXPECT_EQ(r->warnings, std::vector<std::string>{"page 2: cycle in page tree"});
}

TEST(PdfExtractor, ConcurrentCallsShareNothing) {
  const std::string pdf = make_pdf(two_pages(), "<< /Title (Same) >>");
  const PdfExtractor extractor;  // one instance, as the registry holds it
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        Item item;
        item.bytes = {reinterpret_cast<const uint8_t*>(pdf.data()), pdf.size()};
        ExtractContext ctx;
        auto r = extractor.extract(item, ctx);
        if (r && r->pages.size() == 2 && r->pages[1].text == "Line one\nLine two\n" &&
            r->common.title == "Same") {
          ++good;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(good.load(), 100);
}

TEST(PdfExtractor, RespectsPageAndTextLimits) {
  ExtractContext ctx;
  ctx.limits.max_pages = 1;
  auto r = run(make_pdf(two_pages()), ctx);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->page_count, 2);
  EXPECT_EQ(r->pages.size(), 1u);
  EXPECT_FALSE(r->warnings.empty());

  ctx = {};
  ctx.limits.max_text_bytes = 5;
  r = run(make_pdf(two_pages()), ctx);
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->pages.size(), 1u);
  EXPECT_EQ(r->pages[0].text, "Hello");
  EXPECT_FALSE(r->warnings.empty());

  std::atomic<bool> cancelled{true};
  ctx = {};
  ctx.cancelled = &cancelled;
  r = run(make_pdf(two_pages()), ctx);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kLimit);
}

fs::path pdf_corpus() {
  return fs::path(DOSSIER_SHARED) / "corpora" / "pdf";
}

TEST(PdfExtractor, EncryptedPdfNeedingPasswordIsEncrypted) {
  fs::path p = pdf_corpus() / "pdfminer-samples" / "encryption" / "aes-128.pdf";
  if (!fs::exists(p))
    GTEST_SKIP() << p << " not present";
  auto r = run(read_file(p));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kEncrypted);
  EXPECT_EQ(r.error().message, "encrypted PDF: needs a password to open");
}

TEST(PdfExtractor, EncryptedPdfWithEmptyUserPasswordIsExtracted) {
  fs::path p = pdf_corpus() / "pdfminer-samples" / "encryption" / "encrypted_doc_no_id.pdf";
  if (!fs::exists(p))
    GTEST_SKIP() << p << " not present";
  auto r = run(read_file(p));
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(meta(*r, "pdf:Encrypted"), "yes");
  EXPECT_NE(meta(*r, "pdf:EncryptionMethod"), "<absent>");
  EXPECT_EQ(r->page_count, 3);
  EXPECT_EQ(r->pages.size(), 3u);  // pages of drawings: no text, as pdftotext agrees
}

// Every corpus PDF yields text (possibly none, for scans) or an Error with a reason.
TEST(PdfExtractor, CorpusGivesTextOrReason) {
  if (!fs::exists(pdf_corpus()))
    GTEST_SKIP() << pdf_corpus() << " not present";
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(pdf_corpus())) {
    if (e.is_regular_file() && e.path().extension() == ".pdf")
      files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::map<std::string, int> outcomes;
  std::printf("%-60s %6s %9s %5s %s\n", "file", "pages", "chars", "warn", "outcome");
  for (const fs::path& p : files) {
    auto r = run(read_file(p));
    std::string name = fs::relative(p, pdf_corpus()).string();
    if (name.size() > 60)
      name = "..." + name.substr(name.size() - 57);
    if (r) {
      std::string outcome = r->text_bytes() > 0 ? "text" : "no text";
      ++outcomes[outcome];
      std::printf("%-60s %6d %9zu %5zu %s\n", name.c_str(), r->page_count, r->text_bytes(),
                  r->warnings.size(), outcome.c_str());
    } else {
      EXPECT_FALSE(r.error().message.empty()) << p;
      ++outcomes[error_code_name(r.error().code)];
      std::printf("%-60s %6s %9s %5s %s: %s\n", name.c_str(), "-", "-", "-",
                  error_code_name(r.error().code), r.error().message.c_str());
    }
  }
  for (const auto& [outcome, n] : outcomes)
    std::printf("%-12s %d\n", outcome.c_str(), n);
  EXPECT_GT(outcomes["text"], static_cast<int>(files.size()) / 2);
}

}  // namespace
}  // namespace dossier::extract
