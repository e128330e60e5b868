// Tests src/text/charset.cpp (kept in the extract binary, whose extractors depend on it).
#include "text/charset.h"

#include <gtest/gtest.h>
#include <unicode/ucnv.h>

#include <string>
#include <vector>

namespace dossier::text {
namespace {

// Encodes UTF-8 text into `charset` with ICU, so that tests state text, not byte soup.
std::string encode(std::string_view utf8, const char* charset) {
  std::vector<char> out(utf8.size() * 4 + 16);
  UErrorCode err = U_ZERO_ERROR;
  int32_t n = ucnv_convert(charset, "UTF-8", out.data(), static_cast<int32_t>(out.size()),
                           utf8.data(), static_cast<int32_t>(utf8.size()), &err);
  EXPECT_TRUE(U_SUCCESS(err)) << u_errorName(err);
  return std::string(out.data(), static_cast<size_t>(n));
}

DecodedText decode(std::string_view bytes, std::string_view declared = {}) {
  auto r = to_utf8(bytes, declared);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().to_string());
  return r ? *r : DecodedText{};
}

const char kChinese[] =
    "国务院办公厅关于印发新疆维吾尔自治区人民法院知识产权保护工作方案的通知。各省、自治区、直辖市"
    "人民政府，国务院各部委、各直属机构：经国务院同意，现将有关工作方案印发给你们，请认真贯彻执行"
    "。";
const char kTraditional[] =
    "國務院辦公廳關於印發新疆維吾爾自治區人民法院知識產權保護工作方案的通知。各省、自治區、直轄市"
    "人民政府，國務院各部委、各直屬機構：經國務院同意，現將有關工作方案印發給你們，請認真貫徹執行"
    "。";
const char kFrench[] =
    "Le café était très élevé à Noël; déjà vu, « garçon », naïve façade. Les élèves répètent: "
    "où êtes-vous allés? L’été dernier — à Besançon — c’était génial.";
const char kRussian[] =
    "Министерство финансов сообщило о переводе средств на счета в офшорных компаниях. "
    "Документы были получены журналистами и проверены независимыми экспертами.";
const char kJapanese[] =
    "財務省は、海外の口座への送金について発表しました。文書は記者によって入手され、"
    "独立した専門家によって確認されました。これは日本語のテキストです。";

TEST(Charset, Utf8PassesThroughAndIsReported) {
  DecodedText d = decode(kChinese);
  EXPECT_EQ(d.text, kChinese);
  EXPECT_EQ(d.charset, "UTF-8");
}

TEST(Charset, AsciiIsReportedAsAscii) {
  DecodedText d = decode("plain ascii");
  EXPECT_EQ(d.text, "plain ascii");
  EXPECT_EQ(d.charset, "US-ASCII");
}

TEST(Charset, DetectsGbk) {
  DecodedText d = decode(encode(kChinese, "GBK"));
  EXPECT_EQ(d.text, kChinese);
  EXPECT_EQ(d.charset, "GB18030");
}

TEST(Charset, DetectsGb18030FourByteCharacters) {
  // U+20000 needs GB18030's four-byte form; declared, since detection cannot know.
  const std::string text = std::string(kChinese) + "𠀀";
  DecodedText d = decode(encode(text, "GB18030"), "gb18030");
  EXPECT_EQ(d.text, text);
}

TEST(Charset, DetectsBig5) {
  DecodedText d = decode(encode(kTraditional, "Big5"));
  EXPECT_EQ(d.text, kTraditional);
  EXPECT_NE(d.charset.find("Big5"), std::string::npos) << d.charset;
}

TEST(Charset, Utf16LeWithBom) {
  std::string bytes = "\xFF\xFE" + encode(kChinese, "UTF-16LE");
  DecodedText d = decode(bytes);
  EXPECT_EQ(d.text, kChinese);
  EXPECT_EQ(d.charset, "UTF-16LE");
}

TEST(Charset, Utf16BeWithBomBeatsADeclaration) {
  std::string bytes = "\xFE\xFF" + encode("hello 世界", "UTF-16BE");
  DecodedText d = decode(bytes, "windows-1252");
  EXPECT_EQ(d.text, "hello 世界");
  EXPECT_EQ(d.charset, "UTF-16BE");
}

TEST(Charset, Utf16LeWithoutBomByZeroBytes) {
  DecodedText d = decode(encode("A plain English sentence in UTF-16.\n", "UTF-16LE"));
  EXPECT_EQ(d.text, "A plain English sentence in UTF-16.\n");
  EXPECT_EQ(d.charset, "UTF-16LE");
}

TEST(Charset, Utf32AndUtf8Boms) {
  EXPECT_EQ(decode("\xEF\xBB\xBFhi").text, "hi");
  std::string u32 = std::string("\xFF\xFE\x00\x00", 4) + encode("hi 中", "UTF-32LE");
  EXPECT_EQ(decode(u32).text, "hi 中");
}

TEST(Charset, DetectsWindows1252) {
  DecodedText d = decode(encode(kFrench, "windows-1252"));
  EXPECT_EQ(d.text, kFrench);
}

TEST(Charset, DetectsKoi8r) {
  DecodedText d = decode(encode(kRussian, "KOI8-R"));
  EXPECT_EQ(d.text, kRussian);
  EXPECT_EQ(d.charset, "KOI8-R");
}

TEST(Charset, DetectsShiftJis) {
  DecodedText d = decode(encode(kJapanese, "Shift_JIS"));
  EXPECT_EQ(d.text, kJapanese);
}

TEST(Charset, DetectsEbcdic) {
  const std::string text =
      "MAINFRAME EXPORT OF ACCOUNT HOLDERS\nName and address of every holder, with balances.\n";
  DecodedText d = decode(encode(text, "IBM500"));
  EXPECT_EQ(d.text, text);
  EXPECT_EQ(d.charset, "IBM500");
}

TEST(Charset, DeclaredCharsetIsUsedAndWidened) {
  // Too short for detection; the declaration decides. gb2312 is read as GB18030.
  DecodedText d = decode(encode("新疆", "GBK"), "gb2312");
  EXPECT_EQ(d.text, "新疆");
  EXPECT_EQ(d.charset, "GB18030");
  // iso-8859-1 is read as windows-1252: 0x80 is the euro sign.
  EXPECT_EQ(decode("\x80 5", "iso-8859-1").text, "€ 5");
}

TEST(Charset, UnknownDeclarationFallsBackToDetection) {
  EXPECT_EQ(decode(kChinese, "no-such-charset").text, kChinese);
}

TEST(Charset, DeclaredUtf8ThatIsNotUtf8IsIgnored) {
  DecodedText d = decode(encode(kChinese, "GBK"), "utf-8");
  EXPECT_EQ(d.text, kChinese);
}

TEST(Charset, InvalidBytesBecomeReplacementCharacters) {
  // UTF-16LE with a dangling odd byte and a lone surrogate: replaced, never failed.
  std::string bytes =
      encode("ok", "UTF-16LE") + std::string("\x00\xD8", 2) + encode("!", "UTF-16LE");
  bytes += "\x41";
  DecodedText d = decode(bytes, "utf-16le");
  EXPECT_EQ(d.text.substr(0, 2), "ok");
  EXPECT_NE(d.text.find("\xEF\xBF\xBD"), std::string::npos) << d.text;
  EXPECT_NE(d.text.find('!'), std::string::npos);
  // Shift_JIS lead byte followed by an invalid trail byte.
  DecodedText sjis = decode(std::string_view("a\x81\x20"
                                             "b"),
                            "shift_jis");
  EXPECT_EQ(sjis.text.front(), 'a');
  EXPECT_EQ(sjis.text.back(), 'b');
}

TEST(Charset, TruncatedMultibyteSequenceIsReplaced) {
  std::string gbk = encode(kChinese, "GBK");
  gbk.pop_back();  // cut the last character in half
  DecodedText d = decode(gbk, "gbk");
  EXPECT_EQ(d.text.substr(0, 30), std::string(kChinese).substr(0, 30));
  EXPECT_NE(d.text.find("\xEF\xBF\xBD"), std::string::npos);  // U+FFFD
}

TEST(Charset, LineEndsBecomeNewlines) {
  EXPECT_EQ(decode("a\r\nb\rc\n").text, "a\nb\nc\n");
  EXPECT_EQ(decode("a\xC2\x85"
                   "b\xE2\x80\xA8"
                   "c")
                .text,
            "a\nb\nc");
}

TEST(Charset, OutputIsNfc) {
  // "e" + combining acute accent composes to U+00E9.
  EXPECT_EQ(decode("caf"
                   "e\xCC\x81")
                .text,
            "caf\xC3\xA9");
}

TEST(Charset, EmptyInput) {
  DecodedText d = decode("");
  EXPECT_EQ(d.text, "");
}

TEST(Charset, LooksBinary) {
  EXPECT_FALSE(looks_binary(std::span<const uint8_t>()));
  const std::string text = "hello\tworld\n";
  EXPECT_FALSE(looks_binary({reinterpret_cast<const uint8_t*>(text.data()), text.size()}));
  const std::string bin(
      "\x7f"
      "ELF\x02\x01\x01\x00\x00\x00\x00\x00\x03\x00\x3e\x00",
      16);
  EXPECT_TRUE(looks_binary({reinterpret_cast<const uint8_t*>(bin.data()), bin.size()}));
  const std::string u16 = encode("UTF-16 text without a BOM", "UTF-16LE");
  EXPECT_FALSE(looks_binary({reinterpret_cast<const uint8_t*>(u16.data()), u16.size()}));
}

TEST(Charset, CanonicalCharset) {
  EXPECT_EQ(canonical_charset("GB2312"), "GB18030");
  EXPECT_EQ(canonical_charset(" \"utf-8\" "), "utf-8");
  EXPECT_EQ(canonical_charset("bogus"), "");
  EXPECT_EQ(canonical_charset(""), "");
}

}  // namespace
}  // namespace dossier::text
