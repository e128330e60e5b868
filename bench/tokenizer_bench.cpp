// dossier-tokenizer-bench: throughput of text::tokenize on the ingest hot path.
//
//   dossier-tokenizer-bench [CORPORA]   (default: ../shared/corpora next to the source tree)
//
// Samples, each tokenized RUNS times (default 5, env RUNS), best run kept:
//   zh-laws  every .md of corpora/zh-laws concatenated (Simplified Chinese statutes, 28 MB)
//   english  corpora/udhr/udhr/udhr_eng.xml's text repeated to about 10 MB
//   udhr-all the text of every UDHR translation (about 530 languages, every script), repeated
//            to about 20 MB
//   uyghur   udhr_uig_arab.xml's text repeated to about 10 MB (Arabic script: transliteration)
//   thai     udhr_tha.xml's text repeated to about 5 MB (dictionary word break)
// and, for comparison, the languages of long parts (text::detect_part_languages, CLD2) over
// zh-laws file by file and over the English sample, which ingest runs next to the tokenizer.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "text/lang.h"
#include "text/tokenizer.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The character data of a UDHR XML file: tags dropped, entities left as they are (rare).
std::string xml_text(const std::string& xml) {
  std::string out;
  bool in_tag = false;
  for (char c : xml) {
    if (c == '<') {
      in_tag = true;
      out += ' ';
    } else if (c == '>') {
      in_tag = false;
    } else if (!in_tag) {
      out += c;
    }
  }
  return out;
}

std::string repeat_to(const std::string& s, size_t bytes) {
  std::string out;
  if (s.empty())
    return out;
  while (out.size() < bytes)
    out += s + "\n";
  return out;
}

struct Sample {
  std::string name;
  std::string text;
};

void run(const Sample& s, int runs) {
  double best = 1e9;
  size_t tokens = 0;
  for (int r = 0; r < runs; ++r) {
    size_t n = 0;
    auto t0 = Clock::now();
    dossier::text::tokenize(s.text, [&](const dossier::text::Token&) { ++n; });
    best = std::min(best, std::chrono::duration<double>(Clock::now() - t0).count());
    tokens = n;
  }
  double mb = static_cast<double>(s.text.size()) / 1e6;
  std::printf("| %-9s | %8.1f | %9.3f | %8.1f | %11zu |\n", s.name.c_str(), mb, best, mb / best,
              tokens);
}

}  // namespace

int main(int argc, char** argv) {
  fs::path corpora = argc > 1 ? fs::path(argv[1]) : fs::path(DOSSIER_SHARED) / "corpora";
  int runs = std::getenv("RUNS") != nullptr ? std::atoi(std::getenv("RUNS")) : 5;
  if (!fs::exists(corpora / "zh-laws") || !fs::exists(corpora / "udhr/udhr")) {
    std::fprintf(stderr, "dossier-tokenizer-bench: %s has no zh-laws or udhr; pass CORPORA\n",
                 corpora.c_str());
    return 2;
  }
  std::vector<Sample> samples;
  std::vector<std::string> zh_files;
  {
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(corpora / "zh-laws")) {
      if (e.is_regular_file() && e.path().extension() == ".md")
        files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    std::string all;
    for (const auto& f : files) {
      zh_files.push_back(slurp(f));
      all += zh_files.back() + "\n";
    }
    samples.push_back({"zh-laws", std::move(all)});
  }
  fs::path udhr = corpora / "udhr/udhr";
  samples.push_back({"english", repeat_to(xml_text(slurp(udhr / "udhr_eng.xml")), 10'000'000)});
  {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(udhr)) {
      std::string n = e.path().filename().string();
      if (n.rfind("udhr_", 0) == 0 && e.path().extension() == ".xml")
        files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    std::string all;
    for (const auto& f : files)
      all += xml_text(slurp(f));
    samples.push_back({"udhr-all", repeat_to(all, 20'000'000)});
  }
  samples.push_back({"uyghur", repeat_to(xml_text(slurp(udhr / "udhr_uig_arab.xml")), 10'000'000)});
  samples.push_back({"thai", repeat_to(xml_text(slurp(udhr / "udhr_tha.xml")), 5'000'000)});

  std::printf("| sample    |       MB |    best s |     MB/s |      tokens |\n");
  std::printf("|-----------|----------|-----------|----------|-------------|\n");
  for (const auto& s : samples)
    run(s, runs);

  std::printf("\n| part languages |       MB |    best s |     MB/s |\n");
  std::printf("|----------------|----------|-----------|----------|\n");
  for (size_t k = 0; k < 2; ++k) {
    // zh-laws one document per file; English in documents of 20 KB.
    std::vector<std::string_view> docs;
    std::string_view all = samples[k].text;
    if (k == 0) {
      docs.assign(zh_files.begin(), zh_files.end());
    } else {
      for (size_t at = 0; at < all.size(); at += 20000)
        docs.push_back(all.substr(at, 20000));
    }
    double best = 1e9;
    for (int r = 0; r < runs; ++r) {
      auto t0 = Clock::now();
      for (std::string_view d : docs)
        (void)dossier::text::detect_part_languages({d});
      best = std::min(best, std::chrono::duration<double>(Clock::now() - t0).count());
    }
    double mb = static_cast<double>(all.size()) / 1e6;
    std::printf("| %-14s | %8.1f | %9.3f | %8.1f |\n", samples[k].name.c_str(), mb, best,
                mb / best);
  }
  return 0;
}
