#include "ingest/walker.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

namespace dossier::ingest {
namespace {

namespace fs = std::filesystem;

class WalkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("dossier-walk-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "b" / "deep");
    fs::create_directories(root_ / "a");
    write(root_ / "b" / "deep" / "z.txt", "z");
    write(root_ / "a" / "y.txt", "yy");
    write(root_ / "x.txt", "xxx");
  }
  void TearDown() override { fs::remove_all(root_); }
  static void write(const fs::path& p, const std::string& s) { std::ofstream(p) << s; }

  struct Seen {
    std::vector<std::string> files;
    std::vector<std::string> problems;
  };
  Seen run(const std::vector<fs::path>& inputs) {
    Seen s;
    walk(
        inputs,
        [&](const WalkedFile& f) {
          s.files.push_back(f.path.lexically_relative(root_).string() + ":" + std::to_string(f.size));
          return true;
        },
        [&](const WalkProblem& p) {
          s.problems.push_back(p.path.filename().string() + ": " + p.reason);
          return true;
        });
    return s;
  }

  fs::path root_;
};

TEST_F(WalkerTest, VisitsEveryFileInSortedOrderWithSizes) {
  Seen s = run({root_});
  EXPECT_EQ(s.files, (std::vector<std::string>{"a/y.txt:2", "b/deep/z.txt:1", "x.txt:3"}));
  EXPECT_TRUE(s.problems.empty());
}

TEST_F(WalkerTest, TrailingSlashAndRelativeInputsGiveAbsolutePaths) {
  Seen s = run({fs::path(root_.string() + "/")});
  EXPECT_EQ(s.files.size(), 3u);
  Seen single;
  walk(
      {root_ / "a" / "." / "y.txt"},
      [&](const WalkedFile& f) {
        EXPECT_TRUE(f.path.is_absolute());
        EXPECT_EQ(f.path, root_ / "a" / "y.txt");
        single.files.push_back(f.path.string());
        return true;
      },
      [](const WalkProblem&) { return true; });
  EXPECT_EQ(single.files.size(), 1u);
}

TEST_F(WalkerTest, SymlinksInsideFoldersAreReportedNotFollowed) {
  fs::create_symlink(root_ / "a", root_ / "link-to-a");
  Seen s = run({root_});
  EXPECT_EQ(s.files.size(), 3u);
  ASSERT_EQ(s.problems.size(), 1u);
  EXPECT_NE(s.problems[0].find("symbolic link, not followed"), std::string::npos);
}

TEST_F(WalkerTest, SymlinkGivenOnTheCommandLineIsFollowed) {
  fs::create_symlink(root_ / "a", root_ / "link-to-a");
  Seen s = run({root_ / "link-to-a"});
  ASSERT_EQ(s.files.size(), 1u);
  EXPECT_TRUE(s.problems.empty());
}

TEST_F(WalkerTest, PipesAndMissingPathsAreProblems) {
  ASSERT_EQ(::mkfifo((root_ / "pipe").c_str(), 0600), 0);
  Seen s = run({root_, root_ / "missing"});
  EXPECT_EQ(s.files.size(), 3u);
  ASSERT_EQ(s.problems.size(), 2u);
  EXPECT_NE(s.problems[0].find("named pipe"), std::string::npos);
  EXPECT_NE(s.problems[1].find("No such file"), std::string::npos);
}

TEST_F(WalkerTest, UnreadableFolderIsAProblem) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads every folder";
  fs::permissions(root_ / "b", fs::perms::none);
  Seen s = run({root_});
  fs::permissions(root_ / "b", fs::perms::owner_all);
  EXPECT_EQ(s.problems.size(), 1u);
}

}  // namespace
}  // namespace dossier::ingest
