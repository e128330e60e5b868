// Word 97-2003 through hand-built compound files: a FIB, a piece table, summary properties.
#include <gtest/gtest.h>

#include "cfb_test_util.h"
#include "extract/ole_extractor.h"
#include "test_util.h"

namespace dossier::extract {
namespace {

using testing::add16;
using testing::add32;
using testing::put16;
using testing::put32;

// A property set stream with VT_LPSTR fields and a VT_FILETIME.
std::string summary(const std::vector<std::pair<uint32_t, std::string>>& strings,
                    uint64_t created_filetime) {
  std::string values;
  std::vector<std::pair<uint32_t, uint32_t>> index;
  const uint32_t count = static_cast<uint32_t>(strings.size() + 2);
  uint32_t header = 8 + 8 * count;
  auto at = [&] { return header + static_cast<uint32_t>(values.size()); };
  index.push_back({1, at()});  // code page
  add32(values, 2);
  add32(values, 1252);
  for (const auto& [id, s] : strings) {
    index.push_back({id, at()});
    add32(values, 30);
    add32(values, static_cast<uint32_t>(s.size() + 1));
    values += s;
    values += '\0';
    while (values.size() % 4 != 0)
      values += '\0';
  }
  index.push_back({12, at()});
  add32(values, 64);
  add32(values, static_cast<uint32_t>(created_filetime));
  add32(values, static_cast<uint32_t>(created_filetime >> 32));
  std::string sec;
  add32(sec, header + static_cast<uint32_t>(values.size()));
  add32(sec, count);
  for (auto [id, off] : index) {
    add32(sec, id);
    add32(sec, off);
  }
  sec += values;
  std::string s;
  add16(s, 0xFFFE);
  add16(s, 0);
  add32(s, 0x00020006);
  s += std::string(16, '\0');
  add32(s, 1);
  s += std::string(16, '\x11');  // FMTID (not checked)
  add32(s, 48);
  return s + sec;
}

struct DocParts {
  std::string compressed;  // cp1252 piece
  std::string unicode;     // UTF-8, stored as a UTF-16 piece
  std::string footnote;    // ASCII, a compressed piece after the main text
  uint16_t extra_flags = 0;
};

std::string build_doc(const DocParts& p) {
  std::string word(1024, '\0');
  put16(word, 0, 0xA5EC);
  put16(word, 2, 0x00C1);
  put16(word, 0x0A, 0x0200 | p.extra_flags);  // fWhichTblStm: 1Table
  put16(word, 32, 14);
  put16(word, 62, 22);
  const size_t lw = 64;
  const std::string u16 = testing::utf16(p.unicode);
  const uint32_t cp1 = static_cast<uint32_t>(p.compressed.size());
  const uint32_t cp2 = cp1 + static_cast<uint32_t>(u16.size() / 2);
  const uint32_t cp3 = cp2 + static_cast<uint32_t>(p.footnote.size());
  put32(word, lw + 12, cp2);                                       // ccpText
  put32(word, lw + 16, static_cast<uint32_t>(p.footnote.size()));  // ccpFtn
  put16(word, 152, 93);
  const size_t fclcb = 154;
  // Text: compressed piece at 1024, UTF-16 piece after it, footnote piece after that.
  const uint32_t fc1 = static_cast<uint32_t>(word.size());
  word += p.compressed;
  const uint32_t fc2 = static_cast<uint32_t>(word.size());
  word += u16;
  const uint32_t fc3 = static_cast<uint32_t>(word.size());
  word += p.footnote;
  std::string clx;
  clx += '\x02';
  std::string plc;
  for (uint32_t cp : {0u, cp1, cp2, cp3})
    add32(plc, cp);
  for (uint32_t fc : {(fc1 * 2) | 0x40000000u, fc2, (fc3 * 2) | 0x40000000u}) {
    add16(plc, 0);
    add32(plc, fc);
    add16(plc, 0);
  }
  add32(clx, static_cast<uint32_t>(plc.size()));
  clx += plc;
  std::string table(16, '\0');
  put32(word, fclcb + 33 * 8, static_cast<uint32_t>(table.size()));
  put32(word, fclcb + 33 * 8 + 4, static_cast<uint32_t>(clx.size()));
  table += clx;
  testing::CfbWriter w;
  w.add("WordDocument", word);
  w.add("1Table", table);
  // 2020-01-02T03:04:05Z as a FILETIME.
  w.add("\005SummaryInformation",
        summary({{2, "Doc Title"}, {4, "A. Author"}, {18, "Microsoft Word 8.0"}},
                (1577934245ull + 11644473600ull) * 10000000ull));
  return w.build().bytes;
}

TEST(DocExtractor, PiecesFieldsMarksAndFootnotes) {
  DocParts p;
  p.compressed = "Caf\xE9 \x93quoted\x94\r";
  p.unicode = "中文 \x13 HYPERLINK \"http://x\" \x14link\x15 end\rA\aB\a\a";
  p.footnote = "A footnote.\r";
  std::string bytes = build_doc(p);
  EXPECT_EQ(testing::chosen(bytes), "ole");
  auto r = testing::run(OleExtractor(), bytes);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(testing::all_text(*r), "Café “quoted”\n中文 link end\nA\tB\n\n\nA footnote.\n");
  EXPECT_EQ(testing::meta(*r, "ole:Title"), "Doc Title");
  EXPECT_EQ(testing::meta(*r, "ole:CreateTime"), "2020-01-02T03:04:05Z");
  EXPECT_EQ(r->common.title, "Doc Title");
  EXPECT_EQ(r->common.author, "A. Author");
  EXPECT_EQ(r->common.application, "Microsoft Word 8.0");
  ASSERT_TRUE(r->common.created.has_value());
  EXPECT_EQ(*r->common.created, 1577934245);
}

TEST(DocExtractor, EncryptedFlagIsNamed) {
  DocParts p;
  p.compressed = "secret\r";
  p.extra_flags = 0x0100;
  auto r = testing::run(OleExtractor(), build_doc(p));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kEncrypted);
  EXPECT_EQ(r.error().message, "encrypted Word document: needs a password");
}

TEST(DocExtractor, DamagedPieceTableIsAnErrorOrPartialText) {
  DocParts p;
  p.compressed = "text\r";
  std::string bytes = build_doc(p);
  // Flip bytes across the whole file, one at a time: never crash, never hang.
  for (size_t i = 512; i < bytes.size(); i += 97) {
    std::string bad = bytes;
    bad[i] = static_cast<char>(bad[i] ^ 0xFF);
    (void)testing::run(OleExtractor(), bad);
  }
  testing::CfbWriter w;
  w.add("WordDocument", std::string(600, '\0'));
  auto r = testing::run(OleExtractor(), w.build().bytes);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kCorrupt);
}

}  // namespace
}  // namespace dossier::extract
