// Issue #5 language corpus tests over ../shared/corpora, through the dossier binary:
//   - Chinese exactness: 100 random Han strings of 2–8 characters from zh-laws find exactly the
//     files that contain them (grep -F semantics), 100% precision and recall;
//   - Traditional/Simplified: every article of the UDHR in Traditional Chinese finds its
//     Simplified counterpart and the reverse;
//   - Uyghur: words and phrases of the UDHR in Latin script find the Arabic-script article and the
//     reverse.
// Each prints what it measured (docs/search.md and the final report quote it).
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "run_dossier.h"
#include "text/tokenizer.h"

namespace dossier::test {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const fs::path kCorpora = fs::path(DOSSIER_SHARED) / "corpora";

// Decodes one code point (valid UTF-8 assumed, as in these corpora); advances i.
char32_t next_cp(const std::string& s, size_t& i) {
  auto b = static_cast<unsigned char>(s[i]);
  size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
  char32_t c = len == 1 ? b : b & (0x7F >> len);
  for (size_t k = 1; k < len && i + k < s.size(); ++k)
    c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += len;
  return c;
}

bool is_plain_han(char32_t c) {
  return c >= 0x4E00 && c <= 0x9FFF;
}

// Maximal runs of plain Han characters in `text`, as UTF-8 strings.
std::vector<std::string> han_runs(const std::string& text) {
  std::vector<std::string> runs;
  std::string run;
  for (size_t i = 0; i < text.size();) {
    size_t start = i;
    if (is_plain_han(next_cp(text, i))) {
      run.append(text, start, i - start);
    } else if (!run.empty()) {
      runs.push_back(std::move(run));
      run.clear();
    }
  }
  if (!run.empty())
    runs.push_back(run);
  return runs;
}

json search(const std::string& project, const std::string& q) {
  RunResult r = run_dossier({"-p", project, "--json", "search", q, "--limit", "0"});
  EXPECT_EQ(r.exit_code, 0) << q << ": " << r.err;
  return r.exit_code == 0 ? r.json() : json::object({{"total", 0}, {"hits", json::array()}});
}

std::set<std::string> hit_paths(const json& result) {
  std::set<std::string> out;
  for (const auto& h : result["hits"])
    for (const auto& l : h["locations"])
      out.insert(l.get<std::string>());
  return out;
}

// The terms a query uses for `s` (one per position).
std::vector<std::string> query_terms(std::string_view s) {
  std::vector<std::string> out;
  text::tokenize(s, [&](const text::Token& t) {
    if (!t.alternative)
      out.push_back(t.term);
  });
  return out;
}

// Every term of `text` by position, as the index has them.
class Terms {
 public:
  explicit Terms(std::string_view text) {
    text::tokenize(text, [&](const text::Token& t) {
      if (at_.size() <= t.position)
        at_.resize(t.position + 1);
      at_[t.position].insert(t.term);
    });
  }
  // Whether the index holds `q` as a phrase (consecutive positions), as a search for it needs.
  bool has_phrase(const std::vector<std::string>& q) const {
    for (size_t p = 0; !q.empty() && p + q.size() <= at_.size(); ++p) {
      size_t j = 0;
      while (j < q.size() && at_[p + j].count(q[j]) != 0)
        ++j;
      if (j == q.size())
        return true;
    }
    return false;
  }
  // The main term nearest to `term` in edit distance (code points), to show why a word missed.
  std::string nearest(const std::string& term) const {
    std::string best;
    size_t best_d = SIZE_MAX;
    for (const auto& set : at_) {
      for (const auto& t : set) {
        size_t d = distance(term, t);
        if (d < best_d) {
          best_d = d;
          best = t;
        }
      }
    }
    return best;
  }

 private:
  static std::u32string cps(const std::string& s) {
    std::u32string out;
    for (size_t i = 0; i < s.size();)
      out.push_back(next_cp(s, i));
    return out;
  }
  static size_t distance(const std::string& a8, const std::string& b8) {
    std::u32string a = cps(a8), b = cps(b8);
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j)
      prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      cur[0] = i;
      for (size_t j = 1; j <= b.size(); ++j)
        cur[j] =
            std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      std::swap(prev, cur);
    }
    return prev[b.size()];
  }
  std::vector<std::set<std::string>> at_;
};

// ---------------------------------------------------------------------------------------------
// Chinese exactness on zh-laws.

class ZhLawsExactness : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!fs::exists(kCorpora / "zh-laws"))
      return;
    dir_ = new TempDir();
    project_ = (dir_->path() / "p").string();
    ASSERT_EQ(run_dossier({"-p", project_, "init"}).exit_code, 0);
    RunResult r =
        run_dossier({"-p", project_, "--json", "ingest", (kCorpora / "zh-laws").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() { delete dir_; }
  void SetUp() override {
    if (dir_ == nullptr)
      GTEST_SKIP() << "../shared/corpora/zh-laws not present";
  }
  static TempDir* dir_;
  static std::string project_;
};

TempDir* ZhLawsExactness::dir_ = nullptr;
std::string ZhLawsExactness::project_;

TEST_F(ZhLawsExactness, RandomChineseStringsHitExactlyTheFilesGrepFinds) {
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(kCorpora / "zh-laws")) {
    if (e.is_regular_file())
      files.push_back(fs::absolute(e.path()).lexically_normal());
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> contents;
  for (const auto& f : files)
    contents.push_back(slurp(f));

  std::mt19937 rng(20261201);
  std::set<std::string> asked;
  size_t true_pos = 0, false_pos = 0, false_neg = 0, hits_total = 0, name_hits = 0;
  double ms_total = 0;
  while (asked.size() < 100) {
    // A random line of a random file, a random run of plain Han characters on it (one line, no
    // spaces or punctuation inside: where grep -F and the index agree by design), a random
    // substring of 2–8 characters.
    const std::string& text = contents[rng() % contents.size()];
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
      lines.push_back(l);
    if (lines.empty())
      continue;
    std::vector<std::string> runs = han_runs(lines[rng() % lines.size()]);
    std::erase_if(runs, [](const std::string& r) { return r.size() < 6; });  // 2+ characters
    if (runs.empty())
      continue;
    const std::string& run = runs[rng() % runs.size()];
    size_t chars = run.size() / 3;
    size_t len = std::min<size_t>(chars, 2 + rng() % 7);
    size_t start = rng() % (chars - len + 1);
    std::string s = run.substr(start * 3, len * 3);
    if (!asked.insert(s).second)
      continue;

    // grep -rlF: the files whose bytes contain the string. dossier also indexes each document's
    // title, which for these files is the file name: a hit by name alone is reported apart.
    std::set<std::string> expected, by_name;
    for (size_t k = 0; k < files.size(); ++k) {
      if (contents[k].find(s) != std::string::npos)
        expected.insert(files[k].string());
      else if (files[k].filename().string().find(s) != std::string::npos)
        by_name.insert(files[k].string());
    }
    auto t0 = std::chrono::steady_clock::now();
    std::set<std::string> got = hit_paths(search(project_, s));
    ms_total +=
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    hits_total += got.size();
    for (const auto& g : got) {
      if (expected.count(g) != 0) {
        ++true_pos;
      } else if (by_name.count(g) != 0) {
        ++name_hits;
        std::printf("  %s hit %s by its file name (the title), not its text\n", s.c_str(),
                    g.c_str());
      } else {
        ++false_pos;
        ADD_FAILURE() << s << " hit " << g << ", which does not contain it";
      }
    }
    for (const auto& e : expected) {
      if (got.count(e) == 0) {
        ++false_neg;
        ADD_FAILURE() << s << " missed " << e;
      }
    }
    for (const auto& e : by_name)
      EXPECT_EQ(got.count(e), 1u) << s << " is in the title of " << e;
  }
  double precision =
      true_pos + false_pos == 0 ? 1 : double(true_pos) / double(true_pos + false_pos);
  double recall = true_pos + false_neg == 0 ? 1 : double(true_pos) / double(true_pos + false_neg);
  double grep_precision = double(true_pos) / double(true_pos + false_pos + name_hits);
  std::printf(
      "zh-laws exactness: %zu strings of 2-8 characters, %zu files, %zu files expected by "
      "grep -rlF, %zu found: precision %.4f, recall %.4f (%zu false hits, %zu misses); "
      "%zu more hits by file name (title), which grep does not read: precision against "
      "grep alone %.5f; %.0f ms per search through the CLI (--limit 0, with snippets)\n",
      asked.size(), files.size(), true_pos + false_neg, hits_total, precision, recall, false_pos,
      false_neg, name_hits, grep_precision, ms_total / static_cast<double>(asked.size()));
  EXPECT_EQ(precision, 1.0);
  EXPECT_EQ(recall, 1.0);
}

// ---------------------------------------------------------------------------------------------
// The UDHR, one file per article in each of four versions.

// The preamble (0) and each article of a UDHR XML file, tags removed.
std::map<int, std::string> articles(const std::string& xml) {
  std::map<int, std::string> out;
  auto strip = [](std::string_view s) {
    std::string t;
    bool tag = false;
    for (char c : s) {
      if (c == '<') {
        tag = true;
        t += '\n';
      } else if (c == '>') {
        tag = false;
      } else if (!tag) {
        t += c;
      }
    }
    return t;
  };
  size_t p = xml.find("<preamble>"), e = xml.find("</preamble>");
  if (p != std::string::npos && e != std::string::npos)
    out[0] = strip(std::string_view(xml).substr(p, e - p));
  for (size_t at = xml.find("<article number=\""); at != std::string::npos;
       at = xml.find("<article number=\"", at + 1)) {
    int n = std::atoi(xml.c_str() + at + 17);
    size_t end = xml.find("</article>", at);
    if (end == std::string::npos)
      break;
    out[n] = strip(std::string_view(xml).substr(at, end - at));
  }
  return out;
}

class Udhr : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    fs::path udhr = kCorpora / "udhr/udhr";
    if (!fs::exists(udhr / "udhr_uig_latn.xml"))
      return;
    dir_ = new TempDir();
    project_ = (dir_->path() / "p").string();
    fs::path in = dir_->path() / "articles";
    fs::create_directories(in);
    for (const char* key : {"cmn_hans", "cmn_hant", "uig_arab", "uig_latn"}) {
      for (const auto& [n, text] : articles(slurp(udhr / ("udhr_" + std::string(key) + ".xml")))) {
        texts()[key][n] = text;
        std::ofstream(in / name(key, n), std::ios::binary) << text;
      }
    }
    ASSERT_EQ(run_dossier({"-p", project_, "init"}).exit_code, 0);
    RunResult r = run_dossier({"-p", project_, "--json", "ingest", in.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() { delete dir_; }
  void SetUp() override {
    if (dir_ == nullptr)
      GTEST_SKIP() << "../shared/corpora/udhr not present";
  }

  static std::string name(const std::string& key, int n) {
    return key + "_" + std::to_string(n) + ".txt";
  }
  // The file names (without folders) a query hits.
  static std::set<std::string> hit_names(const std::string& q) {
    std::set<std::string> out;
    for (const auto& p : hit_paths(search(project_, q)))
      out.insert(fs::path(p).filename().string());
    return out;
  }

  // Article texts by version ("cmn_hans", ...) and number.
  static std::map<std::string, std::map<int, std::string>>& texts() {
    static std::map<std::string, std::map<int, std::string>> t;
    return t;
  }

  static TempDir* dir_;
  static std::string project_;
};

TempDir* Udhr::dir_ = nullptr;
std::string Udhr::project_;

// Every run of Han characters (between punctuation) of each article in one script, as a query:
// how many find the same article in the other script. A run that misses must be one the other
// version does not have, even after folding (the two versions differ in wording and typos);
// the test fails on any run the other version has that the search misses.
TEST_F(Udhr, TraditionalAndSimplifiedArticlesFindEachOther) {
  for (auto [from, to] : {std::pair{"cmn_hant", "cmn_hans"}, std::pair{"cmn_hans", "cmn_hant"}}) {
    size_t runs = 0, found = 0, articles_found = 0, unexplained = 0;
    std::vector<std::string> misses;
    for (const auto& [n, text] : texts()[from]) {
      std::vector<std::string> rs = han_runs(text);
      std::erase_if(rs, [](const std::string& r) { return r.size() < 6; });
      std::sort(rs.begin(), rs.end());
      rs.erase(std::unique(rs.begin(), rs.end()), rs.end());
      Terms target(texts()[to][n]);
      size_t here = 0;
      for (const std::string& r : rs) {
        ++runs;
        if (hit_names(r).count(name(to, n)) != 0) {
          ++found;
          ++here;
          continue;
        }
        bool there = target.has_phrase(query_terms(r));
        unexplained += there;
        EXPECT_FALSE(there) << r << " is in " << name(to, n) << " but the search missed it";
        misses.push_back(std::to_string(n) + ": " + r);
      }
      // The article as a whole: most of its runs find the counterpart.
      EXPECT_GT(here * 2, rs.size()) << from << " article " << n;
      articles_found += here * 2 > rs.size();
    }
    std::printf(
        "%s -> %s: %zu of %zu articles (preamble included) found by most of their runs; "
        "%zu of %zu runs (%.1f%%) find the counterpart article; of the %zu misses, %zu "
        "are search failures, the others are not in the other version\n",
        from, to, articles_found, texts()[from].size(), found, runs,
        100.0 * double(found) / double(runs), misses.size(), unexplained);
    for (const auto& m : misses)
      std::printf("  miss %s\n", m.c_str());
    EXPECT_GE(double(found) / double(runs), 0.9) << from;
  }
}

// Words of one text, punctuation around them removed, as they are written.
std::vector<std::string> words_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string w; in >> w;) {
    static const std::vector<std::string> kPunct = {".", ",", ";", ":", "!", "?", "(", ")", "\"",
                                                    "«", "»", "،", "؛", "؟", "“", "”", "-", "–"};
    bool trimmed = true;
    while (trimmed && !w.empty()) {
      trimmed = false;
      for (const auto& p : kPunct) {
        if (w.size() >= p.size() && w.compare(w.size() - p.size(), p.size(), p) == 0) {
          w.resize(w.size() - p.size());
          trimmed = true;
        }
        if (w.size() >= p.size() && w.compare(0, p.size(), p) == 0) {
          w.erase(0, p.size());
          trimmed = true;
        }
      }
    }
    bool letters = std::any_of(w.begin(), w.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || static_cast<unsigned char>(c) >= 0x80;
    });
    if (letters)
      out.push_back(w);
  }
  return out;
}

struct Rate {
  size_t asked = 0, found = 0, unexplained = 0;
  std::vector<std::string> misses;
  double percent() const { return asked == 0 ? 0 : 100.0 * double(found) / double(asked); }
};

// Each distinct word of one script, and 200 random two-word phrases, must find the same article in
// the other script.
TEST_F(Udhr, UyghurWordsAndPhrasesFindTheOtherScript) {
  std::mt19937 rng(20261202);
  for (auto [from, to] : {std::pair{"uig_latn", "uig_arab"}, std::pair{"uig_arab", "uig_latn"}}) {
    std::map<std::string, std::set<int>> word_articles;
    std::vector<std::pair<std::string, int>> bigrams;
    for (const auto& [n, text] : texts()[from]) {
      std::istringstream lines(text);
      for (std::string line; std::getline(lines, line);) {
        std::vector<std::string> ws = words_of(line);
        for (const auto& w : ws)
          word_articles[w].insert(n);
        // Two words with only a space between them (no punctuation): a phrase of the text.
        std::istringstream raw(line);
        std::vector<std::string> tokens;
        for (std::string t; raw >> t;)
          tokens.push_back(t);
        for (size_t k = 0; k + 1 < tokens.size(); ++k) {
          auto a = words_of(tokens[k]), b = words_of(tokens[k + 1]);
          if (a.size() == 1 && b.size() == 1 && a[0] == tokens[k] && b[0] == tokens[k + 1])
            bigrams.emplace_back(tokens[k] + " " + tokens[k + 1], n);
        }
      }
    }
    Rate words, phrases;
    std::map<int, Terms> targets;
    for (const auto& [n, text] : texts()[to])
      targets.emplace(n, Terms(text));
    // A miss is explained when the other version does not have the word (a typo, another suffix);
    // one it has is a search failure.
    auto miss = [&](Rate& rate, const std::string& q, int n) {
      const Terms& target = targets.at(n);
      std::vector<std::string> terms = query_terms(q);
      bool there = target.has_phrase(terms);
      rate.unexplained += there;
      EXPECT_FALSE(there) << q << " is in " << name(to, n) << " but the search missed it";
      std::string near =
          terms.size() == 1 ? " (nearest there: " + target.nearest(terms[0]) + ")" : "";
      rate.misses.push_back(std::to_string(n) + ": " + q + near);
    };
    for (const auto& [w, arts] : word_articles) {
      std::set<std::string> hits = hit_names(w);
      for (int n : arts) {
        ++words.asked;
        if (hits.count(name(to, n)) != 0) {
          ++words.found;
        } else {
          miss(words, w, n);
        }
      }
    }
    std::shuffle(bigrams.begin(), bigrams.end(), rng);
    for (size_t k = 0; k < bigrams.size() && k < 200; ++k) {
      ++phrases.asked;
      if (hit_names("\"" + bigrams[k].first + "\"").count(name(to, bigrams[k].second)) != 0) {
        ++phrases.found;
      } else {
        miss(phrases, bigrams[k].first, bigrams[k].second);
      }
    }
    std::printf(
        "%s -> %s: words %zu of %zu (%.1f%%) find the article in the other script "
        "(%zu distinct words); phrases %zu of %zu (%.1f%%); search failures among the "
        "misses: %zu words, %zu phrases (the other misses are not in the other version)\n",
        from, to, words.found, words.asked, words.percent(), word_articles.size(), phrases.found,
        phrases.asked, phrases.percent(), words.unexplained, phrases.unexplained);
    for (const auto& m : words.misses)
      std::printf("  word miss %s\n", m.c_str());
    for (const auto& m : phrases.misses)
      std::printf("  phrase miss %s\n", m.c_str());
    EXPECT_GE(words.percent(), 90.0) << from;
    EXPECT_GE(phrases.percent(), 85.0) << from;
  }
}

}  // namespace
}  // namespace dossier::test
