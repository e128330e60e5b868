#include "text/uyghur.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "text/normalize.h"
#include "text/tokenizer.h"

namespace dossier::text {
namespace {

std::string uly(std::string_view arabic) {
  std::string folded, out;
  std::string nfkc;
  append_nfkc_casefold(arabic, nfkc);
  fold_arabic(nfkc, folded);
  return uyghur_to_latin(folded, out) ? out : "<none>";
}

// The term a query uses for each word.
std::vector<std::string> terms(std::string_view s) {
  std::vector<std::string> out;
  tokenize(s, [&](const Token& t) {
    if (!t.alternative)
      out.push_back(t.term);
  });
  return out;
}

using V = std::vector<std::string>;

TEST(Uyghur, EveryLetterOfTheAlphabet) {
  // The 32 letters of the Uyghur Arabic alphabet in its order, each after a consonant so that no
  // word-initial rule applies.
  EXPECT_EQ(uly("با"), "ba");
  EXPECT_EQ(uly("بە"), "be");
  const std::vector<std::pair<const char*, const char*>> pairs = {
      {"بب", "bb"},  {"بپ", "bp"}, {"بت", "bt"}, {"بج", "bj"},  {"بچ", "bch"}, {"بخ", "bx"},
      {"بد", "bd"},  {"بر", "br"}, {"بز", "bz"}, {"بژ", "bzh"}, {"بس", "bs"},  {"بش", "bsh"},
      {"بغ", "bgh"}, {"بف", "bf"}, {"بق", "bq"}, {"بك", "bk"},  {"بگ", "bg"},  {"بڭ", "bng"},
      {"بل", "bl"},  {"بم", "bm"}, {"بن", "bn"}, {"بھ", "bh"},  {"بو", "bo"},  {"بۇ", "bu"},
      {"بۆ", "bö"},  {"بۈ", "bü"}, {"بۋ", "bw"}, {"بې", "bé"},  {"بى", "bi"},  {"بي", "by"}};
  for (const auto& [arabic, latin] : pairs)
    EXPECT_EQ(uly(arabic), latin) << arabic;
}

TEST(Uyghur, HamzaCarrierInitialDroppedInternalApostrophe) {
  EXPECT_EQ(uly("ئۇيغۇر"), "uyghur");
  EXPECT_EQ(uly("ئادەم"), "adem");
  EXPECT_EQ(uly("جەمئىيەت"), "jem'iyet");
  EXPECT_EQ(uly("قەتئىي"), "qet'iy");
  EXPECT_EQ(uly("سائەت"), "sa'et");
}

TEST(Uyghur, DigraphLookalikesAreSeparatedByAnApostrophe) {
  EXPECT_EQ(uly("ئىنگلىز"), "in'gliz");               // n + g, not ng
  EXPECT_EQ(uly("ئايلانغانلىقى"), "aylan'ghanliqi");  // n + gh
  EXPECT_EQ(uly("ئىسھاق"), "is'haq");                 // s + h
  EXPECT_EQ(uly("مەنگۈ"), "men'gü");
  EXPECT_EQ(uly("مەڭگۈ"), "menggü");  // ng + g needs none
  EXPECT_EQ(uly("چاشقان"), "chashqan");
}

TEST(Uyghur, PresentationFormsHamzaAndJoinersFoldToTheSameWord) {
  const std::string plain = "uyghur";
  // Presentation forms (NFKC folds them): ﺋ ﯘ ﻳ ﻐ ﯘ ﺭ, and the ligature ﯰ (ئۇ).
  EXPECT_EQ(uly("\uFE8B\uFBD8\uFEF3\uFED0\uFBD8\uFEAD"), plain);
  EXPECT_EQ(uly("\uFBF0\u064A\u063A\u06C7\u0631"), plain);
  // Yeh + combining hamza above (NFC composes it), alef maksura + hamza above (it does not).
  EXPECT_EQ(uly("\u064A\u0654\u06C7\u064A\u063A\u06C7\u0631"), plain);
  EXPECT_EQ(uly("\u0649\u0654\u06C7\u064A\u063A\u06C7\u0631"), plain);
  // ZWNJ, ZWJ and tatweel inside the word.
  EXPECT_EQ(uly("ئۇي\u200Cغۇر"), plain);
  EXPECT_EQ(uly("ئۇي\u200Dغۇر"), plain);
  EXPECT_EQ(uly("ئۇيـــغۇر"), plain);
  // Harakat are not written in Uyghur; when they are, they do not count.
  EXPECT_EQ(uly("ئُۇيغۇر"), plain);
}

TEST(Uyghur, LookalikeLettersAreReadAsTheUyghurLetterTheyLookLike) {
  EXPECT_EQ(uly("کىتاب"), uly("كىتاب"));  // keheh is kaf
  EXPECT_EQ(uly("ھەممە"), "hemme");
  EXPECT_EQ(uly("هەممه"), "hemme");  // Arabic heh: h inside the word, e at its end
  EXPECT_EQ(uly("بالی"), "bali");    // Farsi yeh: i at the end
  EXPECT_EQ(uly("یول"), "yol");      // y elsewhere
  // ى (i) and ي (y) are different Uyghur letters and stay apart, as do ە (e) and ھ (h).
  EXPECT_NE(uly("بى"), uly("بي"));
  EXPECT_NE(uly("بە"), uly("بھ"));
}

TEST(Uyghur, LettersOutsideTheAlphabetAreNotTransliterated) {
  EXPECT_EQ(uly("عربية"), "<none>");
  EXPECT_EQ(uly("مدرسة"), "<none>");
  // Such words keep their folded Arabic spelling as their term.
  EXPECT_EQ(terms("العربية"), (V{"العربية"}));
}

TEST(Uyghur, ArabicIndicDigitsAreAsciiDigits) {
  std::string out;
  fold_arabic("١٩٤٨ ۱۹۴۸", out);
  EXPECT_EQ(out, "1948 1948");
  EXPECT_EQ(terms("١٩٤٨-يىلى"), (V{"1948", "yili"}));
}

TEST(Uyghur, NfkcStableLettersNeedNoNormalisation) {
  for (char32_t c = 0x0600; c <= 0x06FF; ++c) {
    if (!arabic_nfkc_stable(c))
      continue;
    std::string s, folded;
    append_utf8(c, s);
    append_nfkc_casefold(s, folded);
    EXPECT_EQ(folded, s) << std::hex << static_cast<uint32_t>(c);
  }
}

TEST(Uyghur, EitherScriptGivesTheSameQueryTerms) {
  // Words of the UDHR preamble in both scripts.
  EXPECT_EQ(terms("ئىنسانلار ئائىلىسىنىڭ بارلىق ئەزالىرىنىڭ"),
            terms("insanlar a'ilisining barliq ezalirining"));
  EXPECT_EQ(terms("جەمئىيەتنىڭ يۈكسىلىشى"), terms("jem'iyetning yüksilishi"));
  // ULY typed without the hamza apostrophe, or with ’ or ʼ, or with ë for é.
  EXPECT_EQ(terms("ئائىلىسىنىڭ"), terms("ailisining"));
  EXPECT_EQ(terms("جەمئىيەت"), terms("jem’iyet"));
  EXPECT_EQ(terms("جەمئىيەت"), terms("jemʼiyet"));
  EXPECT_EQ(terms("كېلىپ مېنى"), terms("këlip mëni"));
  EXPECT_EQ(terms("كېلىپ"), terms("KÉLIP"));
}

TEST(Uyghur, ArabicWordKeepsItsSpellingAndPartsAtItsPosition) {
  struct T {
    std::string term;
    uint32_t pos;
    size_t begin, end;
    bool alt;
  };
  std::vector<T> got;
  std::string text = "بۇ جەمئىيەت";
  tokenize(text, [&](const Token& t) {
    got.push_back({t.term, t.position, t.begin, t.end, t.alternative});
  });
  ASSERT_EQ(got.size(), 6u);
  EXPECT_EQ(got[0].term, "bu");
  EXPECT_EQ(got[1].term, "بۇ");
  EXPECT_TRUE(got[1].alt);
  EXPECT_EQ(got[2].term, "jemiyet");
  EXPECT_EQ(got[3].term, "جەمئىيەت");
  EXPECT_EQ(got[4].term, "jem");
  EXPECT_EQ(got[5].term, "iyet");
  for (size_t k = 2; k < 6; ++k) {
    EXPECT_EQ(got[k].pos, 1u);
    EXPECT_EQ(got[k].begin, 5u);  // every term of the word points at the whole Arabic word
    EXPECT_EQ(got[k].end, text.size());
  }
}

}  // namespace
}  // namespace dossier::text
