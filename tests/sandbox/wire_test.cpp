#include "sandbox/wire.h"

#include <gtest/gtest.h>

namespace dossier::sandbox {
namespace {

extract::Extraction sample() {
  extract::Extraction x;
  x.pages.push_back({1, "第一页 page one", extract::TextSource::kNative, -1});
  x.pages.push_back({2, std::string("with\0nul", 8), extract::TextSource::kOcr, 87.5f});
  x.page_count = 3;
  x.metadata = {{"pdf:Producer", "LaTeX"}, {"xmp:dc:creator", ""}};
  x.common.title = "Report";
  x.common.author = "A. Person";
  x.common.application = "Word";
  x.common.created = -86400;
  x.common.from = "a <a@example.org>";
  x.common.to = "b <b@example.org>, c <c@example.org>";
  x.children.push_back({"inner.zip", std::string("PK\3\4\0\0", 6)});
  x.declared_children = 4;
  x.emitted_children = 1;
  x.child_problems.push_back({"secret.docx", "encrypted", "encrypted zip member: needs a password"});
  x.warnings = {"page 7: damaged content stream"};
  return x;
}

TEST(Wire, ExtractionRoundTrips) {
  extract::Extraction x = sample();
  WireWriter w;
  encode_extraction(w, x);
  std::string bytes = w.take();
  WireReader r(bytes);
  auto back = decode_extraction(r);
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_TRUE(r.expect_end().has_value());
  ASSERT_EQ(back->pages.size(), 2u);
  EXPECT_EQ(back->pages[0].text, x.pages[0].text);
  EXPECT_EQ(back->pages[1].text, x.pages[1].text);
  EXPECT_EQ(back->pages[1].source, extract::TextSource::kOcr);
  EXPECT_FLOAT_EQ(back->pages[1].ocr_confidence, 87.5f);
  EXPECT_EQ(back->page_count, 3);
  EXPECT_EQ(back->metadata, x.metadata);
  EXPECT_EQ(back->common.title, "Report");
  EXPECT_EQ(back->common.application, "Word");
  EXPECT_EQ(back->common.created, std::optional<int64_t>(-86400));
  EXPECT_FALSE(back->common.modified.has_value());
  EXPECT_EQ(back->common.to, x.common.to);
  ASSERT_EQ(back->children.size(), 1u);
  EXPECT_EQ(back->children[0].bytes, x.children[0].bytes);
  EXPECT_EQ(back->declared_children, std::optional<uint64_t>(4));
  EXPECT_EQ(back->emitted_children, 1u);
  ASSERT_EQ(back->child_problems.size(), 1u);
  EXPECT_EQ(back->child_problems[0].reason, x.child_problems[0].reason);
  EXPECT_EQ(back->warnings, x.warnings);
}

TEST(Wire, EveryTruncationIsCorruptNeverACrash) {
  WireWriter w;
  encode_extraction(w, sample());
  std::string bytes = w.take();
  for (size_t n = 0; n < bytes.size(); ++n) {
    WireReader r(std::string_view(bytes).substr(0, n));
    auto back = decode_extraction(r);
    EXPECT_FALSE(back.has_value()) << "truncated at " << n;
    if (!back.has_value()) {
      EXPECT_EQ(back.error().code, ErrorCode::kCorrupt);
    }
  }
}

TEST(Wire, ForgedCountDoesNotReserveMemory) {
  WireWriter w;
  w.u32(0xFFFFFFFF);  // four billion pages, in a five-byte message
  w.u8(0);
  std::string bytes = w.take();
  WireReader r(bytes);
  auto back = decode_extraction(r);
  ASSERT_FALSE(back.has_value());
  EXPECT_EQ(back.error().code, ErrorCode::kCorrupt);
}

TEST(Wire, ResultWithErrorRoundTrips) {
  WorkerResult res;
  res.status = ResultStatus::kError;
  res.error = Error{ErrorCode::kEncrypted, "encrypted PDF: needs a password to open", "a.pdf"};
  auto back = decode_result(encode_result(res));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->status, ResultStatus::kError);
  EXPECT_EQ(back->error.code, ErrorCode::kEncrypted);
  EXPECT_EQ(back->error.message, res.error.message);
  EXPECT_EQ(back->error.context, "a.pdf");
}

TEST(Wire, OutOfRangeEnumsAreCorrupt) {
  std::string bad_status(1, '\x09');
  EXPECT_FALSE(decode_result(bad_status).has_value());
  WireWriter w;
  w.u8(static_cast<uint8_t>(ResultStatus::kError));
  w.u8(200);  // no such ErrorCode
  w.str("m");
  w.str("c");
  EXPECT_FALSE(decode_result(w.take()).has_value());
}

TEST(Wire, TrailingBytesAreCorrupt) {
  std::string encoded = encode_ready(WorkerReady{});
  EXPECT_TRUE(decode_ready(encoded).has_value());
  EXPECT_FALSE(decode_ready(encoded + "x").has_value());
}

TEST(Wire, RequestRoundTrips) {
  ExtractRequest q;
  q.extractor = "pdf";
  q.mime = "application/pdf";
  q.name = "scan.pdf";
  q.depth = 2;
  q.item_size = 1 << 30;
  q.limits.max_pages = 7;
  q.limits.max_child_bytes = 5ull << 30;
  q.cpu_seconds = 130;
  auto back = decode_request(encode_request(q));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->extractor, "pdf");
  EXPECT_EQ(back->name, "scan.pdf");
  EXPECT_EQ(back->depth, 2);
  EXPECT_EQ(back->item_size, uint64_t{1} << 30);
  EXPECT_EQ(back->limits.max_pages, 7u);
  EXPECT_EQ(back->limits.max_child_bytes, 5ull << 30);
  EXPECT_EQ(back->cpu_seconds, 130u);
}

TEST(Wire, SettingsRoundTrip) {
  WorkerSettings s;
  s.address_space_bytes = 2ull << 30;
  s.ocr = {extract::OcrMode::kForce, "eng+uig"};
  auto back = decode_settings(encode_settings(s));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->address_space_bytes, 2ull << 30);
  EXPECT_EQ(back->ocr.mode, extract::OcrMode::kForce);
  EXPECT_EQ(back->ocr.languages, "eng+uig");
}

TEST(Wire, ChildAndPageDecodeInPlace) {
  WireWriter w;
  encode_child_head(w, "mail/2017/invoice.pdf");
  std::string message = w.take() + std::string("%PDF-1.7\0body", 13);
  auto child = decode_child(std::move(message));
  ASSERT_TRUE(child.has_value());
  EXPECT_EQ(child->name, "mail/2017/invoice.pdf");
  EXPECT_EQ(child->bytes, std::string("%PDF-1.7\0body", 13));

  WireWriter p;
  encode_page_head(p, {4, "", extract::TextSource::kOcr, 12.5f});
  auto page = decode_page(p.take() + "text of page four");
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->number, 4);
  EXPECT_EQ(page->source, extract::TextSource::kOcr);
  EXPECT_EQ(page->text, "text of page four");
  EXPECT_FALSE(decode_page(std::string(3, '\0')).has_value());
}

}  // namespace
}  // namespace dossier::sandbox
