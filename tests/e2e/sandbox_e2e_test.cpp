// The sandbox end to end: a folder of files that hang, exhaust memory, crash and try what a worker
// must not, between ordinary files. The ingest must finish (exit 0), name each failure precisely,
// go on with the files after them, and the workers must be denied sockets and files.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>

#include "run_dossier.h"

namespace dossier::test {
namespace {

using nlohmann::json;

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitizer = true;  // no RLIMIT_AS under AddressSanitizer: the alloc file is left out
#else
constexpr bool kSanitizer = false;
#endif

void write(const std::filesystem::path& p, const std::string& content) {
  std::ofstream out(p, std::ios::binary);
  out << content;
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// The hostile extractor claims nothing unless this is set; the dossier processes inherit it.
class TestExtractorsOn {
 public:
  TestExtractorsOn() { ::setenv("DOSSIER_TEST_EXTRACTORS", "1", 1); }
  ~TestExtractorsOn() { ::unsetenv("DOSSIER_TEST_EXTRACTORS"); }
  TestExtractorsOn(const TestExtractorsOn&) = delete;
  TestExtractorsOn& operator=(const TestExtractorsOn&) = delete;
};

void write_probes(const std::filesystem::path& dir) {
  write(dir / "40-socket.bin", "DOSSIER-TEST-SOCKET\n");
  write(dir / "50-open.bin", "DOSSIER-TEST-OPEN\n");
}

class HostileFolder : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    TestExtractorsOn on;
    dir_ = new TempDir();
    auto in = dir_->path() / "leak";
    std::filesystem::create_directories(in);
    write(in / "00-before.txt", "quietdocument written before the hostile files\n");
    write(in / "10-hang.bin", "DOSSIER-TEST-HANG\n");
    if (!kSanitizer) write(in / "20-alloc.bin", "DOSSIER-TEST-ALLOC\n");
    write(in / "30-segv.bin", "DOSSIER-TEST-SEGV\n");
    write_probes(in);
    write(in / "60-children.bin", "DOSSIER-TEST-CHILDREN-SEGV\nzebracorn in the first child\n\nquokkafish in the second\n");
    // 4.2 s of work in steps of 0.7 s under a 2 s timeout: finishes, since each step restarts
    // the deadline. Then three steps and a 3 s stall: a timeout counted from the last step.
    write(in / "70-slow.bin", "DOSSIER-TEST-SLOW\n700\n700\n700\n700\n700\n700\n");
    write(in / "80-stalls.bin", "DOSSIER-TEST-SLOW\n700\n700\n700\n3000\n");
    write(in / "99-after.txt", "laterdocument written after the hostile files\n");
    project_ = (dir_->path() / "project").string();
    ASSERT_EQ(run_dossier({"-p", project_, "init"}).exit_code, 0);
    auto start = std::chrono::steady_clock::now();
    ingest_ = new RunResult(run_dossier(
        {"-p", project_, "--json", "ingest", "-j", "2", "--timeout", "2", "--memory-limit", "512M", in.string()}));
    seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  static void TearDownTestSuite() {
    delete ingest_;
    delete dir_;
  }
  void SetUp() override {
    ASSERT_NE(ingest_, nullptr);
    ASSERT_EQ(ingest_->exit_code, 0) << ingest_->err;
  }

  static json run_json(std::vector<std::string> args) {
    args.insert(args.begin(), {"-p", project_, "--json"});
    RunResult r = run_dossier(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? r.json() : json();
  }

  // Failures by file name.
  static std::map<std::string, json> failures() {
    std::map<std::string, json> out;
    json all = run_json({"failures"});
    for (const auto& f : all["failures"]) {
      for (const auto& l : f["locations"]) out[std::filesystem::path(l.get<std::string>()).filename()] = f;
    }
    return out;
  }

  static std::string text_of(const std::string& file) {
    json hits = run_json({"search", "path:" + (dir_->path() / "leak" / file).string()})["hits"];
    EXPECT_EQ(hits.size(), 1u) << file;
    if (hits.empty()) return "";
    return run_json({"show", hits[0]["id"].get<std::string>()})["text"].get<std::string>();
  }

  static TempDir* dir_;
  static std::string project_;
  static RunResult* ingest_;
  static double seconds_;
};

TempDir* HostileFolder::dir_ = nullptr;
std::string HostileFolder::project_;
RunResult* HostileFolder::ingest_ = nullptr;
double HostileFolder::seconds_ = 0;

TEST_F(HostileFolder, IngestFinishesAndCountsEachFailure) {
  json r = ingest_->json();
  EXPECT_EQ(r["failures"], kSanitizer ? 4 : 5) << r.dump();
  EXPECT_EQ(r["new_documents"], (kSanitizer ? 9 : 10) + 2) << r.dump();  // files plus two children
  // A hang costs two deadlines (the try and the retry), not forever.
  EXPECT_LT(seconds_, 120) << "hang guard only";
}

TEST_F(HostileFolder, HangIsATimeoutAfterTheDeadline) {
  auto f = failures();
  ASSERT_TRUE(f.count("10-hang.bin"));
  EXPECT_EQ(f["10-hang.bin"]["code"], "limit");
  EXPECT_EQ(f["10-hang.bin"]["reason"], "timed out after 2 s (retried once in a fresh worker)");
}

TEST_F(HostileFolder, SlowWorkThatAdvancesIsNotATimeout) {
  EXPECT_EQ(text_of("70-slow.bin"), "6 steps done\n");
  EXPECT_EQ(failures().count("70-slow.bin"), 0u);
}

TEST_F(HostileFolder, StallAfterProgressTimesOutFromTheLastStep) {
  auto f = failures();
  ASSERT_TRUE(f.count("80-stalls.bin"));
  EXPECT_EQ(f["80-stalls.bin"]["code"], "limit");
  // Three steps of 0.7 s, then 2 s without one.
  EXPECT_EQ(f["80-stalls.bin"]["reason"],
            "timed out: no progress for 2 s after 3 steps (4 s in all) (retried once in a fresh worker)");
}

TEST_F(HostileFolder, RunawayAllocationIsTheMemoryLimit) {
  if (kSanitizer) GTEST_SKIP() << "AddressSanitizer builds run workers without an address-space limit";
  auto f = failures();
  ASSERT_TRUE(f.count("20-alloc.bin"));
  EXPECT_EQ(f["20-alloc.bin"]["code"], "limit");
  EXPECT_EQ(f["20-alloc.bin"]["reason"], "memory limit (512 MiB) exceeded (retried once in a fresh worker)");
}

TEST_F(HostileFolder, CrashIsTheSignal) {
  auto f = failures();
  ASSERT_TRUE(f.count("30-segv.bin"));
  EXPECT_EQ(f["30-segv.bin"]["code"], "internal");
  if (kSanitizer) {
    // AddressSanitizer catches the fault itself, reports it and exits with status 1.
    EXPECT_TRUE(contains(f["30-segv.bin"]["reason"].get<std::string>(), "while extracting")) << f["30-segv.bin"].dump();
    return;
  }
  EXPECT_EQ(f["30-segv.bin"]["reason"],
            "worker killed by signal SIGSEGV (Segmentation fault) while extracting (retried once in a fresh worker)");
}

TEST_F(HostileFolder, FilesAfterTheHostileOnesAreSearchable) {
  EXPECT_EQ(run_json({"search", "quietdocument"})["total"], 1);
  EXPECT_EQ(run_json({"search", "laterdocument"})["total"], 1);
}

// Ordinary files are extracted at the first try: no worker died under them (a worker killed
// early, e.g. with the thread that started it, would show here as a retry warning).
TEST_F(HostileFolder, OrdinaryFilesNeedNoRetry) {
  for (const char* file : {"00-before.txt", "99-after.txt", "40-socket.bin"}) {
    json hits = run_json({"search", std::string("path:") + (dir_->path() / "leak" / file).string()})["hits"];
    ASSERT_EQ(hits.size(), 1u) << file;
    json shown = run_json({"show", hits[0]["id"].get<std::string>(), "--no-text"});
    EXPECT_EQ(shown["state"], "indexed") << file;
    EXPECT_FALSE(shown["metadata"].contains("dossier:warning")) << file << ": " << shown["metadata"].dump();
  }
}

TEST_F(HostileFolder, WorkerCannotOpenSockets) {
  std::string text = text_of("40-socket.bin");
  EXPECT_TRUE(contains(text, "socket(AF_INET, SOCK_STREAM): denied (Operation not permitted)")) << text;
  EXPECT_TRUE(contains(text, "socket(AF_UNIX, SOCK_STREAM): denied (Operation not permitted)")) << text;
  EXPECT_TRUE(contains(text, "socketpair(AF_UNIX): denied (Operation not permitted)")) << text;
  EXPECT_FALSE(contains(text, "allowed")) << text;
}

TEST_F(HostileFolder, WorkerCannotOpenFilesItWasNotGiven) {
  std::string text = text_of("50-open.bin");
  EXPECT_TRUE(contains(text, "open /etc/passwd: denied (Permission denied)")) << text;
  EXPECT_TRUE(contains(text, "open /proc/self/exe: denied")) << text;
  EXPECT_TRUE(contains(text, "open .: denied")) << text;
  EXPECT_TRUE(contains(text, "create /tmp/dossier-test-open-*: denied")) << text;
  EXPECT_FALSE(contains(text, "allowed")) << text;
}

TEST_F(HostileFolder, ChildrenBeforeACrashAreStoredOnceDespiteTheRetry) {
  auto f = failures();
  ASSERT_TRUE(f.count("60-children.bin"));
  EXPECT_TRUE(contains(f["60-children.bin"]["reason"].get<std::string>(), kSanitizer ? "while extracting" : "SIGSEGV"))
      << f["60-children.bin"].dump();
  EXPECT_EQ(run_json({"search", "zebracorn"})["total"], 1);
  EXPECT_EQ(run_json({"search", "quokkafish"})["total"], 1);
  json shown = run_json({"show", f["60-children.bin"]["id"].get<std::string>(), "--no-text"});
  EXPECT_EQ(shown["children"].size(), 2u) << shown.dump();
  EXPECT_EQ(ingest_->json()["embedded"], 2) << ingest_->json().dump();
  EXPECT_EQ(run_json({"stats"})["embedded"]["emitted"], 2);
}

// The probes themselves work: without the sandbox the same calls succeed, so "denied" above is
// the sandbox's doing.
TEST(NoSandbox, ThreadsOnlyModeIsUnconfined) {
  TestExtractorsOn on;
  TempDir dir;
  auto in = dir.path() / "leak";
  std::filesystem::create_directories(in);
  write_probes(in);
  std::string project = (dir.path() / "project").string();
  ASSERT_EQ(run_dossier({"-p", project, "init"}).exit_code, 0);
  RunResult r = run_dossier({"-p", project, "--json", "ingest", "--no-sandbox", in.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json hits = json::parse(run_dossier({"-p", project, "--json", "search", "allowed"}).out);
  EXPECT_EQ(hits["total"], 2) << hits.dump();
}

}  // namespace
}  // namespace dossier::test
