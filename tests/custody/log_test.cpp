#include "custody/log.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "test_util.h"

namespace dossier::custody {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

std::vector<std::string> entries(int from, int n) {
  std::vector<std::string> out;
  for (int i = from; i < from + n; ++i) {
    out.push_back(
        testing::ingest_bytes("content " + std::to_string(i), "/leak/" + std::to_string(i)));
  }
  return out;
}

bool has(const std::vector<Problem>& ps, ProblemKind kind, std::optional<uint64_t> index = {}) {
  for (const Problem& p : ps) {
    if (p.kind == kind && (!index || p.index == index))
      return true;
  }
  return false;
}

std::string describe(const std::vector<Problem>& ps) {
  std::string s;
  for (const Problem& p : ps) {
    s += std::string(problem_kind_name(p.kind)) + " @" +
         (p.index ? std::to_string(*p.index) : "-") + " " + p.document + ": " + p.detail + "\n";
  }
  return s;
}

TEST(CustodyLog, CreateAppendReopenProveAndVerify) {
  TempDir tmp("basic");
  fs::path dir = tmp.path() / "custody";
  {
    auto log = CustodyLog::create(dir, "dossier.invalid/test").value();
    EXPECT_EQ(log.append_batch(entries(0, 5)).value(), 0u);
    EXPECT_EQ(log.append(entries(5, 1)[0]).value(), 5u);
    EXPECT_FALSE(CustodyLog::open(dir).has_value());  // locked by this process's other handle
  }
  struct stat st {};
  ASSERT_EQ(::stat((dir / "signing.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto log = CustodyLog::open(dir).value();
  EXPECT_EQ(log.size(), 6u);
  EXPECT_EQ(log.entry(3).value(), entries(3, 1)[0]);
  std::string note = log.checkpoint().value();
  Checkpoint cp = open_checkpoint(note, log.verifier()).value();
  EXPECT_EQ(cp.size, 6u);
  EXPECT_EQ(cp.root, log.root(6).value());
  TlogProof p = log.prove(4).value();
  EXPECT_TRUE(verify_tlog_proof(p, log.entry(4).value(), log.verifier()).has_value());
  ASSERT_TRUE(log.append_batch(entries(6, 10)).has_value());
  auto c = log.consistency_proof(6, 16).value();
  EXPECT_TRUE(verify_consistency(6, 16, c, cp.root, log.root(16).value()).has_value());
  EXPECT_EQ(log.prove(12).value().index, 12u);  // signs a new checkpoint covering entry 12
  EXPECT_EQ(open_checkpoint(log.latest_checkpoint().value(), log.verifier()).value().size, 16u);
  auto problems = log.verify(note);
  EXPECT_TRUE(problems.empty()) << describe(problems);
  EXPECT_EQ(log.find_ingest(sha256(std::string_view("content 7"))).value(), 7u);
}

TEST(CustodyLog, TornTailIsCutAndKept) {
  TempDir tmp("torn");
  fs::path dir = tmp.path();
  uint64_t good_size = 0;
  {
    auto log = CustodyLog::create(dir, "dossier.invalid/t").value();
    ASSERT_TRUE(log.append_batch(entries(0, 3)).has_value());
    good_size = fs::file_size(dir / "entries");
    ASSERT_TRUE(log.append_batch(entries(3, 2)).has_value());
  }
  // A crash mid-write: the last batch is only partly on disk.
  fs::resize_file(dir / "entries", good_size + 20);
  {
    auto log = CustodyLog::open(dir).value();
    EXPECT_EQ(log.size(), 3u);
    EXPECT_EQ(log.torn_bytes_recovered(), 20u);
    EXPECT_EQ(fs::file_size(dir / "entries"), good_size);
    EXPECT_TRUE(log.verify().empty()) << describe(log.verify());
    EXPECT_EQ(log.append(entries(3, 1)[0]).value(), 3u);  // appends go on cleanly
  }
  // A crash that extended the file with zeros (filesystem allocated, data never written).
  uint64_t size4 = fs::file_size(dir / "entries");
  {
    std::ofstream out(dir / "entries", std::ios::binary | std::ios::app);
    out << std::string(300, '\0');
  }
  // Or garbled the final record's bytes: the CRC catches it.
  auto log = CustodyLog::open(dir).value();
  EXPECT_EQ(log.size(), 4u);
  EXPECT_EQ(fs::file_size(dir / "entries"), size4);
  EXPECT_EQ(log.root(4).value(),
            root_of(std::vector<Hash>{leaf_hash(entries(0, 1)[0]), leaf_hash(entries(1, 1)[0]),
                                      leaf_hash(entries(2, 1)[0]), leaf_hash(entries(3, 1)[0])}));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir / "torn"), fs::directory_iterator()), 2);
}

TEST(CustodyLog, LostTreeCacheIsRebuilt) {
  TempDir tmp("cache");
  Hash root{};
  {
    auto log = CustodyLog::create(tmp.path(), "dossier.invalid/c").value();
    ASSERT_TRUE(log.append_batch(entries(0, 37)).has_value());
    root = log.root(37).value();
  }
  fs::remove_all(tmp.path() / "tree");
  auto log = CustodyLog::open(tmp.path()).value();
  EXPECT_EQ(log.root(37).value(), root);
}

TEST(CustodyLog, AlteredEntryIsNamedByIndex) {
  TempDir tmp("alter");
  std::string before;
  {
    auto log = CustodyLog::create(tmp.path(), "dossier.invalid/a").value();
    ASSERT_TRUE(log.append_batch(entries(0, 10)).has_value());
    ASSERT_TRUE(log.checkpoint().has_value());
  }
  // Change one byte of entry 4 in place ("/leak/4" -> "/leak/X").
  std::string raw = testing::read_text(tmp.path() / "entries");
  size_t at = raw.find("path /leak/4\n");
  ASSERT_NE(at, std::string::npos);
  raw[at + 11] = 'X';
  testing::write_text(tmp.path() / "entries", raw);
  auto log = CustodyLog::open(tmp.path()).value();
  auto problems = log.verify();
  EXPECT_TRUE(has(problems, ProblemKind::kEntryAltered, 4)) << describe(problems);
  EXPECT_TRUE(has(problems, ProblemKind::kHistoryRewritten)) << describe(problems);
  EXPECT_FALSE(has(problems, ProblemKind::kEntryAltered, 3));
  EXPECT_FALSE(log.entry(4).has_value());
}

// A changed final record looks like a torn write: it is cut (and kept), and the checkpoint that
// covered it makes verify report the entry as missing.
TEST(CustodyLog, AlteredLastEntryIsKeptAsTornAndReportedMissing) {
  TempDir tmp("alterlast");
  {
    auto log = CustodyLog::create(tmp.path(), "dossier.invalid/l").value();
    ASSERT_TRUE(log.append_batch(entries(0, 10)).has_value());
    ASSERT_TRUE(log.checkpoint().has_value());
  }
  std::string raw = testing::read_text(tmp.path() / "entries");
  raw[raw.rfind("path /leak/9") + 11] = 'X';
  testing::write_text(tmp.path() / "entries", raw);
  auto log = CustodyLog::open(tmp.path()).value();
  EXPECT_EQ(log.size(), 9u);
  EXPECT_GT(log.torn_bytes_recovered(), 0u);
  auto problems = log.verify();
  EXPECT_TRUE(has(problems, ProblemKind::kEntryMissing, 9)) << describe(problems);
  auto kept = fs::directory_iterator(tmp.path() / "torn")->path();
  EXPECT_NE(testing::read_text(kept).find("path /leak/X"), std::string::npos);
}

// An insider with the key alters an early entry, rebuilds the whole log and re-signs it: the
// log is self-consistent, but a checkpoint saved earlier exposes it.
TEST(CustodyLog, RewrittenAndResignedHistoryIsCaughtBySavedCheckpoint) {
  TempDir tmp("rewrite");
  fs::path dir = tmp.path() / "custody";
  std::string saved;
  {
    auto log = CustodyLog::create(dir, "dossier.invalid/r").value();
    ASSERT_TRUE(log.append_batch(entries(0, 8)).has_value());
    saved = log.checkpoint().value();
    ASSERT_TRUE(log.append_batch(entries(8, 5)).has_value());
    ASSERT_TRUE(log.checkpoint().has_value());
  }
  // Rebuild: same key, entry 2 changed, every other entry copied, new checkpoints.
  fs::path forged = tmp.path() / "forged";
  {
    auto old = CustodyLog::open(dir).value();
    auto fake = CustodyLog::create(forged, "dossier.invalid/r").value();
    for (uint64_t i = 0; i < old.size(); ++i) {
      std::string e = old.entry(i).value();
      if (i == 2)
        e = testing::ingest_bytes("content 2", "/somewhere/else");
      ASSERT_TRUE(fake.append(e).has_value());
    }
  }
  fs::copy_file(dir / "signing.key", forged / "signing.key", fs::copy_options::overwrite_existing);
  fs::copy_file(dir / "verifier.key", forged / "verifier.key",
                fs::copy_options::overwrite_existing);
  fs::remove_all(dir);
  fs::rename(forged, dir);
  auto log = CustodyLog::open(dir).value();
  ASSERT_TRUE(log.checkpoint().has_value());
  EXPECT_TRUE(log.verify().empty()) << describe(log.verify());  // consistent on its own
  auto problems = log.verify(saved);
  ASSERT_EQ(problems.size(), 1u) << describe(problems);
  EXPECT_EQ(problems[0].kind, ProblemKind::kHistoryRewritten);
  EXPECT_STREQ(problem_kind_name(problems[0].kind), "history rewritten");
}

TEST(CustodyLog, TruncatedLogIsEntryMissingAndShrinkIsHistoryRewritten) {
  TempDir tmp("shrink");
  std::string saved;
  uint64_t size5 = 0;
  {
    auto log = CustodyLog::create(tmp.path(), "dossier.invalid/s").value();
    ASSERT_TRUE(log.append_batch(entries(0, 5)).has_value());
    size5 = fs::file_size(tmp.path() / "entries");
    ASSERT_TRUE(log.append_batch(entries(5, 5)).has_value());
    saved = log.checkpoint().value();
  }
  fs::resize_file(tmp.path() / "entries", size5);
  auto log = CustodyLog::open(tmp.path()).value();
  auto problems = log.verify(saved);
  EXPECT_TRUE(has(problems, ProblemKind::kEntryMissing, 5)) << describe(problems);
  EXPECT_TRUE(has(problems, ProblemKind::kHistoryRewritten)) << describe(problems);
}

TEST(CustodyLog, KeyReadableByOthersIsRefused) {
  TempDir tmp("perm");
  { ASSERT_TRUE(CustodyLog::create(tmp.path(), "dossier.invalid/p").has_value()); }
  fs::permissions(tmp.path() / "signing.key", fs::perms::group_read, fs::perm_options::add);
  auto log = CustodyLog::open(tmp.path());
  ASSERT_FALSE(log.has_value());
  EXPECT_NE(log.error().message.find("chmod 600"), std::string::npos);
}

TEST(CustodyLog, BlobsAreCheckedByDocument) {
  TempDir tmp("blobs");
  auto log = CustodyLog::create(tmp.path() / "custody", "dossier.invalid/b").value();
  ASSERT_TRUE(log.append_batch(entries(0, 3)).has_value());
  fs::create_directories(tmp.path() / "blobs");
  auto blob = [&](const Digest& d) -> std::optional<fs::path> {
    return tmp.path() / "blobs" / to_hex(d);
  };
  for (int i = 0; i < 3; ++i) {
    std::string c = "content " + std::to_string(i);
    testing::write_text(*blob(sha256(std::string_view(c))), i == 1 ? c + "!" : c);
  }
  fs::remove(*blob(sha256(std::string_view("content 2"))));
  auto problems = verify_blobs(log, blob);
  ASSERT_EQ(problems.size(), 2u) << describe(problems);
  EXPECT_EQ(problems[0].kind, ProblemKind::kBlobModified);
  EXPECT_EQ(problems[0].document, to_hex(sha256(std::string_view("content 1"))));
  EXPECT_EQ(problems[1].kind, ProblemKind::kBlobMissing);
}

}  // namespace
}  // namespace dossier::custody
