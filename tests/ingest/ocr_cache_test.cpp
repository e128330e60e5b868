// CachingOcrEngine: identical inputs are read once per engine and languages; the readings made
// are handed to the writer, and once stored in the catalog they serve later runs.
#include "ingest/ocr_cache.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace dossier::ingest {
namespace {

namespace fs = std::filesystem;

class FakeOcr final : public extract::OcrEngine {
 public:
  explicit FakeOcr(std::string version) : version_(std::move(version)) {}
  std::string tool() const override { return "fake"; }
  std::string tool_version() const override { return version_; }
  Status load() override { return ok_status(); }
  Result<extract::OcrPage> recognize(const extract::OcrPixels& px) override {
    ++calls;
    return extract::OcrPage{"pixels " + std::to_string(px.width), 77, 0};
  }
  Result<std::vector<extract::OcrPage>> recognize_image(std::span<const uint8_t> bytes) override {
    ++calls;
    if (bytes.empty()) return Error{ErrorCode::kCorrupt, "empty", {}};
    return std::vector<extract::OcrPage>{{"page one", 90, 0}, {"page two", 40, 180}};
  }
  int calls = 0;

 private:
  std::string version_;
};

class OcrCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("dossier-ocr-cache-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto c = store::open_sqlite_catalog((dir_ / "dossier.db").string(), store::OpenMode::kReadWrite);
    ASSERT_TRUE(c.has_value()) << c.error().to_string();
    catalog_ = std::move(c).value();
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
  std::unique_ptr<store::Catalog> catalog_;
};

std::span<const uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

TEST_F(OcrCacheTest, ReadsIdenticalImagesOnce) {
  FakeOcr fake("1.0 eng");
  CachingOcrEngine cache(fake, *catalog_);
  std::string image = "the same scan";
  auto first = cache.recognize_image(bytes_of(image));
  ASSERT_TRUE(first.has_value());
  auto second = cache.recognize_image(bytes_of(image));  // before any commit
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(fake.calls, 1);
  ASSERT_EQ(second->size(), 2U);
  EXPECT_EQ((*second)[1].text, "page two");
  EXPECT_EQ((*second)[1].rotation, 180);
  EXPECT_EQ(cache.hits(), 1U);

  auto readings = cache.take_new_readings();
  ASSERT_EQ(readings.size(), 1U);
  EXPECT_EQ(readings[0].engine, "1.0 eng");
  EXPECT_EQ(readings[0].input.size(), 64U);
  EXPECT_TRUE(cache.take_new_readings().empty());

  // Stored by the writer, the reading serves a new run.
  ASSERT_TRUE(catalog_->put_ocr_reading(readings[0]).has_value());
  FakeOcr later("1.0 eng");
  CachingOcrEngine cache2(later, *catalog_);
  auto again = cache2.recognize_image(bytes_of(image));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(later.calls, 0);
  ASSERT_EQ(again->size(), 2U);
  EXPECT_EQ((*again)[0].text, "page one");
  EXPECT_FLOAT_EQ((*again)[0].confidence, 90);

  // Other languages or another engine version read it again.
  FakeOcr other("1.0 eng+chi_sim");
  CachingOcrEngine cache3(other, *catalog_);
  ASSERT_TRUE(cache3.recognize_image(bytes_of(image)).has_value());
  EXPECT_EQ(other.calls, 1);
}

TEST_F(OcrCacheTest, PixelsAreKeyedByContentAndShape) {
  FakeOcr fake("1.0 eng");
  CachingOcrEngine cache(fake, *catalog_);
  std::vector<uint8_t> a(12, 0x80);
  extract::OcrPixels px{a.data(), 4, 3, 1, 4, 300};
  ASSERT_TRUE(cache.recognize(px).has_value());
  ASSERT_TRUE(cache.recognize(px).has_value());
  EXPECT_EQ(fake.calls, 1);
  extract::OcrPixels reshaped{a.data(), 3, 4, 1, 3, 300};  // same bytes, other shape
  ASSERT_TRUE(cache.recognize(reshaped).has_value());
  EXPECT_EQ(fake.calls, 2);
  a[5] = 0;
  ASSERT_TRUE(cache.recognize(px).has_value());
  EXPECT_EQ(fake.calls, 3);
}

TEST_F(OcrCacheTest, FailuresAreNotCached) {
  FakeOcr fake("1.0 eng");
  CachingOcrEngine cache(fake, *catalog_);
  EXPECT_FALSE(cache.recognize_image({}).has_value());
  EXPECT_FALSE(cache.recognize_image({}).has_value());
  EXPECT_EQ(fake.calls, 2);
  EXPECT_TRUE(cache.take_new_readings().empty());
}

}  // namespace
}  // namespace dossier::ingest
