// Tamper tests for issue #3 ("prove that nothing changed since it arrived"): ingest a real corpus,
// alter the project the ways an insider could (a blob, an entry, the whole log rebuilt and
// re-signed, a published bundle) and check that `dossier custody verify` / `verify-bundle` name
// exactly what changed. Runs over demo/leak and, when /work/shared is present, over ~100 files
// of the zh-laws corpus plus a few PDFs.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/file_util.h"
#include "core/sha256.h"
#include "custody/codec.h"
#include "custody/entry.h"
#include "custody/log.h"
#include "custody/note.h"
#include "custody/proof_file.h"
#include "run_dossier.h"

namespace dossier::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

#ifndef DOSSIER_SHARED
#define DOSSIER_SHARED "/work/shared"
#endif

void spit(const fs::path& p, const std::string& bytes) {
  fs::permissions(p, fs::perms::owner_write, fs::perm_options::add);
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Flips the low bit of the byte at `pos` (clamped to the file), chmod-ing a 0444 blob first.
void flip_byte(const fs::path& p, size_t pos) {
  std::string b = slurp(p);
  ASSERT_FALSE(b.empty()) << p;
  b[std::min(pos, b.size() - 1)] ^= 0x01;
  spit(p, b);
}

// Documents (blob file names) of a project, largest first, so a byte flip always has a target.
std::vector<std::pair<std::string, fs::path>> blobs_of(const fs::path& project) {
  std::vector<std::pair<std::string, fs::path>> out;
  for (const auto& de : fs::recursive_directory_iterator(project / "blobs")) {
    std::string name = de.path().filename().string();
    if (de.is_regular_file() && name.size() == 64 && de.path().parent_path().filename() != "tmp")
      out.emplace_back(name, de.path());
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    auto sa = fs::file_size(a.second), sb = fs::file_size(b.second);
    return sa != sb ? sa > sb : a.first < b.first;
  });
  return out;
}

// The raw records of custody/entries (docs/formats/custody.md §2).
struct Record {
  size_t offset = 0;  // of the 8-byte header
  std::string entry;
};

std::vector<Record> records_of(const std::string& file) {
  std::vector<Record> out;
  size_t pos = custody::kLogMagic.size();
  while (pos + 8 <= file.size()) {
    uint32_t len = custody::get_be32(reinterpret_cast<const uint8_t*>(file.data() + pos));
    out.push_back({pos, file.substr(pos + 8, len)});
    pos += 8 + len;
  }
  return out;
}

// Changes the year of an entry's time line (received / time) by one digit: the entry still
// parses and still names the same document, only its bytes changed.
std::string altered_entry(const std::string& entry) {
  std::string e = entry;
  size_t at = e.find("\nreceived ");
  if (at == std::string::npos)
    at = e.find("\ntime ");
  EXPECT_NE(at, std::string::npos) << e;
  size_t digit = e.find(' ', at) + 4;  // last digit of the year
  e[digit] = e[digit] == '9' ? '8' : static_cast<char>(e[digit] + 1);
  return e;
}

std::string doc_of(const std::string& entry) {
  auto e = custody::parse_entry(entry);
  if (!e.has_value())
    return {};
  if (const auto* in = std::get_if<custody::IngestEntry>(&e.value()))
    return to_hex(in->sha256);
  return to_hex(std::get<custody::DeriveEntry>(e.value()).input);
}

bool has_problem(const json& problems, const std::string& kind,
                 const std::optional<std::string>& document = {},
                 const std::optional<uint64_t>& index = {}) {
  for (const auto& p : problems) {
    if (p.value("kind", "") != kind)
      continue;
    if (document && p.value("document", "") != *document)
      continue;
    if (index && (!p.contains("index") || p["index"].get<uint64_t>() != *index))
      continue;
    return true;
  }
  return false;
}

struct Verified {
  int exit_code = -1;
  json out;
  std::string err;
};

Verified custody_verify(const fs::path& project, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"-p", project.string(), "--json", "custody", "verify"};
  args.insert(args.end(), extra.begin(), extra.end());
  RunResult r = run_dossier(args);
  Verified v{r.exit_code, json::object(), r.err};
  if (!r.out.empty())
    v.out = r.json();
  return v;
}

// The project's verifier key, as the library parses it.
custody::Verifier project_verifier(const fs::path& project) {
  std::string vkey = slurp(project / "custody" / "verifier.key");
  if (!vkey.empty() && vkey.back() == '\n')
    vkey.pop_back();
  auto v = custody::parse_verifier_key(vkey);
  EXPECT_TRUE(v.has_value()) << vkey;
  return v.has_value() ? *v : custody::Verifier{};
}

// What an insider with the signing key would do: alter entry `victim`, then rebuild the whole
// log (tree and checkpoints) from the altered entries and re-sign it with the SAME key, and swap
// it into the project. Uses only the custody library.
void rebuild_and_resign(const fs::path& project, uint64_t victim) {
  fs::path custody_dir = project / "custody";
  std::vector<std::string> entries;
  std::string origin;
  {
    auto log = custody::CustodyLog::open(custody_dir);
    ASSERT_TRUE(log.has_value()) << log.error().to_string();
    origin = log->origin();
    for (uint64_t i = 0; i < log->size(); ++i) {
      auto e = log->entry(i);
      ASSERT_TRUE(e.has_value()) << e.error().to_string();
      entries.push_back(*e);
    }
  }
  ASSERT_LT(victim, entries.size());
  entries[victim] = altered_entry(entries[victim]);
  ASSERT_TRUE(custody::parse_entry(entries[victim]).has_value());

  fs::path fresh = project / "custody.rebuilt";
  {
    auto log = custody::CustodyLog::create(fresh, origin);
    ASSERT_TRUE(log.has_value()) << log.error().to_string();
  }
  // The same key: the insider holds it.
  for (const char* key : {"signing.key", "verifier.key"}) {
    fs::copy_file(custody_dir / key, fresh / key, fs::copy_options::overwrite_existing);
  }
  fs::permissions(fresh / "signing.key", fs::perms::owner_read | fs::perms::owner_write);
  {
    auto log = custody::CustodyLog::open(fresh);
    ASSERT_TRUE(log.has_value()) << log.error().to_string();
    ASSERT_TRUE(log->append_batch(entries).has_value());
    auto note = log->checkpoint();
    ASSERT_TRUE(note.has_value()) << note.error().to_string();
  }
  fs::remove_all(custody_dir);
  fs::rename(fresh, custody_dir);
}

// ---------------------------------------------------------------------------------------------
// Corpora: each is ingested once into a pristine project; every test works on a copy of it.

struct Corpus {
  std::string name;
  std::optional<fs::path> (*prepare)(const fs::path& scratch);  // nullopt: skip
};

std::optional<fs::path> demo_corpus(const fs::path&) {
  return fs::path(DOSSIER_DEMO);
}

// ~100 files of zh-laws plus a few PDFs, copied so the test does not depend on the whole corpus.
std::optional<fs::path> real_corpus(const fs::path& scratch) {
  fs::path shared(DOSSIER_SHARED);
  fs::path laws = shared / "corpora" / "zh-laws";
  fs::path pdfs = shared / "corpora" / "pdf";
  std::error_code ec;
  if (!fs::is_directory(laws, ec) || !fs::is_directory(pdfs, ec))
    return std::nullopt;
  std::vector<fs::path> law_files, pdf_files;
  for (const auto& de : fs::recursive_directory_iterator(laws, ec)) {
    if (de.is_regular_file() && de.path().extension() == ".md")
      law_files.push_back(de.path());
  }
  for (const auto& de : fs::recursive_directory_iterator(pdfs, ec)) {
    if (de.is_regular_file() && de.path().extension() == ".pdf")
      pdf_files.push_back(de.path());
  }
  std::sort(law_files.begin(), law_files.end());
  std::sort(pdf_files.begin(), pdf_files.end());
  law_files.resize(std::min<size_t>(law_files.size(), 100));
  pdf_files.resize(std::min<size_t>(pdf_files.size(), 5));
  if (law_files.empty())
    return std::nullopt;
  fs::path out = scratch / "corpus";
  int n = 0;
  for (const auto* list : {&law_files, &pdf_files}) {
    for (const fs::path& src : *list) {
      fs::path dir = out / (list == &law_files ? "laws" : "pdf");
      fs::create_directories(dir);
      fs::copy_file(src, dir / (std::to_string(n++) + "-" + src.filename().string()));
    }
  }
  return out;
}

const Corpus kCorpora[] = {{"demo", demo_corpus}, {"zh_laws", real_corpus}};

struct Pristine {
  std::unique_ptr<TempDir> dir;
  fs::path project;
  std::string old_checkpoint;  // `custody checkpoint` output right after the ingest
  std::string error;           // set if the setup failed
  bool skipped = false;
};

const Pristine& pristine(const Corpus& c) {
  static std::map<std::string, Pristine> cache;
  auto it = cache.find(c.name);
  if (it != cache.end())
    return it->second;
  Pristine& p = cache[c.name];
  p.dir = std::make_unique<TempDir>();
  auto input = c.prepare(p.dir->path());
  if (!input) {
    p.skipped = true;
    return p;
  }
  p.project = p.dir->path() / "project";
  RunResult init = run_dossier({"-p", p.project.string(), "init"});
  RunResult ingest = run_dossier({"-p", p.project.string(), "--json", "ingest", input->string()});
  RunResult cp = run_dossier({"-p", p.project.string(), "custody", "checkpoint"});
  if (init.exit_code != 0 || ingest.exit_code != 0 || cp.exit_code != 0)
    p.error = init.err + ingest.err + cp.err;
  p.old_checkpoint = cp.out;
  return p;
}

class CustodyTamper : public ::testing::TestWithParam<Corpus> {
 protected:
  void SetUp() override {
    const Pristine& p = pristine(GetParam());
    if (p.skipped)
      GTEST_SKIP() << DOSSIER_SHARED << " is not available";
    ASSERT_TRUE(p.error.empty()) << p.error;
    fs::copy(p.project, project(), fs::copy_options::recursive);
    old_checkpoint_ = dir_.path() / "published.checkpoint";
    std::ofstream(old_checkpoint_) << p.old_checkpoint;
  }
  fs::path project() const { return dir_.path() / "project"; }
  fs::path entries_file() const { return project() / "custody" / "entries"; }

  TempDir dir_;
  fs::path old_checkpoint_;
};

TEST_P(CustodyTamper, UntamperedProjectVerifies) {
  Verified v = custody_verify(project(), {"--since", old_checkpoint_.string()});
  EXPECT_EQ(v.exit_code, 0) << v.out.dump(2) << v.err;
  EXPECT_EQ(v.out["ok"], true);
  EXPECT_TRUE(v.out["problems"].empty());
  EXPECT_GE(v.out["entries"].get<uint64_t>(), blobs_of(project()).size());
}

TEST_P(CustodyTamper, FlippedBlobByteIsBlobModified) {
  auto blobs = blobs_of(project());
  ASSERT_FALSE(blobs.empty());
  const auto& [id, path] = blobs.front();
  flip_byte(path, fs::file_size(path) / 2);
  Verified v = custody_verify(project());
  EXPECT_EQ(v.exit_code, 1) << v.err;
  EXPECT_TRUE(has_problem(v.out["problems"], "blob modified", id)) << v.out.dump(2);
  EXPECT_EQ(v.out["problems"].size(), 1u) << v.out.dump(2);
}

TEST_P(CustodyTamper, DeletedBlobIsBlobMissing) {
  auto blobs = blobs_of(project());
  ASSERT_GE(blobs.size(), 2u);
  const auto& [id, path] = blobs[1];
  fs::remove(path);
  Verified v = custody_verify(project());
  EXPECT_EQ(v.exit_code, 1) << v.err;
  EXPECT_TRUE(has_problem(v.out["problems"], "blob missing", id)) << v.out.dump(2);
  EXPECT_EQ(v.out["problems"].size(), 1u) << v.out.dump(2);
}

// An early entry changed and its CRC fixed, so it is neither torn nor just bit rot.
TEST_P(CustodyTamper, AlteredEntryWithFixedCrcIsEntryAltered) {
  std::string file = slurp(entries_file());
  auto records = records_of(file);
  ASSERT_GE(records.size(), 3u);
  const uint64_t victim = 1;
  const Record& r = records[victim];
  std::string changed = altered_entry(r.entry);
  ASSERT_EQ(changed.size(), r.entry.size());
  file.replace(r.offset + 8, changed.size(), changed);
  uint8_t crc[4];
  custody::put_be32(crc, custody::crc32c(std::span<const uint8_t>(
                             reinterpret_cast<const uint8_t*>(changed.data()), changed.size())));
  file.replace(r.offset + 4, 4, reinterpret_cast<const char*>(crc), 4);
  spit(entries_file(), file);

  Verified v = custody_verify(project());
  EXPECT_EQ(v.exit_code, 1) << v.err;
  EXPECT_TRUE(has_problem(v.out["problems"], "entry altered", doc_of(r.entry), victim))
      << v.out.dump(2);
  // The signed checkpoints no longer match either.
  EXPECT_TRUE(has_problem(v.out["problems"], "history rewritten")) << v.out.dump(2);
}

// The same without fixing the CRC: still "entry altered" at that index, not a torn tail.
TEST_P(CustodyTamper, AlteredEntryWithBadCrcIsEntryAltered) {
  std::string file = slurp(entries_file());
  auto records = records_of(file);
  ASSERT_GE(records.size(), 3u);
  const uint64_t victim = 1;
  const Record& r = records[victim];
  file[r.offset + 8 + r.entry.size() / 2] ^= 0x20;
  spit(entries_file(), file);
  Verified v = custody_verify(project());
  EXPECT_EQ(v.exit_code, 1) << v.err;
  EXPECT_TRUE(has_problem(v.out["problems"], "entry altered", std::nullopt, victim))
      << v.out.dump(2);
  EXPECT_FALSE(fs::exists(project() / "custody" / "torn"));
}

TEST_P(CustodyTamper, RebuiltAndResignedLogIsHistoryRewrittenSinceOldCheckpoint) {
  ASSERT_NO_FATAL_FAILURE(rebuild_and_resign(project(), 1));
  // On its own the rebuilt log is self-consistent: that is why checkpoints must be published.
  Verified alone = custody_verify(project());
  EXPECT_EQ(alone.exit_code, 0) << alone.out.dump(2) << alone.err;
  Verified since = custody_verify(project(), {"--since", old_checkpoint_.string()});
  EXPECT_EQ(since.exit_code, 1) << since.err;
  EXPECT_TRUE(has_problem(since.out["problems"], "history rewritten")) << since.out.dump(2);
}

TEST_P(CustodyTamper, ProveOutputVerifiesWithProjectKey) {
  custody::Verifier verifier = project_verifier(project());
  auto blobs = blobs_of(project());
  ASSERT_FALSE(blobs.empty());
  for (size_t i = 0; i < std::min<size_t>(blobs.size(), 5); ++i) {
    const std::string& id = blobs[i].first;
    RunResult r = run_dossier({"-p", project().string(), "--json", "custody", "prove", id});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    json j = r.json();
    EXPECT_EQ(j["id"], id);
    std::string entry = j["entry"];
    EXPECT_EQ(doc_of(entry), id);
    auto proof = custody::parse_tlog_proof(j["proof"].get<std::string>());
    ASSERT_TRUE(proof.has_value()) << proof.error().to_string();
    EXPECT_EQ(proof->index, j["index"].get<uint64_t>());
    auto cp = custody::verify_tlog_proof(*proof, entry, verifier);
    EXPECT_TRUE(cp.has_value()) << cp.error().to_string();
    // The same proof must not verify another entry.
    EXPECT_FALSE(custody::verify_tlog_proof(*proof, altered_entry(entry), verifier).has_value());
  }
}

TEST_P(CustodyTamper, ConsistencyOutputVerifies) {
  custody::Verifier verifier = project_verifier(project());
  Verified v = custody_verify(project());
  uint64_t n = v.out["entries"];
  ASSERT_GE(n, 2u);
  for (uint64_t m : {uint64_t{1}, n / 3 + 1, n / 2, n - 1, n}) {
    RunResult r = run_dossier({"-p", project().string(), "--json", "custody", "consistency",
                               std::to_string(m), std::to_string(n)});
    ASSERT_EQ(r.exit_code, 0) << m << ": " << r.err;
    json j = r.json();
    auto decode = [](const json& s) {
      auto b = custody::base64_decode(s.get<std::string>());
      custody::Hash h{};
      EXPECT_TRUE(b.has_value() && b->size() == h.size());
      if (b && b->size() == h.size())
        std::copy(b->begin(), b->end(), h.begin());
      return h;
    };
    std::vector<custody::Hash> proof;
    for (const auto& h : j["proof"])
      proof.push_back(decode(h));
    custody::Hash r1 = decode(j["old_root"]), r2 = decode(j["new_root"]);
    EXPECT_TRUE(custody::verify_consistency(m, n, proof, r1, r2).has_value()) << m;
    // Against a wrong old root it must fail.
    custody::Hash bad = r1;
    bad[0] ^= 1;
    EXPECT_FALSE(custody::verify_consistency(m, n, proof, bad, r2).has_value()) << m;
    if (m == n)
      continue;
    // The new root is the one the project's latest checkpoint signed.
    auto cp = custody::open_checkpoint(slurp(old_checkpoint_), verifier);
    ASSERT_TRUE(cp.has_value());
    if (cp->size == n) {
      EXPECT_EQ(r2, cp->root);
    }
  }
}

TEST_P(CustodyTamper, BundleVerifiesAndEveryAlteredFileIsNamed) {
  auto blobs = blobs_of(project());
  ASSERT_GE(blobs.size(), 2u);
  std::string a = blobs[0].first, b = blobs[blobs.size() - 1].first;
  fs::path bundle = dir_.path() / "bundle";
  RunResult made = run_dossier({"-p", project().string(), "bundle", a, b, "-o", bundle.string()});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  // A fresh process with no project: only the bundle's own files.
  RunResult ok = run_dossier({"--json", "verify-bundle", bundle.string()});
  ASSERT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_EQ(ok.json()["verified"].size(), 2u);
  std::string vkey = slurp(bundle / "verifier.key");
  vkey.pop_back();
  RunResult keyed = run_dossier({"verify-bundle", bundle.string(), "--key", vkey});
  EXPECT_EQ(keyed.exit_code, 0) << keyed.out << keyed.err;

  std::vector<std::string> files = {"verifier.key", "checkpoint"};
  for (const std::string& id : {a, b}) {
    for (const char* f : {"original", "entry", "entry.tlog-proof"})
      files.push_back("documents/" + id + "/" + f);
  }
  int n = 0;
  for (const std::string& rel : files) {
    size_t size = fs::file_size(bundle / rel);
    for (size_t pos : {size_t{0}, size / 3, size / 2, size - 1}) {
      SCOPED_TRACE(rel + " byte " + std::to_string(pos));
      fs::path copy = dir_.path() / ("altered-" + std::to_string(n++));
      fs::copy(bundle, copy, fs::copy_options::recursive);
      flip_byte(copy / rel, pos);
      RunResult r = run_dossier({"--json", "verify-bundle", copy.string()});
      EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
      json j = r.json();
      EXPECT_EQ(j["ok"], false);
      bool named = false;
      for (const auto& p : j["problems"])
        named = named || p.value("file", "") == rel;
      EXPECT_TRUE(named) << j.dump(2);
      fs::remove_all(copy);
    }
  }
  // A key the reader trusts that is not the bundle's.
  RunResult other = run_dossier(
      {"--json", "verify-bundle", bundle.string(), "--key",
       "dossier.invalid/0000000000000000+00000000+AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"});
  EXPECT_EQ(other.exit_code, 1);
}

INSTANTIATE_TEST_SUITE_P(Corpora, CustodyTamper, ::testing::ValuesIn(kCorpora),
                         [](const ::testing::TestParamInfo<Corpus>& corpus) {
                           return corpus.param.name;
                         });

}  // namespace
}  // namespace dossier::test
