#include "extract/zip_archive.h"

#include <gtest/gtest.h>

#include "test_util.h"
#include "zip_test_util.h"

namespace dossier::extract {
namespace {

using testing::as_bytes;
using testing::make_zip;
using testing::ZipCompression;

TEST(ZipArchive, ReadsMembersByExactName) {
  std::string zip = make_zip({{"a.txt", "alpha"}, {"dir/", ""}, {"dir/b.xml", "<b/>"}});
  ASSERT_FALSE(zip.empty());
  auto r = ZipArchive::open(as_bytes(zip), 1 << 20);
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  ASSERT_EQ(r->members().size(), 3u);
  EXPECT_EQ(r->members()[0].name, "a.txt");
  EXPECT_EQ(r->members()[0].size, 5u);
  EXPECT_TRUE(r->members()[1].is_dir);
  ASSERT_NE(r->find("a.txt"), nullptr);
  EXPECT_EQ(*r->find("a.txt"), "alpha");
  ASSERT_NE(r->find("dir/b.xml"), nullptr);
  EXPECT_EQ(*r->find("dir/b.xml"), "<b/>");
  EXPECT_EQ(r->find("A.txt"), nullptr);
  EXPECT_EQ(r->find("dir/"), nullptr);
  EXPECT_EQ(r->names_with_prefix("dir/"), std::vector<std::string>{"dir/b.xml"});
  EXPECT_FALSE(r->over_limit());
}

TEST(ZipArchive, ReadsStoredMembers) {
  std::string zip =
      make_zip({{"mimetype", "application/vnd.oasis.opendocument.text"}}, ZipCompression::kStore);
  auto r = ZipArchive::open(as_bytes(zip), 1 << 20);
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  ASSERT_NE(r->find("mimetype"), nullptr);
  EXPECT_EQ(*r->find("mimetype"), "application/vnd.oasis.opendocument.text");
}

TEST(ZipArchive, NotAZipIsCorrupt) {
  auto r = ZipArchive::open(as_bytes("this is plain text, not a zip archive at all"), 1 << 20);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kCorrupt);
}

TEST(ZipArchive, TruncatedZipIsAnErrorOrPartial) {
  std::string zip = make_zip({{"a.txt", std::string(5000, 'a')}, {"b.txt", "bbb"}});
  std::string cut = zip.substr(0, zip.size() / 2);
  auto r = ZipArchive::open(as_bytes(cut), 1 << 20);
  if (r.has_value()) {
    EXPECT_EQ(r->find("b.txt"), nullptr);
  } else {
    EXPECT_EQ(r.error().code, ErrorCode::kCorrupt) << r.error().to_string();
  }
}

TEST(ZipArchive, GarbageAfterZipMagicIsCorrupt) {
  std::string bytes = "PK\x03\x04" + std::string(200, '\xff');
  auto r = ZipArchive::open(as_bytes(bytes), 1 << 20);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kCorrupt);
}

TEST(ZipArchive, EncryptedMembersAreFlaggedAndAllEncryptedIsAnError) {
  std::string zip = make_zip({{"secret.txt", "the secret"}}, ZipCompression::kDeflate, "pw");
  ASSERT_FALSE(zip.empty());
  auto r = ZipArchive::open(as_bytes(zip), 1 << 20);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kEncrypted) << r.error().to_string();
}

TEST(ZipArchive, StopsReadingPastTheLimit) {
  std::string zip = make_zip({{"small", "12345"}, {"big", std::string(10000, 'x')}, {"c", "c"}});
  auto r = ZipArchive::open(as_bytes(zip), 1000);
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  EXPECT_TRUE(r->over_limit());
  ASSERT_EQ(r->members().size(), 3u);
  EXPECT_NE(r->find("small"), nullptr);
  EXPECT_EQ(r->find("big"), nullptr);
  EXPECT_EQ(r->find("c"), nullptr);
}

TEST(ZipArchive, FirstMemberOverTheLimitIsALimitError) {
  std::string zip = make_zip({{"big", std::string(10000, 'x')}});
  auto r = ZipArchive::open(as_bytes(zip), 1000);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kLimit);
}

TEST(ZipArchive, EmptyZipHasNoMembers) {
  std::string zip = make_zip({});
  ASSERT_FALSE(zip.empty());
  auto r = ZipArchive::open(as_bytes(zip), 1000);
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  EXPECT_TRUE(r->members().empty());
}

}  // namespace
}  // namespace dossier::extract
