#include "text/tokenizer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace dossier::text {
namespace {

struct Tok {
  std::string term;
  uint32_t pos;
  size_t begin, end;
  bool operator==(const Tok&) const = default;
};

std::vector<Tok> toks(std::string_view s, uint32_t first = 0) {
  std::vector<Tok> out;
  tokenize(s, first, [&](const Token& t) { out.push_back({t.term, t.position, t.begin, t.end}); });
  return out;
}

// The terms a query uses: one per position, alternatives left out.
std::vector<std::string> terms(std::string_view s) {
  std::vector<std::string> out;
  tokenize(s, [&](const Token& t) {
    if (!t.alternative)
      out.push_back(t.term);
  });
  return out;
}

// Every term, alternatives included, in the order they come.
std::vector<std::string> all_terms(std::string_view s) {
  std::vector<std::string> out;
  tokenize(s, [&](const Token& t) { out.push_back(t.term); });
  return out;
}

using V = std::vector<std::string>;

TEST(Tokenizer, LatinWordsHaveOffsetsAndConsecutivePositions) {
  auto t = toks("Hello  World");
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0], (Tok{"hello", 0, 0, 5}));
  EXPECT_EQ(t[1], (Tok{"world", 1, 7, 12}));
}

TEST(Tokenizer, FirstPositionAndReturnValue) {
  std::vector<Tok> out;
  uint32_t next = tokenize("a b", 10, [&](const Token& t) {
    out.push_back({t.term, t.position, t.begin, t.end});
  });
  EXPECT_EQ(out[0].pos, 10u);
  EXPECT_EQ(out[1].pos, 11u);
  EXPECT_EQ(next, 12u);
  EXPECT_EQ(tokenize("  ", 7, [](const Token&) {}), 7u);
}

TEST(Tokenizer, AbbreviationsNumbersAndApostrophes) {
  EXPECT_EQ(terms("U.S. Army"), (V{"u.s", "army"}));
  EXPECT_EQ(terms("pi is 3.14, about 1,000,000."), (V{"pi", "is", "3.14", "about", "1,000,000"}));
  // An apostrophe keeps the word whole; its parts are alternatives at the same position.
  EXPECT_EQ(terms("Putin's don't"), (V{"putins", "dont"}));
  EXPECT_EQ(all_terms("Putin's don't"), (V{"putins", "putin", "s", "dont", "don", "t"}));
  EXPECT_EQ(terms("e-mail example.com"), (V{"e", "mail", "example.com"}));
  EXPECT_EQ(terms("snake_case"), (V{"snake_case"}));
  // The abbreviation's period is not a sentence end: no gap before "army".
  auto t = toks("U.S. Army");
  EXPECT_EQ(t[1].pos, 1u);
  EXPECT_EQ(t[0].end, 3u);
}

TEST(Tokenizer, NfkcCaseFoldingAndOtherScripts) {
  EXPECT_EQ(terms("ＡＢＣ Straße ΣΊΣΥΦΟΣ"), (V{"abc", "strasse", "σίσυφοσ"}));
  // Arabic-script Uyghur is indexed as its Latin (ULY) spelling, the Arabic one alongside.
  EXPECT_EQ(terms("Москва ئۇيغۇر café"), (V{"москва", "uyghur", "café"}));
  EXPECT_EQ(all_terms("ئۇيغۇر"), (V{"uyghur", "ئۇيغۇر"}));
  // Combining marks stay in the word: e + U+0301 composes under NFKC.
  EXPECT_EQ(terms("cafe\u0301"), (V{"café"}));
}

TEST(Tokenizer, PunctuationLeavesAGap) {
  auto t = toks("end. Next, more");
  EXPECT_EQ(t[0].pos, 0u);
  EXPECT_EQ(t[1].pos, 2u);
  EXPECT_EQ(t[2].pos, 4u);
  auto c = toks("新疆。维吾尔");
  ASSERT_EQ(c.size(), 5u);
  EXPECT_EQ(c[1].pos, 1u);
  EXPECT_EQ(c[2].pos, 3u);  // gap after 。
}

TEST(Tokenizer, CjkOneTermPerCharacterAcrossLineBreaks) {
  auto t = toks("新疆\n  维吾尔");
  ASSERT_EQ(t.size(), 5u);
  EXPECT_EQ(t[0], (Tok{"新", 0, 0, 3}));
  EXPECT_EQ(t[1], (Tok{"疆", 1, 3, 6}));
  EXPECT_EQ(t[2], (Tok{"维", 2, 9, 12}));
  EXPECT_EQ(t[4].pos, 4u);
}

TEST(Tokenizer, SpacesAndBlankLinesBreakCjkAdjacency) {
  // Article numbers stand apart from the text: 第三条 国务院 must not match 条国务.
  auto t = toks("第三条 国务院");
  ASSERT_EQ(t.size(), 6u);
  EXPECT_EQ(t[2].pos, 2u);
  EXPECT_EQ(t[3].pos, 4u);
  auto para = toks("法律\n\n责任");
  ASSERT_EQ(para.size(), 4u);
  EXPECT_EQ(para[2].pos, 3u);
  auto spaced = toks("法 律");
  EXPECT_EQ(spaced[1].pos, 2u);
  // Latin words are adjacent whatever the whitespace.
  auto latin = toks("wire   transfer");
  EXPECT_EQ(latin[1].pos, 1u);
}

TEST(Tokenizer, MixedChineseAndLatin) {
  auto t = toks("中文abc 2017年");
  ASSERT_EQ(t.size(), 5u);
  EXPECT_EQ(t[2], (Tok{"abc", 2, 6, 9}));
  EXPECT_EQ(t[3], (Tok{"2017", 3, 10, 14}));
  EXPECT_EQ(t[4].term, "年");
  EXPECT_EQ(terms("ひらがなカタカナ"), (V{"ひ", "ら", "が", "な", "カ", "タ", "カ", "ナ"}));
  EXPECT_EQ(terms("ｶﾀｶﾅ"), (V{"カ", "タ", "カ", "ナ"}));
}

TEST(Tokenizer, TraditionalFoldsToSimplified) {
  EXPECT_EQ(terms("新疆維吾爾"), terms("新疆维吾尔"));
  EXPECT_EQ(terms("國務院"), (V{"国", "务", "院"}));
  // Offsets still point at the Traditional bytes.
  auto t = toks("維");
  EXPECT_EQ(t[0].term, "维");
  EXPECT_EQ(t[0].end, 3u);
}

TEST(Tokenizer, InvalidUtf8SeparatesWords) {
  EXPECT_EQ(terms("ab\xff"
                  "cd"),
            (V{"ab", "cd"}));
  EXPECT_EQ(terms("\xe6\x96"), V{});
}

TEST(Tokenizer, OverlongTermsAreDroppedButTakeAPosition) {
  std::string s = "a " + std::string(200, 'x') + " b";
  auto t = toks(s);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[1].pos, 2u);
}

TEST(Tokenizer, LargeMixedInputTokenizesAndReportsThroughput) {
  std::string text;
  for (int i = 0; i < 20000; ++i)
    text += "中华人民共和国 The quick brown fox, 新疆維吾爾自治区。";
  size_t n = 0;
  auto t0 = std::chrono::steady_clock::now();
  tokenize(text, [&](const Token&) { ++n; });
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double mb = static_cast<double>(text.size()) / 1e6;
  std::printf("tokenize: %.1f MB in %.3f s = %.1f MB/s, %zu tokens\n", mb, s, mb / s, n);
  EXPECT_GT(n, 0u);
}

}  // namespace
}  // namespace dossier::text

namespace dossier::text {
namespace {

TEST(Tokenizer, RandomInputKeepsInvariants) {
  const char* pieces[] = {
      "a",  "Z",  "9",    ".",    ",",        "'", "-", " ",  "\n",           "新",  "維",
      "。", "ー", "\xff", "\xe6", "\xcc\x81", "é", "ß", "ｶ",  "\xe2\x80\x8d", "_",   "《",
      "’",  "ʼ",  "ئ",    "ۇ",    "ـ",        "ه", "ی", "ภา", "ษา",           "ไทย", "ع"};
  uint32_t seed = 12345;
  for (int round = 0; round < 2000; ++round) {
    std::string s;
    int n = static_cast<int>((seed = seed * 1103515245 + 12345) >> 16) % 40;
    for (int k = 0; k < n; ++k) {
      seed = seed * 1103515245 + 12345;
      s += pieces[(seed >> 16) % (sizeof pieces / sizeof *pieces)];
    }
    int64_t last_pos = -1;
    size_t last_begin = 0, last_end = 0;
    tokenize(s, [&](const Token& t) {
      ASSERT_FALSE(t.term.empty()) << s;
      ASSERT_LT(t.begin, t.end) << s;
      ASSERT_LE(t.end, s.size()) << s;
      if (t.alternative) {
        // At the position of the term before it, inside its bytes.
        ASSERT_EQ(static_cast<int64_t>(t.position), last_pos) << s;
        ASSERT_GE(t.begin, last_begin) << s;
        ASSERT_LE(t.end, last_end) << s;
        return;
      }
      ASSERT_GE(t.begin, last_end) << s;
      ASSERT_GT(static_cast<int64_t>(t.position), last_pos) << s;
      last_pos = t.position;
      last_begin = t.begin;
      last_end = t.end;
    });
  }
}

}  // namespace
}  // namespace dossier::text

namespace dossier::text {
namespace {

TEST(Tokenizer, MarksAndVariationSelectorsStayWithTheirCjkCharacter) {
  // か + combining dakuten is が; 葛 + an ideographic variation selector is still 葛, adjacent to
  // 城.
  auto t = toks("か\u3099葛\U000E0100城");
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].term, "が");
  EXPECT_EQ(t[0].end, 6u);
  EXPECT_EQ(t[1].term, "葛");
  EXPECT_EQ(t[1].end, 13u);
  EXPECT_EQ(t[2].pos, 2u);
  // A lone ignorable between CJK characters takes no position.
  EXPECT_EQ(toks("新\u200d疆")[1].pos, 1u);
}

}  // namespace
}  // namespace dossier::text

#include <unicode/brkiter.h>
#include <unicode/utext.h>

#include <memory>

#include "text/icu_handles.h"

namespace dossier::text {
namespace {

TEST(Tokenizer, ThaiIsSplitIntoDictionaryWordsWithExactOffsets) {
  std::string s = "ภาษาไทยเป็นภาษาที่มีระดับ";
  auto t = toks(s);
  std::vector<std::string> words;
  for (const auto& x : t)
    words.push_back(s.substr(x.begin, x.end - x.begin));
  EXPECT_EQ(words, (V{"ภาษา", "ไทย", "เป็น", "ภาษา", "ที่", "มี", "ระดับ"}));
  for (size_t k = 0; k < t.size(); ++k)
    EXPECT_EQ(t[k].pos, k);
  // Offsets stay exact after a Latin word and across a space.
  auto m = toks("Bangkok กรุงเทพมหานคร");
  ASSERT_GE(m.size(), 2u);
  EXPECT_EQ(m[1].begin, 8u);
}

TEST(Tokenizer, LaoKhmerAndMyanmarRunsAreSplitToo) {
  // Without dictionary word break each sentence below was one term.
  for (std::string_view s : {"ຂ້ອຍຮັກພາສາລາວຫຼາຍ", "ខ្ញុំស្រឡាញ់ភាសាខ្មែរ", "မြန်မာစာကိုလေ့လာသည်"}) {
    auto t = toks(s);
    EXPECT_GE(t.size(), 3u) << s;
    size_t at = 0;
    for (const auto& x : t) {
      EXPECT_EQ(x.begin, at) << s;  // the words tile the run
      at = x.end;
    }
    EXPECT_EQ(at, s.size()) << s;
  }
}

// [begin, end) of every word ICU's word break finds (rule status other than "none").
std::vector<std::pair<size_t, size_t>> icu_words(std::string_view s) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> bi(
      icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
  UTextPtr ut(utext_openUTF8(nullptr, s.data(), static_cast<int64_t>(s.size()), &status));
  bi->setText(ut.get(), status);
  EXPECT_TRUE(U_SUCCESS(status));
  std::vector<std::pair<size_t, size_t>> out;
  int32_t a = bi->first();
  for (int32_t b = bi->next(); b != icu::BreakIterator::DONE; a = b, b = bi->next()) {
    if (bi->getRuleStatus() != UBRK_WORD_NONE)
      out.emplace_back(static_cast<size_t>(a), static_cast<size_t>(b));
  }
  return out;
}

TEST(Tokenizer, SpacedScriptsSplitWhereIcuWordBreakDoes) {
  // Korean, Russian, Greek, Arabic, Persian (with a ZWNJ inside a word), Hebrew, Hindi, Armenian,
  // Georgian, Amharic, and English with an apostrophe, a hyphen, a decimal and a domain.
  for (std::string_view s :
       {"모든 인간은 태어날 때부터 자유로우며 존엄과 권리에 있어 동등하다.",
        "Все люди рождаются свободными и равными в своем достоинстве и правах.",
        "Όλοι οι άνθρωποι γεννιούνται ελεύθεροι και ίσοι στην αξιοπρέπεια.",
        "يولد جميع الناس أحرارا متساوين في الكرامة والحقوق.",
        "می\u200cخواهم تمام افراد بشر آزاد به دنیا می\u200cآیند.",
        "כל בני האדם נולדו בני חורין ושווים בערכם ובזכויותיהם.",
        "सभी मनुष्यों को गौरव और अधिकारों के मामले में जन्मजात स्वतन्त्रता प्राप्त है।",
        "Բոլոր մարդիկ ծնվում են ազատ ու հավասար", "ყველა ადამიანი იბადება თავისუფალი",
        "የሰው ልጅ ሁሉ ሲወለድ ነጻና", "Putin's e-mail costs 3.14 at example.com today"}) {
    std::vector<std::pair<size_t, size_t>> ours;
    tokenize(s, [&](const Token& t) {
      if (!t.alternative)
        ours.emplace_back(t.begin, t.end);
    });
    EXPECT_EQ(ours, icu_words(s)) << s;
  }
}

TEST(Tokenizer, JapaneseStaysOneTermPerCharacterWhereIcuFindsWords) {
  // ICU finds 東京タワー, へ, 行き, ま, した; the index keeps one term per character so that any
  // substring is searchable exactly.
  EXPECT_EQ(terms("東京タワーへ行きました"),
            (V{"东", "京", "タ", "ワ", "ー", "へ", "行", "き", "ま", "し", "た"}));
}

TEST(Tokenizer, EDiaeresisIsFoldedToEAcute) {
  EXPECT_EQ(terms("këlip KËLIP kélip"), (V{"kélip", "kélip", "kélip"}));
}

}  // namespace
}  // namespace dossier::text
