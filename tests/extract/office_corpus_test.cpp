// Runs the OOXML and ODF extractors, through the registry, over the shared Tika and mat2 test
// documents and prints a yield table per extension. Skipped when /work/shared/corpora is absent.
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <set>

#include "extract/registry.h"
#include "extract/zip_archive.h"
#include "test_util.h"

namespace dossier::extract {
namespace {

namespace fs = std::filesystem;

fs::path corpora() {
  return fs::path(DOSSIER_SHARED) / "corpora";
}

struct Yield {
  int files = 0;
  int with_text = 0;
  int good_reason = 0;  // failed with a reason that is the truth about the file (encrypted, ...)
  std::string failed;
};

bool skipped_name(const std::string& name) {
  return name.find(".upstream") != std::string::npos || name == "SOURCE.txt" ||
         name == "MISSING.txt" || name == "LICENSE.upstream";
}

// The oracle for "no text" being the truth: none of the package's content parts (body, sheets,
// slides, notes; not styles, layouts or masters) has character data between its tags.
bool content_parts_have_text(const std::string& bytes) {
  auto zip = ZipArchive::open(testing::as_bytes(bytes), 1u << 30);
  if (!zip.has_value())
    return true;  // unreadable: no claim that it is empty
  for (const ZipMember& m : zip->members()) {
    const std::string& n = m.name;
    const bool content =
        n == "word/document.xml" || n.starts_with("word/header") || n.starts_with("word/footer") ||
        n == "word/footnotes.xml" || n == "word/comments.xml" || n == "xl/sharedStrings.xml" ||
        n.starts_with("xl/worksheets/sheet") || n.starts_with("ppt/slides/slide") ||
        n.starts_with("ppt/notesSlides/") || n == "content.xml";
    const std::string* data = zip->find(n);
    if (!content || data == nullptr || !n.ends_with(".xml"))
      continue;
    // Character data directly inside a text-bearing element (w:t, a:t, v, text:p, svg:title...).
    static const std::set<std::string> kTextTags = {"t",    "v",     "delText", "p", "h",
                                                    "span", "title", "desc",    "a"};
    std::string tag;
    for (size_t lt = data->find('<'); lt != std::string::npos;) {
      const size_t gt = data->find('>', lt);
      if (gt == std::string::npos)
        break;
      std::string name = data->substr(lt + 1, data->find_first_of(" />", lt + 1) - lt - 1);
      if (const size_t colon = name.find(':'); colon != std::string::npos)
        name = name.substr(colon + 1);
      tag = name;
      const size_t next = data->find('<', gt);
      if (next == std::string::npos)
        break;
      if (kTextTags.count(tag) != 0 && (*data)[gt - 1] != '/') {
        for (size_t i = gt + 1; i < next; ++i) {
          if (!std::isspace(static_cast<unsigned char>((*data)[i])))
            return true;
        }
      }
      lt = next;
    }
  }
  return false;
}

Result<Extraction> extract_file(const fs::path& path, std::string* extractor) {
  const std::string bytes = testing::read_bytes(path);
  Item item = testing::item_for(bytes, path.filename().string());
  const Extractor* e = Registry::instance().find(testing::probe_for(bytes, item.name));
  if (e == nullptr)
    return Error{ErrorCode::kUnsupported, "no extractor for " + item.mime, item.name};
  *extractor = e->id().name;
  ExtractContext ctx;
  ctx.item_size = bytes.size();
  return e->extract(item, ctx);
}

Yield run_folder(const fs::path& dir) {
  Yield y;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_regular_file() || skipped_name(name))
      continue;
    ++y.files;
    std::string extractor;
    auto r = extract_file(entry.path(), &extractor);
    if (r.has_value() && r->text_bytes() > 0) {
      ++y.with_text;
      continue;
    }
    std::string why;
    if (!r.has_value()) {
      const Error& e = r.error();
      // Correct reasons: a password, or damage the message names.
      if (e.code == ErrorCode::kEncrypted ||
          (e.code == ErrorCode::kCorrupt && (e.message.find("truncated") != std::string::npos ||
                                             e.message.find("corrupt XML") != std::string::npos))) {
        ++y.good_reason;
      }
      why = e.to_string();
    } else if (!content_parts_have_text(testing::read_bytes(entry.path()))) {
      ++y.good_reason;
      why = "no text, and its content parts hold none (" + std::to_string(r->children.size()) +
            " embedded parts)";
    } else {
      why = "no text";
    }
    y.failed += "    " + name + " [" + extractor + "]: " + why + "\n";
  }
  return y;
}

TEST(OfficeCorpus, TikaYieldPerExtension) {
  const fs::path tika = corpora() / "tika";
  if (!fs::is_directory(tika))
    GTEST_SKIP() << "no " << tika;
  int files = 0;
  int ok = 0;
  std::cout << "ext    files  text  reason  failed\n";
  for (const char* ext :
       {"docx", "docm", "dotx", "xlsx", "xlsm", "pptx", "pptm", "odt", "ods", "odp", "odg"}) {
    if (!fs::is_directory(tika / ext))
      continue;
    Yield y = run_folder(tika / ext);
    files += y.files;
    ok += y.with_text + y.good_reason;
    printf("%-6s %5d %5d %7d %7d\n", ext, y.files, y.with_text, y.good_reason,
           y.files - y.with_text - y.good_reason);
    std::cout << y.failed;
  }
  if (files == 0)
    GTEST_SKIP() << "no office documents in " << tika;
  EXPECT_GE(ok * 100, files * 97) << ok << " of " << files;
}

std::string text_of(const std::string& file, std::string* extractor) {
  auto r = extract_file(corpora() / "mat2" / file, extractor);
  if (!r.has_value())
    return "ERROR: " + r.error().to_string();
  std::string all = testing::all_text(*r);
  for (const MetaField& f : r->metadata)
    all += "\n" + f.key + "=" + f.value;
  return all;
}

TEST(OfficeCorpus, Mat2TrackedChangesAndCommentsAppear) {
  if (!fs::is_directory(corpora() / "mat2"))
    GTEST_SKIP() << "no mat2 corpus";
  struct Want {
    const char* file;
    const char* needle;
  };
  for (const Want& w : {Want{"revision.docx", "[deleted: "}, Want{"revision.odt", "[deleted: "},
                        Want{"comment.docx", "[comment by "}}) {
    if (!fs::exists(corpora() / "mat2" / w.file))
      continue;
    std::string extractor;
    const std::string text = text_of(w.file, &extractor);
    EXPECT_NE(text.find(w.needle), std::string::npos) << w.file << " [" << extractor << "]:\n"
                                                      << text;
  }
}

TEST(OfficeCorpus, Mat2EveryOfficeFileExtractsOrFailsWithAReason) {
  const fs::path dir = corpora() / "mat2";
  if (!fs::is_directory(dir))
    GTEST_SKIP() << "no mat2 corpus";
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string ext = entry.path().extension().string();
    if (ext != ".docx" && ext != ".xlsx" && ext != ".odt" && ext != ".odg" && ext != ".odf")
      continue;
    std::string extractor;
    auto r = extract_file(entry.path(), &extractor);
    std::cout << "  " << entry.path().filename().string() << " [" << extractor << "]: ";
    if (!r.has_value()) {
      std::cout << r.error().to_string() << "\n";
      EXPECT_FALSE(r.error().message.empty());
      continue;
    }
    std::cout << r->text_bytes() << " text bytes, " << r->children.size() << " children, "
              << r->warnings.size() << " warnings\n";
  }
}

}  // namespace
}  // namespace dossier::extract
