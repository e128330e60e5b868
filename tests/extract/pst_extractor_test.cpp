// PstExtractor on the shared corpus PSTs (counts checked against pffexport), malformed stores, and
// the RTF body fallback.
#include "extract/pst_extractor.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include "extract/email_extractor.h"
#include "extract/pst_message.h"
#include "test_util.h"

// libpff 20180714 leaks a table column definition (24 bytes) when a damaged store fails midway
// (DamagedStoresNeverCrash finds it under the asan preset). It is libpff's error path, not ours;
// LeakSanitizer reads this hook and ignores leaks allocated inside libpff only.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libpff_column_definition_initialize\n";
}

namespace dossier::extract {
namespace {

namespace fs = std::filesystem;
using testing::run;

std::vector<fs::path> corpus_psts() {
  std::vector<fs::path> out;
  const fs::path corpora = fs::path(DOSSIER_SHARED) / "corpora";
  for (const char* dir : {"tika/pst", "icij"}) {
    if (!fs::is_directory(corpora / dir))
      continue;
    for (const auto& e : fs::recursive_directory_iterator(corpora / dir)) {
      if (e.is_regular_file() && e.path().extension() == ".pst")
        out.push_back(e.path());
    }
  }
  return out;
}

// Messages pffexport finds: its item folders ("Message00001", "Contact00002", ...) outside
// attachments. -1 when pffexport is not installed.
int pffexport_count(const fs::path& pst) {
  if (std::system("command -v pffexport >/dev/null 2>&1") != 0)
    return -1;
  const fs::path dir = fs::temp_directory_path() / ("dossier-pff-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string cmd =
      "cd '" + dir.string() + "' && pffexport -q -t out '" + pst.string() + "' >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) {
    fs::remove_all(dir);
    return -1;
  }
  int n = 0;
  // "Message00001": letters or spaces, then five digits.
  auto is_item = [](const std::string& name) {
    if (name.size() < 6)
      return false;
    const size_t digits = name.size() - 5;
    return std::all_of(
               name.begin(), name.begin() + static_cast<long>(digits),
               [](char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == ' '; }) &&
           std::all_of(name.begin() + static_cast<long>(digits), name.end(),
                       [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  };
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_directory() && is_item(e.path().filename().string()) &&
        e.path().string().find("/Attachments/") == std::string::npos) {
      ++n;
    }
  }
  fs::remove_all(dir);
  return n;
}

TEST(PstExtractor, Sniff) {
  PstExtractor e;
  std::string head("!BDN\x12\x34\x56\x78SM\x17\x00", 12);
  head.resize(512, '\0');
  EXPECT_EQ(e.sniff(testing::probe_for(head)), kExactMatch);
  EXPECT_EQ(e.sniff(testing::probe_for("From: a@b.c\nSubject: x\n\n")), kNoMatch);
  // An OLE compound file (Outlook .msg) has the same libmagic type but is not a PST.
  std::string ole("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
  ole.resize(1024, '\0');
  EXPECT_EQ(e.sniff(testing::probe_for(ole)), kNoMatch);
}

TEST(PstExtractor, GarbageWithTheMagicIsCorrupt) {
  std::string bytes("!BDN\x12\x34\x56\x78SM\x17\x00", 12);
  bytes.resize(70000, '\x5a');
  auto r = run(PstExtractor(), bytes);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kCorrupt);
  EXPECT_NE(r.error().message.find("corrupt PST"), std::string::npos);
}

TEST(PstExtractor, RtfBodyBecomesText) {
  const std::string rtf =
      "{\\rtf1\\ansi\\ansicpg1252{\\fonttbl{\\f0 Arial;}}{\\colortbl;\\red0;}"
      "{\\*\\generator Msftedit;}Caf\\'e9 \\b bold\\b0\\par Line \\u26426?\\u23494?}";
  EXPECT_EQ(rtf_to_text(rtf), "Café bold\nLine 机密");
  EXPECT_EQ(rtf_to_text("{\\rtf1 {{{{{"), "");
}

TEST(PstCorpus, CountsMatchPffexportAndEveryMessageIsMail) {
  const auto psts = corpus_psts();
  if (psts.empty())
    GTEST_SKIP() << "no PST files under " << DOSSIER_SHARED;
  std::cout << "PST file | declared | emitted | problems | pffexport | with text | attachments\n";
  for (const fs::path& path : psts) {
    const std::string bytes = testing::read_bytes(path);
    EXPECT_EQ(testing::chosen(bytes), "pst") << path;
    Item item = testing::item_for(bytes, path.filename().string());
    ExtractContext ctx;
    auto r = PstExtractor().extract(item, ctx);
    ASSERT_TRUE(r.has_value()) << path << ": " << r.error().to_string();
    EXPECT_EQ(r->emitted_children + r->child_problems.size(), *r->declared_children) << path;
    int with_text = 0;
    uint64_t grandchildren = 0;
    for (const Child& c : r->children) {
      EXPECT_EQ(testing::chosen(c.bytes), "email") << c.name;
      auto m = run(EmailExtractor(), c.bytes);
      ASSERT_TRUE(m.has_value()) << c.name;
      with_text += m->text_bytes() > 0 ? 1 : 0;
      grandchildren += m->emitted_children;
    }
    const int pff = pffexport_count(path);
    if (pff >= 0) {
      EXPECT_EQ(static_cast<int>(*r->declared_children), pff) << path;
    }
    std::cout << path.filename().string() << " | " << *r->declared_children << " | "
              << r->emitted_children << " | " << r->child_problems.size() << " | " << pff << " | "
              << with_text << " | " << grandchildren << "\n";
    for (const std::string& w : r->warnings)
      std::cout << "  warning: " << w << "\n";
  }
}

TEST(PstCorpus, TruncatedStoresNeverCrash) {
  const auto psts = corpus_psts();
  if (psts.empty())
    GTEST_SKIP() << "no PST files under " << DOSSIER_SHARED;
  const std::string bytes = testing::read_bytes(psts.front());
  for (size_t cut :
       {size_t{512}, size_t{4096}, bytes.size() / 3, bytes.size() / 2, bytes.size() - 1000}) {
    auto r = run(PstExtractor(), bytes.substr(0, cut));
    if (r.has_value()) {
      EXPECT_EQ(r->emitted_children + r->child_problems.size(), *r->declared_children) << cut;
    } else {
      EXPECT_EQ(r.error().code, ErrorCode::kCorrupt) << cut;
    }
  }
}

// Damaged stores (bytes overwritten anywhere) come back as values; run it under the asan preset.
TEST(PstCorpus, DamagedStoresNeverCrash) {
  const auto psts = corpus_psts();
  if (psts.empty())
    GTEST_SKIP() << "no PST files under " << DOSSIER_SHARED;
  const std::string bytes = testing::read_bytes(psts.back());
  uint32_t seed = 7;
  auto next = [&seed] {
    seed = seed * 1103515245u + 12345u;
    return seed >> 8;
  };
  for (int i = 0; i < 40; ++i) {
    std::string damaged = bytes;
    for (int k = 0; k < 64; ++k)
      damaged[next() % damaged.size()] = static_cast<char>(next() & 0xFF);
    auto r = run(PstExtractor(), damaged);
    if (r.has_value()) {
      EXPECT_EQ(r->emitted_children + r->child_problems.size(), *r->declared_children) << i;
      for (const Child& c : r->children)
        (void)run(EmailExtractor(), c.bytes);
    }
  }
}

}  // namespace
}  // namespace dossier::extract
