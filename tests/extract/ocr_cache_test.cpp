// CachingOcrEngine: identical inputs are read once; failures are not remembered; the oldest
// readings are forgotten first.
#include "extract/ocr_cache.h"

#include <gtest/gtest.h>

namespace dossier::extract {
namespace {

class FakeOcr final : public OcrEngine {
 public:
  explicit FakeOcr(int& calls) : calls_(calls) {}
  std::string tool() const override { return "fake"; }
  std::string tool_version() const override { return "1.0 eng"; }
  Status load() override { return ok_status(); }
  Result<OcrPage> recognize(const OcrPixels& px) override {
    ++calls_;
    return OcrPage{"pixels " + std::to_string(px.width), 77, 0};
  }
  Result<std::vector<OcrPage>> recognize_image(std::span<const uint8_t> bytes) override {
    ++calls_;
    if (bytes.empty()) return Error{ErrorCode::kCorrupt, "empty", {}};
    return std::vector<OcrPage>{{"page one", 90, 0}, {"page two", 40, 180}};
  }

 private:
  int& calls_;
};

std::span<const uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

TEST(CachingOcrEngine, ReadsIdenticalImagesOnce) {
  int calls = 0;
  CachingOcrEngine cache(std::make_unique<FakeOcr>(calls));
  std::string image = "the same scan";
  ASSERT_TRUE(cache.recognize_image(bytes_of(image)).has_value());
  auto second = cache.recognize_image(bytes_of(image));
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(cache.hits(), 1U);
  ASSERT_EQ(second->size(), 2U);
  EXPECT_EQ((*second)[1].text, "page two");
  EXPECT_EQ((*second)[1].rotation, 180);
  ASSERT_TRUE(cache.recognize_image(bytes_of("another scan")).has_value());
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(cache.tool_version(), "1.0 eng");
}

TEST(CachingOcrEngine, PixelsAreKeyedByContentAndShape) {
  int calls = 0;
  CachingOcrEngine cache(std::make_unique<FakeOcr>(calls));
  std::vector<uint8_t> a(12, 0x80);
  OcrPixels px{a.data(), 4, 3, 1, 4, 300};
  ASSERT_TRUE(cache.recognize(px).has_value());
  ASSERT_TRUE(cache.recognize(px).has_value());
  EXPECT_EQ(calls, 1);
  OcrPixels reshaped{a.data(), 3, 4, 1, 3, 300};  // the same bytes, another shape
  ASSERT_TRUE(cache.recognize(reshaped).has_value());
  EXPECT_EQ(calls, 2);
  a[5] = 0;
  ASSERT_TRUE(cache.recognize(px).has_value());
  EXPECT_EQ(calls, 3);
}

TEST(CachingOcrEngine, FailuresAreNotRemembered) {
  int calls = 0;
  CachingOcrEngine cache(std::make_unique<FakeOcr>(calls));
  EXPECT_FALSE(cache.recognize_image({}).has_value());
  EXPECT_FALSE(cache.recognize_image({}).has_value());
  EXPECT_EQ(calls, 2);
}

TEST(CachingOcrEngine, ForgetsTheOldestFirst) {
  int calls = 0;
  CachingOcrEngine cache(std::make_unique<FakeOcr>(calls), 2);
  for (const char* s : {"a", "b", "c"}) ASSERT_TRUE(cache.recognize_image(bytes_of(s)).has_value());
  EXPECT_EQ(calls, 3);
  ASSERT_TRUE(cache.recognize_image(bytes_of("c")).has_value());
  ASSERT_TRUE(cache.recognize_image(bytes_of("b")).has_value());
  EXPECT_EQ(calls, 3);
  ASSERT_TRUE(cache.recognize_image(bytes_of("a")).has_value());  // forgotten
  EXPECT_EQ(calls, 4);
}

}  // namespace
}  // namespace dossier::extract
