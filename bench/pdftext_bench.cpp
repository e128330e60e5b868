// dossier-pdftext-bench: extracts the text of every PDF named on the command line with
// PdfExtractor, one after another on one thread, the way pdftotext does, so that
// bench/pdf_vs_pdftotext.sh can compare the two.
//
//   dossier-pdftext-bench [-o DIR] [-v] FILE...
//
// With -o, the text of FILE number i goes to DIR/<i>.txt with a form feed after each page
// (pdftotext's layout); without it the text is discarded. -v prints each file's outcome and
// warnings. A summary line goes to stdout: "files F ok O errors E pages P bytes B".
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <string>
#include <vector>

#include "extract/pdf_extractor.h"

namespace {

using dossier::extract::Extraction;

bool read_file(const char* path, std::string& out) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in)
    return false;
  out.resize(static_cast<size_t>(in.tellg()));
  in.seekg(0);
  return static_cast<bool>(in.read(out.data(), static_cast<std::streamsize>(out.size())));
}

void write_text(const std::string& path, const Extraction& e) {
  std::ofstream out(path, std::ios::binary);
  for (const auto& page : e.pages) {
    out << page.text << '\f';
  }
}

int run(int argc, char** argv) {
  std::string out_dir;
  bool verbose = false;
  std::vector<const char*> files;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
      out_dir = argv[++i];
    } else if (std::strcmp(argv[i], "-v") == 0) {
      verbose = true;
    } else if (argv[i][0] == '-') {
      std::fprintf(stderr, "usage: dossier-pdftext-bench [-o DIR] [-v] FILE...\n");
      return 2;
    } else {
      files.push_back(argv[i]);
    }
  }
  dossier::extract::PdfExtractor extractor;
  size_t ok = 0;
  size_t errors = 0;
  size_t pages = 0;
  size_t bytes = 0;
  std::string data;
  for (size_t i = 0; i < files.size(); ++i) {
    if (!read_file(files[i], data)) {
      std::fprintf(stderr, "%s: cannot read\n", files[i]);
      ++errors;
      continue;
    }
    dossier::extract::Item item;
    item.bytes = {reinterpret_cast<const uint8_t*>(data.data()), data.size()};
    item.mime = "application/pdf";
    item.name = files[i];
    dossier::extract::ExtractContext ctx;
    auto start = std::chrono::steady_clock::now();
    auto result = extractor.extract(item, ctx);
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (!result) {
      ++errors;
      if (verbose)
        std::printf("%s\t%.1f ms\terror: %s\n", files[i], ms, result.error().message.c_str());
      continue;
    }
    ++ok;
    pages += result->pages.size();
    bytes += result->text_bytes();
    if (!out_dir.empty())
      write_text(out_dir + "/" + std::to_string(i) + ".txt", *result);
    if (verbose) {
      std::printf("%s\t%.1f ms\t%d pages\t%zu bytes\n", files[i], ms, result->page_count,
                  result->text_bytes());
      for (const std::string& w : result->warnings)
        std::printf("  warning: %s\n", w.c_str());
      for (const auto& m : result->metadata) {
        if (m.key != "xmp:packet")
          std::printf("  %s = %s\n", m.key.c_str(), m.value.c_str());
      }
      for (const auto& c : result->children) {
        std::printf("  child: %s (%zu bytes)\n", c.name.c_str(), c.bytes.size());
      }
    }
  }
  std::printf("files %zu ok %zu errors %zu pages %zu bytes %zu\n", files.size(), ok, errors, pages,
              bytes);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {  // a write failing, say; extract() itself never throws
    std::fprintf(stderr, "dossier-pdftext-bench: %s\n", e.what());
    return 1;
  }
}
