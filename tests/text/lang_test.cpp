#include "text/lang.h"

#include <gtest/gtest.h>

namespace dossier::text {
namespace {

TEST(Lang, DetectsCommonLanguages) {
  EXPECT_EQ(detect_language("The quick brown fox jumps over the lazy dog. This is a longer English "
                            "sentence so that the detector is confident about its answer."),
            "en");
  EXPECT_EQ(detect_language("中华人民共和国国务院办公厅关于进一步加强新疆维吾尔自治区工作的通知，"
                            "各省、自治区、直辖市人民政府，国务院各部委、各直属机构。"),
            "zh");
}

TEST(Lang, TraditionalChineseIsZhWithHantVariant) {
  std::string_view t =
      "中華人民共和國國務院辦公廳關於進一步加強新疆維吾爾自治區工作的通知，"
      "各省、自治區、直轄市人民政府，國務院各部委、各直屬機構。";
  EXPECT_EQ(detect_language(t), "zh");
  EXPECT_EQ(detect_language_variant(t), "zh-Hant");
}

TEST(Lang, UnreliableIsEmpty) {
  EXPECT_EQ(detect_language(""), "");
  EXPECT_EQ(detect_language("12345 67"), "");
  EXPECT_EQ(detect_language("\xff\xfe broken"), detect_language("   broken"));
}

}  // namespace
}  // namespace dossier::text

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace dossier::text {
namespace {

// The Universal Declaration of Human Rights in several languages (XML; tags do not matter here).
TEST(Lang, UdhrTranslations) {
  std::filesystem::path dir = std::filesystem::path(DOSSIER_SHARED) / "corpora/udhr/udhr";
  if (!std::filesystem::exists(dir))
    GTEST_SKIP() << dir << " is absent";
  struct Case {
    const char* file;
    const char* code;
  } cases[] = {{"udhr_uig_arab.xml", "ug"}, {"udhr_uig_latn.xml", "ug"}, {"udhr_rus.xml", "ru"},
               {"udhr_arb.xml", "ar"},      {"udhr_jpn.xml", "ja"},      {"udhr_fra.xml", "fr"},
               {"udhr_cmn_hans.xml", "zh"}, {"udhr_cmn_hant.xml", "zh"}};
  for (const Case& c : cases) {
    std::ifstream in(dir / c.file);
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_EQ(detect_language(ss.str()), c.code) << c.file;
  }
  std::ifstream in(dir / "udhr_cmn_hant.xml");
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(detect_language_variant(ss.str()), "zh-Hant");
}

}  // namespace
}  // namespace dossier::text

namespace dossier::text {
namespace {

TEST(Lang, UyghurInArabicScriptDespiteCld2) {
  EXPECT_EQ(detect_language("ئىنسانلار ئائىلىسىنىڭ بارلىق ئەزالىرنىڭ ئۆزىگە خاس ئىززەت-ھۆرمىتىنى "
                            "شۇنىڭدەك ئۇلارنىڭ باراۋەر ۋە تەۋرەنمەس ھوقۇقىنى ئېتىراپ قىلىش"),
            "ug");
  EXPECT_EQ(detect_language("يولد بجميع الناس أحرارًا متساوين في الكرامة والحقوق. وهم قد وهبوا "
                            "العقل والوجدان وعليهم أن يعامل بعضهم بعضًا بروح الإخاء."),
            "ar");
}

}  // namespace
}  // namespace dossier::text

namespace dossier::text {
namespace {

// About 1,300 characters of English and 230 of Chinese, written for this test.
const std::string kEnglish =
    "The committee met on Tuesday to review the budget for the coming year. Several members "
    "asked why the travel expenses had doubled since the last report, and the treasurer promised "
    "a detailed account before the next meeting. The minutes record that the chair closed the "
    "discussion after an hour without a vote. In the afternoon the auditors presented their "
    "findings on the regional offices, which had not filed receipts for most of their purchases. "
    "They recommended that every office keep its records in one place and send a summary to the "
    "head office each month. The members agreed to publish the findings on the website once the "
    "names of private persons had been removed. A second meeting was planned for the end of the "
    "month, when the new figures would be available and the board could decide on the proposal. "
    "Until then the staff were asked not to sign any new contracts above the usual limit, and to "
    "report every payment to a supplier that had not been approved in writing by two directors. "
    "The secretary was asked to circulate the documents to all members by Friday at the latest.";
const std::string kChinese =
    "会议于星期二召开，审议了下一年度的预算。几位委员询问为什么差旅费用自上次报告以来增加了一倍，"
    "财务负责人承诺在下次会议之前提交详细的说明。会议记录显示，主席在讨论一个小时之后宣布休会，"
    "没有进行表决。下午，审计人员介绍了对各地区办事处的检查结果，这些办事处的大部分采购都没有"
    "保存收据。审计人员建议每个办事处把记录集中保管，并且每个月向总部报送一份摘要。委员们同意在"
    "删除个人姓名之后把检查结果公布在网站上。第二次会议定于月底举行，届时将提供新的数字，由董事会"
    "对该项提议作出决定。";

TEST(Lang, PartLanguagesFindALongChineseSectionInAnEnglishDocument) {
  std::string doc = kEnglish + "\n\n" + kChinese + "\n\n" + kEnglish;
  EXPECT_EQ(detect_part_languages({doc}), (std::vector<std::string>{"en", "zh"}));
  // The same when the section is a page of its own.
  EXPECT_EQ(detect_part_languages({kEnglish, kChinese, kEnglish}),
            (std::vector<std::string>{"en", "zh"}));
}

TEST(Lang, ShortPartsDoNotCount) {
  // A Chinese quotation of about 60 characters in English text is not a part in Chinese.
  std::string doc = kEnglish + " " + kChinese.substr(0, 180) + " " + kEnglish;
  EXPECT_EQ(detect_part_languages({doc}), (std::vector<std::string>{"en"}));
  EXPECT_EQ(detect_part_languages({"too short"}), std::vector<std::string>{});
  EXPECT_EQ(detect_part_languages({}), std::vector<std::string>{});
}

TEST(Lang, UyghurPartsInEitherScript) {
  const std::string arabic =
      "ھەممە ئادەم زاتىدىنلا ئەركىن، ئىززەت-ھۆرمەت ۋە ھوقۇقتا باپباراۋەر بولۇپ تۇغۇلغان. ئۇلار "
      "ئەقىلغە ۋە ۋىجدانغا ئىگە ھەمدە بىر-بىرىگە قېرىنداشلىق مۇناسىۋىتىگە خاس روھ بىلەن مۇئامىلە "
      "قىلىشى كېرەك. ";
  const std::string latin =
      "hemme adem zatidinla erkin, izzet-hörmet we hoquqta babbarawer bolup tughulghan. ular "
      "eqilghe we wijdan'gha ige hemde bir-birige qérindashliq munasiwitige xas roh bilen muamile "
      "qilishi kérek. ";
  EXPECT_EQ(detect_language(arabic + arabic), "ug");
  EXPECT_EQ(detect_language(latin + latin), "ug");  // CLD2 alone says Uzbek
  EXPECT_EQ(detect_part_languages({kEnglish + "\n\n" + arabic + arabic + "\n\n" + kEnglish}),
            (std::vector<std::string>{"en", "ug"}));
  // Uzbek and Turkish stay what they are.
  EXPECT_EQ(detect_language("Barcha odamlar erkin, qadr-qimmat va huquqlarda teng bo'lib "
                            "tug'iladilar. Ular aql va vijdon sohibidirlar va bir-birlari bilan "
                            "birodarlarcha muomala qilishlari zarur."),
            "uz");
  EXPECT_EQ(detect_language("Bütün insanlar hür, haysiyet ve haklar bakımından eşit doğarlar. "
                            "Akıl ve vicdana sahiptirler ve birbirlerine karşı kardeşlik zihniyeti "
                            "ile hareket etmelidirler."),
            "tr");
}

}  // namespace
}  // namespace dossier::text

namespace dossier::text {
namespace {

// The Uyghur heuristics (Arabic and Latin script) claim no other UDHR translation, whole or in
// parts.
TEST(Lang, NoOtherUdhrTranslationIsUyghur) {
  std::filesystem::path dir = std::filesystem::path(DOSSIER_SHARED) / "corpora/udhr/udhr";
  if (!std::filesystem::exists(dir))
    GTEST_SKIP() << dir << " is absent";
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    if (e.path().extension() != ".xml" || name.rfind("udhr_uig_", 0) == 0)
      continue;
    std::ifstream in(e.path());
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    EXPECT_NE(detect_language(text), "ug") << name;
    auto parts = detect_part_languages({text});
    EXPECT_EQ(std::count(parts.begin(), parts.end(), "ug"), 0) << name;
    ++files;
  }
  EXPECT_GT(files, 500);
}

}  // namespace
}  // namespace dossier::text
