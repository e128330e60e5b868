// Drives the dossier binary over demo/leak: init, ingest, search, show, stats, failures.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "run_dossier.h"

namespace dossier::test {
namespace {

using nlohmann::json;

// One project per test suite: ingesting is the slow part.
class DemoProject : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    project_ = (dir_->path() / "project").string();
    RunResult init = run_dossier({"-p", project_, "init"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    ingest_ = new RunResult(run_dossier({"-p", project_, "--json", "ingest", DOSSIER_DEMO}));
    ASSERT_EQ(ingest_->exit_code, 0) << ingest_->err;
  }
  static void TearDownTestSuite() {
    delete ingest_;
    delete dir_;
  }
  // A failed ingest in SetUpTestSuite must fail every test, not skip it.
  void SetUp() override {
    ASSERT_NE(ingest_, nullptr) << "init failed";
    ASSERT_EQ(ingest_->exit_code, 0) << ingest_->err;
  }

  static json search(const std::string& q, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"-p", project_, "--json", "search", q};
    args.insert(args.end(), extra.begin(), extra.end());
    RunResult r = run_dossier(args);
    EXPECT_EQ(r.exit_code, 0) << q << ": " << r.err;
    return r.exit_code == 0 ? r.json() : json::object({{"total", -1}, {"hits", json::array()}});
  }

  static std::set<std::string> titles(const json& result) {
    std::set<std::string> out;
    for (const auto& h : result["hits"]) out.insert(h["title"].get<std::string>());
    return out;
  }

  static TempDir* dir_;
  static std::string project_;
  static RunResult* ingest_;
};

TempDir* DemoProject::dir_ = nullptr;
std::string DemoProject::project_;
RunResult* DemoProject::ingest_ = nullptr;

TEST_F(DemoProject, IngestCountsFilesDocumentsAndLocations) {
  json r = ingest_->json();
  EXPECT_EQ(r["files_seen"], 10);
  EXPECT_EQ(r["new_documents"], 9);  // copy-of-memo.txt has the same bytes as shipment-memo.txt
  EXPECT_EQ(r["new_locations"], 10);
  EXPECT_EQ(r["failures"], 0);
}

TEST_F(DemoProject, DuplicateContentIsOneHitWithTwoLocations) {
  json r = search("Orchid Trading");
  EXPECT_EQ(r["total"], 6);  // with the faxed memo, read by OCR
  bool found = false;
  for (const auto& h : r["hits"]) {
    if (h["locations"].size() == 2) {
      found = true;
      std::set<std::string> names;
      for (const auto& l : h["locations"]) names.insert(std::filesystem::path(l.get<std::string>()).filename());
      EXPECT_EQ(names, (std::set<std::string>{"shipment-memo.txt", "copy-of-memo.txt"}));
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(DemoProject, ScriptsAndStylesAreNotIndexed) {
  EXPECT_EQ(search("tracking")["total"], 0);
  EXPECT_EQ(search("serif")["total"], 0);
  EXPECT_EQ(search("\"record shipments\"")["total"], 1);
}

TEST_F(DemoProject, PhraseAndTypeFilter) {
  json r = search("\"surveillance cameras\" AND type:pdf");
  ASSERT_EQ(r["total"], 1);
  EXPECT_EQ(r["hits"][0]["title"], "Board report March 2017");
  EXPECT_EQ(r["hits"][0]["page"], 2);
  EXPECT_NE(r["hits"][0]["snippet"].get<std::string>().find("<mark>surveillance cameras</mark>"), std::string::npos);
}

TEST_F(DemoProject, ChineseMatchesExactSequenceInAnyEncoding) {
  // The GBK notice is found through charset detection; the Traditional page through folding.
  json r = search("新疆维吾尔");
  std::set<std::string> t = titles(r);
  EXPECT_TRUE(t.count("procurement-notice-gbk.txt")) << r.dump();
  EXPECT_TRUE(t.count("關於設備採購的說明")) << r.dump();
  // Both characters of 通知 and 财务 occur in the notice, but never as 通知财务.
  EXPECT_EQ(search("通知财务")["total"], 0);
  EXPECT_EQ(search("财务委员会")["total"], 1);
}

TEST_F(DemoProject, DateRangeUsesDocumentDates) {
  json r = search("date:[2017-03-01 TO 2017-03-31]");
  EXPECT_EQ(titles(r), (std::set<std::string>{"Board report March 2017"}));
  EXPECT_EQ(search("Orchid date:[2018-01-01 TO *]")["total"], 0);
}

TEST_F(DemoProject, MetadataFieldsFilter) {
  EXPECT_EQ(titles(search("application:\"dossier demo generator\"")),
            (std::set<std::string>{"Board report March 2017"}));
  EXPECT_EQ(titles(search("author:treasurer")), (std::set<std::string>{"Board report March 2017"}));
  EXPECT_EQ(search("title:\"record year\"")["total"], 1);
}

TEST_F(DemoProject, BooleanOperators) {
  EXPECT_EQ(search("Orchid -type:pdf")["total"], 5);
  EXPECT_EQ(search("Orchid NOT type:pdf")["total"], 5);
  EXPECT_EQ(search("manifest OR treasurer")["total"], 3);  // memo, minutes, board report
  EXPECT_EQ(search("+Meridian +treasurer")["total"], 1);
  EXPECT_EQ(search("(machinery OR cameras) AND Meridian")["total"], 2);
}

TEST_F(DemoProject, WildcardMatchesPrefixes) {
  json r = search("surveil*");
  EXPECT_EQ(r["total"], 3);  // memo, manifest, board report
}

TEST_F(DemoProject, PagingReachesEveryHitWithoutCap) {
  json all = search("Orchid", {"--limit", "0"});
  ASSERT_EQ(all["hits"].size(), all["total"].get<size_t>());
  std::set<std::string> paged;
  for (int offset = 0; offset < 5; offset += 2) {
    json page = search("Orchid", {"--limit", "2", "--offset", std::to_string(offset)});
    EXPECT_EQ(page["total"], all["total"]);
    for (const auto& h : page["hits"]) paged.insert(h["id"]);
  }
  std::set<std::string> every;
  for (const auto& h : all["hits"]) every.insert(h["id"]);
  EXPECT_EQ(paged, every);
}

TEST_F(DemoProject, ShowByPrefixPrintsMetadataPagesAndText) {
  json r = search("Meridian type:pdf");
  ASSERT_EQ(r["total"], 1);
  std::string id = r["hits"][0]["id"];
  RunResult show = run_dossier({"-p", project_, "--json", "show", id.substr(0, 10)});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  json d = show.json();
  EXPECT_EQ(d["id"], id);
  EXPECT_EQ(d["mime"], "application/pdf");
  EXPECT_EQ(d["page_count"], 2);
  EXPECT_EQ(d["author"], "Office of the Treasurer");
  EXPECT_NE(d["text"].get<std::string>().find("Payments to Orchid Trading FZE were approved"), std::string::npos);
  EXPECT_EQ(d["locations"].size(), 1);
}

TEST_F(DemoProject, ReingestAddsNothing) {
  RunResult again = run_dossier({"-p", project_, "--json", "ingest", DOSSIER_DEMO});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  json r = again.json();
  EXPECT_EQ(r["new_documents"], 0);
  EXPECT_EQ(r["new_locations"], 0);
  EXPECT_EQ(r["files_unchanged"], 10);
  json st = run_dossier({"-p", project_, "--json", "stats"}).json();
  EXPECT_EQ(st["documents"], 9);
  EXPECT_EQ(st["locations"], 10);
}

TEST_F(DemoProject, ScansAreReadByOcr) {
  EXPECT_EQ(titles(search("\"second payment through Meridian Bank\"")), (std::set<std::string>{"faxed-memo.png"}));
  // Stored upside down: read after turning it.
  EXPECT_EQ(titles(search("\"installed in every dormitory\" AND ocr:true")),
            (std::set<std::string>{"photo-upside-down.jpg"}));
  EXPECT_EQ(search("ocr:true")["total"], 2);
}

TEST_F(DemoProject, BadQueryIsAUsageError) {
  RunResult r = run_dossier({"-p", project_, "search", "(unbalanced"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(r.err.empty());
}

TEST(Cli, CommandsWithoutProjectExplainWhatToDo) {
  TempDir dir;
  RunResult r = run_dossier({"-p", (dir.path() / "none").string(), "stats"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("dossier init"), std::string::npos);
}

TEST(Cli, InitTwiceIsRefused) {
  TempDir dir;
  std::string p = (dir.path() / "p").string();
  EXPECT_EQ(run_dossier({"-p", p, "init"}).exit_code, 0);
  RunResult again = run_dossier({"-p", p, "init"});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("already exists"), std::string::npos);
}

TEST(Cli, UnreadableAndUnsupportedFilesAreListedAsFailures) {
  TempDir dir;
  std::string p = (dir.path() / "p").string();
  auto in = dir.path() / "in";
  std::filesystem::create_directories(in);
  {
    std::ofstream bin(in / "blob.bin", std::ios::binary);
    for (int i = 0; i < 4096; ++i) bin.put(static_cast<char>((i * 7919 + 13) % 256));
    std::ofstream txt(in / "ok.txt");
    txt << "a readable file\n";
    std::ofstream empty(in / "empty.dat");
  }
  std::filesystem::create_symlink("/etc/hostname", in / "link");
  ASSERT_EQ(run_dossier({"-p", p, "init"}).exit_code, 0);
  RunResult ing = run_dossier({"-p", p, "--json", "ingest", in.string()});
  ASSERT_EQ(ing.exit_code, 0) << ing.err;
  EXPECT_EQ(ing.json()["failures"], 1);
  EXPECT_EQ(ing.json()["not_ingested"], 1);
  json f = run_dossier({"-p", p, "--json", "failures"}).json();
  ASSERT_EQ(f["failures"].size(), 1);
  EXPECT_EQ(f["failures"][0]["code"], "unsupported");
  EXPECT_NE(f["failures"][0]["reason"].get<std::string>().find("unsupported type"), std::string::npos);
  ASSERT_EQ(f["not_ingested"].size(), 1);
  EXPECT_NE(f["not_ingested"][0]["reason"].get<std::string>().find("symbolic link"), std::string::npos);
  ASSERT_EQ(f["no_text"].size(), 1);
  EXPECT_EQ(f["no_text"][0]["reason"], "empty file");
  // The unreadable document is still findable by its path.
  json s = run_dossier({"-p", p, "--json", "search", "path:" + in.string()}).json();
  EXPECT_EQ(s["total"], 3);
}

}  // namespace
}  // namespace dossier::test
