#include "store/blob_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/file_util.h"
#include "core/sha256.h"
#include "temp_dir.h"

namespace dossier::store {
namespace {

std::span<const uint8_t> as_bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Every byte value, several MiB, so reads cross the 1 MiB chunk boundary unevenly.
std::string binary_content(size_t size) {
  std::string data(size, '\0');
  for (size_t i = 0; i < size; ++i)
    data[i] = static_cast<char>((i * 131 + i / 7) & 0xff);
  return data;
}

size_t count_files(const std::filesystem::path& dir) {
  size_t n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file())
      ++n;
  }
  return n;
}

class BlobStoreTest : public ::testing::Test {
 protected:
  BlobStoreTest() : root_(dir_.path() / "blobs"), store_(root_) {
    std::filesystem::create_directories(root_);
  }
  std::filesystem::path write_source(const std::string& name, const std::string& data) {
    std::filesystem::path p = dir_.path() / name;
    EXPECT_TRUE(write_file_atomic(p, data).has_value());
    return p;
  }

  testing::TempDir dir_;
  std::filesystem::path root_;
  BlobStore store_;
};

TEST_F(BlobStoreTest, PutFileStoresUnderItsDigestInFanOutDirectories) {
  std::string data = "the quick brown fox";
  auto put = store_.put_file(write_source("a.txt", data));
  ASSERT_TRUE(put.has_value()) << put.error().to_string();
  EXPECT_TRUE(put->created);
  EXPECT_EQ(put->size, data.size());
  EXPECT_EQ(put->digest, sha256(data));
  std::string hex = to_hex(put->digest);
  EXPECT_EQ(store_.path_of(put->digest), root_ / hex.substr(0, 2) / hex.substr(2, 2) / hex);
  EXPECT_TRUE(store_.contains(put->digest));
}

TEST_F(BlobStoreTest, SameContentStoredOnce) {
  std::string data = "duplicate content";
  auto first = store_.put_file(write_source("one", data));
  auto second = store_.put_file(write_source("two", data));
  auto third = store_.put_bytes(as_bytes(data));
  ASSERT_TRUE(first.has_value() && second.has_value() && third.has_value());
  EXPECT_TRUE(first->created);
  EXPECT_FALSE(second->created);
  EXPECT_FALSE(third->created);
  EXPECT_EQ(first->digest, second->digest);
  EXPECT_EQ(first->digest, third->digest);
  EXPECT_EQ(count_files(root_), 1u);  // and no temp files left behind
}

TEST_F(BlobStoreTest, StoredBytesAreExactlyTheOriginal) {
  std::string data = binary_content(3 * 1024 * 1024 + 12345);
  auto put = store_.put_file(write_source("big.bin", data));
  ASSERT_TRUE(put.has_value()) << put.error().to_string();
  auto back = read_file(store_.path_of(put->digest));
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(*back == data);
  EXPECT_EQ(put->size, data.size());
}

TEST_F(BlobStoreTest, PutBytesMatchesPutFile) {
  std::string data = binary_content(100'000);
  auto from_memory = store_.put_bytes(as_bytes(data));
  ASSERT_TRUE(from_memory.has_value()) << from_memory.error().to_string();
  EXPECT_TRUE(from_memory->created);
  auto from_file = store_.put_file(write_source("same.bin", data));
  ASSERT_TRUE(from_file.has_value());
  EXPECT_FALSE(from_file->created);
  EXPECT_EQ(from_memory->digest, from_file->digest);
  auto back = read_file(store_.path_of(from_memory->digest));
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(*back == data);
}

TEST_F(BlobStoreTest, EmptyContentIsABlobToo) {
  auto put = store_.put_bytes({});
  ASSERT_TRUE(put.has_value()) << put.error().to_string();
  EXPECT_EQ(put->size, 0u);
  EXPECT_EQ(to_hex(put->digest),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(std::filesystem::file_size(store_.path_of(put->digest)), 0u);
}

TEST_F(BlobStoreTest, BlobsAreReadOnly) {
  auto put = store_.put_bytes(as_bytes("immutable"));
  ASSERT_TRUE(put.has_value());
  struct stat st {};
  ASSERT_EQ(::stat(store_.path_of(put->digest).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0444u);
}

TEST_F(BlobStoreTest, MissingSourceIsNotFoundAndLeavesNoTemp) {
  auto put = store_.put_file(dir_.path() / "does-not-exist");
  ASSERT_FALSE(put.has_value());
  EXPECT_EQ(put.error().code, ErrorCode::kNotFound);
  EXPECT_NE(put.error().context.find("does-not-exist"), std::string::npos);
  EXPECT_EQ(count_files(root_), 0u);
}

TEST_F(BlobStoreTest, MissingRootSaysToInitTheProject) {
  BlobStore nowhere(dir_.path() / "no-such-project" / "blobs");
  auto put = nowhere.put_bytes(as_bytes("x"));
  ASSERT_FALSE(put.has_value());
  EXPECT_NE(put.error().message.find("dossier init"), std::string::npos) << put.error().message;
}

TEST_F(BlobStoreTest, FailuresWritingTheStoreAreToldApartFromUnreadableSources) {
  auto missing = store_.put_file(dir_.path() / "does-not-exist");
  ASSERT_FALSE(missing.has_value());
  EXPECT_FALSE(store_.failed_writing(missing.error()));
  BlobStore nowhere(dir_.path() / "no-such-project" / "blobs");
  auto put = nowhere.put_bytes(as_bytes("x"));
  ASSERT_FALSE(put.has_value());
  EXPECT_TRUE(nowhere.failed_writing(put.error())) << put.error().to_string();
  EXPECT_TRUE(store_.failed_writing(Error{ErrorCode::kDiskFull, "cannot write", "/anywhere"}));
  EXPECT_FALSE(store_.failed_writing(Error{ErrorCode::kIo, "cannot read", root_.string() + "-elsewhere/x"}));
}

TEST_F(BlobStoreTest, StaleTempsOfAKilledRunAreRemoved) {
  ASSERT_TRUE(store_.put_bytes(as_bytes("kept")).has_value());
  std::filesystem::create_directories(root_ / "tmp");
  ASSERT_TRUE(write_file_atomic(root_ / "tmp" / "put-1-2-3.tmp", std::string(1000, 'x')).has_value());
  auto freed = store_.remove_stale_temps();
  ASSERT_TRUE(freed.has_value()) << freed.error().to_string();
  EXPECT_EQ(*freed, 1000u);
  EXPECT_EQ(count_files(root_), 1u);
  EXPECT_TRUE(store_.contains(sha256(std::string_view("kept"))));
  BlobStore fresh(dir_.path() / "fresh");
  EXPECT_EQ(*fresh.remove_stale_temps(), 0u);  // no tmp folder yet
}

TEST_F(BlobStoreTest, ContainsIsFalseForUnknownDigest) {
  EXPECT_FALSE(store_.contains(sha256(std::string_view("never stored"))));
}

TEST_F(BlobStoreTest, ConcurrentPutsOfSameContentCreateExactlyOnce) {
  std::string data = binary_content(2 * 1024 * 1024 + 3);
  std::filesystem::path source = write_source("shared.bin", data);
  constexpr int kThreads = 8;
  std::vector<Result<PutResult>> results(kThreads, Error{});
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      results[static_cast<size_t>(i)] =
          i % 2 == 0 ? store_.put_file(source) : store_.put_bytes(as_bytes(data));
    });
  }
  for (auto& t : threads)
    t.join();
  int created = 0;
  for (const auto& r : results) {
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    EXPECT_EQ(r->digest, sha256(data));
    created += r->created ? 1 : 0;
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(count_files(root_), 1u);
  auto back = read_file(store_.path_of(sha256(data)));
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(*back == data);
}

TEST_F(BlobStoreTest, ConcurrentPutsOfDifferentContentAllLand) {
  constexpr int kThreads = 6;
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  std::mutex mu;
  int created = 0;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      std::string data = "content number " + std::to_string(i);
      auto r = store_.put_bytes(as_bytes(data));
      std::lock_guard lock(mu);
      if (r.has_value() && r->created)
        ++created;
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(created, kThreads);
  EXPECT_EQ(count_files(root_), static_cast<size_t>(kThreads));
}

}  // namespace
}  // namespace dossier::store
