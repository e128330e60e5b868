#include <gtest/gtest.h>

#include "index/index.h"
#include "index/query_parser.h"

namespace dossier::index {
namespace {

HighlightSpec spec(std::string_view q) {
  auto r = parse_query(q);
  EXPECT_TRUE(r) << q;
  return highlight_spec(*r);
}

// "[x]" marks highlighted parts.
std::string render(const Snippet& s) {
  std::string out;
  for (const SnippetPart& p : s.parts)
    out += p.highlighted ? "[" + p.text + "]" : p.text;
  return out;
}

TEST(Snippet, HighlightsExactlyTheMatchedBytes) {
  std::vector<IndexPage> pages{{1, "Nothing here."}, {2, "The Budget report, and budgets."}};
  Snippet s = make_snippet(spec("budget"), pages, 200);
  EXPECT_EQ(s.page, 2);
  EXPECT_EQ(render(s), "The [Budget] report, and budgets.");
}

TEST(Snippet, PhraseAndPrefix) {
  std::vector<IndexPage> pages{{0, "a budget\n  report; budgets, budgeting"}};
  EXPECT_EQ(render(make_snippet(spec("\"budget report\""), pages, 200)),
            "a [budget report]; budgets, budgeting");
  EXPECT_EQ(render(make_snippet(spec("budget*"), pages, 200)),
            "a [budget] report; [budgets], [budgeting]");
}

TEST(Snippet, SimplifiedQueryHighlightsTraditionalText) {
  std::vector<IndexPage> pages{{3, "新疆維吾爾\n自治區。新的疆域"}};
  Snippet s = make_snippet(spec("新疆维吾尔自治区"), pages, 200);
  EXPECT_EQ(s.page, 3);
  // The line break inside the Chinese run disappears; 新 … 疆 apart is not highlighted.
  EXPECT_EQ(render(s), "[新疆維吾爾自治區]。新的疆域");
}

TEST(Snippet, WindowPicksTheDensestMatchesOnWordBoundaries) {
  std::string filler;
  for (int i = 0; i < 60; ++i)
    filler += "lorem ipsum ";
  std::vector<IndexPage> pages{{1, "alpha once. " + filler},
                               {2, filler + "alpha and beta together. " + filler}};
  Snippet s = make_snippet(spec("alpha beta"), pages, 80);
  EXPECT_EQ(s.page, 2);
  std::string r = render(s);
  EXPECT_NE(r.find("[alpha] and [beta]"), std::string::npos) << r;
  EXPECT_EQ(r.rfind("… ", 0), 0u) << r;          // starts mid-page
  EXPECT_EQ(r.substr(r.size() - 4), " …") << r;  // " …" is 4 bytes
  EXPECT_LT(r.size(), 120u) << r;
  // No word cut in half: the text next to the ellipses is whole words.
  EXPECT_NE(r.find("… lorem") == 0 || r.find("… ipsum") == 0, false) << r;
}

TEST(Snippet, NoMatchGivesTheStartOfTheFirstNonEmptyPage) {
  std::vector<IndexPage> pages{{1, "   \n"}, {2, "  First   words\nof the page"}};
  Snippet s = make_snippet(spec("type:pdf"), pages, 200);
  EXPECT_EQ(s.page, 2);
  EXPECT_EQ(render(s), "First words of the page");
  Snippet empty = make_snippet(spec("type:pdf"), {}, 200);
  EXPECT_TRUE(empty.parts.empty());
}

TEST(Snippet, LongPageWithoutMatchIsCut) {
  std::vector<IndexPage> pages{{0, std::string(1000, 'x') + " tail"}};
  std::string r = render(make_snippet(spec("nomatch"), pages, 50));
  EXPECT_LT(r.size(), 100u);
}

}  // namespace
}  // namespace dossier::index
