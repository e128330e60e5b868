#include "index/index.h"

#include <gtest/gtest.h>
#include <chrono>
#include <xapian.h>

#include "index_test_util.h"

namespace dossier::index {
namespace {

using testing::ids;
using testing::TempIndexDir;
using V = std::vector<std::string>;

IndexDocument doc(std::string id, std::vector<std::string> pages, std::string path) {
  IndexDocument d;
  d.id = std::move(id);
  int n = 1;
  for (auto& p : pages)
    d.pages.push_back(IndexPage{n++, std::move(p)});
  d.paths.push_back(std::move(path));
  return d;
}

class IndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto w = IndexWriter::open(dir_.path());
    ASSERT_TRUE(w) << w.error().to_string();
    writer_ = std::move(*w);
    IndexDocument a = doc("a", {"The budget report for 2017. Secret draft.", "Page two: Xinjiang"},
                          "/Leak/Finance/Budget 2017.pdf");
    a.title = "Annual Budget";
    a.author = "John Smith";
    a.type = "pdf";
    a.mime = "application/pdf";
    a.lang = "en";
    a.date = 1488326400;  // 2017-03-01
    a.size = 5000;
    IndexDocument b = doc("b", {"Report of the committee; the budget is approved. Reporting done."},
                          "/Leak/Minutes/b.txt");
    b.type = "text";
    b.mime = "text/plain";
    b.lang = "en";
    b.date = 1420070400;  // 2015-01-01
    b.size = 100;
    IndexDocument c = doc("c", {"新疆维吾尔自治区人民政府关于预算的报告"}, "/Leak/中文/c.txt");
    c.type = "text";
    c.lang = "zh";
    c.date = 1514764800;  // 2018-01-01
    c.size = 2000;
    IndexDocument d = doc("d", {"新的报告。疆域辽阔，維吾爾 culture"}, "/Leak/中文/d.txt");
    d.type = "text";
    d.lang = "zh-Hant";
    d.size = 3000;  // no date
    IndexDocument e = doc("e", {}, "/Leak/broken.docx");
    e.failed = true;
    e.type = "office";
    for (auto* x : {&a, &b, &c, &d, &e})
      ASSERT_TRUE(writer_->replace(*x)) << x->id;
    ASSERT_TRUE(writer_->commit());
    auto s = Searcher::open(dir_.path());
    ASSERT_TRUE(s) << s.error().to_string();
    searcher_ = std::move(*s);
  }

  V q(std::string_view query) { return ids(*searcher_, query); }

  TempIndexDir dir_;
  std::unique_ptr<IndexWriter> writer_;
  std::unique_ptr<Searcher> searcher_;
};

TEST_F(IndexTest, TermsPhrasesAndBooleans) {
  EXPECT_EQ(q("budget"), (V{"a", "b"}));
  EXPECT_EQ(q("BUDGET report"), (V{"a", "b"}));
  EXPECT_EQ(q("\"budget report\""), (V{"a"}));
  EXPECT_EQ(q("\"report budget\"~3"), (V{"a"}));  // NEAR is unordered
  EXPECT_EQ(q("committee OR secret"), (V{"a", "b"}));
  EXPECT_EQ(q("budget NOT secret"), (V{"b"}));
  EXPECT_EQ(q("budget -secret"), (V{"b"}));
  EXPECT_EQ(q("+budget +approved"), (V{"b"}));
  EXPECT_EQ(q("(secret OR committee) AND approved"), (V{"b"}));
  EXPECT_EQ(q("nothingmatches"), V{});
  EXPECT_EQ(q("NOT budget"), (V{"c", "d", "e"}));
  EXPECT_EQ(q("*"), (V{"a", "b", "c", "d", "e"}));
}

TEST_F(IndexTest, PhrasesDoNotCrossPagesOrSentences) {
  EXPECT_EQ(q("\"draft page\""), V{});
  EXPECT_EQ(q("xinjiang"), (V{"a"}));
  EXPECT_EQ(q("\"2017 secret\""), V{});  // a sentence ends between them
}

TEST_F(IndexTest, ChineseIsExact) {
  EXPECT_EQ(q("新疆"), (V{"c"}));         // d has 新 and 疆 but not together
  EXPECT_EQ(q("新疆維吾爾"), (V{"c"}));   // Traditional query, Simplified document
  EXPECT_EQ(q("维吾尔"), (V{"c", "d"}));  // Simplified query, Traditional document
  EXPECT_EQ(q("报告"), (V{"c", "d"}));
  EXPECT_EQ(q("报告 culture"), (V{"d"}));
  EXPECT_EQ(q("新"), (V{"c", "d"}));
  EXPECT_EQ(q("告疆"), V{});  // 。 leaves a gap: 报告。疆域 is not 告疆
}

TEST_F(IndexTest, Filters) {
  EXPECT_EQ(q("type:text"), (V{"b", "c", "d"}));
  EXPECT_EQ(q("budget type:pdf"), (V{"a"}));
  EXPECT_EQ(q("mime:application/pdf"), (V{"a"}));
  EXPECT_EQ(q("mime:text/*"), (V{"b"}));
  EXPECT_EQ(q("lang:zh"), (V{"c", "d"}));
  EXPECT_EQ(q("ext:txt"), (V{"b", "c", "d"}));
  EXPECT_EQ(q("failed:true"), (V{"e"}));
  EXPECT_EQ(q("failed:false"), (V{"a", "b", "c", "d"}));
  EXPECT_EQ(q("author:smith"), (V{"a"}));
  EXPECT_EQ(q("title:annual"), (V{"a"}));
  EXPECT_EQ(q("annual"), (V{"a"}));  // title words are body words too
  EXPECT_EQ(q("path:/leak/中文"), (V{"c", "d"}));
  EXPECT_EQ(q("path:\"/Leak/Finance/Budget 2017.pdf\""), (V{"a"}));
  EXPECT_EQ(q("path:/Leak"), (V{"a", "b", "c", "d", "e"}));
  EXPECT_EQ(q("path:/Lea"), V{});  // a directory, not a string prefix
  EXPECT_EQ(q("type:pdf OR type:office"), (V{"a", "e"}));
}

TEST_F(IndexTest, FiltersDoNotChangeScores) {
  SearchOptions o;
  auto plain = searcher_->search("budget", o);
  auto filtered = searcher_->search("budget type:pdf", o);
  ASSERT_TRUE(plain && filtered);
  ASSERT_EQ(filtered->hits.size(), 1u);
  for (const Hit& h : plain->hits) {
    if (h.id == "a") {
      EXPECT_DOUBLE_EQ(h.score, filtered->hits[0].score);
    }
  }
  auto only = searcher_->search("type:text", o);
  ASSERT_TRUE(only);
  for (const Hit& h : only->hits)
    EXPECT_EQ(h.score, 0);
}

TEST_F(IndexTest, DateAndSizeRanges) {
  EXPECT_EQ(q("date:2017"), (V{"a"}));
  EXPECT_EQ(q("date:2017-03"), (V{"a"}));
  EXPECT_EQ(q("date:2017-03-01"), (V{"a"}));
  EXPECT_EQ(q("date:[2015-01-01 TO 2017-12-31]"), (V{"a", "b"}));
  EXPECT_EQ(q("date:{2015-01-01 TO 2018-01-01]"), (V{"a", "c"}));
  EXPECT_EQ(q("date:[2017 TO *]"), (V{"a", "c"}));
  EXPECT_EQ(q("date:<2017"), (V{"b"}));
  EXPECT_EQ(q("size:[1000 TO *]"), (V{"a", "c", "d"}));
  EXPECT_EQ(q("size:<=100"), (V{"b", "e"}));
  EXPECT_EQ(q("budget size:>1000"), (V{"a"}));
}

TEST_F(IndexTest, WildcardAndFuzzy) {
  EXPECT_EQ(q("report*"), (V{"a", "b"}));  // report, reporting
  EXPECT_EQ(q("reporting*"), (V{"b"}));
  EXPECT_EQ(q("budgte~"), (V{"a", "b"}));
  EXPECT_EQ(q("budgte~1"), V{});  // a transposition is two edits
  EXPECT_EQ(q("comittee~1"), (V{"b"}));
  EXPECT_EQ(q("title:anual~"), (V{"a"}));
  auto r = searcher_->search("comittee~1", SearchOptions{});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->highlight.phrases.back(), (V{"committee"}));
}

TEST_F(IndexTest, PagingAndExactTotals) {
  SearchOptions o;
  o.limit = 2;
  auto page1 = searcher_->search("*", o);
  ASSERT_TRUE(page1);
  EXPECT_EQ(page1->total, 5u);
  EXPECT_EQ(page1->hits.size(), 2u);
  o.offset = 4;
  auto last = searcher_->search("*", o);
  ASSERT_TRUE(last);
  EXPECT_EQ(last->total, 5u);
  EXPECT_EQ(last->hits.size(), 1u);
  o.offset = 10;
  auto past = searcher_->search("*", o);
  ASSERT_TRUE(past);
  EXPECT_EQ(past->total, 5u);
  EXPECT_TRUE(past->hits.empty());
  o.offset = 0;
  o.limit = 0;
  auto all = searcher_->search("*", o);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->hits.size(), 5u);
}

TEST_F(IndexTest, DateSortPutsUndatedLast) {
  SearchOptions o;
  o.limit = 0;
  o.sort = SortOrder::kDateNewest;
  auto r = searcher_->search("type:text OR type:pdf", o);
  ASSERT_TRUE(r);
  V order;
  for (auto& h : r->hits)
    order.push_back(h.id);
  EXPECT_EQ(order, (V{"c", "a", "b", "d"}));
  o.sort = SortOrder::kDateOldest;
  r = searcher_->search("type:text OR type:pdf", o);
  ASSERT_TRUE(r);
  order.clear();
  for (auto& h : r->hits)
    order.push_back(h.id);
  EXPECT_EQ(order, (V{"b", "a", "c", "d"}));
}

TEST_F(IndexTest, ReplaceAndAddPath) {
  IndexDocument b2 = doc("b", {"entirely new text"}, "/Leak/Minutes/b.txt");
  ASSERT_TRUE(writer_->replace(b2));
  ASSERT_TRUE(writer_->add_path("c", "/Other/Copy/c.md"));
  ASSERT_TRUE(writer_->commit());
  EXPECT_EQ(*writer_->doc_count(), 5u);
  EXPECT_EQ(*searcher_->doc_count(), 5u);
  EXPECT_EQ(q("committee"), V{});  // the searcher reopens and sees the commit
  EXPECT_EQ(q("entirely"), (V{"b"}));
  EXPECT_EQ(q("path:/other"), (V{"c"}));
  EXPECT_EQ(q("ext:md"), (V{"c"}));
  EXPECT_EQ(q("新疆 path:/leak"), (V{"c"}));  // positions survive the rewrite
  auto missing = writer_->add_path("nope", "/x");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_F(IndexTest, AddPathsSkipsKnownPathsAndScalesToManyLocations) {
  // One content at 20,000 places (the same attachment in a mailbox): each call rewrites the
  // document once, whatever it already holds.
  std::vector<std::string> paths;
  for (int i = 0; i < 20000; ++i) paths.push_back("/Mail/big.eml \u203a a" + std::to_string(i) + ".bin");
  auto start = std::chrono::steady_clock::now();
  for (size_t from = 0; from < paths.size(); from += 1000) {
    std::vector<std::string> batch(paths.begin() + static_cast<std::ptrdiff_t>(from),
                                   paths.begin() + static_cast<std::ptrdiff_t>(from + 1000));
    ASSERT_TRUE(writer_->add_paths("c", batch));
  }
  ASSERT_TRUE(writer_->add_paths("c", paths));  // all known: nothing changes
  ASSERT_TRUE(writer_->commit());
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 30.0);
  EXPECT_EQ(q("path:\"/Mail/big.eml/a19999.bin\""), V{"c"});
  EXPECT_EQ(q("path:/mail"), V{"c"});
  EXPECT_EQ(q("新疆 path:/leak"), V{"c"});
  EXPECT_EQ(*writer_->doc_count(), 5u);
}

TEST_F(IndexTest, RemoveAndContains) {
  EXPECT_TRUE(*writer_->contains("a"));
  EXPECT_FALSE(*writer_->contains("zz"));
  ASSERT_TRUE(writer_->remove("a"));
  ASSERT_TRUE(writer_->remove("zz"));  // nothing to remove is not an error
  EXPECT_FALSE(*writer_->contains("a"));
  ASSERT_TRUE(writer_->commit());
  EXPECT_EQ(q("budget"), V{"b"});
}

TEST(IndexTransactions, ChangesNotCommittedAreDiscardedWithTheWriter) {
  testing::TempIndexDir dir;
  {
    auto w = IndexWriter::open(dir.path());
    ASSERT_TRUE(w);
    ASSERT_TRUE((*w)->replace(doc("kept", {"committed words"}, "/a.txt")));
    ASSERT_TRUE((*w)->commit());
    ASSERT_TRUE((*w)->replace(doc("lost", {"uncommitted words"}, "/b.txt")));
    ASSERT_TRUE((*w)->add_path("kept", "/c.txt"));
    EXPECT_EQ(*(*w)->doc_count(), 2u);  // the writer sees its own changes
  }  // an ingest stopped by an error: Xapian would commit on close without the transaction
  auto s = Searcher::open(dir.path());
  ASSERT_TRUE(s);
  EXPECT_EQ(*(*s)->doc_count(), 1u);
  EXPECT_EQ(ids(**s, "words"), V{"kept"});
  EXPECT_EQ(ids(**s, "path:/c.txt"), V{});
  auto again = IndexWriter::open(dir.path());
  ASSERT_TRUE(again) << again.error().to_string();
}

TEST_F(IndexTest, BadQueryIsInvalidInput) {
  auto r = searcher_->search("(budget", SearchOptions{});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
}

TEST(IndexOpen, MissingIndexIsAnError) {
  auto s = Searcher::open("/nonexistent/dossier/index");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().code, ErrorCode::kInternal);
}

}  // namespace
}  // namespace dossier::index

namespace dossier::index {
namespace {

TEST(IndexOpen, OtherSchemaVersionIsRefused) {
  testing::TempIndexDir dir;
  {
    auto w = IndexWriter::open(dir.path());
    ASSERT_TRUE(w);
    ASSERT_TRUE((*w)->commit());
  }
  ASSERT_TRUE(Searcher::open(dir.path()));
  {
    Xapian::WritableDatabase db(dir.path());
    db.set_metadata("dossier.schema", "0");
    db.commit();
  }
  auto s = Searcher::open(dir.path());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kUnsupported);
  EXPECT_FALSE(IndexWriter::open(dir.path()));
}

}  // namespace
}  // namespace dossier::index

namespace dossier::index {
namespace {

// Random queries from the syntax's pieces: each is either refused as kInvalidInput or runs; no
// Xapian exception or internal error escapes.
TEST_F(IndexTest, RandomQueriesNeverFailInternally) {
  const char* pieces[] = {"budget", "新疆",        "中文abc",     " ",          "\"",    "(",
                          ")",      "AND ",        "OR ",         "NOT ",       "-",     "+",
                          "*",      "~",           "~1",          "^2",         ":",     "type:",
                          "date:",  "[2017 TO *]", "title:",      "path:/leak", "\\",    "report*",
                          "!",      "&&",          "{",           "}",          "mime:", "size:>",
                          "1M",     "author:",     "failed:true", "e-mail",     "。"};
  uint32_t seed = 42;
  for (int round = 0; round < 1500; ++round) {
    std::string q;
    int n = 1 + static_cast<int>(((seed = seed * 1103515245 + 12345) >> 16) % 8);
    for (int k = 0; k < n; ++k) {
      seed = seed * 1103515245 + 12345;
      q += pieces[(seed >> 16) % (sizeof pieces / sizeof *pieces)];
    }
    auto r = searcher_->search(q, SearchOptions{});
    if (!r) {
      EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput) << q << ": " << r.error().to_string();
    } else {
      EXPECT_LE(r->hits.size(), r->total) << q;
    }
  }
}

}  // namespace
}  // namespace dossier::index

namespace dossier::index {
namespace {

TEST_F(IndexTest, PhraseEndingInWildcard) {
  EXPECT_EQ(q("\"the budg\"*"), V{});        // a quoted phrase is never a wildcard
  EXPECT_EQ(q("the-budg*"), (V{"a", "b"}));  // "the budget" in a, b
  EXPECT_EQ(q("the-bud*"), (V{"a", "b"}));
  EXPECT_EQ(q("report-of*"), (V{"b"}));
  EXPECT_EQ(q("維吾爾cult*"), (V{"d"}));
  EXPECT_EQ(q("維吾爾cultx*"), V{});
}

}  // namespace
}  // namespace dossier::index

namespace dossier::index {
namespace {

TEST_F(IndexTest, PathPrefixWildcardAndHugeLimits) {
  EXPECT_EQ(q("path:/leak/fin*"), (V{"a"}));
  SearchOptions o;
  o.limit = uint64_t{1} << 40;
  o.offset = uint64_t{1} << 33;
  auto r = searcher_->search("*", o);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->total, 5u);
  EXPECT_TRUE(r->hits.empty());
}

}  // namespace
}  // namespace dossier::index

namespace dossier::index {
namespace {

TEST(IndexContainers, PathOfAContainerFindsWhatIsInsideIt) {
  testing::TempIndexDir dir;
  auto w = IndexWriter::open(dir.path());
  ASSERT_TRUE(w) << w.error().to_string();
  ASSERT_TRUE((*w)->replace(doc("zip", {"outer"}, "/leak/a.zip")));
  ASSERT_TRUE((*w)->replace(doc("inner", {"inner text"}, "/leak/a.zip \u203a mail/b.eml \u203a invoice.pdf")));
  ASSERT_TRUE((*w)->replace(doc("other", {"other"}, "/leak/b.zip")));
  ASSERT_TRUE((*w)->commit());
  auto s = Searcher::open(dir.path());
  ASSERT_TRUE(s);
  EXPECT_EQ(testing::ids(**s, "path:/leak/a.zip"), (V{"inner", "zip"}));
  EXPECT_EQ(testing::ids(**s, "path:\"/leak/a.zip \u203a mail/b.eml\""), (V{"inner"}));
  EXPECT_EQ(testing::ids(**s, "path:/leak"), (V{"inner", "other", "zip"}));
  EXPECT_EQ(testing::ids(**s, "ext:pdf"), (V{"inner"}));
}

TEST(IndexContainers, SpacedChineseNeedsTheSpacesQuoted) {
  testing::TempIndexDir dir;
  auto w = IndexWriter::open(dir.path());
  ASSERT_TRUE(w);
  ASSERT_TRUE((*w)->replace(doc("heading", {"第十五章 法 律 责 任\n\n第一百九十一条 违反本法"}, "/a.md")));
  ASSERT_TRUE((*w)->replace(doc("plain", {"承担法律责任"}, "/b.md")));
  ASSERT_TRUE((*w)->commit());
  auto s = Searcher::open(dir.path());
  ASSERT_TRUE(s);
  EXPECT_EQ(testing::ids(**s, "法律责任"), (V{"plain"}));
  EXPECT_EQ(testing::ids(**s, "章法"), V{});
  EXPECT_EQ(testing::ids(**s, "\"法 律 责 任\""), (V{"heading", "plain"}));
}

}  // namespace
}  // namespace dossier::index

namespace dossier::index {
namespace {

TEST(IndexEmail, FromAndToFilterOnSenderAndRecipients) {
  testing::TempIndexDir dir;
  auto w = IndexWriter::open(dir.path());
  ASSERT_TRUE(w);
  IndexDocument m1 = doc("m1", {"payment schedule"}, "/mail/1.eml");
  m1.from = "Alice Chen <alice@example.com>";
  m1.to = "Bob <bob@example.org>, Finance Committee <finance@example.org>";
  IndexDocument m2 = doc("m2", {"payment received"}, "/mail/2.eml");
  m2.from = "Bob <bob@example.org>";
  m2.to = "Alice Chen <alice@example.com>";
  ASSERT_TRUE((*w)->replace(m1));
  ASSERT_TRUE((*w)->replace(m2));
  ASSERT_TRUE((*w)->commit());
  auto s = Searcher::open(dir.path());
  ASSERT_TRUE(s);
  EXPECT_EQ(testing::ids(**s, "from:alice@example.com"), (V{"m1"}));
  EXPECT_EQ(testing::ids(**s, "to:alice@example.com"), (V{"m2"}));
  EXPECT_EQ(testing::ids(**s, "payment to:\"Finance Committee\""), (V{"m1"}));
  EXPECT_EQ(testing::ids(**s, "from:bob OR to:bob"), (V{"m1", "m2"}));
  EXPECT_EQ(testing::ids(**s, "application:outlook"), V{});
}

}  // namespace
}  // namespace dossier::index
