// Issue #6, the hostile-file suite. Every fixture is generated here (fixture_writer.h; nothing
// binary is committed) and ingested in one run between ordinary files. Each must end as a document
// or as a failure with a reason a person can act on; the ingest exits 0 within bounded time and
// memory, the custody log verifies, and the ordinary files after the fixtures are searchable.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "core/sha256.h"
#include "fixture_writer.h"
#include "run_dossier.h"

namespace dossier::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

// Words that do not compress much, for members that a cut must land inside.
std::string words(size_t n, unsigned seed) {
  std::string out;
  uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  for (size_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    for (int k = 0; k < 3 + static_cast<int>(x % 6); ++k)
      out += static_cast<char>('a' + (x >> (8 + 5 * k)) % 26);
    out += ' ';
  }
  return out;
}

// The flat zip bomb without overlap: `members` members of `zeros` zero bytes each.
std::string flat_bomb(int members, uint64_t zeros) {
  const ZipMember kernel = zip_zeros("zeros.bin", zeros);
  std::vector<ZipMember> all;
  for (int i = 0; i < members; ++i) {
    ZipMember m = kernel;
    m.name = "zeros-" + std::to_string(i) + ".bin";
    all.push_back(std::move(m));
  }
  return zip_archive(all);
}

// 42.zip in small: `fanout` zips of `fanout` zips of one member of `zeros` zero bytes. The
// bottom zips differ by their member's name, so that no two contents are the same document.
std::string nested_bomb(int fanout, uint64_t zeros) {
  const ZipMember kernel = zip_zeros("zeros.bin", zeros);
  std::vector<ZipMember> middle;
  for (int i = 0; i < fanout; ++i) {
    std::vector<ZipMember> bottoms;
    for (int j = 0; j < fanout; ++j) {
      ZipMember m = kernel;
      m.name = "zeros-" + std::to_string(i) + "-" + std::to_string(j) + ".bin";
      bottoms.push_back(zip_stored("bottom-" + std::to_string(j) + ".zip", zip_archive({m})));
    }
    middle.push_back(zip_stored("middle-" + std::to_string(i) + ".zip", zip_archive(bottoms)));
  }
  return zip_archive(middle);
}

std::string many_part_message(int parts) {
  const std::string b = "hostile-boundary";
  std::string m =
      "From: a@example.org\r\nTo: b@example.org\r\nSubject: one hundred thousand parts\r\n"
      "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"" +
      b + "\"\r\n\r\n";
  m += "--" + b +
       "\r\nContent-Type: text/plain\r\n\r\nthe quillwort body of a very long message\r\n";
  for (int i = 1; i < parts; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "a%06d.bin", i);
    m += "--" + b +
         "\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; "
         "filename=\"" +
         name + "\"\r\n\r\nxyz\r\n";
  }
  return m + "--" + b + "--\r\n";
}

// The classic ten levels of ten: 10^9 "lol"s from a few hundred bytes.
std::string billion_laughs_doctype() {
  std::string d = "<!DOCTYPE w:document [<!ENTITY lol \"lol\">";
  for (int i = 1; i <= 9; ++i) {
    std::string ref = i == 1 ? "&lol;" : "&lol" + std::to_string(i - 1) + ";";
    std::string value;
    for (int k = 0; k < 10; ++k)
      value += ref;
    d += "<!ENTITY lol" + std::to_string(i) + " \"" + value + "\">";
  }
  return d + "]>";
}

// What became of one input file, from show, failures and the not-ingested list.
struct Outcome {
  bool document = false;  // show found it
  std::string state;      // indexed or failed
  std::string code, reason;
  std::vector<std::string> warnings;
  std::vector<std::string> problems;  // not-ingested reasons of items inside it
  std::string no_text;
  std::string describe() const {
    std::string s =
        "state=" + state + " code=" + code + " reason=" + reason + " no_text=" + no_text;
    for (const auto& w : warnings)
      s += "\n  warning: " + w;
    for (size_t i = 0; i < problems.size() && i < 5; ++i)
      s += "\n  problem: " + problems[i];
    return s;
  }
  bool any_problem(const std::string& needle) const {
    for (const auto& p : problems)
      if (p.find(needle) != std::string::npos)
        return true;
    return false;
  }
  bool any_warning(const std::string& needle) const {
    for (const auto& w : warnings)
      if (w.find(needle) != std::string::npos)
        return true;
    return false;
  }
};

class HostileFiles : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    in_ = dir_->path() / "in";
    const fs::path h = in_ / "h";
    write_bytes(in_ / "a-before.txt",
                "an ordinary pelican memo written before the hostile files\n");
    write_bytes(h / "flat-overlap.zip", zip_overlapping(zip_zeros("zeros.bin", 1 << 20), 10000));
    write_bytes(h / "flat-bomb.zip", flat_bomb(500, 4 << 20));
    write_bytes(h / "nested-bomb.zip", nested_bomb(8, 64 << 20));
    write_bytes(h / "billion-laughs.docx",
                docx_document(docx_paragraph("&lol9;") + docx_paragraph("laughing survivor"),
                              billion_laughs_doctype()));
    PdfOptions cyclic_xref;
    cyclic_xref.xref_prev_self = true;
    write_bytes(h / "cyclic-xref.pdf", pdf_document({"the cyclic xref survivor"}, cyclic_xref));
    PdfOptions cyclic_pages;
    cyclic_pages.cyclic_pages = true;
    write_bytes(h / "cyclic-pages.pdf",
                pdf_document({"the cyclic page tree survivor"}, cyclic_pages));
    const std::string pdf = pdf_document({"a page that is cut off", "a second page"});
    write_bytes(h / "truncated.pdf", pdf.substr(0, pdf.size() * 3 / 5));
    const std::string zip = zip_archive({zip_deflated("first.txt", words(4000, 1) + " tamarind"),
                                         zip_deflated("second.txt", words(4000, 2) + " tamarind"),
                                         zip_deflated("third.txt", words(4000, 3) + " tamarind")});
    write_bytes(h / "truncated.zip", zip.substr(0, zip.size() / 2));
    const std::string jpeg = slurp(fs::path(DOSSIER_FIXTURES) / "extract" / "exif.jpg");
    write_bytes(h / "truncated.jpg", jpeg.substr(0, jpeg.size() / 2));
    write_bytes(h / "truncated.pst", pst_header(1 << 20));
    write_bytes(h / "pdf-first.zip",
                zip_archive({zip_stored("first.pdf", pdf_document({"a stored polyglot page"})),
                             zip_deflated("hidden.txt", "the member behind the pdf: quetzal")}));
    write_bytes(h / "deep-10000.zip", zip_nested(10000, "the deepest marmalade line"));
    write_bytes(h / "parts-100000.eml", many_part_message(100000));
    write_bytes(in_ / "m-normal.docx", docx_document(docx_paragraph("quarterly walrus figures")));
    write_bytes(in_ / "m-normal.pdf", pdf_document({"harbour lighthouse accounts"}));
    write_bytes(in_ / "z-after.txt", "the zebra finch ledger, written after the hostile files\n");

    project_ = (dir_->path() / "p").string();
    ASSERT_EQ(run_dossier({"-p", project_, "init"}).exit_code, 0);
    ingest_ = new RunResult(run_dossier({"-p", project_, "--json", "ingest", in_.string()}));
    RunResult f = run_dossier({"-p", project_, "--json", "failures"});
    if (f.exit_code == 0)
      failures_ = new json(f.json());
  }
  static void TearDownTestSuite() {
    delete ingest_;
    delete failures_;
    delete dir_;
  }
  void SetUp() override {
    ASSERT_NE(ingest_, nullptr);
    ASSERT_EQ(ingest_->exit_code, 0) << ingest_->err;
    ASSERT_NE(failures_, nullptr);
  }

  static Outcome outcome(const std::string& name) {
    const fs::path file = in_ / "h" / name;
    Outcome o;
    const std::string id = to_hex(sha256(slurp(file)));
    RunResult show = run_dossier({"-p", project_, "--json", "show", id});
    if (show.exit_code != 0)
      return o;
    json d = show.json();
    o.document = true;
    o.state = d.value("state", "");
    json w = d["metadata"].value("dossier:warning", json());
    if (w.is_string())
      o.warnings.push_back(w);
    if (w.is_array())
      for (const auto& x : w)
        o.warnings.push_back(x);
    for (const auto& f : (*failures_)["failures"]) {
      if (f["id"] == id) {
        o.code = f["code"];
        o.reason = f["reason"];
      }
    }
    for (const auto& f : (*failures_)["no_text"])
      if (f["id"] == id)
        o.no_text = f["reason"];
    const std::string under = file.string() + " \u203a ";
    for (const auto& p : (*failures_)["not_ingested"]) {
      std::string path = p["path"];
      if (path.compare(0, under.size(), under) == 0)
        o.problems.push_back(path + ": " + p["reason"].get<std::string>());
    }
    return o;
  }

  static json search(const std::string& q) {
    RunResult r = run_dossier({"-p", project_, "--json", "search", q, "--limit", "0"});
    EXPECT_EQ(r.exit_code, 0) << q << ": " << r.err;
    return r.exit_code == 0 ? r.json() : json::object({{"total", -1}, {"hits", json::array()}});
  }

  static TempDir* dir_;
  static fs::path in_;
  static std::string project_;
  static RunResult* ingest_;
  static json* failures_;
};

TempDir* HostileFiles::dir_ = nullptr;
fs::path HostileFiles::in_;
std::string HostileFiles::project_;
RunResult* HostileFiles::ingest_ = nullptr;
json* HostileFiles::failures_ = nullptr;

TEST_F(HostileFiles, IngestExitsZeroInBoundedTimeAndMemory) {
  std::printf("hostile suite: ingest %.1f s, peak RSS %ld MB\n", ingest_->seconds,
              ingest_->max_rss_kb / 1024);
  EXPECT_LT(ingest_->seconds, kSanitized ? 900 : 180);
  if (!kSanitized) {
    EXPECT_LT(ingest_->max_rss_kb / 1024, 400);
  }
}

TEST_F(HostileFiles, FlatZipBombStopsAtTheExpansionLimit) {
  Outcome o = outcome("flat-bomb.zip");
  ASSERT_TRUE(o.document);
  EXPECT_EQ(o.state, "indexed") << o.describe();
  EXPECT_TRUE(o.any_problem("zip bomb")) << o.describe();
}

TEST_F(HostileFiles, OverlappingZipBombIsReadOnceAndSaysSo) {
  Outcome o = outcome("flat-overlap.zip");
  ASSERT_TRUE(o.document);
  EXPECT_EQ(o.state, "indexed") << o.describe();
  EXPECT_TRUE(o.any_problem("9999 central directory entries point at a member")) << o.describe();
}

TEST_F(HostileFiles, NestedZipBombStopsEveryBottomArchive) {
  Outcome o = outcome("nested-bomb.zip");
  ASSERT_TRUE(o.document);
  EXPECT_EQ(o.state, "indexed") << o.describe();
  size_t bombs = 0;
  for (const auto& p : o.problems)
    bombs += p.find("zip bomb") != std::string::npos;
  EXPECT_EQ(bombs, 64u) << o.describe();
}

TEST_F(HostileFiles, BillionLaughsInADocxIsRefusedUnexpanded) {
  Outcome o = outcome("billion-laughs.docx");
  ASSERT_TRUE(o.document);
  EXPECT_EQ(o.state, "failed") << o.describe();
  EXPECT_EQ(o.code, "limit") << o.describe();
  EXPECT_NE(o.reason.find("entity"), std::string::npos) << o.describe();
}

TEST_F(HostileFiles, CyclicXrefPdfIsReadAnyway) {
  Outcome o = outcome("cyclic-xref.pdf");
  ASSERT_TRUE(o.document);
  EXPECT_EQ(o.state, "indexed") << o.describe();
  EXPECT_EQ(search("\"cyclic xref survivor\"")["total"], 1);
}

TEST_F(HostileFiles, CyclicPageTreePdfEndsWithItsText) {
  Outcome o = outcome("cyclic-pages.pdf");
  ASSERT_TRUE(o.document);
  EXPECT_EQ(o.state, "indexed") << o.describe();
  EXPECT_EQ(search("\"cyclic page tree survivor\"")["total"], 1);
}

TEST_F(HostileFiles, TruncatedPdfSaysItIsDamaged) {
  Outcome o = outcome("truncated.pdf");
  ASSERT_TRUE(o.document);
  if (o.state == "failed") {
    EXPECT_FALSE(o.reason.empty()) << o.describe();
  } else {
    EXPECT_TRUE(o.any_warning("damaged")) << o.describe();
    if (!o.no_text.empty()) {
      EXPECT_NE(o.no_text.find("damaged"), std::string::npos) << o.describe();
    }
  }
}

TEST_F(HostileFiles, TruncatedZipKeepsWhatPrecedesTheCut) {
  Outcome o = outcome("truncated.zip");
  ASSERT_TRUE(o.document);
  EXPECT_EQ(o.state, "indexed") << o.describe();
  ASSERT_FALSE(o.problems.empty()) << o.describe();
  EXPECT_TRUE(o.any_problem("runcated") || o.any_problem("damaged")) << o.describe();
}

TEST_F(HostileFiles, TruncatedJpegIsACorruptImage) {
  Outcome o = outcome("truncated.jpg");
  ASSERT_TRUE(o.document);
  EXPECT_EQ(o.state, "failed") << o.describe();
  EXPECT_EQ(o.code, "corrupt") << o.describe();
}

TEST_F(HostileFiles, TruncatedPstSaysHowMuchIsMissing) {
  Outcome o = outcome("truncated.pst");
  ASSERT_TRUE(o.document);
  EXPECT_EQ(o.state, "failed") << o.describe();
  EXPECT_NE(o.reason.find("truncated PST: 564 of the 1048576 bytes"), std::string::npos)
      << o.describe();
}

TEST_F(HostileFiles, TenThousandDeepArchiveStopsAtTheDepthLimit) {
  Outcome o = outcome("deep-10000.zip");
  ASSERT_TRUE(o.document);
  EXPECT_EQ(o.state, "indexed") << o.describe();
  // 32 levels are documents; the one below says why it was not opened.
  json deep = search("path:\"" + (in_ / "h" / "deep-10000.zip").string() + "\"");
  EXPECT_EQ(deep["total"], 33) << deep.dump().substr(0, 2000);
  bool limit = false;
  for (const auto& f : (*failures_)["failures"]) {
    for (const auto& l : f["locations"]) {
      if (l.get<std::string>().find("deep-10000.zip") != std::string::npos)
        limit = limit ||
                f["reason"].get<std::string>().find("nesting deeper than 32") != std::string::npos;
    }
  }
  EXPECT_TRUE(limit);
}

TEST_F(HostileFiles, HundredThousandPartMessageIsReadUpToThePartLimit) {
  Outcome o = outcome("parts-100000.eml");
  ASSERT_TRUE(o.document);
  EXPECT_EQ(o.state, "indexed") << o.describe();
  EXPECT_TRUE(o.any_problem("the message has 100000 MIME parts; only the first 10000 were read"))
      << o.describe();
  EXPECT_EQ(search("quillwort")["total"], 1);
}

TEST_F(HostileFiles, ZipStartingWithAStoredPdfIsReadAsAZip) {
  Outcome o = outcome("pdf-first.zip");
  ASSERT_TRUE(o.document);
  EXPECT_EQ(o.state, "indexed") << o.describe();
  EXPECT_EQ(search("quetzal")["total"], 1);
  EXPECT_EQ(search("\"stored polyglot page\"")["total"], 1);
}

TEST_F(HostileFiles, OrdinaryFilesAroundThemAreSearchable) {
  for (const char* q : {"pelican", "\"zebra finch ledger\"", "walrus", "\"harbour lighthouse\""})
    EXPECT_EQ(search(q)["total"], 1) << q;
}

TEST_F(HostileFiles, EveryFixtureIsADocumentOrAFailureWithAReason) {
  for (const auto& e : fs::directory_iterator(in_ / "h")) {
    Outcome o = outcome(e.path().filename().string());
    EXPECT_TRUE(o.document) << e.path();
    if (o.state == "failed") {
      EXPECT_FALSE(o.reason.empty()) << e.path();
    }
    EXPECT_TRUE(o.state == "indexed" || o.state == "failed") << e.path() << " " << o.describe();
    std::printf("%-20s %-8s %s\n", e.path().filename().c_str(), o.state.c_str(),
                !o.reason.empty()     ? o.reason.c_str()
                : !o.problems.empty() ? o.problems.front().c_str()
                : !o.warnings.empty() ? o.warnings.front().c_str()
                                      : "(text extracted)");
  }
  RunResult custody = run_dossier({"-p", project_, "custody", "verify"});
  EXPECT_EQ(custody.exit_code, 0) << custody.out << custody.err;
}

}  // namespace
}  // namespace dossier::test
