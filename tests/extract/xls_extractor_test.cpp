// Excel BIFF8 through a hand-built Workbook stream: SST split over CONTINUE, cell records,
// hidden sheets, FILEPASS.
#include <gtest/gtest.h>

#include <cstring>

#include "cfb_test_util.h"
#include "extract/ole_extractor.h"
#include "test_util.h"

namespace dossier::extract {
namespace {

using testing::add16;
using testing::add32;

void record(std::string& s, uint16_t type, const std::string& data) {
  add16(s, type);
  add16(s, static_cast<uint32_t>(data.size()));
  s += data;
}

std::string cell(uint16_t row, uint16_t col) {
  std::string d;
  add16(d, row);
  add16(d, col);
  add16(d, 0);  // XF
  return d;
}

std::string bof(uint16_t dt) {
  std::string d;
  add16(d, 0x0600);
  add16(d, dt);
  d += std::string(12, '\0');
  return d;
}

std::string boundsheet(uint8_t state, const std::string& name) {
  std::string d(4, '\0');  // position, patched later
  d += static_cast<char>(state);
  d += '\0';
  d += static_cast<char>(name.size());
  d += '\0';  // compressed
  d += name;
  return d;
}

std::string workbook(bool encrypted) {
  std::string s;
  record(s, 0x0809, bof(0x0005));
  if (encrypted)
    record(s, 0x002F, std::string(54, '\x01'));
  const size_t sheet1_at = s.size() + 4;
  record(s, 0x0085, boundsheet(0, "Data"));
  const size_t sheet2_at = s.size() + 4;
  record(s, 0x0085, boundsheet(1, "Secret"));
  // SST: "Hello", then "Wörld" (UTF-16) split across a CONTINUE inside its characters.
  std::string sst;
  add32(sst, 2);
  add32(sst, 2);
  add16(sst, 5);
  sst += '\0';
  sst += "Hello";
  add16(sst, 5);
  sst += '\x01';
  sst += std::string("W\0\xF6\0", 4);
  record(s, 0x00FC, sst);
  std::string cont;
  cont += '\0';  // the rest is compressed
  cont += "rld";
  record(s, 0x003C, cont);
  record(s, 0x000A, "");
  const uint32_t sheet1 = static_cast<uint32_t>(s.size());
  record(s, 0x0809, bof(0x0010));
  std::string d = cell(0, 0);
  add32(d, 0);
  record(s, 0x00FD, d);  // LABELSST "Hello"
  d = cell(0, 1);
  add32(d, 1);
  record(s, 0x00FD, d);
  d = cell(1, 0);
  double v = 3.25;
  char raw[8];
  std::memcpy(raw, &v, 8);
  d.append(raw, 8);
  record(s, 0x0203, d);  // NUMBER
  d = cell(1, 1);
  add32(d, (42u << 2) | 2u);
  record(s, 0x027E, d);  // RK integer 42
  d = cell(2, 0);
  d += std::string("\0\0\0\0\0\0\xFF\xFF", 8);  // string result follows
  d += std::string(6, '\0');
  record(s, 0x0006, d);
  std::string str;
  add16(str, 6);
  str += '\0';
  str += "cached";
  record(s, 0x0207, str);
  record(s, 0x000A, "");
  const uint32_t sheet2 = static_cast<uint32_t>(s.size());
  record(s, 0x0809, bof(0x0010));
  d = cell(0, 0);
  add16(d, 5);
  d += '\0';
  d += "label";
  record(s, 0x0204, d);
  record(s, 0x000A, "");
  testing::put32(s, sheet1_at, sheet1);
  testing::put32(s, sheet2_at, sheet2);
  return s;
}

std::string xls(bool encrypted) {
  testing::CfbWriter w;
  w.add("Workbook", workbook(encrypted));
  return w.build().bytes;
}

TEST(XlsExtractor, SheetsCellsAndSharedStrings) {
  auto r = testing::run(OleExtractor(), xls(false));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  ASSERT_EQ(r->pages.size(), 2u);
  EXPECT_EQ(r->pages[0].number, 1);
  EXPECT_EQ(r->pages[0].text, "Data\nHello\tWörld\n3.25\t42\ncached");
  EXPECT_EQ(r->pages[1].text, "Secret\nlabel");
  EXPECT_EQ(testing::meta(*r, "xls:Sheet2"), "Secret");
  EXPECT_EQ(testing::meta(*r, "xls:HiddenSheet"), "Secret");
}

TEST(XlsExtractor, FilepassIsEncrypted) {
  auto r = testing::run(OleExtractor(), xls(true));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kEncrypted);
  EXPECT_EQ(r.error().message, "encrypted Excel document: needs a password");
}

TEST(XlsExtractor, DamagedRecordsNeverCrash) {
  std::string wb = workbook(false);
  for (size_t i = 0; i < wb.size(); i += 7) {
    std::string bad = wb;
    bad[i] = static_cast<char>(bad[i] ^ 0x5A);
    testing::CfbWriter w;
    w.add("Workbook", bad);
    (void)testing::run(OleExtractor(), w.build().bytes);
  }
}

}  // namespace
}  // namespace dossier::extract
