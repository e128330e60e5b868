#include "index/query_parser.h"

#include <gtest/gtest.h>

#include <string>

namespace dossier::index {
namespace {

std::string ast(std::string_view q) {
  auto r = parse_query(q);
  if (!r)
    return "ERROR: " + r.error().message;
  return to_string(*r);
}

std::string err(std::string_view q) {
  auto r = parse_query(q);
  if (r)
    return "parsed: " + to_string(*r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(r.error().context, std::string(q));
  return r.error().message;
}

TEST(QueryParser, TermsDefaultToAnd) {
  EXPECT_EQ(ast("Budget"), "(TERM budget)");
  EXPECT_EQ(ast("budget report"), "(AND (TERM budget) (TERM report))");
  EXPECT_EQ(ast("budget AND report && x"), "(AND (TERM budget) (TERM report) (TERM x))");
}

TEST(QueryParser, OrBindsLooserThanAnd) {
  EXPECT_EQ(ast("a b OR c"), "(OR (AND (TERM a) (TERM b)) (TERM c))");
  EXPECT_EQ(ast("a || c"), "(OR (TERM a) (TERM c))");
  EXPECT_EQ(ast("(a OR b) c"), "(AND (OR (TERM a) (TERM b)) (TERM c))");
}

TEST(QueryParser, NotAndPlusMinus) {
  EXPECT_EQ(ast("a NOT b"), "(AND (TERM a) (NOT (TERM b)))");
  EXPECT_EQ(ast("a !b"), "(AND (TERM a) (NOT (TERM b)))");
  EXPECT_EQ(ast("+a -b"), "(AND (TERM a) (NOT (TERM b)))");
  EXPECT_EQ(ast("NOT b"), "(NOT (TERM b))");
  EXPECT_EQ(ast("a AND NOT b"), "(AND (TERM a) (NOT (TERM b)))");
  // Lowercase keywords are words.
  EXPECT_EQ(ast("cats and dogs"), "(AND (TERM cats) (TERM and) (TERM dogs))");
  EXPECT_EQ(ast("NOTE"), "(TERM note)");
}

TEST(QueryParser, PhrasesAndProximity) {
  EXPECT_EQ(ast("\"Budget Report\""), "(PHRASE budget report)");
  EXPECT_EQ(ast("\"budget report\"~5"), "(NEAR/5 budget report)");
  EXPECT_EQ(ast("\"one\""), "(TERM one)");
  EXPECT_EQ(ast("\"say \\\"hi\\\" now\""), "(PHRASE/5 say hi now)");  // quotes leave gaps
  EXPECT_EQ(ast("e-mail"), "(PHRASE e mail)");
  // Punctuation in the query keeps its gap, as in the index.
  EXPECT_EQ(ast("\"Mr. Smith\""), "(PHRASE/3 mr smith)");
}

TEST(QueryParser, ChineseRunsArePhrases) {
  EXPECT_EQ(ast("新疆"), "(PHRASE 新 疆)");
  EXPECT_EQ(ast("新疆維吾爾"), "(PHRASE 新 疆 维 吾 尔)");
  EXPECT_EQ(ast("藏"), "(TERM 藏)");
  EXPECT_EQ(ast("新疆 report"), "(AND (PHRASE 新 疆) (TERM report))");
  EXPECT_EQ(ast("中文abc"), "(PHRASE 中 文 abc)");
  EXPECT_EQ(ast("新疆*"), "(PHRASE 新 疆)");
  EXPECT_EQ(ast("中文abc*"), "(PHRASE 中 文 abc*)");
}

TEST(QueryParser, WildcardAndFuzzy) {
  EXPECT_EQ(ast("Budg*"), "(WILDCARD budg)");
  EXPECT_EQ(ast("budget~"), "(FUZZY/2 budget)");
  EXPECT_EQ(ast("budget~1"), "(FUZZY/1 budget)");
  EXPECT_EQ(ast("budget~0"), "(TERM budget)");
  EXPECT_EQ(ast("*"), "(ALL)");
  EXPECT_EQ(ast("*:*"), "(ALL)");
  EXPECT_EQ(ast("budget^2"), "(TERM budget)^2");
}

TEST(QueryParser, Fields) {
  EXPECT_EQ(ast("type:PDF"), "(FILTER Tpdf)");
  EXPECT_EQ(ast("mime:application/pdf"), "(FILTER Mapplication/pdf)");
  EXPECT_EQ(ast("mime:image/*"), "(FILTER Mimage/*)");
  EXPECT_EQ(ast("lang:zh"), "(FILTER Lzh)");
  EXPECT_EQ(ast("ext:.DOCX"), "(FILTER Edocx)");
  EXPECT_EQ(ast("failed:true"), "(FILTER XFfailed)");
  EXPECT_EQ(ast("failed:false"), "(FILTER XFok)");
  EXPECT_EQ(ast("author:\"John Smith\""), "(FILTER Ajohn Asmith)");
  EXPECT_EQ(ast("path:/Leak/Docs/"), "(FILTER XP/leak/docs)");
  EXPECT_EQ(ast("path:\"/a b/c.txt\""), "(FILTER XP/a b/c.txt)");
  EXPECT_EQ(ast("title:budget"), "(TERM Sbudget)");
  EXPECT_EQ(ast("title:\"budget report\""), "(PHRASE Sbudget Sreport)");
  EXPECT_EQ(ast("title:新疆"), "(PHRASE S新 S疆)");
  EXPECT_EQ(ast("title:(a OR b)"), "(OR (TERM Sa) (TERM Sb))");
  EXPECT_EQ(ast("type:(pdf OR html)"), "(OR (FILTER Tpdf) (FILTER Thtml))");
  EXPECT_EQ(ast("TYPE:pdf budget"), "(AND (FILTER Tpdf) (TERM budget))");
}

TEST(QueryParser, DateAndSizeRanges) {
  // 2017-01-01T00:00:00Z = 1483228800; 2018-01-01 = 1514764800.
  EXPECT_EQ(ast("date:2017"), "(RANGE 0 1483228800 1514764799)");
  EXPECT_EQ(ast("date:[2017-01-01 TO 2017-12-31]"), "(RANGE 0 1483228800 1514764799)");
  EXPECT_EQ(ast("date:{2016-12-31 TO 2018-01-01}"), "(RANGE 0 1483228800 1514764799)");
  EXPECT_EQ(ast("date:2017-02"), "(RANGE 0 1485907200 1488326399)");
  EXPECT_EQ(ast("date:[2017 TO *]"), "(RANGE 0 1483228800 *)");
  EXPECT_EQ(ast("date:<2017"), "(RANGE 0 * 1483228799)");
  EXPECT_EQ(ast("date:>=2017"), "(RANGE 0 1483228800 *)");
  EXPECT_EQ(ast("size:[1000 TO *]"), "(RANGE 1 1000 *)");
  EXPECT_EQ(ast("size:>1K"), "(RANGE 1 1025 *)");
  EXPECT_EQ(ast("size:[* TO 1MB]"), "(RANGE 1 * 1048576)");
}

TEST(QueryParser, Escaping) {
  EXPECT_EQ(ast("foo\\:bar"), "(PHRASE/3 foo bar)");  // ":" leaves a gap, as in the index
  EXPECT_EQ(ast("\\(a\\)"), "(TERM a)");
  EXPECT_EQ(ast("http\\://x.org"), "(PHRASE/3 http x.org)");
}

TEST(QueryParser, SyntaxErrorsNameTheColumnAndTheFix) {
  EXPECT_EQ(err("(a b"),
            "query error at column 1: '(' is never closed; add ')' or escape it as \\(");
  EXPECT_EQ(err("a b)"),
            "query error at column 4: ')' has no matching '('; remove it or escape it as \\)");
  EXPECT_NE(err("\"open").find("column 1: the quote is never closed"), std::string::npos);
  EXPECT_NE(err("新疆 foo:bar").find("column 4: unknown field 'foo'"), std::string::npos);
  EXPECT_NE(err("a AND").find("AND needs a term after it"), std::string::npos);
  EXPECT_NE(err("AND a").find("AND needs a term before it"), std::string::npos);
  EXPECT_NE(err("a OR").find("OR needs a term after it"), std::string::npos);
  EXPECT_NE(err("NOT").find("NOT needs a term"), std::string::npos);
  EXPECT_NE(err("a - b").find("'-' must be followed"), std::string::npos);
  EXPECT_NE(err("*foo").find("only a trailing *"), std::string::npos);
  EXPECT_NE(err("date:[2017 TO").find("never closed"), std::string::npos);
  EXPECT_NE(err("date:[2017 to 2018]").find("TO in capitals"), std::string::npos);
  EXPECT_NE(err("date:yesterday").find("is not a date"), std::string::npos);
  EXPECT_NE(err("date:[2018 TO 2017]").find("range is empty"), std::string::npos);
  EXPECT_NE(err("type:[a TO b]").find("ranges work on date:, size: and confidence: only"), std::string::npos);
  EXPECT_NE(err("failed:maybe").find("true or false"), std::string::npos);
  EXPECT_NE(err("budget~3").find("0, 1 or 2 edits"), std::string::npos);
  EXPECT_NE(err("[a TO b]").find("a range needs a field"), std::string::npos);
  EXPECT_NE(err("title:type:pdf").find("cannot contain another field"), std::string::npos);
  EXPECT_NE(err("type: pdf").find("needs a value"), std::string::npos);
  EXPECT_NE(err("").find("no searchable terms"), std::string::npos);
  EXPECT_NE(err("& .").find("no searchable terms"), std::string::npos);
  EXPECT_NE(err("a\\").find("backslash"), std::string::npos);
  EXPECT_NE(err(std::string(100, '(')).find("nested too deeply"), std::string::npos);
}

TEST(QueryParser, NeverCrashesOnJunk) {
  // A tiny deterministic fuzz: every prefix of a nasty query parses or fails cleanly.
  std::string nasty = "((a OR \"b c\"~2) AND -d:e* [1 TO {2}] ^^ ~~ \\ 新疆\" NOT !+-&&||)";
  for (size_t n = 0; n <= nasty.size(); ++n) {
    auto r = parse_query(nasty.substr(0, n));
    if (!r) {
      EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput) << nasty.substr(0, n);
    }
  }
}

TEST(QueryParser, HighlightSpecHasPositiveTermsOnly) {
  auto r = parse_query("新疆 \"budget report\" draft* -secret type:pdf");
  ASSERT_TRUE(r);
  HighlightSpec h = highlight_spec(*r);
  ASSERT_EQ(h.phrases.size(), 2u);
  EXPECT_EQ(h.phrases[0], (std::vector<std::string>{"新", "疆"}));
  EXPECT_EQ(h.phrases[1], (std::vector<std::string>{"budget", "report"}));
  EXPECT_EQ(h.prefixes, (std::vector<std::string>{"draft"}));
}

}  // namespace
}  // namespace dossier::index
