// Languages end to end: files written here are ingested by the dossier binary, then searched for
// by language, across Traditional/Simplified and across the two Uyghur scripts.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "run_dossier.h"

namespace dossier::test {
namespace {

using nlohmann::json;

std::string repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i)
    out += s;
  return out;
}

const std::string kEnglish = repeat(
    "The committee met on Tuesday to review the budget for the coming year. Several members "
    "asked why the travel expenses had doubled since the last report, and the treasurer promised "
    "a detailed account before the next meeting. The auditors recommended that every office keep "
    "its records in one place and send a summary to the head office each month. ",
    4);
const std::string kChinese =
    "会议于星期二召开，审议了下一年度的预算。几位委员询问为什么差旅费用自上次报告以来增加了一倍，"
    "财务负责人承诺在下次会议之前提交详细的说明。会议记录显示，主席在讨论一个小时之后宣布休会，"
    "没有进行表决。下午，审计人员介绍了对各地区办事处的检查结果，这些办事处的大部分采购都没有"
    "保存收据。审计人员建议每个办事处把记录集中保管，并且每个月向总部报送一份摘要。委员们同意在"
    "删除个人姓名之后把检查结果公布在网站上。第二次会议定于月底举行，届时将提供新的数字。";

class LangProject : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    project_ = (dir_->path() / "project").string();
    std::filesystem::path in = dir_->path() / "in";
    std::filesystem::create_directories(in);
    auto write = [&](const char* name, const std::string& text) {
      std::ofstream(in / name, std::ios::binary) << text;
    };
    write("bilingual.txt", kEnglish + "\n\n" + kChinese + "\n\n" + kEnglish);
    write("english.txt", kEnglish);
    write("hant.txt", "新疆維吾爾自治區人民政府關於預算的報告。" + kChinese);
    write("ug-arab.txt",
          "ھەممە ئادەم زاتىدىنلا ئەركىن، ئىززەت-ھۆرمەت ۋە ھوقۇقتا باپباراۋەر "
          "بولۇپ تۇغۇلغان. جەمئىيەتنىڭ يۈكسىلىشى\n");
    write("ug-latn.txt",
          "hemme adem zatidinla erkin, izzet-hörmet we hoquqta babbarawer bolup "
          "tughulghan. jem'iyetning yüksilishi\n");
    write("thai.txt", "ภาษาไทยเป็นภาษาที่มีระดับ\n");
    ASSERT_EQ(run_dossier({"-p", project_, "init"}).exit_code, 0);
    RunResult r = run_dossier({"-p", project_, "--json", "ingest", in.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ingested_ = true;
  }
  static void TearDownTestSuite() { delete dir_; }
  void SetUp() override { ASSERT_TRUE(ingested_) << "ingest failed"; }

  static json search(const std::string& q) {
    RunResult r = run_dossier({"-p", project_, "--json", "search", q, "--limit", "0"});
    EXPECT_EQ(r.exit_code, 0) << q << ": " << r.err;
    return r.exit_code == 0 ? r.json() : json::object({{"total", -1}, {"hits", json::array()}});
  }
  static std::set<std::string> names(const json& result) {
    std::set<std::string> out;
    for (const auto& h : result["hits"])
      for (const auto& l : h["locations"])
        out.insert(std::filesystem::path(l.get<std::string>()).filename().string());
    return out;
  }
  static std::string snippet_of(const json& result, const std::string& name) {
    for (const auto& h : result["hits"])
      for (const auto& l : h["locations"])
        if (std::filesystem::path(l.get<std::string>()).filename() == name)
          return h["snippet"];
    return "";
  }

  static TempDir* dir_;
  static std::string project_;
  static bool ingested_;
};

TempDir* LangProject::dir_ = nullptr;
std::string LangProject::project_;
bool LangProject::ingested_ = false;

using S = std::set<std::string>;

TEST_F(LangProject, LongPartsAddTheirLanguage) {
  EXPECT_EQ(names(search("lang:zh")), (S{"bilingual.txt", "hant.txt"}));
  EXPECT_EQ(names(search("lang:en")), (S{"bilingual.txt", "english.txt"}));
  EXPECT_EQ(names(search("lang:ug")), (S{"ug-arab.txt", "ug-latn.txt"}));
  json hit = search("path:\"" + (dir_->path() / "in/bilingual.txt").string() + "\"");
  ASSERT_EQ(hit["total"], 1);
  json doc = run_dossier({"-p", project_, "--json", "show", hit["hits"][0]["id"]}).json();
  EXPECT_EQ(doc["metadata"]["dossier:languages"], "en zh");
}

TEST_F(LangProject, TraditionalAndSimplifiedBothWaysWithTheOriginalHighlighted) {
  json r = search("新疆维吾尔");
  EXPECT_EQ(names(r), (S{"hant.txt"}));
  EXPECT_NE(snippet_of(r, "hant.txt").find("<mark>新疆維吾爾</mark>"), std::string::npos)
      << snippet_of(r, "hant.txt");
  json t = search("審議");
  EXPECT_EQ(names(t), (S{"bilingual.txt", "hant.txt"}));
  EXPECT_NE(snippet_of(t, "bilingual.txt").find("<mark>审议</mark>"), std::string::npos);
}

TEST_F(LangProject, UyghurAcrossScripts) {
  for (const char* q :
       {"jem'iyetning", "جەمئىيەتنىڭ", "\"bolup tughulghan\"", "\"بولۇپ تۇغۇلغان\""})
    EXPECT_EQ(names(search(q)), (S{"ug-arab.txt", "ug-latn.txt"})) << q;
  json r = search("tughulghan");
  EXPECT_NE(snippet_of(r, "ug-arab.txt").find("<mark>تۇغۇلغان</mark>"), std::string::npos)
      << snippet_of(r, "ug-arab.txt");
  EXPECT_NE(snippet_of(r, "ug-latn.txt").find("<mark>tughulghan</mark>"), std::string::npos);
}

TEST_F(LangProject, ThaiWordsAreSearchable) {
  json r = search("ไทย");
  EXPECT_EQ(names(r), (S{"thai.txt"}));
  EXPECT_NE(snippet_of(r, "thai.txt").find("<mark>ไทย</mark>"), std::string::npos);
}

}  // namespace
}  // namespace dossier::test
