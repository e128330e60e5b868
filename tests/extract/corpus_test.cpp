// Runs the extractors over the shared Tika test documents: nothing may crash, text formats must
// yield text. Skipped when /work/shared/corpora is absent.
#include <gtest/gtest.h>

#include <filesystem>

#include "extract/registry.h"
#include "test_util.h"

namespace dossier::extract {
namespace {

namespace fs = std::filesystem;

fs::path tika() {
  return fs::path(DOSSIER_SHARED) / "corpora" / "tika";
}

struct Tally {
  int files = 0;
  int with_text = 0;
  int failures = 0;
  std::string failed;
};

Tally run_folder(const std::string& folder, bool need_text) {
  Tally t;
  const fs::path dir = tika() / folder;
  if (!fs::is_directory(dir))
    return t;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_regular_file() || name.find(".upstream.") != std::string::npos ||
        name == "SOURCE.txt" || name == "MISSING.txt") {
      continue;
    }
    const std::string bytes = testing::read_bytes(entry.path());
    Item item = testing::item_for(bytes, name);
    const Extractor* e = Registry::instance().find(testing::probe_for(bytes, name));
    ++t.files;
    if (e == nullptr) {
      ++t.failures;
      t.failed += name + " (unsupported type " + item.mime + ")\n";
      continue;
    }
    ExtractContext ctx;
    auto r = e->extract(item, ctx);
    if (!r.has_value()) {
      ++t.failures;
      t.failed += name + ": " + r.error().to_string() + "\n";
      continue;
    }
    if (r->text_bytes() > 0 || !need_text) {
      ++t.with_text;
    } else {
      t.failed += name + ": no text\n";
    }
  }
  return t;
}

class TikaCorpus : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    if (!fs::is_directory(tika()))
      GTEST_SKIP() << "no " << tika();
  }
};

TEST_P(TikaCorpus, TextFormatsExtractWithoutCrashingAndYieldText) {
  Tally t = run_folder(GetParam(), /*need_text=*/true);
  if (t.files == 0)
    GTEST_SKIP() << "no files in " << GetParam();
  // Almost every file must yield text; the rest must fail with a reason, never crash.
  EXPECT_GE(t.with_text * 10, t.files * 8) << t.failed;
  std::cout << GetParam() << ": " << t.with_text << "/" << t.files << " with text\n" << t.failed;
}

INSTANTIATE_TEST_SUITE_P(Formats, TikaCorpus,
                         ::testing::Values("html", "txt", "md", "csv", "json"));

TEST(TikaImages, ExtractWithoutCrashing) {
  if (!fs::is_directory(tika()))
    GTEST_SKIP() << "no " << tika();
  int files = 0;
  int ok = 0;
  for (const char* folder : {"jpg", "png", "gif", "tif", "bmp", "webp", "heic"}) {
    Tally t = run_folder(folder, /*need_text=*/false);
    files += t.files;
    ok += t.with_text;
    std::cout << folder << ": " << t.with_text << "/" << t.files << " ok\n" << t.failed;
  }
  EXPECT_GT(files, 0);
  EXPECT_GE(ok * 10, files * 7);
}

TEST(TikaXml, EverythingSniffedAsXmlExtractsWithoutCrashing) {
  if (!fs::is_directory(tika()))
    GTEST_SKIP() << "no " << tika();
  int xml = 0;
  int ok = 0;
  std::string failed;
  for (const auto& entry : fs::recursive_directory_iterator(tika())) {
    if (!entry.is_regular_file() || entry.file_size() > (4u << 20))
      continue;
    const std::string bytes = testing::read_bytes(entry.path());
    const Extractor* e = Registry::instance().find(testing::probe_for(bytes));
    if (e == nullptr || e->id().name != "xml")
      continue;
    ++xml;
    ExtractContext ctx;
    auto r = e->extract(testing::item_for(bytes, entry.path().string()), ctx);
    if (r.has_value() && r->text_bytes() > 0) {
      ++ok;
    } else if (!r.has_value()) {
      failed += r.error().to_string() + "\n";
    }
  }
  std::cout << "xml: " << ok << "/" << xml << " with text\n" << failed;
  if (xml == 0)
    GTEST_SKIP() << "no XML in the corpus";
  EXPECT_GE(ok * 10, xml * 7) << failed;
}

}  // namespace
}  // namespace dossier::extract
