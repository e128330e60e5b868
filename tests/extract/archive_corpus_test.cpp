// ArchiveExtractor over the shared corpus (tika's archive fixtures, ICIJ's archives): a yield
// table, known outcomes, and zip accounting checked against `unzip -Z1`. Skipped without the
// corpus.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>

#include "extract/archive_extractor.h"
#include "test_util.h"

namespace dossier::extract {
namespace {

namespace fs = std::filesystem;

struct Row {
  std::string file;
  std::string mime;
  std::string chosen;
  std::string outcome;  // "ok" or the error code
  std::string detail;   // error message or problem summary
  uint64_t emitted = 0;
  std::map<std::string, int> problems;  // by code
  std::optional<uint64_t> declared;
};

struct PipeCloser {
  void operator()(FILE* f) const { pclose(f); }
};

// Files in a zip as unzip lists them, not counting directories; nullopt when unzip fails.
std::optional<uint64_t> unzip_file_count(const fs::path& zip) {
  const std::string cmd = "unzip -Z1 '" + zip.string() + "' 2>/dev/null; echo \"rc=$?\"";
  std::unique_ptr<FILE, PipeCloser> pipe(popen(cmd.c_str(), "r"));
  if (pipe == nullptr)
    return std::nullopt;
  uint64_t files = 0;
  char line[4096];
  std::string last;
  while (fgets(line, sizeof line, pipe.get()) != nullptr) {
    last = line;
    if (last.rfind("rc=", 0) == 0)
      break;
    if (!last.empty() && last.back() == '\n')
      last.pop_back();
    if (!last.empty() && last.back() != '/')
      ++files;
  }
  if (last.rfind("rc=0", 0) != 0 && last.rfind("rc=1", 0) != 0)  // 1: warnings only
    return std::nullopt;
  return files;
}

Row run_one(const fs::path& path) {
  Row row;
  row.file = path.parent_path().filename().string() + "/" + path.filename().string();
  const std::string bytes = testing::read_bytes(path);
  Item item = testing::item_for(bytes, path.filename().string());
  row.mime = item.mime;
  row.chosen = testing::chosen(bytes);
  ArchiveExtractor extractor;
  ExtractContext ctx;
  ctx.item_size = bytes.size();
  uint64_t emitted = 0;
  ctx.on_child = [&](Child&&) { ++emitted; };
  auto x = extractor.extract(item, ctx);
  if (!x.has_value()) {
    row.outcome = error_code_name(x.error().code);
    row.detail = x.error().message;
    return row;
  }
  row.outcome = "ok";
  row.emitted = emitted;
  row.declared = x->declared_children;
  for (const ChildProblem& p : x->child_problems) {
    ++row.problems[p.code];
    if (row.detail.empty())
      row.detail = p.name + ": " + p.reason;
  }
  if (row.detail.empty() && !x->warnings.empty())
    row.detail = x->warnings.front();
  return row;
}

std::vector<fs::path> corpus_files() {
  const fs::path tika = fs::path(DOSSIER_SHARED) / "corpora" / "tika";
  std::vector<fs::path> files;
  for (const char* dir : {"zip", "tar", "7z", "gz", "bz2", "rar", "tgz"}) {
    if (!fs::is_directory(tika / dir))
      continue;
    for (const auto& e : fs::directory_iterator(tika / dir)) {
      if (e.is_regular_file())
        files.push_back(e.path());
    }
  }
  const fs::path icij = fs::path(DOSSIER_SHARED) / "corpora" / "icij";
  if (fs::is_directory(icij)) {
    for (const auto& e : fs::recursive_directory_iterator(icij)) {
      const std::string ext = e.path().extension().string();
      if (e.is_regular_file() && (ext == ".tgz" || ext == ".zip" || ext == ".gz" || ext == ".tar" ||
                                  ext == ".7z" || ext == ".rar")) {
        files.push_back(e.path());
      }
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(ArchiveCorpus, YieldTableAndZipAccounting) {
  if (!fs::is_directory(fs::path(DOSSIER_SHARED) / "corpora" / "tika"))
    GTEST_SKIP() << "no shared corpus at " << DOSSIER_SHARED;
  std::map<std::string, Row> rows;
  uint64_t emitted = 0, encrypted = 0, failed = 0, other_problems = 0;
  std::printf("%-48s %-28s %-8s %7s %5s %5s %5s  %s\n", "file", "mime", "outcome", "emitted",
              "decl", "enc", "prob", "detail");
  for (const fs::path& path : corpus_files()) {
    Row row = run_one(path);
    int enc = row.problems.count("encrypted") ? row.problems.at("encrypted") : 0;
    int prob = 0;
    for (const auto& [code, n] : row.problems)
      prob += code == "encrypted" ? 0 : n;
    std::printf("%-48s %-28s %-8s %7llu %5s %5d %5d  %.70s\n", row.file.c_str(), row.mime.c_str(),
                row.outcome.c_str(), static_cast<unsigned long long>(row.emitted),
                row.declared ? std::to_string(*row.declared).c_str() : "-", enc, prob,
                row.detail.c_str());
    emitted += row.emitted;
    encrypted += static_cast<uint64_t>(enc) + (row.outcome == "encrypted" ? 1 : 0);
    failed += row.outcome != "ok" ? 1 : 0;
    other_problems += static_cast<uint64_t>(prob);
    if (path.extension() == ".zip" && row.declared) {
      auto expected = unzip_file_count(path);
      if (expected) {
        EXPECT_EQ(*row.declared, *expected) << row.file << ": declared vs unzip -Z1";
      }
    }
    // The last part of a split zip starts mid-member: nothing in its head says "archive".
    if (row.file != "zip/test-documents-spanned.zip") {
      EXPECT_EQ(row.chosen, "archive") << row.file << " (" << row.mime << ")";
    }
    rows[row.file] = std::move(row);
  }
  std::printf(
      "total: %zu archives, %llu members emitted, %llu encrypted, %llu other member "
      "problems, %llu archives failed\n",
      rows.size(), static_cast<unsigned long long>(emitted),
      static_cast<unsigned long long>(encrypted), static_cast<unsigned long long>(other_problems),
      static_cast<unsigned long long>(failed));

  auto at = [&](const std::string& name) -> const Row& {
    static const Row missing;
    auto it = rows.find(name);
    return it == rows.end() ? missing : it->second;
  };
  EXPECT_EQ(at("zip/test-documents.zip").emitted, 9u);
  EXPECT_EQ(at("tgz/test-documents.tgz").emitted, 9u);
  EXPECT_EQ(at("tar/test-documents.tar").emitted, 9u);
  EXPECT_EQ(at("7z/test-documents.7z").emitted, 9u);
  EXPECT_EQ(at("rar/test-documents.rar").emitted, 9u);
  EXPECT_EQ(at("zip/testZipEncrypted.zip").emitted, 1u);
  EXPECT_EQ(at("zip/testZipEncrypted.zip").problems.at("encrypted"), 1);
  EXPECT_EQ(at("7z/full_encrypted.7z").outcome, "encrypted");
  EXPECT_EQ(at("rar/test-documents-enc.rar").outcome, "encrypted");
  EXPECT_EQ(at("7z/test7Z_protected_passTika.7z").problems.at("encrypted"), 1);
  EXPECT_EQ(at("zip/test-documents-spanned.zip").outcome, "unsupported");
  EXPECT_EQ(at("gz/bob.gz").emitted, 1u);
  EXPECT_EQ(at("bz2/test-file-1.csv.bz2").emitted, 1u);
}

TEST(ArchiveCorpus, LegacyZipNamesAreDecoded) {
  const fs::path zip = fs::path(DOSSIER_SHARED) / "corpora/tika/zip/gbk.zip";
  if (!fs::exists(zip))
    GTEST_SKIP() << "no shared corpus";
  const std::string bytes = testing::read_bytes(zip);
  ExtractContext ctx;
  auto x = ArchiveExtractor().extract(testing::item_for(bytes, "gbk.zip"), ctx);
  ASSERT_TRUE(x.has_value());
  ASSERT_EQ(x->children.size(), 1u);
  // "新建压缩文件夹/..." in GBK: the name must come out as valid Chinese, not mojibake.
  EXPECT_NE(x->children[0].name.find("\xe7\xb3\xbb\xe7\xbb\x9f"), std::string::npos)  // 系统
      << x->children[0].name;
}

}  // namespace
}  // namespace dossier::extract
