// dossier-zh-search-bench: Chinese search latency on a zh-laws index.
//
//   dossier-zh-search-bench [ZH_LAWS_DIR]   (default: ../shared/corpora/zh-laws)
//
// Indexes every file of zh-laws (one document per file, as ingest does: text, file name as title)
// into a temporary Xapian index, then times Searcher::search, one query at a time, warm:
//   - 1,000 Chinese queries: random strings of 2–8 plain Han characters from one line of a random
//     file (fixed seed), unquoted, so each is a phrase of its characters;
//   - 200 mixed queries written in the corpus: Latin letters or digits directly against Han
//     characters ("IP地址", "10万元"), one phrase each;
//   - 200 mixed queries of two clauses: Han characters AND an ASCII word of the same file;
// each with the default page (20 hits, re-ranked), the same page plus its 20 snippets, the page
// without re-ranking (Xapian's BM25 order), and every hit (--limit 0, counted exactly).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "index/index.h"
#include "text/normalize.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using dossier::index::IndexDocument;
using dossier::index::IndexPage;
using dossier::index::Searcher;
using dossier::index::SearchOptions;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool plain_han(char32_t c) {
  return c >= 0x4E00 && c <= 0x9FFF;
}
bool ascii_alnum(char32_t c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Runs of characters satisfying `keep` on one line, as (begin, end) byte offsets.
template <typename Pred>
std::vector<std::pair<size_t, size_t>> runs(const std::string& line, Pred keep) {
  std::vector<std::pair<size_t, size_t>> out;
  size_t start = std::string::npos;
  for (size_t i = 0; i < line.size();) {
    size_t here = i;
    bool k = keep(dossier::text::decode_utf8(line, i));
    if (k && start == std::string::npos)
      start = here;
    if (!k && start != std::string::npos) {
      out.emplace_back(start, here);
      start = std::string::npos;
    }
  }
  if (start != std::string::npos)
    out.emplace_back(start, line.size());
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    out.push_back(l);
  return out;
}

// Random 2–8 character strings of plain Han characters from one line (fewer when `texts` has
// too little Han text).
std::vector<std::string> chinese_queries(const std::vector<std::string>& texts, size_t n,
                                         std::mt19937& rng) {
  std::vector<std::string> out;
  for (size_t attempt = 0; out.size() < n && attempt < n * 1000; ++attempt) {
    auto lines = lines_of(texts[rng() % texts.size()]);
    if (lines.empty())
      continue;
    const std::string& line = lines[rng() % lines.size()];
    auto rs = runs(line, plain_han);
    std::erase_if(rs, [](auto r) { return r.second - r.first < 6; });
    if (rs.empty())
      continue;
    auto [b, e] = rs[rng() % rs.size()];
    size_t chars = (e - b) / 3, len = std::min<size_t>(chars, 2 + rng() % 7);
    size_t start = rng() % (chars - len + 1);
    out.push_back(line.substr(b + start * 3, len * 3));
  }
  return out;
}

// Every place in the corpus where ASCII letters or digits touch Han characters: up to 4 Han
// characters, the ASCII run, up to 4 Han characters.
std::vector<std::string> adjacent_mixed(const std::vector<std::string>& texts) {
  std::set<std::string> found;
  for (const auto& t : texts) {
    for (const auto& line : lines_of(t)) {
      for (auto [b, e] : runs(line, ascii_alnum)) {
        size_t lb = b, re = e;
        for (int k = 0; k < 4 && lb >= 3; ++k) {
          size_t i = lb - 3;
          if (!plain_han(dossier::text::decode_utf8(line, i)))
            break;
          lb -= 3;
        }
        for (int k = 0; k < 4 && re + 3 <= line.size(); ++k) {
          size_t i = re;
          if (!plain_han(dossier::text::decode_utf8(line, i)))
            break;
          re += 3;
        }
        bool has_letter =
            std::any_of(line.begin() + static_cast<long>(b), line.begin() + static_cast<long>(e),
                        [](char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; });
        if ((lb < b || re > e) && (has_letter || e - b >= 2))
          found.insert(line.substr(lb, re - lb));
      }
    }
  }
  return {found.begin(), found.end()};
}

// "汉字 word": 2–4 Han characters and an ASCII word of two letters or more from the same file.
std::vector<std::string> two_clause_mixed(const std::vector<std::string>& texts, size_t n,
                                          std::mt19937& rng) {
  std::vector<std::string> out;
  for (int attempt = 0; out.size() < n && attempt < 100000; ++attempt) {
    const std::string& t = texts[rng() % texts.size()];
    auto lines = lines_of(t);
    std::vector<std::string> words;
    for (const auto& l : lines) {
      for (auto [b, e] : runs(l, ascii_alnum)) {
        std::string w = l.substr(b, e - b);
        if (w.size() >= 2 && std::any_of(w.begin(), w.end(), [](char c) { return c > '9'; }))
          words.push_back(w);
      }
    }
    if (words.empty())
      continue;
    auto some = chinese_queries({t}, 1, rng);
    if (some.empty())
      continue;  // a file with no Han text
    const std::string& han = some[0];
    size_t keep = std::min<size_t>(han.size() / 3, 2 + rng() % 3);
    out.push_back(han.substr(0, keep * 3) + " " + words[rng() % words.size()]);
  }
  return out;
}

struct Row {
  std::string name;
  std::vector<double> ms;
  size_t hits = 0;
};

void print(const Row& r) {
  std::vector<double> v = r.ms;
  std::sort(v.begin(), v.end());
  auto pct = [&](double p) {
    return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
  };
  double sum = 0;
  for (double x : v)
    sum += x;
  std::printf("| %-44s | %7zu | %7.2f | %7.2f | %7.2f | %7.2f | %8.2f | %9.1f |\n", r.name.c_str(),
              v.size(), sum / static_cast<double>(v.size()), pct(0.5), pct(0.9), pct(0.99),
              v.back(), static_cast<double>(r.hits) / static_cast<double>(v.size()));
}

enum class Mode { kPage, kPageAndSnippets, kPageNoRerank, kAll };

Row run(const std::string& name, Searcher& s, const std::vector<std::string>& queries, Mode mode,
        const std::vector<std::vector<IndexPage>>& pages) {
  Row row{name, {}, 0};
  SearchOptions o;
  o.limit = mode == Mode::kAll ? 0 : 20;
  o.rerank = mode != Mode::kPageNoRerank;
  for (const auto& q : queries) {
    auto t0 = Clock::now();
    auto r = s.search(q, o);
    if (!r) {
      std::fprintf(stderr, "query %s failed: %s\n", q.c_str(), r.error().to_string().c_str());
      continue;
    }
    if (mode == Mode::kPageAndSnippets) {
      for (const auto& h : r->hits)
        (void)dossier::index::make_snippet(r->highlight, pages[std::stoul(h.id)]);
    }
    row.ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    row.hits += r->total;
  }
  return row;
}

int bench(int argc, char** argv) {
  fs::path root = argc > 1 ? fs::path(argv[1]) : fs::path(DOSSIER_SHARED) / "corpora/zh-laws";
  if (!fs::exists(root)) {
    std::fprintf(stderr, "dossier-zh-search-bench: %s does not exist\n", root.c_str());
    return 2;
  }
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file())
      files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> texts;
  std::vector<std::vector<IndexPage>> pages;
  for (const auto& f : files) {
    texts.push_back(slurp(f));
    pages.push_back({IndexPage{0, texts.back()}});
  }

  std::string tmpl = (fs::temp_directory_path() / "dossier-zh-bench-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr)
    return 2;
  fs::path dir = tmpl;
  auto t0 = Clock::now();
  {
    auto w = dossier::index::IndexWriter::open((dir / "index").string());
    if (!w) {
      std::fprintf(stderr, "%s\n", w.error().to_string().c_str());
      return 2;
    }
    for (size_t k = 0; k < files.size(); ++k) {
      IndexDocument d;
      d.id = std::to_string(k);
      d.title = files[k].filename().string();
      d.paths.push_back(files[k].string());
      d.pages = pages[k];
      if (!(*w)->replace(d).has_value())
        return 2;
    }
    if (!(*w)->commit().has_value())
      return 2;
  }
  double index_s = std::chrono::duration<double>(Clock::now() - t0).count();
  auto searcher = Searcher::open((dir / "index").string());
  if (!searcher)
    return 2;
  Searcher& s = **searcher;

  std::mt19937 rng(20261203);
  std::vector<std::string> zh = chinese_queries(texts, 1000, rng);
  std::vector<std::string> adjacent = adjacent_mixed(texts);
  std::shuffle(adjacent.begin(), adjacent.end(), rng);
  if (adjacent.size() > 200)
    adjacent.resize(200);
  std::vector<std::string> clauses = two_clause_mixed(texts, 200, rng);
  run("warm-up", s, zh, Mode::kPage, pages);

  std::printf("zh-laws: %zu files, index built in %.1f s (one thread)\n\n", files.size(), index_s);
  std::printf(
      "| queries                                      |       n | mean ms |  p50 ms |  p90 ms "
      "|  p99 ms |   max ms | mean hits |\n");
  std::printf(
      "|----------------------------------------------|---------|---------|---------|------"
      "---|---------|----------|-----------|\n");
  print(run("Chinese 2-8 chars, top 20", s, zh, Mode::kPage, pages));
  print(run("Chinese 2-8 chars, top 20 + snippets", s, zh, Mode::kPageAndSnippets, pages));
  print(run("Chinese 2-8 chars, top 20, no re-ranking", s, zh, Mode::kPageNoRerank, pages));
  print(run("Chinese 2-8 chars, every hit", s, zh, Mode::kAll, pages));
  print(run("mixed, Latin/digits touching Han, top 20", s, adjacent, Mode::kPage, pages));
  print(run("mixed, Han AND Latin word, top 20", s, clauses, Mode::kPage, pages));
  print(run("mixed, Han AND Latin word, top 20 + snippets", s, clauses, Mode::kPageAndSnippets,
            pages));
  std::printf("\nexamples: %s | %s | %s | %s\n", zh[0].c_str(), zh[1].c_str(),
              adjacent.empty() ? "" : adjacent[0].c_str(),
              clauses.empty() ? "" : clauses[0].c_str());
  std::error_code ec;
  fs::remove_all(dir, ec);
  return 0;
}
}  // namespace

int main(int argc, char** argv) {
  try {
    return bench(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dossier-zh-search-bench: %s\n", e.what());
    return 2;
  }
}
