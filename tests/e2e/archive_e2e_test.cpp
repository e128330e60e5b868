// Ingests a zip holding a text file, a nested zip and an encrypted member, and checks what search,
// stats and failures say about it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "run_dossier.h"

namespace dossier::test {
namespace {

using nlohmann::json;

// Writes outer.zip with python3's zipfile: memo.txt, inner.zip (holding deep.txt) and secret.txt,
// whose headers carry the "encrypted" flag (bit 0): enough for any reader to refuse it.
bool write_outer_zip(const std::filesystem::path& dir) {
  const std::filesystem::path script = dir / "make_zip.py";
  std::ofstream(script) << R"(import io, sys, zipfile
inner = io.BytesIO()
with zipfile.ZipFile(inner, "w") as z:
    z.writestr("deep.txt", "the quokkaflux ledger lives three levels down\n")
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("memo.txt", "a plain memo about shipments\n")
    z.writestr("inner.zip", inner.getvalue())
    z.writestr("secret.txt", b"\x00" * 12 + b"not really ciphertext", zipfile.ZIP_STORED)
# zipfile clears flag_bits when writing: set "encrypted" in the local and central headers.
data = bytearray(open(sys.argv[1], "rb").read())
at = data.find(b"secret.txt")
data[at - 30 + 6] |= 1
at = data.find(b"secret.txt", at + 1)
data[at - 46 + 8] |= 1
open(sys.argv[1], "wb").write(data)
)";
  const std::string cmd =
      "/usr/bin/python3 '" + script.string() + "' '" + (dir / "leak" / "outer.zip").string() + "'";
  std::filesystem::create_directories(dir / "leak");
  return std::system(cmd.c_str()) == 0;
}

class ArchiveProject : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists("/usr/bin/python3"))
      GTEST_SKIP() << "needs /usr/bin/python3 to build the zip";
    ASSERT_TRUE(write_outer_zip(dir_.path()));
    project_ = (dir_.path() / "project").string();
    RunResult init = run_dossier({"-p", project_, "init"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    RunResult ingest =
        run_dossier({"-p", project_, "--json", "ingest", (dir_.path() / "leak").string()});
    ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
  }

  json run_json(std::vector<std::string> args) {
    args.insert(args.begin(), {"-p", project_, "--json"});
    RunResult r = run_dossier(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? r.json() : json::object();
  }

  TempDir dir_;
  std::string project_;
};

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

TEST_F(ArchiveProject, NestedMemberIsSearchableWithItsPath) {
  json r = run_json({"search", "quokkaflux"});
  ASSERT_EQ(r["total"], 1) << r.dump();
  bool found = false;
  for (const auto& loc : r["hits"][0]["locations"])
    found =
        found || ends_with(loc.get<std::string>(), "outer.zip \u203a inner.zip \u203a deep.txt");
  EXPECT_TRUE(found) << r["hits"][0]["locations"].dump();
  EXPECT_EQ(run_json({"search", "shipments"})["total"], 1);
}

TEST_F(ArchiveProject, StatsCountEmbeddedItems) {
  json st = run_json({"stats"});
  // outer.zip: memo.txt, inner.zip (secret.txt failed); inner.zip: deep.txt.
  EXPECT_EQ(st["embedded"]["emitted"], 3) << st.dump();
  EXPECT_EQ(st["embedded"]["failed"], 1) << st.dump();
  EXPECT_EQ(st["embedded"]["declared"], 4) << st.dump();
  EXPECT_EQ(st["embedded"]["mismatched_containers"], 0) << st.dump();
  EXPECT_EQ(st["by_type"]["archive"], 2) << st.dump();
}

TEST_F(ArchiveProject, EncryptedMemberIsListedAsNotIngested) {
  json f = run_json({"failures"});
  bool found = false;
  for (const auto& p : f["not_ingested"]) {
    if (ends_with(p["path"].get<std::string>(), "outer.zip \u203a secret.txt")) {
      found = true;
      EXPECT_NE(p["reason"].get<std::string>().find("encrypted"), std::string::npos) << p.dump();
    }
  }
  EXPECT_TRUE(found) << f.dump();
}

}  // namespace
}  // namespace dossier::test
