#include "extract/registry.h"

#include <gtest/gtest.h>

#include <algorithm>

#include <thread>
#include <vector>

#include "test_util.h"

namespace dossier::extract {
namespace {

using testing::chosen;
using testing::fixture;
using testing::read_bytes;

TEST(SniffMime, IdentifiesFixturesByContent) {
  EXPECT_EQ(sniff_mime(testing::as_bytes(read_bytes(fixture("exif.jpg")))), "image/jpeg");
  EXPECT_EQ(sniff_mime(testing::as_bytes(read_bytes(fixture("page.html")))), "text/html");
  EXPECT_EQ(sniff_mime(testing::as_bytes(read_bytes(fixture("doc.xml")))), "text/xml");
  EXPECT_EQ(sniff_mime(testing::as_bytes(read_bytes(fixture("drawing.svg")))), "image/svg+xml");
  EXPECT_EQ(sniff_mime(testing::as_bytes(read_bytes(fixture("hello.txt")))), "text/plain");
  EXPECT_EQ(sniff_mime(testing::as_bytes(std::string_view("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n"))),
            "application/pdf");
}

TEST(SniffMime, WorksOnManyThreadsAtOnce) {
  const std::string html = read_bytes(fixture("page.html"));
  std::vector<std::thread> threads;
  std::vector<std::string> results(4);
  for (size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = sniff_mime(testing::as_bytes(html)); });
  }
  for (auto& t : threads)
    t.join();
  for (const auto& r : results)
    EXPECT_EQ(r, "text/html");
}

TEST(TypeFamily, MapsMimeTypes) {
  EXPECT_EQ(type_family("application/pdf"), "pdf");
  EXPECT_EQ(type_family("text/html"), "html");
  EXPECT_EQ(type_family("application/xhtml+xml"), "html");
  EXPECT_EQ(type_family("text/xml"), "xml");
  EXPECT_EQ(type_family("application/rss+xml"), "xml");
  EXPECT_EQ(type_family("text/plain; charset=utf-8"), "text");
  EXPECT_EQ(type_family("text/csv"), "text");
  EXPECT_EQ(type_family("application/json"), "text");
  EXPECT_EQ(type_family("image/jpeg"), "image");
  EXPECT_EQ(type_family("image/svg+xml"), "image");
  EXPECT_EQ(type_family("message/rfc822"), "email");
  EXPECT_EQ(type_family("application/vnd.ms-outlook"), "email");
  EXPECT_EQ(type_family("application/zip"), "archive");
  EXPECT_EQ(type_family("application/x-7z-compressed"), "archive");
  EXPECT_EQ(type_family("application/msword"), "office");
  EXPECT_EQ(type_family("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            "office");
  EXPECT_EQ(type_family("application/vnd.oasis.opendocument.text"), "office");
  EXPECT_EQ(type_family("audio/mpeg"), "audio");
  EXPECT_EQ(type_family("video/mp4"), "video");
  EXPECT_EQ(type_family("application/octet-stream"), "other");
  EXPECT_EQ(type_family(""), "other");
}

TEST(Registry, HasEveryExtractorOnce) {
  std::vector<std::string> names;
  for (const Extractor* e : Registry::instance().all())
    names.push_back(e->id().name);
  // Every extractor appears once, under a unique name, and the first five formats keep their rows.
  std::vector<std::string> sorted = names;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end()) << "a name appears twice";
  ASSERT_GE(names.size(), 5u);
  EXPECT_EQ(names[0].rfind("pdf", 0), 0u) << names[0];  // "pdf-mupdf" or the like
  for (const char* name : {"html", "xml", "image", "text"})
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
}

TEST(Registry, ChoosesTheExtractorThatOwnsEachFixture) {
  EXPECT_EQ(chosen(read_bytes(fixture("page.html"))), "html");
  EXPECT_EQ(chosen(read_bytes(fixture("gbk.html"))), "html");
  EXPECT_EQ(chosen(read_bytes(fixture("doc.xml"))), "xml");
  EXPECT_EQ(chosen(read_bytes(fixture("drawing.svg"))), "xml");
  EXPECT_EQ(chosen(read_bytes(fixture("billion_laughs.xml"))), "xml");
  EXPECT_EQ(chosen(read_bytes(fixture("exif.jpg"))), "image");
  EXPECT_EQ(chosen(read_bytes(fixture("hello.txt"))), "text");
  EXPECT_EQ(chosen(read_bytes(fixture("table.csv"))), "text");
  EXPECT_EQ(chosen(read_bytes(fixture("truncated.xml"))), "xml");
  EXPECT_EQ(chosen("%PDF-1.4\n1 0 obj\n<<>>\nendobj\n").rfind("pdf", 0), 0u);
}

TEST(Registry, XhtmlGoesToHtml) {
  EXPECT_EQ(chosen("<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">"
                   "<head><title>x</title></head><body><p>hi</p></body></html>"),
            "html");
}

TEST(Registry, BinaryDataIsNotText) {
  EXPECT_EQ(chosen(read_bytes(fixture("binary.bin"))), "");
  EXPECT_EQ(chosen(std::string("\x01\x02\x03\x00\x00\x10 some text\x00\x00\x07", 16)), "");
}

TEST(Registry, ExtractorsRunOnManyThreadsAtOnce) {
  const char* names[] = {"page.html",   "gbk.html", "doc.xml",
                         "drawing.svg", "exif.jpg", "hello.txt"};
  std::vector<std::string> files;
  for (const char* n : names)
    files.push_back(read_bytes(fixture(n)));
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (size_t t = 0; t < failures.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        for (const std::string& bytes : files) {
          const Extractor* e = Registry::instance().find(testing::probe_for(bytes));
          ExtractContext ctx;
          if (e == nullptr || !e->extract(testing::item_for(bytes), ctx).has_value())
            ++failures[t];
        }
      }
    });
  }
  for (auto& th : threads)
    th.join();
  for (int f : failures)
    EXPECT_EQ(f, 0);
}

TEST(Registry, Utf16TextWithBomIsText) {
  const std::string u16("\xFF\xFEh\0i\0 \0t\0h\0e\0r\0e\0\n\0", 20);
  EXPECT_EQ(chosen(u16), "text");
}

}  // namespace
}  // namespace dossier::extract
