// OCR end to end: scans made in the test (a PNG, an upside-down JPEG, an image-only PDF, a PDF
// with a text layer), ingested by the binary, then found, shown, filtered and verified.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "../extract/ocr_test_util.h"
#include "run_dossier.h"

namespace dossier::test {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;
namespace scans = extract::testing;

const std::vector<std::string> kMemo = {"CONFIDENTIAL MEMORANDUM",
                                        "Transfer of 2.4 million to the Orchid Trading account",
                                        "was approved by the regional office on 12 March."};
const std::vector<std::string> kNotice = {"NOTICE OF INSPECTION",
                                          "The warehouse at Kashgar road will be inspected",
                                          "by the county bureau next Tuesday."};

void write(const fs::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary) << bytes;
}

std::set<std::string> titles(const json& result) {
  std::set<std::string> out;
  for (const auto& h : result["hits"]) out.insert(h["title"].get<std::string>());
  return out;
}

class OcrEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    in_ = dir_.path() / "leak";
    fs::create_directories(in_);
    scans::Pix memo = scans::scan_of(kMemo);
    scans::Pix notice = scans::scan_of(kNotice);
    ASSERT_NE(memo, nullptr);
    write(in_ / "memo-scan.png", scans::encode(memo.get(), IFF_PNG));
    scans::Pix upside_down = scans::rotated(notice.get(), 2);
    write(in_ / "notice-photo.jpg", scans::encode(upside_down.get(), IFF_JFIF_JPEG));
    write(in_ / "memo-scan.pdf", scans::image_only_pdf(memo.get()));
    write(in_ / "notice-typed.pdf", scans::text_pdf(kNotice));
  }

  std::string init(const std::vector<std::string>& config = {}) {
    std::string project = (dir_.path() / ("p" + std::to_string(projects_++))).string();
    EXPECT_EQ(run_dossier({"-p", project, "init"}).exit_code, 0);
    if (!config.empty()) {
      std::vector<std::string> args = {"-p", project, "config"};
      args.insert(args.end(), config.begin(), config.end());
      RunResult r = run_dossier(args);
      EXPECT_EQ(r.exit_code, 0) << r.err;
    }
    return project;
  }
  static RunResult ingest(const std::string& project, const std::vector<std::string>& flags, const fs::path& in) {
    std::vector<std::string> args = {"-p", project, "--json", "ingest"};
    args.insert(args.end(), flags.begin(), flags.end());
    args.push_back(in.string());
    return run_dossier(args);
  }
  static json search(const std::string& project, const std::string& q) {
    RunResult r = run_dossier({"-p", project, "--json", "search", "--limit", "0", q});
    EXPECT_EQ(r.exit_code, 0) << q << ": " << r.err;
    return r.exit_code == 0 ? r.json() : json::object({{"hits", json::array()}});
  }

  TempDir dir_;
  fs::path in_;
  int projects_ = 0;
};

TEST_F(OcrEndToEnd, ScansBecomeSearchableAndSayTheyWereOcrd) {
  std::string p = init();
  RunResult r = ingest(p, {}, in_);
  ASSERT_EQ(r.exit_code, 0) << r.err;

  EXPECT_EQ(titles(search(p, "\"Orchid Trading account\"")), (std::set<std::string>{"memo-scan.png", "memo-scan.pdf"}));
  // Upside down, read after turning it; and the typed PDF with the same words, read natively.
  EXPECT_EQ(titles(search(p, "\"warehouse at Kashgar road\"")),
            (std::set<std::string>{"notice-photo.jpg", "notice-typed.pdf"}));
  EXPECT_EQ(titles(search(p, "ocr:true")), (std::set<std::string>{"memo-scan.png", "memo-scan.pdf", "notice-photo.jpg"}));
  EXPECT_EQ(titles(search(p, "ocr:false")), std::set<std::string>{"notice-typed.pdf"});
  EXPECT_EQ(titles(search(p, "confidence:[80 TO 100]")).size(), 3U);
  EXPECT_TRUE(titles(search(p, "confidence:[0 TO 40]")).empty());

  // Search results and show say where text came from.
  json hit = search(p, "\"Orchid Trading\" AND type:image")["hits"][0];
  ASSERT_TRUE(hit["ocr"].is_object()) << hit.dump();
  EXPECT_GT(hit["ocr"]["confidence"].get<double>(), 80);
  EXPECT_NE(hit["snippet"].get<std::string>().find("<mark>Orchid Trading</mark> account"), std::string::npos)
      << hit.dump();
  json typed = search(p, "\"Kashgar road\" AND type:pdf")["hits"][0];
  EXPECT_TRUE(typed["ocr"].is_null());
  RunResult show = run_dossier({"-p", p, "--json", "show", hit["id"].get<std::string>()});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  json doc = show.json();
  ASSERT_EQ(doc["pages"].size(), 1U);
  EXPECT_TRUE(doc["pages"][0]["ocr"].get<bool>());
  EXPECT_GT(doc["pages"][0]["ocr_confidence"].get<double>(), 80);
  RunResult text = run_dossier({"-p", p, "show", hit["id"].get<std::string>()});
  EXPECT_NE(text.out.find("(OCR, confidence "), std::string::npos) << text.out;

  // The OCR runs are custody events; the log verifies.
  RunResult verify = run_dossier({"-p", p, "custody", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  size_t ocr_entries = 0;
  for (const auto& e : fs::recursive_directory_iterator(fs::path(p) / "custody")) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (size_t at = s.find("derivation ocr\n"); at != std::string::npos; at = s.find("derivation ocr\n", at + 1))
      ++ocr_entries;
  }
  EXPECT_EQ(ocr_entries, 3U);
}

TEST_F(OcrEndToEnd, OffAndForceModes) {
  std::string off = init();
  ASSERT_EQ(ingest(off, {"--ocr", "off"}, in_).exit_code, 0);
  EXPECT_TRUE(titles(search(off, "Orchid")).empty());
  RunResult failures = run_dossier({"-p", off, "failures"});
  EXPECT_NE(failures.out.find("not OCR'd"), std::string::npos) << failures.out;

  std::string forced = init();
  ASSERT_EQ(ingest(forced, {"--ocr=force"}, in_).exit_code, 0);
  EXPECT_EQ(titles(search(forced, "ocr:true")),
            (std::set<std::string>{"memo-scan.png", "memo-scan.pdf", "notice-photo.jpg", "notice-typed.pdf"}));
  EXPECT_EQ(titles(search(forced, "\"warehouse at Kashgar road\"")).size(), 2U);
}

TEST_F(OcrEndToEnd, LanguagesAreAProjectSettingAndAreChecked) {
  std::string p = init({"ocr.languages", "eng"});
  RunResult shown = run_dossier({"-p", p, "--json", "config", "ocr.languages"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_EQ(shown.json()["ocr.languages"], "eng");
  ASSERT_EQ(ingest(p, {}, in_).exit_code, 0);
  EXPECT_EQ(titles(search(p, "Orchid")).size(), 2U);

  RunResult bad = run_dossier({"-p", p, "config", "ocr.languages", "eng+klingon"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("tesseract-ocr-klingon"), std::string::npos) << bad.err;
  RunResult unknown = run_dossier({"-p", p, "config", "ocr.langs", "eng"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("ocr.languages"), std::string::npos) << unknown.err;
  RunResult bad_run = ingest(p, {"--ocr-languages", "eng+klingon"}, in_);
  EXPECT_EQ(bad_run.exit_code, 2);
  EXPECT_NE(bad_run.err.find("tesseract-ocr-klingon"), std::string::npos) << bad_run.err;
}

// Writes the demo's scans (demo/leak/scans) with the same generator; run by hand:
//   e2e_test --gtest_also_run_disabled_tests --gtest_filter='*WriteDemoScans'
TEST(OcrDemo, DISABLED_WriteDemoScans) {
  fs::path out = fs::path(DOSSIER_DEMO) / "scans";
  fs::create_directories(out);
  scans::Pix memo = scans::scan_of({"REGIONAL OFFICE - INTERNAL", "Orchid Trading received the second",
                                    "payment through Meridian Bank.", "Destroy after reading."},
                                   150);
  write(out / "faxed-memo.png", scans::encode(memo.get(), IFF_PNG));
  scans::Pix notice = scans::scan_of({"Inspection schedule for the camps:", "cameras to be installed in every",
                                      "dormitory before the visit."},
                                     150);
  scans::Pix turned = scans::rotated(notice.get(), 2);
  write(out / "photo-upside-down.jpg", scans::encode(turned.get(), IFF_JFIF_JPEG));
}

}  // namespace
}  // namespace dossier::test
