// Chinese exactness on a real corpus: for random 2–6 character substrings of /work/shared's zh-laws
// (Chinese statutes, Simplified), the hits must be exactly the files containing the substring.
// Set DOSSIER_FULL_CORPUS=1 to index all 1,586 files instead of 200 (and print the speed).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "core/file_util.h"
#include "index/index.h"
#include "index_test_util.h"
#include "text/normalize.h"

namespace dossier::index {
namespace {

namespace fs = std::filesystem;

// Text as the index sees CJK adjacency: folded, and whitespace between two CJK characters removed.
std::string joined(std::string_view raw) {
  std::string in = text::normalize(raw), out;
  bool last_cjk = false;
  for (size_t i = 0; i < in.size();) {
    size_t start = i;
    char32_t c = text::decode_utf8(in, i);
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0x3000) {
      size_t j = i;
      while (j < in.size() && (in[j] == ' ' || in[j] == '\n' || in[j] == '\r' || in[j] == '\t'))
        ++j;
      size_t k = j;
      bool next_cjk = k < in.size() && text::is_cjk(text::decode_utf8(in, k));
      if (!(last_cjk && next_cjk))
        out += ' ';
      i = j;
      last_cjk = false;
      continue;
    }
    out.append(in, start, i - start);
    last_cjk = text::is_cjk(c);
  }
  return out;
}

TEST(ZhLaws, ChineseSubstringHitsEqualContainingFiles) {
  fs::path root = fs::path(DOSSIER_SHARED) / "corpora/zh-laws";
  if (!fs::exists(root))
    GTEST_SKIP() << root << " is absent";
  std::vector<fs::path> files;
  for (auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file() && e.path().extension() == ".md")
      files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  bool full = std::getenv("DOSSIER_FULL_CORPUS") != nullptr;
  if (!full) {
    std::vector<fs::path> some;
    for (size_t i = 0; i < files.size() && some.size() < 200; i += files.size() / 200 + 1)
      some.push_back(files[i]);
    files = some;
  }
  testing::TempIndexDir dir;
  auto writer = IndexWriter::open(dir.path());
  ASSERT_TRUE(writer);
  std::vector<std::string> raw;
  uint64_t bytes = 0;
  auto t0 = std::chrono::steady_clock::now();
  for (size_t i = 0; i < files.size(); ++i) {
    auto text = read_file(files[i]);
    ASSERT_TRUE(text);
    bytes += text->size();
    IndexDocument d;
    d.id = std::to_string(i);
    d.paths.push_back(files[i].string());
    d.pages.push_back(IndexPage{0, *text});
    ASSERT_TRUE((*writer)->replace(d));
    raw.push_back(std::move(*text));
  }
  ASSERT_TRUE((*writer)->commit());
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("indexed %zu files, %.1f MB in %.2f s (%.1f MB/s)\n", files.size(),
              static_cast<double>(bytes) / 1e6, secs, static_cast<double>(bytes) / 1e6 / secs);

  std::vector<std::string> folded;
  for (auto& r : raw)
    folded.push_back(joined(r));
  auto searcher = Searcher::open(dir.path());
  ASSERT_TRUE(searcher);
  std::mt19937 rng(20240601);
  int checked = 0;
  while (checked < 20) {
    const std::string& t = raw[rng() % raw.size()];
    if (t.empty())
      continue;
    size_t i = rng() % t.size();
    while (i < t.size() && (static_cast<unsigned char>(t[i]) & 0xC0) == 0x80)
      ++i;
    size_t want = 2 + rng() % 5, n = 0, start = i;
    while (i < t.size() && n < want) {
      size_t here = i;
      if (!text::is_cjk(text::decode_utf8(t, i))) {
        i = here;
        break;
      }
      ++n;
    }
    if (n < 2)
      continue;
    std::string sub = t.substr(start, i - start);
    std::vector<std::string> expected;
    std::string folded_sub = text::normalize(sub);
    for (size_t k = 0; k < raw.size(); ++k) {
      if (folded[k].find(folded_sub) != std::string::npos)
        expected.push_back(std::to_string(k));
    }
    std::sort(expected.begin(), expected.end());
    auto t1 = std::chrono::steady_clock::now();
    std::vector<std::string> got = testing::ids(**searcher, sub);
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t1).count();
    EXPECT_EQ(got, expected) << sub;
    std::printf("  %s: %zu files, %.1f ms\n", sub.c_str(), got.size(), ms);
    ++checked;
  }
}

}  // namespace
}  // namespace dossier::index
