// MboxExtractor: separators, ">From " unescaping, streaming, and that releasing consumed pages
// never changes the caller's bytes.
#include "extract/mbox_extractor.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "test_util.h"

namespace dossier::extract {
namespace {

using testing::run;

const char kMbox[] =
    "From alice@example.com Mon Jun 01 10:00:00 2009\n"
    "From: alice@example.com\n"
    "Subject: first\n"
    "\n"
    "Hello.\n"
    ">From the archive: this line was escaped.\n"
    ">>From a quoted escape.\n"
    "\n"
    "From bob@example.com Mon Jun 01 11:00:00 2009\n"
    "From: bob@example.com\n"
    "Subject: =?UTF-8?B?56eY5a+G?=\n"
    "\n"
    "Second body.\n"
    "\n"
    "From carol@example.com Mon Jun 01 12:00:00 2009\n"
    "From: carol@example.com\n"
    "\n"
    "Third body, no subject.\n";

TEST(MboxExtractor, Sniff) {
  MboxExtractor e;
  EXPECT_GT(e.sniff(testing::probe_for(kMbox)), kGoodMatch + 10);
  EXPECT_EQ(testing::chosen(kMbox), "mbox");
  EXPECT_EQ(e.sniff(testing::probe_for("From: a@b.c\nSubject: x\n\nbody\n")), kNoMatch);
  EXPECT_EQ(e.sniff(testing::probe_for("Fromage is cheese\n")), kNoMatch);
  EXPECT_EQ(e.sniff(testing::probe_for("%PDF-1.4\n")), kNoMatch);
}

TEST(MboxExtractor, OneChildPerSeparatorUnescaped) {
  auto r = run(MboxExtractor(), kMbox);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->children.size(), 3u);
  EXPECT_EQ(r->declared_children, 3u);
  EXPECT_EQ(r->children[0].name, "message-1 first.eml");
  EXPECT_EQ(r->children[1].name, "message-2 秘密.eml");
  EXPECT_EQ(r->children[2].name, "message-3.eml");
  EXPECT_EQ(r->children[0].bytes,
            "From: alice@example.com\nSubject: first\n\nHello.\n"
            "From the archive: this line was escaped.\n>From a quoted escape.\n");
  EXPECT_EQ(r->children[2].bytes, "From: carol@example.com\n\nThird body, no subject.\n");
  // Each message is an email for the pipeline.
  EXPECT_EQ(testing::chosen(r->children[1].bytes), "email");
}

TEST(MboxExtractor, StreamsChildrenThroughTheContext) {
  Item item = testing::item_for(kMbox, "box");
  ExtractContext ctx;
  std::vector<std::string> names;
  ctx.on_child = [&](Child&& c) { names.push_back(c.name); };
  auto r = MboxExtractor().extract(item, ctx);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(names.size(), 3u);
  EXPECT_TRUE(r->children.empty());
  EXPECT_EQ(r->emitted_children, 3u);
}

TEST(MboxExtractor, LimitStopsEmittingButKeepsCounting) {
  Item item = testing::item_for(kMbox, "box");
  ExtractContext ctx;
  ctx.limits.max_children = 1;
  auto r = MboxExtractor().extract(item, ctx);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->children.size(), 1u);
  EXPECT_EQ(r->declared_children, 3u);
  EXPECT_FALSE(r->warnings.empty());
}

TEST(MboxExtractor, TruncatedAndOddInputNeverCrash) {
  for (std::string_view s :
       {std::string_view("From "), std::string_view("From x\n"),
        std::string_view("From x\nSubject: cut"), std::string_view("junk\nFrom a b\n\nbody")}) {
    auto r = run(MboxExtractor(), s);
    ASSERT_TRUE(r.has_value()) << s;
    EXPECT_EQ(r->emitted_children, *r->declared_children) << s;
  }
  auto junk = run(MboxExtractor(), "junk\nFrom a b\n\nbody");
  EXPECT_FALSE(junk->warnings.empty());
}

// The page release must be safe on ordinary heap memory: 40 MiB crosses the 16 MiB batches.
TEST(MboxExtractor, ReleasingPagesKeepsHeapBytesIntact) {
  std::string box;
  const std::string body(1 << 20, 'x');
  for (int i = 0; i < 40; ++i)
    box +=
        "From a@b Mon Jun 01 10:00:00 2009\nSubject: " + std::to_string(i) + "\n\n" + body + "\n\n";
  const std::string copy = box;
  Item item = testing::item_for(box, "big");
  ExtractContext ctx;
  uint64_t total = 0;
  ctx.on_child = [&](Child&& c) { total += c.bytes.size(); };
  auto r = MboxExtractor().extract(item, ctx);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->declared_children, 40u);
  EXPECT_GT(total, 40u << 20);
  EXPECT_TRUE(box == copy);
}

long rss_kib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0)
      return std::stol(line.substr(6));
  }
  return -1;
}

// As the pipeline hands it over: a read-only private mapping of a file this process owns. The
// pages already read must leave the resident set (1 GB mailbox: 987 MB peak without, 27 MB with).
TEST(MboxExtractor, MappedMailboxDoesNotStayResident) {
#if defined(__SANITIZE_ADDRESS__)
  // ASan's shadow memory and quarantine make resident-size measurements meaningless.
  GTEST_SKIP() << "resident memory is not measurable under AddressSanitizer";
#endif
  const auto path = std::filesystem::temp_directory_path() /
                    ("dossier-mbox-rss-" + std::to_string(::getpid()) + ".mbox");
  {
    std::ofstream out(path, std::ios::binary);
    const std::string body(4 << 20, 'x');
    for (int i = 0; i < 32; ++i)
      out << "From a@b Mon Jun 01 10:00:00 2009\nSubject: " << i << "\n\n" << body << "\n\n";
  }
  const size_t size = std::filesystem::file_size(path);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  std::filesystem::remove(path);
  ASSERT_NE(map, MAP_FAILED);
  if (::madvise(map, 4096, MADV_PAGEOUT) != 0) {
    ::munmap(map, size);
    GTEST_SKIP() << "kernel without MADV_PAGEOUT";
  }
  Item item{{static_cast<const uint8_t*>(map), size}, "application/mbox", "big.mbox", 0};
  ExtractContext ctx;
  const long before = rss_kib();
  long peak = before;
  ctx.on_child = [&](Child&&) { peak = std::max(peak, rss_kib()); };
  auto r = MboxExtractor().extract(item, ctx);
  ::munmap(map, size);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->emitted_children, 32u);
  // 128 MiB read; at most one 16 MiB batch, one message and its copy stay resident.
  EXPECT_LT(peak - before, 64 * 1024) << "peak " << peak << " KiB, before " << before << " KiB";
}

}  // namespace
}  // namespace dossier::extract
