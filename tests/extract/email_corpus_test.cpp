// The email extractors over the shared corpora: every message yields text or a reason, mailbox
// counts match their separators, and a yield table is printed. Skipped when the corpora are absent.
#include <gtest/gtest.h>

#include <filesystem>
#include <iomanip>
#include <iostream>

#include "extract/registry.h"
#include "test_util.h"

namespace dossier::extract {
namespace {

namespace fs = std::filesystem;

fs::path corpora() {
  return fs::path(DOSSIER_SHARED) / "corpora";
}

struct Yield {
  int files = 0;
  int text = 0;     // extracted with text
  int no_text = 0;  // extracted, but no text (metadata or children only)
  int failed = 0;   // an Error with a reason
  uint64_t declared = 0;
  uint64_t emitted = 0;
  uint64_t problems = 0;
  std::string by_extractor;
  std::string notes;
  int yielded() const { return text + failed; }
};

std::vector<fs::path> files_under(const fs::path& dir, const std::vector<std::string>& exts) {
  std::vector<fs::path> out;
  if (!fs::is_directory(dir))
    return out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file())
      continue;
    const std::string ext = e.path().extension().string();
    if (exts.empty() || std::find(exts.begin(), exts.end(), ext) != exts.end())
      out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// "From " lines at the start of a line, as MboxExtractor counts separators.
uint64_t separators(const std::string& s) {
  uint64_t n = s.rfind("From ", 0) == 0 ? 1 : 0;
  for (size_t at = s.find("\nFrom "); at != std::string::npos; at = s.find("\nFrom ", at + 1))
    ++n;
  return n;
}

Yield run_files(const std::vector<fs::path>& files, bool check_mbox_counts = false) {
  Yield y;
  std::map<std::string, int> chosen;
  for (const fs::path& path : files) {
    const std::string bytes = testing::read_bytes(path);
    const std::string name = path.filename().string();
    Item item = testing::item_for(bytes, name);
    const Extractor* e = Registry::instance().find(testing::probe_for(bytes, name));
    ++y.files;
    ++chosen[e == nullptr ? "none" : e->id().name];
    if (e == nullptr) {
      ++y.failed;  // the pipeline records "unsupported type <mime>"
      y.notes += "  " + name + ": unsupported type " + item.mime + "\n";
      continue;
    }
    ExtractContext ctx;
    auto r = e->extract(item, ctx);
    if (!r.has_value()) {
      EXPECT_FALSE(r.error().message.empty()) << path;
      ++y.failed;
      y.notes += "  " + name + ": " + r.error().message + "\n";
      continue;
    }
    (r->text_bytes() > 0 ? y.text : y.no_text) += 1;
    if (r->text_bytes() == 0)
      y.notes += "  " + name + ": no text (" + e->id().name + ")\n";
    y.declared += r->declared_children.value_or(0);
    y.emitted += r->emitted_children;
    y.problems += r->child_problems.size();
    const std::string xname = e->id().name;
    const bool mine = xname == "email" || xname == "mbox" || xname == "pst" || xname == "smime" ||
                      xname == "tnef";
    if (mine && r->declared_children) {
      EXPECT_EQ(r->emitted_children + r->child_problems.size(), *r->declared_children) << path;
    }
    if (check_mbox_counts && e->id().name == "mbox") {
      EXPECT_EQ(*r->declared_children, separators(bytes)) << path;
    }
    // Children that are mail must read as mail in turn (nested messages, mbox members).
    for (const Child& c : r->children) {
      const Extractor* ce = Registry::instance().find(testing::probe_for(c.bytes, c.name));
      if (ce == nullptr || (ce->id().name != "email" && ce->id().name != "mbox"))
        continue;
      Item child = testing::item_for(c.bytes, c.name);
      ExtractContext child_ctx;
      auto cr = ce->extract(child, child_ctx);
      EXPECT_TRUE(cr.has_value()) << path << " / " << c.name;
    }
  }
  for (const auto& [k, v] : chosen)
    y.by_extractor += k + ":" + std::to_string(v) + " ";
  return y;
}

void print_row(const std::string& label, const Yield& y) {
  std::cout << std::left << std::setw(34) << label << std::right << std::setw(5) << y.files
            << std::setw(6) << y.text << std::setw(8) << y.no_text << std::setw(7) << y.failed
            << std::setw(9) << y.declared << std::setw(8) << y.emitted << std::setw(9) << y.problems
            << "  " << y.by_extractor << "\n";
}

class EmailCorpus : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::is_directory(corpora()))
      GTEST_SKIP() << "no " << corpora();
  }
};

TEST_F(EmailCorpus, YieldTable) {
  std::cout << std::left << std::setw(34) << "corpus" << std::right << std::setw(5) << "files"
            << std::setw(6) << "text" << std::setw(8) << "notext" << std::setw(7) << "error"
            << std::setw(9) << "declared" << std::setw(8) << "emitted" << std::setw(9) << "problems"
            << "  extractors\n";
  // 104 .eml messages, malformed on purpose: at least 97% must yield text or a reason.
  Yield fixtures = run_files(files_under(corpora() / "email-fixtures", {".eml"}));
  print_row("email-fixtures/**/*.eml", fixtures);
  std::cout << fixtures.notes;
  if (fixtures.files > 0) {
    EXPECT_GE(fixtures.yielded() * 100, fixtures.files * 97);
  }

  const fs::path tika = corpora() / "tika";
  for (const char* folder : {"eml", "emlx", "mhtml"}) {
    Yield y = run_files(files_under(tika / folder, {}));
    print_row(std::string("tika/") + folder, y);
    std::cout << y.notes;
    EXPECT_EQ(y.text, y.files) << folder;
  }
  Yield mbox = run_files(files_under(tika / "mbox", {}), /*check_mbox_counts=*/true);
  print_row("tika/mbox", mbox);
  EXPECT_EQ(mbox.failed, 0);
  // msg is the OLE extractor's; listed for the picture only.
  for (const char* folder : {"p7m", "p7s", "pst", "msg"}) {
    Yield y = run_files(files_under(tika / folder, {}));
    print_row(std::string("tika/") + folder, y);
    std::cout << y.notes;
  }
  Yield icij = run_files(files_under(corpora() / "icij", {".eml", ".pst"}));
  print_row("icij/**/*.{eml,pst}", icij);
  std::cout << icij.notes;
  EXPECT_EQ(icij.failed, 0);
}

}  // namespace
}  // namespace dossier::extract
