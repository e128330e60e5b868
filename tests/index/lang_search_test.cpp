// Chinese, Traditional/Simplified, Uyghur and other scripts through the whole index: writer,
// query parser, compiler, ranking and snippets, on small fixtures written here.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "index/index.h"
#include "index/query_parser.h"
#include "index_test_util.h"

namespace dossier::index {
namespace {

using testing::ids;
using testing::TempIndexDir;
using V = std::vector<std::string>;

std::string repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i)
    out += s;
  return out;
}

// Neutral Chinese filler: none of the characters the queries below look for.
const std::string kFiller = repeat("各方面的工作取得了进展。", 20);

class LangSearch : public ::testing::Test {
 protected:
  void SetUp() override {
    auto w = IndexWriter::open(dir_.path());
    ASSERT_TRUE(w) << w.error().to_string();
    writer_ = std::move(*w);
    add("hans", "新疆维吾尔自治区人民政府发布了通知。");
    add("hant", "新疆維吾爾自治區人民政府發布了通知。");
    add("mixed", "本报告介绍iPhone手机在新疆的销售, Xinjiang sales report 2017年");
    add("apart", "新的疆域。维吾尔");
    // Ranking: the same length, three exact matches against one exact match and the characters
    // scattered (新 and 疆 many times, never adjacent).
    add("many", kFiller + "新疆。新疆。新疆。" + kFiller);
    add("once", kFiller + "新疆。新的疆域新的疆域新的疆域新的" + kFiller);
    // Proximity: both words once, adjacent in one, far apart in the other (indexed first, so that
    // Xapian's tie order would favour it).
    add("far", "人民法院。" + kFiller + "依法判决。" + kFiller);
    add("close", kFiller + "人民法院依法判决。" + kFiller + "。。。。。");
    // Uyghur in both scripts (UDHR article 1, first words).
    add("ug-arab",
        "ھەممە ئادەم زاتىدىنلا ئەركىن، ئىززەت-ھۆرمەت ۋە ھوقۇقتا باپباراۋەر بولۇپ "
        "تۇغۇلغان. جەمئىيەتنىڭ يۈكسىلىشى");
    add("ug-latn",
        "hemme adem zatidinla erkin, izzet-hörmet we hoquqta babbarawer bolup "
        "tughulghan. jem'iyetning yüksilishi");
    add("thai", "ภาษาไทยเป็นภาษาที่มีระดับ");
    add("english", "Putin's e-mail was leaked");
    IndexDocument bilingual;
    bilingual.id = "bilingual";
    bilingual.lang = "en";
    bilingual.part_langs = {"en", "zh"};
    bilingual.pages.push_back(IndexPage{1, "An English report with a long Chinese appendix."});
    ASSERT_TRUE(writer_->replace(bilingual));
    ASSERT_TRUE(writer_->commit());
    auto s = Searcher::open(dir_.path());
    ASSERT_TRUE(s) << s.error().to_string();
    searcher_ = std::move(*s);
  }

  void add(const std::string& id, const std::string& text) {
    IndexDocument d;
    d.id = id;
    d.pages.push_back(IndexPage{0, text});
    d.paths.push_back("/t/" + id);
    texts_.emplace_back(id, text);
    ASSERT_TRUE(writer_->replace(d)) << id;
  }

  V q(std::string_view query) { return ids(*searcher_, query); }

  // Hit ids in ranked order.
  V ranked(std::string_view query) {
    SearchOptions all;
    all.limit = 0;
    auto r = searcher_->search(query, all);
    EXPECT_TRUE(r) << query;
    V out;
    if (r) {
      for (const Hit& h : r->hits)
        out.push_back(h.id);
    }
    return out;
  }

  // The highlighted parts of the snippet of document `id` for `query`.
  V highlights(std::string_view query, const std::string& id) {
    auto r = searcher_->search(query, SearchOptions{});
    EXPECT_TRUE(r) << query;
    std::vector<IndexPage> pages;
    for (const auto& [i, t] : texts_) {
      if (i == id)
        pages.push_back(IndexPage{0, t});
    }
    V out;
    if (!r)
      return out;
    for (const SnippetPart& p : make_snippet(r->highlight, pages, 400).parts) {
      if (p.highlighted)
        out.push_back(p.text);
    }
    return out;
  }

  TempIndexDir dir_;
  std::unique_ptr<IndexWriter> writer_;
  std::unique_ptr<Searcher> searcher_;
  std::vector<std::pair<std::string, std::string>> texts_;
};

TEST_F(LangSearch, UnquotedChineseMatchesExactlyThatSequence) {
  EXPECT_EQ(q("新疆"), (V{"hans", "hant", "many", "mixed", "once"}));
  EXPECT_EQ(q("维吾尔"), (V{"apart", "hans", "hant"}));
  EXPECT_EQ(q("疆维"), (V{"hans", "hant"}));  // not 新的疆域。维吾尔: 。 breaks the sequence
  EXPECT_EQ(q("的疆"), (V{"apart", "once"}));
}

TEST_F(LangSearch, TraditionalAndSimplifiedFindEachOther) {
  EXPECT_EQ(q("新疆維吾爾"), (V{"hans", "hant"}));
  EXPECT_EQ(q("新疆维吾尔"), (V{"hans", "hant"}));
  EXPECT_EQ(q("自治區"), q("自治区"));
  EXPECT_EQ(q("發布"), (V{"hans", "hant"}));
  EXPECT_EQ(q("\"人民政府发布\""), (V{"hans", "hant"}));
}

TEST_F(LangSearch, MixedChineseAndLatinQueries) {
  EXPECT_EQ(q("iPhone手机"), (V{"mixed"}));
  EXPECT_EQ(q("手机iphone"), V{});  // order matters: a phrase
  EXPECT_EQ(q("新疆 Xinjiang"), (V{"mixed"}));
  EXPECT_EQ(q("Xinjiang 新疆 sales"), (V{"mixed"}));
  EXPECT_EQ(q("2017年"), (V{"mixed"}));
  EXPECT_EQ(q("\"sales report 2017年\""), (V{"mixed"}));
  EXPECT_EQ(q("新疆 OR Putin"), (V{"english", "hans", "hant", "many", "mixed", "once"}));
  EXPECT_EQ(q("新疆 -iphone"), (V{"hans", "hant", "many", "once"}));
}

TEST_F(LangSearch, MoreExactMatchesRankFirst) {
  V r = ranked("新疆");
  ASSERT_EQ(r.size(), 5u);
  auto at = [&](const std::string& id) { return std::find(r.begin(), r.end(), id) - r.begin(); };
  EXPECT_LT(at("many"), at("once"));
}

TEST_F(LangSearch, CloserMatchesRankFirst) {
  EXPECT_EQ(ranked("人民法院 判决"), (V{"close", "far"}));
  EXPECT_EQ(ranked("判决 人民法院"), (V{"close", "far"}));
}

TEST_F(LangSearch, PagesOfARerankedQueryAgreeWithTheFullList) {
  V full = ranked("新疆 OR 人民法院 OR 通知");
  ASSERT_GE(full.size(), 7u);
  V paged;
  for (uint64_t offset = 0; offset < full.size(); offset += 2) {
    SearchOptions o;
    o.offset = offset;
    o.limit = 2;
    auto r = searcher_->search("新疆 OR 人民法院 OR 通知", o);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->total, full.size());
    for (const Hit& h : r->hits)
      paged.push_back(h.id);
  }
  EXPECT_EQ(paged, full);
  // Scores come best first.
  SearchOptions all;
  all.limit = 0;
  auto r = searcher_->search("新疆 OR 人民法院 OR 通知", all);
  ASSERT_TRUE(r);
  for (size_t k = 1; k < r->hits.size(); ++k)
    EXPECT_GE(r->hits[k - 1].score, r->hits[k].score);
}

TEST_F(LangSearch, SnippetsHighlightTheMatchedCharactersInTheOriginal) {
  EXPECT_EQ(highlights("新疆维吾尔", "hant"), (V{"新疆維吾爾"}));
  EXPECT_EQ(highlights("新疆維吾爾", "hans"), (V{"新疆维吾尔"}));
  EXPECT_EQ(highlights("人民政府 通知", "hant"), (V{"人民政府", "通知"}));
  EXPECT_EQ(highlights("iPhone手机", "mixed"), (V{"iPhone手机"}));
  // Only the exact sequence is marked, not its characters elsewhere.
  EXPECT_EQ(highlights("疆域", "apart"), (V{"疆域"}));
  EXPECT_EQ(highlights("疆维", "hans"), (V{"疆维"}));
}

TEST_F(LangSearch, UyghurLatinQueryFindsArabicScriptAndTheReverse) {
  EXPECT_EQ(q("hemme"), (V{"ug-arab", "ug-latn"}));
  EXPECT_EQ(q("ھەممە"), (V{"ug-arab", "ug-latn"}));
  EXPECT_EQ(q("jem'iyetning"), (V{"ug-arab", "ug-latn"}));
  EXPECT_EQ(q("جەمئىيەتنىڭ"), (V{"ug-arab", "ug-latn"}));
  EXPECT_EQ(q("jemiyetning"), (V{"ug-arab", "ug-latn"}));  // the apostrophe is optional
  // Phrases across scripts, including a hyphenated word.
  EXPECT_EQ(q("\"hemme adem zatidinla erkin\""), (V{"ug-arab", "ug-latn"}));
  EXPECT_EQ(q("\"ھەممە ئادەم\""), (V{"ug-arab", "ug-latn"}));
  EXPECT_EQ(q("\"izzet-hörmet we hoquqta\""), (V{"ug-arab", "ug-latn"}));
  EXPECT_EQ(q("\"ئىززەت-ھۆرمەت ۋە\""), (V{"ug-arab", "ug-latn"}));
  // Wildcards and fuzzy work on the Latin spelling, whichever script the query is in.
  EXPECT_EQ(q("tughul*"), (V{"ug-arab", "ug-latn"}));
  EXPECT_EQ(q("تۇغۇل*"), (V{"ug-arab", "ug-latn"}));
  EXPECT_EQ(q("tughulgan~1"), (V{"ug-arab", "ug-latn"}));
  // A letter that differs is a different word: é is not e.
  EXPECT_EQ(q("hémme"), V{});
}

TEST_F(LangSearch, UyghurSnippetsHighlightTheWordInItsOwnScript) {
  EXPECT_EQ(highlights("hemme", "ug-arab"), (V{"ھەممە"}));
  EXPECT_EQ(highlights("ھەممە", "ug-latn"), (V{"hemme"}));
  EXPECT_EQ(highlights("\"ھەممە ئادەم\"", "ug-latn"), (V{"hemme adem"}));
  EXPECT_EQ(highlights("jemiyetning", "ug-latn"), (V{"jem'iyetning"}));
  EXPECT_EQ(highlights("جەمئىيەتنىڭ", "ug-arab"), (V{"جەمئىيەتنىڭ"}));
}

TEST_F(LangSearch, LanguagesOfLongPartsAreLangFilters) {
  EXPECT_EQ(q("lang:en"), (V{"bilingual"}));
  EXPECT_EQ(q("lang:zh"), (V{"bilingual"}));
  EXPECT_EQ(q("report lang:zh"), (V{"bilingual"}));
  EXPECT_EQ(q("lang:ug"), V{});
}

TEST_F(LangSearch, ApostrophesAndOtherScripts) {
  EXPECT_EQ(q("putin"), (V{"english"}));
  EXPECT_EQ(q("putin's"), (V{"english"}));
  EXPECT_EQ(q("putins"), (V{"english"}));
  EXPECT_EQ(q("\"putin's e-mail\""), (V{"english"}));
  EXPECT_EQ(highlights("putin", "english"), (V{"Putin"}));
  EXPECT_EQ(highlights("putin's", "english"), (V{"Putin's"}));
  EXPECT_EQ(q("ไทย"), (V{"thai"}));
  EXPECT_EQ(q("\"ภาษาไทย\""), (V{"thai"}));
  EXPECT_EQ(highlights("ไทย", "thai"), (V{"ไทย"}));
}

}  // namespace
}  // namespace dossier::index
