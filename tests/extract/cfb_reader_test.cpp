#include "extract/cfb_reader.h"

#include <gtest/gtest.h>

#include "cfb_test_util.h"
#include "extract/ole_extractor.h"
#include "test_util.h"

namespace dossier::extract {
namespace {

using testing::CfbWriter;

std::span<const uint8_t> span_of(const std::string& s) {
  return testing::as_bytes(s);
}

TEST(CfbReader, ReadsStreamsInStoragesAndMiniStream) {
  CfbWriter w;
  w.add("small", "hello");
  w.add("Dir/big", std::string(10000, 'x'));
  w.add("Dir/Sub/tiny", "abc");
  testing::CfbFile f = w.build();
  auto r = CfbReader::open(span_of(f.bytes));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  const CfbEntry* small = r->find("small");
  ASSERT_NE(small, nullptr);
  EXPECT_EQ(small->type, CfbType::kStream);
  EXPECT_EQ(r->read_stream(*small).value(), "hello");
  const CfbEntry* big = r->find("Dir/big");
  ASSERT_NE(big, nullptr);
  EXPECT_EQ(big->path, "Dir/big");
  EXPECT_EQ(r->read_stream(*big).value(), std::string(10000, 'x'));
  const CfbEntry* tiny = r->find("dir/sub/TINY");  // names compare case-insensitively
  ASSERT_NE(tiny, nullptr);
  EXPECT_EQ(r->read_stream(*tiny).value(), "abc");
  EXPECT_EQ(r->find("Dir")->type, CfbType::kStorage);
  EXPECT_EQ(r->find("missing"), nullptr);
}

TEST(CfbReader, SizeCapIsALimit) {
  CfbWriter w;
  w.add("big", std::string(10000, 'x'));
  testing::CfbFile f = w.build();
  auto r = CfbReader::open(span_of(f.bytes));
  ASSERT_TRUE(r.has_value());
  auto s = r->read_stream(*r->find("big"), 4096);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kLimit);
}

TEST(CfbReader, FatCycleIsCorruptNotAHang) {
  CfbWriter w;
  w.add("big", std::string(5000, 'x'));
  testing::CfbFile f = w.build();
  uint32_t first = f.start["big"];
  // Point the stream's second sector back to its first.
  testing::put32(f.bytes, f.fat_offset() + 4 * (first + 1), first);
  auto r = CfbReader::open(span_of(f.bytes));
  ASSERT_TRUE(r.has_value());
  auto s = r->read_stream(*r->find("big"));
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kCorrupt);
  EXPECT_NE(s.error().message.find("loops"), std::string::npos);
}

TEST(CfbReader, OutOfRangeSectorIsCorrupt) {
  CfbWriter w;
  w.add("big", std::string(5000, 'x'));
  testing::CfbFile f = w.build();
  testing::put32(f.bytes, f.fat_offset() + 4 * f.start["big"], 0x00FFFFFF);
  auto r = CfbReader::open(span_of(f.bytes));
  ASSERT_TRUE(r.has_value());
  auto s = r->read_stream(*r->find("big"));
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kCorrupt);
}

TEST(CfbReader, DirectoryCycleTerminates) {
  CfbWriter w;
  w.add("a", "1");
  w.add("b", "2");
  testing::CfbFile f = w.build();
  auto r0 = CfbReader::open(span_of(f.bytes));
  ASSERT_TRUE(r0.has_value());
  // Make the directory's FAT entry point at itself: the chain loops.
  const uint32_t dir = testing::CfbFile{f}.first_fat_sector - 1;
  testing::put32(f.bytes, f.fat_offset() + 4 * dir, dir);
  auto r = CfbReader::open(span_of(f.bytes));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kCorrupt);
}

TEST(CfbReader, SiblingCycleTerminates) {
  CfbWriter w;
  w.add("a", "1");
  w.add("b", "2");
  testing::CfbFile f = w.build();
  // Directory entries 1 and 2 point at each other as siblings.
  const size_t dir = (size_t{f.first_fat_sector - 1} + 1) * 512;
  testing::put32(f.bytes, dir + 2 * 128 + 68, 1);
  auto r = CfbReader::open(span_of(f.bytes));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->root().children.size(), 2u);
}

TEST(CfbReader, TruncatedAndGarbageFilesAreErrors) {
  CfbWriter w;
  w.add("big", std::string(20000, 'x'));
  testing::CfbFile f = w.build();
  for (size_t cut :
       {size_t{0}, size_t{8}, size_t{300}, size_t{512}, size_t{4000}, f.bytes.size() - 600}) {
    std::string t = f.bytes.substr(0, cut);
    auto r = CfbReader::open(span_of(t));
    if (r.has_value()) {
      for (const CfbEntry& e : r->entries()) {
        if (e.type == CfbType::kStream)
          (void)r->read_stream(e);
      }
    }
  }
  std::string bad = f.bytes;
  testing::put16(bad, 0x1E, 30);  // absurd sector shift
  EXPECT_FALSE(CfbReader::open(span_of(bad)).has_value());
  // Random bytes after a valid header must not crash.
  std::string noise = f.bytes.substr(0, 512);
  for (int i = 0; i < 8192; ++i)
    noise += static_cast<char>((i * 7919) % 251);
  auto r = CfbReader::open(span_of(noise));
  if (r.has_value()) {
    for (const CfbEntry& e : r->entries()) {
      if (e.type == CfbType::kStream)
        (void)r->read_stream(e);
    }
  }
}

TEST(CfbReader, EncryptedOoxmlIsNamed) {
  CfbWriter w;
  w.add("EncryptionInfo", "xx");
  w.add("EncryptedPackage", std::string(5000, 'z'));
  testing::CfbFile f = w.build();
  auto r = testing::run(OleExtractor(), f.bytes);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kEncrypted);
  EXPECT_EQ(r.error().message, "encrypted Office document: needs a password");
}

TEST(CfbReader, UnknownOleFileNamesItsStreams) {
  CfbWriter w;
  w.add("VisioDocument", "xx");
  testing::CfbFile f = w.build();
  auto r = testing::run(OleExtractor(), f.bytes);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kUnsupported);
  EXPECT_NE(r.error().message.find("Microsoft Visio drawing is not supported yet"),
            std::string::npos);
}

}  // namespace
}  // namespace dossier::extract
