// Legacy Office, Outlook MSG and RTF over the shared corpora (Tika's test documents and ICIJ's):
// nothing may crash or hang, and every file must yield text or a reason a person can act on.
// Prints a yield table per extension. Skipped when /work/shared/corpora is absent.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "extract/registry.h"
#include "test_util.h"

namespace dossier::extract {
namespace {

namespace fs = std::filesystem;

struct Yield {
  int files = 0, with_text = 0, reasoned = 0, bad = 0, kids = 0, ole_kids = 0, ole_kids_bad = 0;
  std::string details;
};

// A failure counts as a correct reason when it says what the file is and why it is not read.
bool good_reason(const Error& e) {
  return e.code == ErrorCode::kEncrypted || (e.code == ErrorCode::kUnsupported &&
                                             e.message.find("not supported") != std::string::npos);
}

void run_file(const fs::path& path, Yield& y) {
  const std::string bytes = testing::read_bytes(path);
  const std::string name = path.filename().string();
  Item item = testing::item_for(bytes, name);
  const Extractor* e = Registry::instance().find(testing::probe_for(bytes, name));
  ++y.files;
  if (e == nullptr) {
    ++y.bad;
    y.details += "  " + name + ": no extractor (" + item.mime + ")\n";
    return;
  }
  ExtractContext ctx;
  auto start = std::chrono::steady_clock::now();
  auto r = e->extract(item, ctx);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(secs, 120.0) << name;  // a hang guard, generous enough for sanitizer builds
  if (!r.has_value()) {
    if (good_reason(r.error())) {
      ++y.reasoned;
    } else {
      ++y.bad;
    }
    y.details += "  " + name + " [" + e->id().name + "]: " + r.error().message + "\n";
    return;
  }
  // Embedded OLE objects and messages are written out as compound files: they must read back.
  for (const Child& c : r->children) {
    ++y.kids;
    if (c.bytes.size() < 8 || c.bytes.compare(0, 4, "\xD0\xCF\x11\xE0") != 0)
      continue;
    ++y.ole_kids;
    Item child = testing::item_for(c.bytes, c.name);
    const Extractor* ce = Registry::instance().find(testing::probe_for(c.bytes, c.name));
    auto cr = ce == nullptr ? Result<Extraction>(Error{}) : ce->extract(child, ctx);
    if (!cr.has_value() && !good_reason(cr.error())) {
      ++y.ole_kids_bad;
      y.details += "  " + name + " child " + c.name + ": " + cr.error().message + "\n";
    }
  }
  if (r->text_bytes() > 0 || r->emitted_children > 0) {
    ++y.with_text;  // containers whose content is all embedded items count by their children
  } else {
    ++y.bad;
    y.details += "  " + name + " [" + e->id().name + "]: no text\n";
  }
}

TEST(OleCorpus, YieldPerExtension) {
  const fs::path root = fs::path(DOSSIER_SHARED) / "corpora";
  if (!fs::is_directory(root / "tika"))
    GTEST_SKIP() << "no shared corpora";
  int files = 0, good = 0;
  std::printf("%-8s %6s %10s %10s %6s %6s %9s\n", "ext", "files", "text/kids", "reasoned", "bad",
              "kids", "ole kids");
  for (const char* ext :
       {"doc", "dot", "xls", "ppt", "msg", "rtf", "wps", "one", "pages", "numbers", "key"}) {
    Yield y;
    const fs::path dir = root / "tika" / ext;
    if (fs::is_directory(dir)) {
      for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.is_regular_file() && entry.path().extension() == std::string(".") + ext)
          run_file(entry.path(), y);
      }
    }
    if (fs::is_directory(root / "icij")) {
      for (const auto& entry : fs::recursive_directory_iterator(root / "icij")) {
        if (entry.is_regular_file() && entry.path().extension() == std::string(".") + ext)
          run_file(entry.path(), y);
      }
    }
    std::printf("%-8s %6d %10d %10d %6d %6d %5d/%-3d\n%s", ext, y.files, y.with_text, y.reasoned,
                y.bad, y.kids, y.ole_kids - y.ole_kids_bad, y.ole_kids, y.details.c_str());
    EXPECT_EQ(y.ole_kids_bad, 0) << ext;
    files += y.files;
    good += y.with_text + y.reasoned;
  }
  std::printf("total    %6d, text or a named reason: %d (%.1f%%)\n", files, good,
              files == 0 ? 100.0 : 100.0 * good / files);
  EXPECT_GE(good * 100, files * 97);
}

// Damaged copies of the real files (bytes flipped, tails cut) must give an Error or partial text,
// never a crash, a hang or (under ASan) a bad read.
TEST(OleCorpus, MutatedFilesNeverCrash) {
  const fs::path root = fs::path(DOSSIER_SHARED) / "corpora" / "tika";
  if (!fs::is_directory(root))
    GTEST_SKIP() << "no shared corpora";
  uint32_t seed = 12345;
  auto next = [&seed] {
    seed = seed * 1103515245u + 12345u;
    return seed >> 8;
  };
  int runs = 0;
  for (const char* ext : {"doc", "xls", "ppt", "msg", "rtf"}) {
    for (const auto& entry : fs::directory_iterator(root / ext)) {
      const std::string bytes = testing::read_bytes(entry.path());
      if (bytes.empty() || bytes.size() > (4u << 20))
        continue;
      for (int m = 0; m < 6; ++m) {
        std::string bad = bytes;
        if (m == 5) {
          bad.resize(next() % bad.size());
        } else {
          for (int k = 0; k < 1 + m * 4; ++k)
            bad[next() % bad.size()] = static_cast<char>(next());
        }
        const Extractor* e = Registry::instance().find(testing::probe_for(bad));
        if (e == nullptr)
          continue;
        ExtractContext ctx;
        (void)e->extract(testing::item_for(bad), ctx);
        ++runs;
      }
    }
  }
  EXPECT_GT(runs, 100);
}

}  // namespace
}  // namespace dossier::extract
