// PowerPoint 97-2003 through a hand-built record stream.
#include <gtest/gtest.h>

#include "cfb_test_util.h"
#include "extract/ole_extractor.h"
#include "test_util.h"

namespace dossier::extract {
namespace {

using testing::add16;
using testing::add32;

std::string rec(uint16_t type, const std::string& body, bool container = false,
                uint16_t instance = 0) {
  std::string s;
  add16(s, static_cast<uint32_t>(instance << 4 | (container ? 0xF : 0)));
  add16(s, type);
  add32(s, static_cast<uint32_t>(body.size()));
  return s + body;
}

std::string text_header(uint32_t kind) {
  std::string b;
  add32(b, kind);
  return rec(0x0F9F, b);
}

std::string ppt_stream(bool encrypted) {
  std::string list = rec(0x03F3, std::string(20, '\0')) + text_header(0) +
                     rec(0x0FA0, testing::utf16("Title één")) + rec(0x03F3, std::string(20, '\0')) +
                     text_header(1) + rec(0x0FA8, "Second\rline");
  std::string doc = rec(0x03E8, rec(0x0FF0, list, true, 0), true);
  std::string slide1 =
      rec(0x03EE, rec(0xF00D, text_header(4) + rec(0x0FA8, "box one"), true), true);
  std::string slide2 = rec(0x03EE, "", true);
  std::string master = rec(0x03F8,
                           text_header(0) + rec(0x0FA8, "Click to edit Master title style") +
                               text_header(4) + rec(0x0FA8, "Confidential") + rec(0x0FA8, "*"),
                           true);
  std::string notes = rec(0x03F0, text_header(2) + rec(0x0FA8, "note 1"), true) +
                      rec(0x03F0, text_header(2) + rec(0x0FA8, "note 2"), true);
  std::string s = doc + master + slide1 + slide2 + notes;
  if (encrypted)
    s += rec(0x2F14, std::string(8, '\0'), true);
  return s;
}

std::string ppt(bool encrypted) {
  testing::CfbWriter w;
  w.add("PowerPoint Document", ppt_stream(encrypted));
  w.add("Current User", std::string(20, '\0'));
  return w.build().bytes;
}

TEST(PptExtractor, OnePagePerSlideWithShapesAndNotes) {
  auto r = testing::run(OleExtractor(), ppt(false));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  ASSERT_EQ(r->pages.size(), 3u);
  EXPECT_EQ(r->pages[0].number, 1);
  EXPECT_EQ(r->pages[0].text, "Title één\nbox one\n\nnote 1");
  EXPECT_EQ(r->pages[1].text, "Second\nline\n\nnote 2");
  EXPECT_EQ(r->pages[2].text, "Confidential");  // master text boxes, placeholders left out
  EXPECT_EQ(r->page_count, 2);
}

TEST(PptExtractor, CryptSessionIsEncrypted) {
  auto r = testing::run(OleExtractor(), ppt(true));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kEncrypted);
  EXPECT_EQ(r.error().message, "encrypted PowerPoint document: needs a password");
}

TEST(PptExtractor, DamagedRecordsNeverCrash) {
  std::string s = ppt_stream(false);
  for (size_t i = 0; i < s.size(); i += 5) {
    std::string bad = s;
    bad[i] = static_cast<char>(bad[i] ^ 0xFF);
    testing::CfbWriter w;
    w.add("PowerPoint Document", bad);
    (void)testing::run(OleExtractor(), w.build().bytes);
  }
}

}  // namespace
}  // namespace dossier::extract
