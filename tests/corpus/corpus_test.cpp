// Issue #2 corpus tests over ../shared/corpora/zh-laws and ../shared/corpora/pdf:
// every file is a document or a failure with a reason; 50 random phrases find their source file;
// Chinese hits really contain the string; re-ingest adds nothing; SIGKILL + resume converges.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "project_state.h"
#include "run_dossier.h"

namespace dossier::test {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const fs::path kCorpora = fs::path(DOSSIER_SHARED) / "corpora";

std::vector<std::string> corpus_inputs() {
  return {(kCorpora / "zh-laws").string(), (kCorpora / "pdf").string()};
}

std::vector<fs::path> regular_files(const std::vector<std::string>& roots) {
  std::vector<fs::path> out;
  for (const auto& r : roots) {
    for (const auto& e : fs::recursive_directory_iterator(r)) {
      if (e.is_regular_file() && !e.is_symlink()) out.push_back(fs::absolute(e.path()).lexically_normal());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

class Corpus : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!fs::exists(kCorpora / "zh-laws")) return;
    dir_ = new TempDir();
    project_ = (dir_->path() / "p").string();
    ASSERT_EQ(run_dossier({"-p", project_, "init"}).exit_code, 0);
    auto start = std::chrono::steady_clock::now();
    std::vector<std::string> args = {"-p", project_, "--json", "ingest"};
    for (const auto& i : corpus_inputs()) args.push_back(i);
    RunResult r = run_dossier(args);
    clean_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    report_ = new json(r.json());
  }
  static void TearDownTestSuite() {
    delete report_;
    delete dir_;
  }
  void SetUp() override {
    if (dir_ == nullptr) GTEST_SKIP() << "../shared/corpora not present";
  }

  static json search(const std::string& q) {
    RunResult r = run_dossier({"-p", project_, "--json", "search", q, "--limit", "0"});
    EXPECT_EQ(r.exit_code, 0) << q << ": " << r.err;
    return r.exit_code == 0 ? r.json() : json::object({{"total", 0}, {"hits", json::array()}});
  }

  static std::set<std::string> hit_paths(const json& result) {
    std::set<std::string> out;
    for (const auto& h : result["hits"])
      for (const auto& l : h["locations"]) out.insert(l.get<std::string>());
    return out;
  }

  static TempDir* dir_;
  static std::string project_;
  static json* report_;
  static double clean_seconds_;
};

TempDir* Corpus::dir_ = nullptr;
std::string Corpus::project_;
json* Corpus::report_ = nullptr;
double Corpus::clean_seconds_ = 0;

TEST_F(Corpus, EveryFileIsADocumentOrAFailureWithAReason) {
  auto files = regular_files(corpus_inputs());
  EXPECT_EQ((*report_)["files_seen"].get<size_t>(), files.size());
  std::set<std::string> located;
  for (const auto& root : corpus_inputs()) {
    for (const auto& p : hit_paths(search("path:\"" + root + "\""))) located.insert(p);
  }
  json failures = run_dossier({"-p", project_, "--json", "failures"}).json();
  std::set<std::string> not_ingested;
  for (const auto& f : failures["not_ingested"]) not_ingested.insert(f["path"]);
  size_t missing = 0;
  for (const auto& f : files) {
    if (!located.count(f.string()) && !not_ingested.count(f.string())) {
      ADD_FAILURE() << "neither a document nor a failure: " << f;
      if (++missing > 10) break;
    }
  }
  for (const auto& f : failures["failures"]) {
    EXPECT_FALSE(f["reason"].get<std::string>().empty()) << f.dump();
    EXPECT_FALSE(f["locations"].empty()) << f.dump();
  }
  std::printf("corpus: %zu files, %zu documents located, %zu failures, %zu not ingested, %.1f s\n", files.size(),
              located.size(), failures["failures"].size(), not_ingested.size(), clean_seconds_);
}

// A run of 3-5 words of letters and digits, or 4-8 Han characters, from one line of the text.
std::string pick_phrase(const std::string& text, std::mt19937& rng, bool& chinese) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (l.size() > 20) lines.push_back(l);
  }
  if (lines.empty()) return "";
  for (int attempt = 0; attempt < 50; ++attempt) {
    const std::string& line = lines[rng() % lines.size()];
    // Han characters are 3 bytes in UTF-8 starting 0xE4..0xE9.
    std::vector<std::string> han_run;
    std::vector<std::vector<std::string>> runs;
    for (size_t i = 0; i < line.size();) {
      auto c = static_cast<unsigned char>(line[i]);
      if (c >= 0xE4 && c <= 0xE9 && i + 2 < line.size()) {
        han_run.push_back(line.substr(i, 3));
        i += 3;
      } else {
        if (han_run.size() >= 4) runs.push_back(han_run);
        han_run.clear();
        i += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      }
    }
    if (han_run.size() >= 4) runs.push_back(han_run);
    if (!runs.empty()) {
      const auto& run = runs[rng() % runs.size()];
      size_t len = std::min<size_t>(run.size(), 4 + rng() % 5);
      size_t start = rng() % (run.size() - len + 1);
      std::string out;
      for (size_t k = start; k < start + len; ++k) out += run[k];
      chinese = true;
      return out;
    }
    std::vector<std::string> words;
    std::istringstream ws(line);
    for (std::string w; ws >> w;) words.push_back(w);
    auto is_word = [](const std::string& w) {
      if (w.size() < 2) return false;
      for (char ch : w)
        if (!std::isalnum(static_cast<unsigned char>(ch))) return false;
      return true;
    };
    for (size_t tries = 0; tries < 10 && words.size() >= 3; ++tries) {
      size_t len = 3 + rng() % 3;
      if (len > words.size()) len = words.size();
      size_t start = rng() % (words.size() - len + 1);
      bool ok = true;
      for (size_t k = start; k < start + len; ++k) ok = ok && is_word(words[k]);
      if (!ok) continue;
      std::string out;
      for (size_t k = start; k < start + len; ++k) out += (out.empty() ? "" : " ") + words[k];
      chinese = false;
      return out;
    }
  }
  return "";
}

TEST_F(Corpus, RandomPhrasesFindTheirSourceFile) {
  std::mt19937 rng(20261130);
  // Half the phrases from each corpus, so that the PDFs are not swamped by 1,586 laws.
  std::vector<std::vector<fs::path>> corpora;
  for (const auto& root : corpus_inputs()) {
    corpora.push_back(regular_files({root}));
    std::erase_if(corpora.back(), [](const fs::path& p) {
      auto ext = p.extension().string();
      return ext != ".md" && ext != ".pdf";
    });
  }
  int tested = 0;
  int chinese_tested = 0;
  for (int attempt = 0; tested < 50 && attempt < 2000; ++attempt) {
    const auto& files = corpora[static_cast<size_t>(tested) % corpora.size()];
    const fs::path& f = files[rng() % files.size()];
    // The text dossier extracted is the text the phrase must come from (PDFs have no other).
    json found = search("path:\"" + f.string() + "\"");
    if (found["total"] != 1) continue;
    std::string id = found["hits"][0]["id"];
    RunResult show = run_dossier({"-p", project_, "--json", "show", id});
    if (show.exit_code != 0) continue;
    json doc = show.json();
    if (!doc.contains("text")) continue;
    bool chinese = false;
    std::string phrase = pick_phrase(doc["text"], rng, chinese);
    if (phrase.empty()) continue;
    std::string query = chinese ? phrase : "\"" + phrase + "\"";
    json r = search(query);
    std::set<std::string> paths = hit_paths(r);
    EXPECT_TRUE(paths.count(f.string())) << "query " << query << " did not find " << f;
    if (chinese) {
      // Precision: every hit's text really contains the string (zh-laws is plain UTF-8 text).
      for (const auto& h : r["hits"]) {
        for (const auto& l : h["locations"]) {
          std::string p = l.get<std::string>();
          if (p.size() > 3 && p.substr(p.size() - 3) == ".md") {
            EXPECT_NE(slurp(p).find(phrase), std::string::npos) << query << " hit " << p << " without the string";
          }
        }
      }
      ++chinese_tested;
    }
    ++tested;
  }
  EXPECT_EQ(tested, 50);
  EXPECT_GE(chinese_tested, 20);
  EXPECT_LE(chinese_tested, 45);
  std::printf("phrases: %d tested, %d Chinese\n", tested, chinese_tested);
}

TEST_F(Corpus, ReingestAddsNothing) {
  std::vector<std::string> args = {"-p", project_, "--json", "ingest"};
  for (const auto& i : corpus_inputs()) args.push_back(i);
  auto start = std::chrono::steady_clock::now();
  RunResult r = run_dossier(args);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.json()["new_documents"], 0);
  EXPECT_EQ(r.json()["new_locations"], 0);
  std::printf("re-ingest: %.2f s (first run %.1f s)\n", secs, clean_seconds_);
}

// Issue #6 over a real corpus: SIGKILL at five random moments, resume, and compare everything
// with the clean run (tests/e2e/project_state.h); the seed is printed, DOSSIER_KILL_SEED repeats it.
TEST_F(Corpus, KilledIngestResumesToTheCleanRun) {
  const ProjectState clean = read_project_state(project_);
  ASSERT_TRUE(clean.read_ok) << clean.error;
  unsigned seed = std::random_device{}();
  if (const char* env = std::getenv("DOSSIER_KILL_SEED")) seed = static_cast<unsigned>(std::strtoul(env, nullptr, 10));
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> moment(0.3, std::max(1.0, clean_seconds_ * 0.9));
  std::vector<std::string> args;
  for (int kills = 0, trial = 0; kills < 5 && trial < 15; ++trial) {
    TempDir dir;
    std::string p = (dir.path() / "p").string();
    ASSERT_EQ(run_dossier({"-p", p, "init"}).exit_code, 0);
    args = {"-p", p, "ingest"};
    for (const auto& i : corpus_inputs()) args.push_back(i);
    const double at = moment(rng);
    int pid = spawn_dossier(args);
    ASSERT_GT(pid, 0);
    std::this_thread::sleep_for(std::chrono::duration<double>(at));
    ::kill(pid, SIGKILL);
    if (wait_dossier(pid) != -SIGKILL) continue;
    ++kills;
    json partial = run_dossier({"-p", p, "--json", "stats"}).json();
    RunResult resumed = run_dossier(args);
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    const std::string label = "kill at " + std::to_string(at).substr(0, 5) + " s (seed " + std::to_string(seed) + ")";
    std::printf("%s: %llu of %zu documents committed, resumed in %.1f s\n", label.c_str(),
                partial["documents"].get<unsigned long long>(), clean.documents.size(), resumed.seconds);
    expect_same_state(read_project_state(p), clean, label);
    if (HasFailure()) break;
  }
}

// droste.zip (Tika's test files) holds itself. The ingest records both places and finishes; it
// used to end with "ingest stopped before every document was written" and exit 2.
TEST(CorpusHostile, AZipThatContainsItselfIsRecordedAndTheIngestFinishes) {
  const fs::path droste = kCorpora / "tika/zip/droste.zip";
  if (!fs::exists(droste)) GTEST_SKIP() << droste << " is not available";
  TempDir dir;
  const fs::path in = dir.path() / "in";
  fs::create_directories(in);
  fs::copy_file(droste, in / "droste.zip");
  const std::string p = (dir.path() / "p").string();
  ASSERT_EQ(run_dossier({"-p", p, "init"}).exit_code, 0);
  RunResult r = run_dossier({"-p", p, "--json", "ingest", in.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The zip and the picture inside it.
  json hits = run_dossier({"-p", p, "--json", "search", "*", "--limit", "0"}).json()["hits"];
  ASSERT_EQ(hits.size(), 2u);
  std::string id;
  for (size_t i = 0; i < hits.size(); ++i) {
    if (hits[i]["title"] == "droste.zip") id = hits[i]["id"].get<std::string>();
  }
  ASSERT_FALSE(id.empty()) << hits.dump();
  json shown = run_dossier({"-p", p, "--json", "show", id, "--no-text"}).json();
  ASSERT_EQ(shown["locations"].size(), 2u) << shown.dump();
  EXPECT_EQ(shown["locations"][1], (in / "droste.zip").string() + " \u203a droste.zip");
  EXPECT_EQ(run_dossier({"-p", p, "custody", "verify"}).exit_code, 0);
}

// Issue #6: real files cut in half (a PST, a zip, a JPEG, a PDF, an mbox) each end as a document
// or a failure with a reason, and the files after them are ingested.
TEST(CorpusHostile, TruncatedRealFilesEndWithAReason) {
  const std::vector<fs::path> sources = {kCorpora / "tika/pst/testPST.pst", kCorpora / "tika/zip/test-documents.zip",
                                         kCorpora / "tika/jpg/testJPEG_EXIF.jpg", kCorpora / "tika/pdf/testPDF.pdf"};
  for (const auto& s : sources) {
    if (!fs::exists(s)) GTEST_SKIP() << s << " is not available";
  }
  TempDir dir;
  const fs::path in = dir.path() / "in";
  fs::create_directories(in);
  for (const auto& s : sources) {
    const std::string bytes = slurp(s);
    std::ofstream(in / ("truncated-" + s.filename().string()), std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  }
  std::ofstream(in / "z-after.txt") << "the ocelot memo that follows the damaged files\n";
  const std::string p = (dir.path() / "p").string();
  ASSERT_EQ(run_dossier({"-p", p, "init"}).exit_code, 0);
  RunResult r = run_dossier({"-p", p, "--json", "ingest", in.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json failures = run_dossier({"-p", p, "--json", "failures"}).json();
  for (const auto& s : sources) {
    const std::string name = "truncated-" + s.filename().string();
    const std::string path = (in / name).string();
    json found = run_dossier({"-p", p, "--json", "search", "path:\"" + path + "\"", "--limit", "0"}).json();
    std::string id;
    for (const auto& h : found["hits"])
      if (h["locations"].size() == 1 && h["locations"][0] == path) id = h["id"];
    ASSERT_FALSE(id.empty()) << name << " is not a document";
    std::string outcome = "document";
    json meta = run_dossier({"-p", p, "--json", "show", id}).json()["metadata"];
    json warnings = meta.value("dossier:warning", json::array());
    if (warnings.is_string()) warnings = json::array({warnings});
    if (!warnings.empty()) outcome += " (" + warnings[0].get<std::string>() + ")";
    for (const auto& f : failures["failures"]) {
      for (const auto& l : f["locations"])
        if (l == path) outcome = "failed: " + f["reason"].get<std::string>();
    }
    for (const auto& n : failures["not_ingested"]) {
      if (n["path"].get<std::string>().rfind(path + " \u203a ", 0) == 0) outcome += "; inside: " + n["reason"].get<std::string>();
    }
    std::printf("%-32s %s\n", name.c_str(), outcome.substr(0, 200).c_str());
    if (s.extension() == ".pst") {
      EXPECT_NE(outcome.find("PST"), std::string::npos) << outcome;
    }
  }
  EXPECT_EQ(run_dossier({"-p", p, "--json", "search", "ocelot"}).json()["total"], 1);
  EXPECT_EQ(run_dossier({"-p", p, "custody", "verify"}).exit_code, 0);
}

}  // namespace
}  // namespace dossier::test
