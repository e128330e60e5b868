#include "ingest/unsettled_entries.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace dossier::ingest {
namespace {

namespace fs = std::filesystem;

custody::IngestEntry ingest(uint8_t content, const std::string& path, int64_t received) {
  custody::IngestEntry e;
  e.sha256.fill(content);
  e.size = 10;
  e.location.path = path;
  e.received = received;
  e.dossier_version = "0.1.0";
  return e;
}

custody::DeriveEntry derive(uint8_t content, int64_t time) {
  custody::DeriveEntry e;
  e.derivation = "text";
  e.input.fill(content);
  e.output.fill(0x77);
  e.output_size = 5;
  e.tool = "text";
  e.tool_version = "1";
  e.time = time;
  e.dossier_version = "0.1.0";
  return e;
}

class UnsettledEntriesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("dossier-unsettled-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    auto log = custody::CustodyLog::create(dir_, "dossier.invalid/test");
    ASSERT_TRUE(log) << log.error().to_string();
    // Entry 0 is settled; 1..4 were logged by a batch that never committed.
    for (const custody::Entry& e :
         std::vector<custody::Entry>{ingest(1, "/settled", 100), ingest(2, "/a", 200),
                                     derive(2, 201), ingest(2, "/a", 202), ingest(3, "/b", 203)}) {
      ASSERT_TRUE(log->append(custody::encode_entry(e)));
    }
    log_.emplace(std::move(*log));
  }
  void TearDown() override {
    log_.reset();
    fs::remove_all(dir_);
  }
  fs::path dir_;
  std::optional<custody::CustodyLog> log_;
};

TEST_F(UnsettledEntriesTest, SameStatementsAreTakenOnceEachOldestFirst) {
  auto u = UnsettledEntries::read(*log_, 1);
  ASSERT_TRUE(u) << u.error().to_string();
  EXPECT_EQ(u->size(), 4u);
  EXPECT_EQ(u->documents(),
            (std::vector<std::string>{
                "0202020202020202020202020202020202020202020202020202020202020202",
                "0303030303030303030303030303030303030303030303030303030303030303"}));
  // The time is not part of the statement: a later run states the same thing at another time.
  auto first = u->take(ingest(2, "/a", 999));
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->index, 1u);
  EXPECT_EQ(first->received, 200);
  auto second = u->take(ingest(2, "/a", 999));
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->index, 3u);
  EXPECT_FALSE(u->take(ingest(2, "/a", 999)).has_value());
  EXPECT_FALSE(u->take(ingest(1, "/settled", 100)).has_value());  // settled: not ours to reuse
  EXPECT_FALSE(u->take(ingest(3, "/elsewhere", 203)).has_value());
  EXPECT_TRUE(u->take(derive(2, 500)));
  EXPECT_FALSE(u->take(derive(2, 500)));
}

TEST_F(UnsettledEntriesTest, NothingPastTheEndIsUnsettled) {
  auto u = UnsettledEntries::read(*log_, log_->size());
  ASSERT_TRUE(u);
  EXPECT_EQ(u->size(), 0u);
  EXPECT_TRUE(u->documents().empty());
}

}  // namespace
}  // namespace dossier::ingest
