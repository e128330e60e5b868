// Issue #6, a full disk: the project lives on a small tmpfs, partly filled beforehand by a filler
// file so that space runs out at a different point each time (a blob, the catalog, the index, the
// custody log). The ingest must stop with "disk full: N MB free on DIR; free space and run
// `dossier ingest` again to finish" and a nonzero exit, leave a project whose custody log
// verifies, and, once the filler is deleted, finish exactly as a clean run.
//
// Mounting needs root (CAP_SYS_ADMIN); elsewhere the test is skipped and says why.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "fixture_writer.h"
#include "project_state.h"
#include "run_dossier.h"

namespace dossier::test {
namespace {

namespace fs = std::filesystem;

std::string prose(unsigned seed, size_t words) {
  static const char* kWords[] = {"ledger",  "shipment", "harbour", "invoice",  "minister",
                                 "account", "transfer", "meeting", "contract", "offshore",
                                 "company", "director", "payment", "customs"};
  uint64_t x = seed * 0x9E3779B97F4A7C15ull + 7;
  std::string out = "file " + std::to_string(seed) + ":";
  for (size_t i = 0; i < words; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    out += ' ';
    out += kWords[x % (sizeof kWords / sizeof *kWords)];
    out += std::to_string(x % 1000);  // a large vocabulary makes a real index
  }
  return out + "\n";
}

class DiskFull : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    corpus_ = dir_->path() / "corpus";
    for (unsigned i = 0; i < 40; ++i)
      write_bytes(corpus_ / ("d" + std::to_string(i % 4)) / ("file-" + std::to_string(i) + ".txt"),
                  prose(i, 12000));
    std::vector<ZipMember> members;
    for (unsigned i = 0; i < 10; ++i)
      members.push_back(zip_deflated("m" + std::to_string(i) + ".txt", prose(100 + i, 8000)));
    write_bytes(corpus_ / "bundle.zip", zip_archive(members));
    const std::string clean = (dir_->path() / "clean").string();
    EXPECT_EQ(run_dossier({"-p", clean, "init"}).exit_code, 0);
    RunResult r = run_dossier({"-p", clean, "ingest", "--commit-every", "8", corpus_.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    clean_ = new ProjectState(read_project_state(clean));
    uint64_t bytes = 0;
    for (const auto& e : fs::recursive_directory_iterator(clean))
      if (e.is_regular_file())
        bytes += e.file_size();
    clean_bytes_ = bytes;
  }
  static void TearDownTestSuite() {
    delete clean_;
    delete dir_;
  }

  void SetUp() override {
    mount_ = dir_->path() / ("mnt-" + std::to_string(counter_++));
    fs::create_directories(mount_);
    if (::geteuid() != 0)
      GTEST_SKIP() << "needs root to mount a small tmpfs (mount -t tmpfs -o size=...)";
    // Room for the whole project and a third more, so that the filler decides where it runs out.
    size_ = (clean_bytes_ * 4 / 3) & ~uint64_t{4095};
    std::string options = "size=" + std::to_string(size_) + ",mode=0700";
    if (::mount("tmpfs", mount_.c_str(), "tmpfs", 0, options.c_str()) != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs here (" << std::strerror(errno)
                   << "): the full-disk test needs it";
    }
    mounted_ = true;
  }
  void TearDown() override {
    if (mounted_)
      ::umount2(mount_.c_str(), MNT_DETACH);
  }

  static TempDir* dir_;
  static fs::path corpus_;
  static ProjectState* clean_;
  static uint64_t clean_bytes_;
  static int counter_;
  fs::path mount_;
  uint64_t size_ = 0;
  bool mounted_ = false;
};

TempDir* DiskFull::dir_ = nullptr;
fs::path DiskFull::corpus_;
ProjectState* DiskFull::clean_ = nullptr;
uint64_t DiskFull::clean_bytes_ = 0;
int DiskFull::counter_ = 0;

// Where the message says the disk filled up: the blob store, the catalog, the index or the log.
std::string component(const std::string& err) {
  for (const char* c : {"blobs", "dossier.db", "index", "custody"})
    if (err.find(c) != std::string::npos)
      return c;
  return "?";
}

TEST_F(DiskFull, StopsCleanlyWhereverItRunsOutAndFinishesOnceSpaceIsFreed) {
  ASSERT_TRUE(clean_->read_ok) << clean_->error;
  std::printf("project %llu KB on a %llu KB tmpfs\n",
              static_cast<unsigned long long>(clean_bytes_ / 1024),
              static_cast<unsigned long long>(size_ / 1024));
  std::set<std::string> where;
  // Free space left before the ingest, as a share of what the project needs.
  for (int percent : {3, 15, 30, 45, 60, 75, 90}) {
    const std::string label = std::to_string(percent) + "% of the project's size free";
    const fs::path project = mount_ / ("p" + std::to_string(percent));
    ASSERT_EQ(run_dossier({"-p", project.string(), "init"}).exit_code, 0) << label;
    const fs::path filler = mount_ / "filler";
    {
      const uint64_t free_wanted = clean_bytes_ * static_cast<uint64_t>(percent) / 100;
      uint64_t used = 0;
      for (const auto& e : fs::recursive_directory_iterator(mount_))
        if (e.is_regular_file())
          used += e.file_size();
      const uint64_t fill = size_ > used + free_wanted ? size_ - used - free_wanted : 0;
      write_bytes(filler, std::string(fill, 'f'));
    }
    RunResult full =
        run_dossier({"-p", project.string(), "ingest", "--commit-every", "8", corpus_.string()});
    if (full.exit_code == 0) {
      std::printf("%s: enough after all\n", label.c_str());
    } else {
      where.insert(component(full.err));
      std::printf("%s: %s", label.c_str(), full.err.c_str());
      EXPECT_EQ(full.exit_code, 2) << label;
      EXPECT_NE(full.err.find("dossier: disk full: "), std::string::npos)
          << label << ": " << full.err;
      EXPECT_NE(full.err.find(" MB free on " + project.string() +
                              "; free space and run `dossier ingest` again to finish"),
                std::string::npos)
          << label << ": " << full.err;
      // Consistent as it is, before any space is freed.
      RunResult verify = run_dossier({"-p", project.string(), "custody", "verify"});
      EXPECT_EQ(verify.exit_code, 0) << label << ": " << verify.out << verify.err;
      RunResult stats = run_dossier({"-p", project.string(), "--json", "stats"});
      EXPECT_EQ(stats.exit_code, 0) << label << ": " << stats.err;
      if (stats.exit_code == 0) {
        EXPECT_LE(stats.json()["documents"].get<uint64_t>(), clean_->documents.size()) << label;
      }
      fs::remove(filler);
      RunResult again =
          run_dossier({"-p", project.string(), "ingest", "--commit-every", "8", corpus_.string()});
      ASSERT_EQ(again.exit_code, 0) << label << ": " << again.err;
    }
    expect_same_state(read_project_state(project.string()), *clean_, label);
    fs::remove(filler);
    fs::remove_all(project);
    if (HasFailure())
      break;
  }
  std::string list;
  for (const auto& w : where)
    list += " " + w;
  std::printf("the disk filled up in:%s\n", list.c_str());
}

// The custody log on a volume of its own that fills up: the append fails, nothing of the batch is
// committed, and after the volume grows the ingest finishes as a clean run.
TEST_F(DiskFull, FullCustodyVolumeStopsTheIngestToo) {
  const fs::path project = mount_ / "p";
  ASSERT_EQ(run_dossier({"-p", project.string(), "init"}).exit_code, 0);
  const fs::path custody = project / "custody";
  const fs::path saved = mount_ / "custody-at-init";
  fs::copy(custody, saved, fs::copy_options::recursive);
  ASSERT_EQ(::mount("tmpfs", custody.c_str(), "tmpfs", 0, "size=40k,mode=0700"), 0)
      << std::strerror(errno);
  fs::copy(saved, custody, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  fs::permissions(custody / "signing.key", fs::perms::owner_read | fs::perms::owner_write);
  RunResult full =
      run_dossier({"-p", project.string(), "ingest", "--commit-every", "8", corpus_.string()});
  std::printf("custody volume of 40 KB: %s", full.err.c_str());
  EXPECT_EQ(full.exit_code, 2);
  EXPECT_NE(full.err.find("dossier: disk full: "), std::string::npos) << full.err;
  EXPECT_NE(full.err.find("custody"), std::string::npos) << full.err;
  RunResult stats = run_dossier({"-p", project.string(), "--json", "stats"});
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  std::printf("committed before the log filled up: %llu documents\n",
              static_cast<unsigned long long>(stats.json()["documents"].get<uint64_t>()));
  RunResult verify = run_dossier({"-p", project.string(), "custody", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  ASSERT_EQ(::mount("tmpfs", custody.c_str(), "tmpfs", MS_REMOUNT, "size=8m,mode=0700"), 0)
      << std::strerror(errno);
  RunResult again =
      run_dossier({"-p", project.string(), "ingest", "--commit-every", "8", corpus_.string()});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  expect_same_state(read_project_state(project.string()), *clean_, "custody volume grown");
  ::umount2(custody.c_str(), MNT_DETACH);
}

}  // namespace
}  // namespace dossier::test
