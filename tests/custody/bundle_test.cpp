#include "custody/bundle.h"

#include <gtest/gtest.h>

#include "custody/entry.h"
#include "test_util.h"

namespace dossier::custody {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

// A project with three documents, bundled: documents 0 and 2.
class BundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto log = CustodyLog::create(tmp_.path() / "custody", "dossier.invalid/bundle").value();
    fs::create_directories(tmp_.path() / "blobs");
    std::vector<BundleItem> items;
    for (int i = 0; i < 3; ++i) {
      std::string content = "original document " + std::to_string(i) + "\n";
      Digest id = sha256(std::string_view(content));
      fs::path blob = tmp_.path() / "blobs" / to_hex(id);
      testing::write_text(blob, content);
      uint64_t index =
          log.append(testing::ingest_bytes(content, "/leak/doc" + std::to_string(i))).value();
      ASSERT_TRUE(log.append(testing::ingest_bytes("noise", "/leak/noise")).has_value());
      if (i != 1)
        items.push_back({id, blob, index});
      ids_.push_back(to_hex(id));
    }
    Status st = write_bundle(log, items, bundle_);
    ASSERT_TRUE(st.has_value()) << st.error().to_string();
    vkey_ = log.verifier().vkey();
  }

  BundleReport verify() const { return verify_bundle(bundle_); }
  fs::path doc(int i) const { return bundle_ / "documents" / ids_[static_cast<size_t>(i)]; }

  static std::string reasons(const BundleReport& r) {
    std::string s;
    for (const auto& p : r.problems)
      s += p.file + ": " + p.reason + "\n";
    return s;
  }

  TempDir tmp_{"bundle"};
  fs::path bundle_ = tmp_.path() / "out";
  std::vector<std::string> ids_;
  std::string vkey_;
};

TEST_F(BundleTest, FreshBundleVerifiesFromItsOwnFilesOnly) {
  // Nothing but the bundle: move it away from the project and delete the project.
  fs::path moved =
      fs::temp_directory_path() / ("dossier-bundle-moved-" + std::to_string(::getpid()));
  fs::remove_all(moved);
  fs::rename(bundle_, moved);
  fs::remove_all(tmp_.path());
  BundleReport r = verify_bundle(moved);
  EXPECT_TRUE(r.ok()) << reasons(r);
  EXPECT_EQ(r.verified,
            (std::vector<std::string>{std::min(ids_[0], ids_[2]), std::max(ids_[0], ids_[2])}));
  ASSERT_TRUE(r.checkpoint.has_value());
  EXPECT_EQ(r.checkpoint->size, 6u);
  EXPECT_TRUE(verify_bundle(moved, vkey_).ok());
  EXPECT_TRUE(fs::exists(moved / "README.txt"));
  // The entry file's leaf hash is what the proof proves.
  std::string entry = testing::read_text(moved / "documents" / ids_[0] / "entry");
  EXPECT_EQ(std::get<IngestEntry>(parse_entry(entry).value()).location.path, "/leak/doc0");
  fs::remove_all(moved);
}

TEST_F(BundleTest, AlteredOriginalFails) {
  testing::write_text(doc(0) / "original", "original document 0 (edited)\n");
  BundleReport r = verify();
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.problems.size(), 1u) << reasons(r);
  EXPECT_EQ(r.problems[0].file, "documents/" + ids_[0] + "/original");
  EXPECT_NE(r.problems[0].reason.find("altered"), std::string::npos);
  EXPECT_EQ(r.verified, std::vector<std::string>{ids_[2]});
}

TEST_F(BundleTest, AlteredEntryFails) {
  std::string e = testing::read_text(doc(2) / "entry");
  e.replace(e.find("/leak/doc2"), 10, "/leak/docX");
  testing::write_text(doc(2) / "entry", e);
  BundleReport r = verify();
  ASSERT_FALSE(r.ok());
  // The hashes cannot tell an altered entry from an altered proof: both files are named.
  ASSERT_EQ(r.problems.size(), 2u) << reasons(r);
  EXPECT_EQ(r.problems[0].file, "documents/" + ids_[2] + "/entry") << reasons(r);
  EXPECT_EQ(r.problems[1].file, "documents/" + ids_[2] + "/entry.tlog-proof") << reasons(r);
  EXPECT_NE(r.problems[1].reason.find("inclusion proof fails"), std::string::npos);
}

TEST_F(BundleTest, AlteredProofFails) {
  std::string p = testing::read_text(doc(0) / "entry.tlog-proof");
  p.replace(p.find("index 0"), 7, "index 1");
  testing::write_text(doc(0) / "entry.tlog-proof", p);
  EXPECT_FALSE(verify().ok());
}

TEST_F(BundleTest, AlteredCheckpointOrKeyFails) {
  std::string c = testing::read_text(bundle_ / "checkpoint");
  std::string flipped = c;
  flipped[flipped.find('\n') + 1] ^= 1;  // tree size 6 -> 7
  testing::write_text(bundle_ / "checkpoint", flipped);
  BundleReport r = verify();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.problems[0].file, "checkpoint");
  EXPECT_NE(r.problems[0].reason.find("does not verify"), std::string::npos) << reasons(r);
  testing::write_text(bundle_ / "checkpoint", c);
  auto other = Signer::generate("dossier.invalid/bundle").value();
  testing::write_text(bundle_ / "verifier.key", other.verifier().vkey() + "\n");
  r = verify();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.problems[0].file, "checkpoint") << reasons(r);
  EXPECT_FALSE(verify_bundle(bundle_, vkey_).ok());
}

TEST_F(BundleTest, EveryOneByteChangeAnywhereFails) {
  std::vector<fs::path> files = {bundle_ / "checkpoint", bundle_ / "verifier.key"};
  for (int i : {0, 2}) {
    for (const char* f : {"original", "entry", "entry.tlog-proof"})
      files.push_back(doc(i) / f);
  }
  for (const fs::path& f : files) {
    std::string good = testing::read_text(f);
    for (size_t at = 0; at < good.size(); at += 7) {
      std::string bad = good;
      bad[at] = static_cast<char>(bad[at] ^ 0x04);
      testing::write_text(f, bad);
      EXPECT_FALSE(verify().ok()) << f << " byte " << at;
    }
    testing::write_text(f, good);
  }
  EXPECT_TRUE(verify().ok());
}

TEST_F(BundleTest, MissingFilesAreNamed) {
  fs::remove(doc(2) / "entry.tlog-proof");
  BundleReport r = verify();
  ASSERT_EQ(r.problems.size(), 1u) << reasons(r);
  EXPECT_EQ(r.problems[0].file, "documents/" + ids_[2] + "/entry.tlog-proof");
  EXPECT_FALSE(verify_bundle(tmp_.path() / "nothing-here").ok());
}

}  // namespace
}  // namespace dossier::custody
