// dossier-segmentation-bench: word segmentation against the gold words of the Universal
// Dependencies treebanks in ../shared/corpora/treebanks (Chinese GSDSimp dev, Uyghur UDT dev).
//
//   dossier-segmentation-bench [TREEBANKS]   (default: ../shared/corpora/treebanks)
//
// A word counts as found when a segmenter produces exactly its span of the sentence. Punctuation
// is left out on both sides (gold tokens tagged PUNCT, segments without a letter or digit), as the
// index has no terms for it. Segmenters:
//   - the index tokenizer (text::tokenize), which gives one term per Han character ON PURPOSE: a
//     phrase of characters then matches any substring exactly, which no segmentation can promise;
//   - ICU's word break iterator (dictionary-based for Chinese, Thai, Lao, Khmer, Myanmar);
// and for Uyghur, the tokenizer's Latin transliteration against the treebank's Translit column.
#include <unicode/brkiter.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "text/icu_handles.h"
#include "text/normalize.h"
#include "text/tokenizer.h"

namespace {

namespace fs = std::filesystem;
using Span = std::pair<size_t, size_t>;

struct Token {
  std::string form;
  bool punct = false;
  std::string translit;  // MISC Translit=, if any
};

struct Sentence {
  std::string text;
  std::vector<Token> tokens;
};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep))
    out.push_back(cur);
  return out;
}

// Sentences of a CoNLL-U file: the "# text =" line and its surface tokens (a multiword token's
// range line stands for its parts).
std::vector<Sentence> read_conllu(const fs::path& path) {
  std::vector<Sentence> out;
  std::ifstream in(path);
  Sentence cur;
  size_t skip_until = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) {
      if (!cur.text.empty())
        out.push_back(std::move(cur));
      cur = Sentence{};
      skip_until = 0;
      continue;
    }
    if (line.rfind("# text = ", 0) == 0) {
      cur.text = line.substr(9);
      continue;
    }
    if (line[0] == '#')
      continue;
    std::vector<std::string> f = split(line, '\t');
    if (f.size() < 10 || f[0].find('.') != std::string::npos)
      continue;
    size_t dash = f[0].find('-');
    size_t id = std::stoul(f[0].substr(0, dash));
    if (dash == std::string::npos && id <= skip_until)
      continue;  // part of a multiword token already taken
    if (dash != std::string::npos)
      skip_until = std::stoul(f[0].substr(dash + 1));
    Token t{f[1], f[3] == "PUNCT", ""};
    for (const auto& kv : split(f[9], '|')) {
      if (kv.rfind("Translit=", 0) == 0)
        t.translit = kv.substr(9);
    }
    cur.tokens.push_back(std::move(t));
  }
  if (!cur.text.empty())
    out.push_back(std::move(cur));
  return out;
}

// Gold spans of the non-punctuation tokens, found in order in the sentence text.
std::set<Span> gold_spans(const Sentence& s, bool& aligned) {
  std::set<Span> out;
  size_t at = 0;
  aligned = true;
  for (const Token& t : s.tokens) {
    size_t found = s.text.find(t.form, at);
    if (found == std::string::npos) {
      aligned = false;
      return out;
    }
    if (!t.punct)
      out.emplace(found, found + t.form.size());
    at = found + t.form.size();
  }
  return out;
}

bool has_word_char(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    char32_t c = dossier::text::decode_utf8(s, i);
    if (u_isalnum(static_cast<UChar32>(c)) || dossier::text::is_cjk(c))
      return true;
  }
  return false;
}

std::set<Span> tokenizer_spans(const std::string& text) {
  std::set<Span> out;
  dossier::text::tokenize(text, [&](const dossier::text::Token& t) {
    if (!t.alternative)
      out.emplace(t.begin, t.end);
  });
  return out;
}

std::set<Span> icu_spans(const std::string& text) {
  std::set<Span> out;
  UErrorCode status = U_ZERO_ERROR;
  static const std::unique_ptr<icu::BreakIterator> proto(
      icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
  std::unique_ptr<icu::BreakIterator> bi(proto->clone());
  dossier::text::UTextPtr ut(
      utext_openUTF8(nullptr, text.data(), static_cast<int64_t>(text.size()), &status));
  bi->setText(ut.get(), status);
  if (U_FAILURE(status))
    return out;
  int32_t a = bi->first();
  for (int32_t b = bi->next(); b != icu::BreakIterator::DONE; a = b, b = bi->next()) {
    auto begin = static_cast<size_t>(a), end = static_cast<size_t>(b);
    if (has_word_char(std::string_view(text).substr(begin, end - begin)))
      out.emplace(begin, end);
  }
  return out;
}

struct Score {
  size_t gold = 0, system = 0, correct = 0;
};

void add(Score& score, const std::set<Span>& gold, const std::set<Span>& sys) {
  score.gold += gold.size();
  score.system += sys.size();
  for (const Span& s : sys)
    score.correct += gold.count(s);
}

void print(const Score& s, const char* bank, const char* segmenter) {
  double p = s.system ? double(s.correct) / double(s.system) : 0;
  double r = s.gold ? double(s.correct) / double(s.gold) : 0;
  double f = p + r > 0 ? 2 * p * r / (p + r) : 0;
  std::printf("| %-14s | %-44s | %7zu | %7zu | %9.3f | %6.3f | %5.3f |\n", bank, segmenter, s.gold,
              s.system, p, r, f);
}

int evaluate(const char* bank, const fs::path& path, bool uyghur) {
  if (!fs::exists(path)) {
    std::fprintf(stderr, "dossier-segmentation-bench: %s is missing\n", path.c_str());
    return 2;
  }
  std::vector<Sentence> sentences = read_conllu(path);
  Score ours, icu;
  size_t skipped = 0, translit = 0, translit_same = 0;
  for (const Sentence& s : sentences) {
    bool aligned = false;
    std::set<Span> gold = gold_spans(s, aligned);
    if (!aligned) {
      ++skipped;
      continue;
    }
    add(ours, gold, tokenizer_spans(s.text));
    add(icu, gold, icu_spans(s.text));
    if (!uyghur)
      continue;
    for (const Token& t : s.tokens) {
      if (t.punct || t.translit.empty())
        continue;
      std::string a, b;
      dossier::text::tokenize(
          t.form, [&](const dossier::text::Token& x) { a += x.alternative ? "" : x.term + " "; });
      dossier::text::tokenize(t.translit, [&](const dossier::text::Token& x) {
        b += x.alternative ? "" : x.term + " ";
      });
      ++translit;
      translit_same += a == b;
    }
  }
  print(ours, bank, uyghur ? "dossier tokenizer" : "dossier tokenizer (one term per Han char)");
  print(icu, bank, uyghur ? "ICU word break" : "ICU word break (dictionary)");
  if (skipped > 0)
    std::printf("(%s: %zu of %zu sentences skipped: tokens not found in the text)\n", bank, skipped,
                sentences.size());
  if (uyghur) {
    std::printf(
        "\n%s: the tokenizer's ULY transliteration of the Arabic-script form equals the "
        "treebank's Translit (ë read as é, apostrophes dropped) for %zu of %zu words "
        "(%.2f%%)\n",
        bank, translit_same, translit, 100.0 * double(translit_same) / double(translit));
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path root = argc > 1 ? fs::path(argv[1]) : fs::path(DOSSIER_SHARED) / "corpora/treebanks";
  std::printf(
      "| treebank       | segmenter                                    |    gold | "
      "  found | precision | recall |    F1 |\n");
  std::printf(
      "|----------------|----------------------------------------------|---------|-----"
      "----|-----------|--------|-------|\n");
  if (int rc = evaluate("zh GSDSimp dev", root / "zh/zh_gsdsimp-ud-dev.conllu", false); rc != 0)
    return rc;
  return evaluate("ug UDT dev", root / "ug/ug_udt-ud-dev.conllu", true);
}
