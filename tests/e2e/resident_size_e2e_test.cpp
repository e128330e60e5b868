// Issue #6, bounded resources in the ingesting process: its peak resident size does not grow with
// the number of files, and huge inputs (a sparse gigabyte, a text file four times the text limit,
// an archive of 100,000 members) stream through. The ten-gigabyte and million-member versions
// are in bench/big_inputs_rss.sh.
//
// Two figures per run: ru_maxrss, which also counts the pages of files the process maps (an
// archive it reads through: page cache the kernel can take back), and the peak anonymous
// resident size (heap and stacks), sampled every 20 ms. Sanitizer builds skip it: ASan's shadow
// memory and quarantine say nothing about dossier's.
#include <gtest/gtest.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <fstream>
#include <optional>

#include "fixture_writer.h"
#include "run_dossier.h"

namespace dossier::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

// A folder where fsync is free (tmpfs), so that thousands of small files ingest in seconds; the
// system temp folder if /dev/shm is missing or short of space.
class ScratchDir {
 public:
  ScratchDir() {
    struct statvfs v {};
    if (::statvfs("/dev/shm", &v) == 0 &&
        static_cast<uint64_t>(v.f_bavail) * v.f_frsize > (512ull << 20) &&
        ::access("/dev/shm", W_OK) == 0) {
      path_ = fs::path("/dev/shm") / ("dossier-rss-" + std::to_string(::getpid()));
      fs::create_directories(path_);
    } else {
      fallback_.emplace();
      path_ = fallback_->path();
    }
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!fallback_)
      fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  bool fast() const { return !fallback_; }

 private:
  fs::path path_;
  std::optional<TempDir> fallback_;
};

std::string note(unsigned i) {
  std::string s = "note " + std::to_string(i) + ":";
  uint64_t x = i * 0x9E3779B97F4A7C15ull + 1;
  for (int k = 0; k < 120; ++k) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    s += " w" + std::to_string(x % 50000);
  }
  return s + "\n";
}

RunResult ingest(const fs::path& project, const fs::path& input) {
  EXPECT_EQ(run_dossier({"-p", project.string(), "init"}).exit_code, 0);
  RunResult r = run_dossier_sampled({"-p", project.string(), "--json", "ingest", input.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r;
}

void print(const char* what, const RunResult& r) {
  std::printf("%-44s %7.1f s  peak RSS %5ld MB  peak anonymous %5ld MB\n", what, r.seconds,
              r.max_rss_kb / 1024, r.max_anon_kb / 1024);
}

TEST(ResidentSize, DoesNotGrowWithTheNumberOfFiles) {
  if (kSanitized)
    GTEST_SKIP() << "resident sizes mean nothing under AddressSanitizer";
  ScratchDir scratch;
  const unsigned small = scratch.fast() ? 1000 : 300;
  const unsigned large = small * 10;
  for (unsigned i = 0; i < large; ++i)
    write_bytes(scratch.path() / (i < small ? "small" : "more") / ("d" + std::to_string(i % 97)) /
                    ("n" + std::to_string(i) + ".txt"),
                note(i));
  RunResult a = ingest(scratch.path() / "p-small", scratch.path() / "small");
  // The large corpus is the small one plus nine times as many files.
  EXPECT_EQ(run_dossier({"-p", (scratch.path() / "p-large").string(), "init"}).exit_code, 0);
  RunResult b = run_dossier_sampled({"-p", (scratch.path() / "p-large").string(), "--json",
                                     "ingest", (scratch.path() / "small").string(),
                                     (scratch.path() / "more").string()});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_EQ(b.json()["new_documents"].get<unsigned>(), large);
  print((std::to_string(small) + " files").c_str(), a);
  print((std::to_string(large) + " files").c_str(), b);
  EXPECT_LT(b.max_anon_kb, a.max_anon_kb + 40 * 1024) << "anonymous peak grew with the corpus";
  EXPECT_LT(b.max_rss_kb, a.max_rss_kb + 60 * 1024) << "peak RSS grew with the corpus";
}

TEST(ResidentSize, HugeInputsStreamThrough) {
  if (kSanitized)
    GTEST_SKIP() << "resident sizes mean nothing under AddressSanitizer";
  TempDir dir;
  struct statvfs v {};
  ASSERT_EQ(::statvfs(dir.path().c_str(), &v), 0);
  if (static_cast<uint64_t>(v.f_bavail) * v.f_frsize < (6ull << 30))
    GTEST_SKIP() << "needs 6 GB free in " << dir.path()
                 << " (the project keeps a copy of every input)";

  // A sparse gigabyte: copied into the blob store through a 1 MiB buffer, never read whole.
  write_bytes(dir.path() / "sparse" / "zeros.bin", "");
  fs::resize_file(dir.path() / "sparse" / "zeros.bin", 1ull << 30);
  RunResult sparse = ingest(dir.path() / "p-sparse", dir.path() / "sparse");
  print("1 GiB sparse file", sparse);
  EXPECT_LT(sparse.max_rss_kb / 1024, 150);

  // Text four times the 64 MiB text limit: the rest is cut, with a warning, and memory is what
  // indexing 64 MiB costs whatever the file's size.
  {
    fs::create_directories(dir.path() / "text");
    std::ofstream out(dir.path() / "text" / "long.log", std::ios::binary);
    std::string line;
    for (uint64_t i = 0, written = 0; written < (256ull << 20); ++i) {
      line = "2017-03-01 10:04:" + std::to_string(i % 60) + " event " + std::to_string(i) +
             " account k" + std::to_string(i % 50021) + "\n";
      out << line;
      written += line.size();
    }
  }
  RunResult text = ingest(dir.path() / "p-text", dir.path() / "text");
  print("256 MiB text file (64 MiB indexed)", text);
  EXPECT_LT(text.max_anon_kb / 1024, 1400);
  RunResult failures = run_dossier(
      {"-p", (dir.path() / "p-text").string(), "--json", "search", "account", "--limit", "1"});
  ASSERT_EQ(failures.exit_code, 0);
  EXPECT_EQ(failures.json()["total"], 1);

  // 100,000 members, 500 distinct contents: one member in memory at a time.
  {
    fs::create_directories(dir.path() / "tar");
    TarFileWriter tar(dir.path() / "tar" / "many.tar");
    for (unsigned i = 0; i < 100000; ++i) {
      char name[48];
      std::snprintf(name, sizeof name, "d%03u/member-%06u.txt", i / 1000, i);
      tar.add(name, "member content " + std::to_string(i % 500) + " w" +
                        std::to_string(i % 500 * 7919 % 100003) + "\n");
    }
    tar.finish();
  }
  RunResult many = ingest(dir.path() / "p-tar", dir.path() / "tar");
  print("tar of 100,000 members", many);
  EXPECT_EQ(many.json()["embedded"], 100000);
  EXPECT_EQ(many.json()["new_locations"], 100001);
  // All but the first 4,096 members wait for the archive's extraction to end in a scratch file;
  // the last one is found under its own name, and the file is gone.
  RunResult last = run_dossier({"-p", (dir.path() / "p-tar").string(), "--json", "search",
                                "path:\"" + (dir.path() / "tar" / "many.tar" / "d099" / "member-099999.txt").string() + "\""});
  ASSERT_EQ(last.exit_code, 0) << last.err;
  EXPECT_EQ(last.json()["total"], 1) << last.out;
  EXPECT_TRUE(fs::is_empty(dir.path() / "p-tar" / "blobs" / "tmp"));
  EXPECT_LT(many.max_anon_kb / 1024, 200);
  // The 100 MB archive's own pages leave as its members are read.
  EXPECT_LT(many.max_rss_kb / 1024, 200);
}

}  // namespace
}  // namespace dossier::test
