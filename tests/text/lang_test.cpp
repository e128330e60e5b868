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
  } cases[] = {{"udhr_uig_arab.xml", "ug"}, {"udhr_rus.xml", "ru"}, {"udhr_arb.xml", "ar"},
               {"udhr_jpn.xml", "ja"},      {"udhr_fra.xml", "fr"}, {"udhr_cmn_hans.xml", "zh"},
               {"udhr_cmn_hant.xml", "zh"}};
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
