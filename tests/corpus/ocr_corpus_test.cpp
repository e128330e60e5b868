// Issue #5 OCR over ../shared/corpora: accuracy against the tesseract CLI on images with ground
// truth, Chinese images, rotated and skewed scans, and image-only PDFs made searchable.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>

#include "run_dossier.h"

namespace dossier::test {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const fs::path kCorpora = fs::path(DOSSIER_SHARED) / "corpora";

// Whitespace collapsed to single spaces, trimmed: CER counts characters, not layout.
std::u32string normalized(const std::string& utf8) {
  std::u32string out;
  bool space = false;
  for (size_t i = 0; i < utf8.size();) {
    auto c = static_cast<unsigned char>(utf8[i]);
    size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = len == 1 ? c : (c & (0xFF >> (len + 1)));
    for (size_t k = 1; k < len && i + k < utf8.size(); ++k) cp = (cp << 6) | (utf8[i + k] & 0x3F);
    i += len;
    if (cp == ' ' || cp == '\n' || cp == '\t' || cp == '\r' || cp == '\f') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(cp);
  }
  return out;
}

double cer(const std::string& hyp, const std::string& ref) {
  std::u32string h = normalized(hyp), r = normalized(ref);
  if (r.empty()) return 0;
  std::vector<size_t> prev(h.size() + 1), cur(h.size() + 1);
  for (size_t j = 0; j <= h.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= r.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= h.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r[i - 1] == h[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return static_cast<double>(prev[h.size()]) / static_cast<double>(r.size());
}

std::string tesseract_cli(const fs::path& image, const std::string& langs) {
  std::string cmd = "OMP_THREAD_LIMIT=1 tesseract '" + image.string() + "' - -l " + langs + " 2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
  std::string out;
  std::array<char, 4096> buf{};
  while (p != nullptr) {
    size_t n = fread(buf.data(), 1, buf.size(), p.get());
    if (n == 0) break;
    out.append(buf.data(), n);
  }
  return out;
}

bool have_tesseract_cli() { return std::system("command -v tesseract >/dev/null 2>&1") == 0; }

// One project per test: copies `files` into a folder, ingests it, and answers questions.
class OcrProject {
 public:
  explicit OcrProject(const std::vector<fs::path>& files) {
    fs::create_directories(dir_.path() / "in");
    for (const auto& f : files) fs::copy_file(f, dir_.path() / "in" / f.filename());
    project_ = (dir_.path() / "p").string();
    EXPECT_EQ(run_dossier({"-p", project_, "init"}).exit_code, 0);
    RunResult r = run_dossier({"-p", project_, "--json", "ingest", (dir_.path() / "in").string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }
  // Titles of the documents matching `query`.
  std::set<std::string> titles(const std::string& query) const {
    RunResult r = run_dossier({"-p", project_, "--json", "search", "--limit", "0", query});
    EXPECT_EQ(r.exit_code, 0) << query << ": " << r.err;
    std::set<std::string> out;
    if (r.exit_code != 0) return out;
    json j = r.json();  // kept: a range-for over r.json()["hits"] would dangle
    for (const auto& h : j["hits"]) out.insert(h["title"].get<std::string>());
    return out;
  }
  // The whole text of the document titled `title` (file name for images).
  std::string text_of(const std::string& title) const {
    RunResult r = run_dossier({"-p", project_, "--json", "search", "--limit", "0", "ocr:true"});
    json j = r.json();
    for (const auto& h : j["hits"]) {
      if (h["title"] == title) {
        RunResult s = run_dossier({"-p", project_, "--json", "show", h["id"].get<std::string>()});
        return s.json()["text"].get<std::string>();
      }
    }
    return {};
  }
  const std::string& project() const { return project_; }

 private:
  TempDir dir_;
  std::string project_;
};

TEST(OcrCorpus, CharacterErrorRateIsWithinOnePointOfTheTesseractCli) {
  fs::path dir = kCorpora / "ocr" / "tesseract-test";
  if (!fs::exists(dir)) GTEST_SKIP() << "no ../shared/corpora";
  if (!have_tesseract_cli()) GTEST_SKIP() << "tesseract CLI not installed (apt-get install tesseract-ocr)";
  std::vector<fs::path> images;
  for (const char* name : {"phototest.tif", "eurotext.tif", "8071_093.3B.tif", "8087_054.3B.tif"})
    images.push_back(dir / name);
  OcrProject p(images);
  for (const auto& image : images) {
    std::string truth = slurp(fs::path(image).replace_extension(".txt"));
    ASSERT_FALSE(truth.empty()) << image;
    double ours = cer(p.text_of(image.filename().string()), truth);
    double cli = cer(tesseract_cli(image, "eng+chi_sim"), truth);
    std::printf("%-18s CER tesseract CLI %.2f%%, dossier %.2f%%\n", image.filename().c_str(), 100 * cli, 100 * ours);
    EXPECT_LE(ours, cli + 0.01) << image.filename();
    EXPECT_LT(ours, 0.15) << image.filename();
  }
}

TEST(OcrCorpus, ChineseImagesGiveTheirText) {
  fs::path dir = kCorpora / "ocr" / "rapidocr-multilingual" / "test_files";
  if (!fs::exists(dir)) GTEST_SKIP() << "no ../shared/corpora";
  OcrProject p({dir / "img_exif_orientation.jpg", dir / "text_cls.jpg", dir / "ch_en_num.jpg"});
  // Stored upside down with an EXIF orientation tag.
  EXPECT_EQ(p.titles("我是中国人"), std::set<std::string>{"img_exif_orientation.jpg"});
  // One small line turned 180 degrees.
  EXPECT_EQ(p.titles("怪我咯"), std::set<std::string>{"text_cls.jpg"});
  // A coloured poster: Tesseract reads its bottom lines (TRUTH.md), as the CLI does.
  EXPECT_EQ(p.titles("极速发货"), std::set<std::string>{"ch_en_num.jpg"});
  EXPECT_EQ(p.titles("冰点标准"), std::set<std::string>{"ch_en_num.jpg"});
  EXPECT_EQ(p.titles("我是中国人 AND lang:zh"), std::set<std::string>{"img_exif_orientation.jpg"});
}

TEST(OcrCorpus, RotatedAndSkewedScansReadCorrectly) {
  fs::path icij = kCorpora / "icij" / "extract" / "documents" / "ocr";
  fs::path tt = kCorpora / "ocr" / "tesseract-test";
  if (!fs::exists(icij)) GTEST_SKIP() << "no ../shared/corpora";
  OcrProject p({icij / "test_rotated+10.png", icij / "test_rotated-10.png", icij / "test.bmp", icij / "test.ppm",
                icij / "test_tiff_multipage.tif", tt / "phototest-rotated-180.png", tt / "phototest-rotated-L.png",
                tt / "phototest-rotated-R.png"});
  EXPECT_EQ(p.titles("\"resolving otherwise she contented therefore\""),
            (std::set<std::string>{"test_rotated+10.png", "test_rotated-10.png"}));
  EXPECT_EQ(p.titles("\"quick brown dog jumped over the lazy fox\""),
            (std::set<std::string>{"phototest-rotated-180.png", "phototest-rotated-L.png", "phototest-rotated-R.png"}));
  EXPECT_EQ(p.titles("duck AND goose AND \"43,456.78\""), (std::set<std::string>{"test.bmp", "test.ppm"}));
  EXPECT_EQ(p.titles("\"Multipage TIFF Example Page 2\""), std::set<std::string>{"test_tiff_multipage.tif"});
  EXPECT_TRUE(p.titles("ocr:false").empty());
  RunResult v = run_dossier({"-p", p.project(), "custody", "verify"});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
}

TEST(OcrCorpus, ImageOnlyPdfsBecomeSearchable) {
  fs::path dir = kCorpora / "ocr" / "ocrmypdf-test-resources";
  if (!fs::exists(dir)) GTEST_SKIP() << "no ../shared/corpora";
  OcrProject p({dir / "linn.pdf", dir / "ccitt.pdf", dir / "jbig2.pdf", dir / "c02-22.pdf", dir / "formxobject.pdf"});
  std::set<std::string> linn = p.titles("LinnSequencer");
  EXPECT_EQ(linn.size(), 3U);  // linn, ccitt, jbig2: the same page scanned three ways
  EXPECT_EQ(p.titles("\"tip-toeing along a path\"").size(), 1U);
  // A page with a text layer is not OCR'd in the default mode.
  std::set<std::string> with_layer = p.titles("\"embedded as a Form XObject\"");
  ASSERT_EQ(with_layer.size(), 1U);
  EXPECT_TRUE(p.titles("\"embedded as a Form XObject\" AND ocr:true").empty());
  // Every OCR'd page here is read with confidence; none falls under 50.
  EXPECT_EQ(p.titles("ocr:true").size(), 4U);
  EXPECT_TRUE(p.titles("confidence:[0 TO 50]").empty());
}

}  // namespace
}  // namespace dossier::test
