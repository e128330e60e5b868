// ArchiveExtractor under hostile input: zip bombs, limits, truncation.
#include <gtest/gtest.h>

#include <chrono>
#include <random>

#include "archive_test_util.h"
#include "extract/archive_extractor.h"
#include "test_util.h"

namespace dossier::extract {
namespace {

using testing::item_for;
using testing::make_archive;
using testing::make_zip;

// bzip2 -9 of 1 GiB (2^30 bytes) of zeros, 785 bytes, made with
//   python3 -c "import bz2; c = bz2.BZ2Compressor(9); z = bytes(1 << 20);
//               open('bomb.bz2', 'wb').write(b''.join(c.compress(z) for _ in range(1024)) +
//               c.flush())"
// Compressing it here would take 10 s; decompressing all of it, too.
const std::string kGigabyteOfZerosBzip2 = std::string(
    "\x42\x5a\x68\x39\x31\x41\x59\x26\x53\x59\x0e\x09\xe2\xdf\x01\x5f\x8e\x40\x00\xc0\x00\x00"
    "\x08\x20\x00\x30\x80\x4d\x46\x42\xa0\x25\xa9\x0a\x80\x97\x31\x41\x59\x26\x53\x59\x0e\x09"
    "\xe2\xdf\x01\x5f\x8e\x40\x00\xc0\x00\x00\x08\x20\x00\x30\x80\x4d\x46\x42\xa0\x25\xa9\x0a"
    "\x80\x97\x31\x41\x59\x26\x53\x59\x0e\x09\xe2\xdf\x01\x5f\x8e\x40\x00\xc0\x00\x00\x08\x20"
    "\x00\x30\x80\x4d\x46\x42\xa0\x25\xa9\x0a\x80\x97\x31\x41\x59\x26\x53\x59\x0e\x09\xe2\xdf"
    "\x01\x5f\x8e\x40\x00\xc0\x00\x00\x08\x20\x00\x30\x80\x4d\x46\x42\xa0\x25\xa9\x0a\x80\x97"
    "\x31\x41\x59\x26\x53\x59\x0e\x09\xe2\xdf\x01\x5f\x8e\x40\x00\xc0\x00\x00\x08\x20\x00\x30"
    "\x80\x4d\x46\x42\xa0\x25\xa9\x0a\x80\x97\x31\x41\x59\x26\x53\x59\x0e\x09\xe2\xdf\x01\x5f"
    "\x8e\x40\x00\xc0\x00\x00\x08\x20\x00\x30\x80\x4d\x46\x42\xa0\x25\xa9\x0a\x80\x97\x31\x41"
    "\x59\x26\x53\x59\x0e\x09\xe2\xdf\x01\x5f\x8e\x40\x00\xc0\x00\x00\x08\x20\x00\x30\x80\x4d"
    "\x46\x42\xa0\x25\xa9\x0a\x80\x97\x31\x41\x59\x26\x53\x59\x0e\x09\xe2\xdf\x01\x5f\x8e\x40"
    "\x00\xc0\x00\x00\x08\x20\x00\x30\x80\x4d\x46\x42\xa0\x25\xa9\x0a\x80\x97\x31\x41\x59\x26"
    "\x53\x59\x0e\x09\xe2\xdf\x01\x5f\x8e\x40\x00\xc0\x00\x00\x08\x20\x00\x30\x80\x4d\x46\x42"
    "\xa0\x25\xa9\x0a\x80\x97\x31\x41\x59\x26\x53\x59\x0e\x09\xe2\xdf\x01\x5f\x8e\x40\x00\xc0"
    "\x00\x00\x08\x20\x00\x30\x80\x4d\x46\x42\xa0\x25\xa9\x0a\x80\x97\x31\x41\x59\x26\x53\x59"
    "\x0e\x09\xe2\xdf\x01\x5f\x8e\x40\x00\xc0\x00\x00\x08\x20\x00\x30\x80\x4d\x46\x42\xa0\x25"
    "\xa9\x0a\x80\x97\x31\x41\x59\x26\x53\x59\x0e\x09\xe2\xdf\x01\x5f\x8e\x40\x00\xc0\x00\x00"
    "\x08\x20\x00\x30\x80\x4d\x46\x42\xa0\x25\xa9\x0a\x80\x97\x31\x41\x59\x26\x53\x59\x0e\x09"
    "\xe2\xdf\x01\x5f\x8e\x40\x00\xc0\x00\x00\x08\x20\x00\x30\x80\x4d\x46\x42\xa0\x25\xa9\x0a"
    "\x80\x97\x31\x41\x59\x26\x53\x59\x0e\x09\xe2\xdf\x01\x5f\x8e\x40\x00\xc0\x00\x00\x08\x20"
    "\x00\x30\x80\x4d\x46\x42\xa0\x25\xa9\x0a\x80\x97\x31\x41\x59\x26\x53\x59\x0e\x09\xe2\xdf"
    "\x01\x5f\x8e\x40\x00\xc0\x00\x00\x08\x20\x00\x30\x80\x4d\x46\x42\xa0\x25\xa9\x0a\x80\x97"
    "\x31\x41\x59\x26\x53\x59\x0e\x09\xe2\xdf\x01\x5f\x8e\x40\x00\xc0\x00\x00\x08\x20\x00\x30"
    "\x80\x4d\x46\x42\xa0\x25\xa9\x0a\x80\x97\x31\x41\x59\x26\x53\x59\x0e\x09\xe2\xdf\x01\x5f"
    "\x8e\x40\x00\xc0\x00\x00\x08\x20\x00\x30\x80\x4d\x46\x42\xa0\x25\xa9\x0a\x80\x97\x31\x41"
    "\x59\x26\x53\x59\x0e\x09\xe2\xdf\x01\x5f\x8e\x40\x00\xc0\x00\x00\x08\x20\x00\x30\x80\x4d"
    "\x46\x42\xa0\x25\xa9\x0a\x80\x97\x31\x41\x59\x26\x53\x59\x0e\x09\xe2\xdf\x01\x5f\x8e\x40"
    "\x00\xc0\x00\x00\x08\x20\x00\x30\x80\x4d\x46\x42\xa0\x25\xa9\x0a\x80\x97\x31\x41\x59\x26"
    "\x53\x59\x0e\x09\xe2\xdf\x01\x5f\x8e\x40\x00\xc0\x00\x00\x08\x20\x00\x30\x80\x4d\x46\x42"
    "\xa0\x25\xa9\x0a\x80\x97\x31\x41\x59\x26\x53\x59\x0e\x09\xe2\xdf\x01\x5f\x8e\x40\x00\xc0"
    "\x00\x00\x08\x20\x00\x30\x80\x4d\x46\x42\xa0\x25\xa9\x0a\x80\x97\x31\x41\x59\x26\x53\x59"
    "\x0e\x09\xe2\xdf\x01\x5f\x8e\x40\x00\xc0\x00\x00\x08\x20\x00\x30\x80\x4d\x46\x42\xa0\x25"
    "\xa9\x0a\x80\x97\x31\x41\x59\x26\x53\x59\x0e\x09\xe2\xdf\x01\x5f\x8e\x40\x00\xc0\x00\x00"
    "\x08\x20\x00\x30\x80\x4d\x46\x42\xa0\x25\xa9\x0a\x80\x97\x31\x41\x59\x26\x53\x59\x48\x7c"
    "\x5f\xc9\x00\x8a\x52\xc8\x00\xc0\x00\x00\x04\x00\x08\x20\x00\x30\xcc\x05\x29\xa6\x91\x22"
    "\x43\x61\x44\x89\x0f\x17\x72\x45\x38\x50\x90\xf6\x88\xe4\x02",
    785);
constexpr uint64_t kGigabyte = 1ull << 30;
constexpr uint32_t kGigabyteOfZerosCrc = 0x5b64c2b0;

Result<Extraction> extract_with(const std::string& bytes, const std::string& name, Limits limits) {
  ArchiveExtractor extractor;
  Item item = item_for(bytes, name);
  ExtractContext ctx;
  ctx.limits = limits;
  ctx.item_size = bytes.size();
  return extractor.extract(item, ctx);
}

std::string random_bytes(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s)
    c = static_cast<char>(rng());
  return s;
}

TEST(ArchiveLimits, ZipBombStopsAtTheRatioLimitFast) {
  // A 1 KB zip whose one member (bzip2, method 12) expands to 1 GiB of zeros.
  const std::string zip =
      testing::make_raw_zip("zeros.bin", kGigabyteOfZerosBzip2, 12, kGigabyte, kGigabyteOfZerosCrc);
  ASSERT_LT(zip.size(), 1024u);
  const auto start = std::chrono::steady_clock::now();
  auto x = extract_with(zip, "bomb.zip", Limits{});
  const auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(x.has_value()) << x.error().to_string();
  EXPECT_TRUE(x->children.empty());
  ASSERT_EQ(x->child_problems.size(), 1u);
  EXPECT_EQ(x->child_problems[0].name, "zeros.bin");
  EXPECT_EQ(x->child_problems[0].code, "limit");
  EXPECT_NE(x->child_problems[0].reason.find("zip bomb"), std::string::npos)
      << x->child_problems[0].reason;
  EXPECT_FALSE(x->warnings.empty());
  EXPECT_EQ(x->declared_children, 1u);
  // A guard against a hang, not a timing test: the problem record above shows it stopped at 1 MiB.
  EXPECT_LT(seconds, 60.0);
}

TEST(ArchiveLimits, CompressedBombStopsToo) {
  // (Not zeros: a stream of zeros is an empty tar archive to libarchive, with no members at all.)
  const std::string gz =
      testing::make_compressed(std::string(64 << 20, 'A'), archive_write_add_filter_gzip);
  ASSERT_LT(gz.size(), 200u << 10);
  auto x = extract_with(gz, "letters.txt.gz", Limits{});
  ASSERT_TRUE(x.has_value()) << x.error().to_string();
  EXPECT_TRUE(x->children.empty());
  ASSERT_EQ(x->child_problems.size(), 1u);
  EXPECT_EQ(x->child_problems[0].name, "letters.txt");
  EXPECT_EQ(x->child_problems[0].code, "limit");
}

TEST(ArchiveLimits, SmallMaxChildBytesStopsInTheMemberThatPassesIt) {
  const std::string zip = make_zip({{"one.bin", random_bytes(100 << 10, 1)},
                                    {"two.bin", random_bytes(100 << 10, 2)},
                                    {"three.bin", random_bytes(100 << 10, 3)}});
  Limits limits;
  limits.max_child_bytes = 150 << 10;
  auto x = extract_with(zip, "small.zip", limits);
  ASSERT_TRUE(x.has_value()) << x.error().to_string();
  ASSERT_EQ(x->children.size(), 1u);
  EXPECT_EQ(x->children[0].name, "one.bin");
  ASSERT_EQ(x->child_problems.size(), 1u);
  EXPECT_EQ(x->child_problems[0].name, "two.bin");
  EXPECT_EQ(x->child_problems[0].code, "limit");
  EXPECT_NE(x->child_problems[0].reason.find("more than 0 MiB"), std::string::npos);
  EXPECT_EQ(x->declared_children, 3u);  // the third is neither emitted nor a problem: a mismatch
}

TEST(ArchiveLimits, DeflatedZerosStopAtTheRatioLimit) {
  // 64 MiB of zeros deflate to about 64 KiB: 1000 times.
  const std::string zip = make_zip({{"zeros.bin", std::string(64 << 20, '\0')}});
  ASSERT_LT(zip.size(), 200u << 10);
  auto x = extract_with(zip, "zeros.zip", Limits{});
  ASSERT_TRUE(x.has_value());
  EXPECT_TRUE(x->children.empty());
  ASSERT_EQ(x->child_problems.size(), 1u);
  EXPECT_EQ(x->child_problems[0].code, "limit");
}

TEST(ArchiveLimits, MaxChildrenStopsTheArchive) {
  std::vector<testing::MemberSpec> members;
  for (int i = 0; i < 10; ++i)
    members.push_back({"f" + std::to_string(i) + ".txt", "x"});
  Limits limits;
  limits.max_children = 4;
  auto x = extract_with(make_zip(members), "many.zip", limits);
  ASSERT_TRUE(x.has_value());
  EXPECT_EQ(x->children.size(), 4u);
  ASSERT_EQ(x->child_problems.size(), 1u);
  EXPECT_EQ(x->child_problems[0].code, "limit");
  EXPECT_EQ(x->declared_children, 10u);
}

TEST(ArchiveLimits, TruncatedZipKeepsTheMembersBeforeTheCut) {
  const std::string zip = make_zip({{"first.bin", random_bytes(20000, 4)},
                                    {"second.bin", random_bytes(20000, 5)},
                                    {"third.bin", random_bytes(20000, 6)}});
  const std::string cut = zip.substr(0, 30000);  // inside second.bin, no central directory
  auto x = extract_with(cut, "cut.zip", Limits{});
  ASSERT_TRUE(x.has_value()) << x.error().to_string();
  ASSERT_EQ(x->children.size(), 1u);
  EXPECT_EQ(x->children[0].name, "first.bin");
  EXPECT_EQ(x->children[0].bytes, random_bytes(20000, 4));
  ASSERT_FALSE(x->child_problems.empty());
  EXPECT_EQ(x->child_problems[0].name, "second.bin");
  EXPECT_EQ(x->child_problems[0].code, "corrupt");
  EXPECT_FALSE(x->warnings.empty());
  EXPECT_FALSE(x->declared_children.has_value());  // no directory to count
}

TEST(ArchiveLimits, TruncatedTarGzKeepsTheMembersBeforeTheCut) {
  // libarchive's gzip filter fails outright when the cut falls in its first 64 KiB of output, so
  // the members are larger here.
  const std::string tgz = make_archive(
      {{"first.bin", random_bytes(100000, 7)}, {"second.bin", random_bytes(100000, 8)}},
      archive_write_set_format_ustar, archive_write_add_filter_gzip);
  auto x = extract_with(tgz.substr(0, 150000), "cut.tgz", Limits{});
  ASSERT_TRUE(x.has_value()) << x.error().to_string();
  ASSERT_EQ(x->children.size(), 1u);
  EXPECT_EQ(x->children[0].name, "first.bin");
  ASSERT_EQ(x->child_problems.size(), 1u);
  EXPECT_EQ(x->child_problems[0].name, "second.bin");
  EXPECT_FALSE(x->warnings.empty());
}

TEST(ArchiveLimits, CancelledExtractionStops) {
  const std::string zip = make_zip({{"a.txt", "a"}});
  ArchiveExtractor extractor;
  Item item = item_for(zip, "a.zip");
  std::atomic<bool> cancelled{true};
  ExtractContext ctx;
  ctx.cancelled = &cancelled;
  auto x = extractor.extract(item, ctx);
  ASSERT_FALSE(x.has_value());
  EXPECT_EQ(x.error().code, ErrorCode::kLimit);
}

}  // namespace
}  // namespace dossier::extract
