#include "core/sha256.h"

#include <gtest/gtest.h>

#include <fstream>

#include "core/file_util.h"

namespace dossier {
namespace {

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(to_hex(sha256(std::string_view(""))),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(to_hex(sha256(std::string_view("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, StreamingEqualsOneShot) {
  std::string data(3'000'001, 'x');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 31 + 7);
  Sha256 h;
  for (size_t i = 0; i < data.size(); i += 4093) h.update(std::string_view(data).substr(i, 4093));
  EXPECT_EQ(h.finish(), sha256(data));
}

TEST(Sha256, FileMatchesMemory) {
  auto path = std::filesystem::temp_directory_path() / ("dossier_sha_" + std::to_string(::getpid()));
  std::string data(2'500'000, 'q');
  ASSERT_TRUE(write_file_atomic(path, data).has_value());
  auto d = sha256_file(path);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(*d, sha256(data));
  std::filesystem::remove(path);
}

TEST(Sha256, MissingFileIsNotFound) {
  auto d = sha256_file("/nonexistent/dossier/file");
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().code, ErrorCode::kNotFound);
}

TEST(Sha256, HexRoundTrip) {
  Digest d = sha256(std::string_view("abc"));
  auto back = digest_from_hex(to_hex(d));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, d);
  EXPECT_FALSE(digest_from_hex("abc").has_value());
  EXPECT_FALSE(digest_from_hex(std::string(64, 'g')).has_value());
}

}  // namespace
}  // namespace dossier
