#include "text/normalize.h"

#include <gtest/gtest.h>

namespace dossier::text {
namespace {

TEST(Normalize, OpenCcTableLoads) {
  EXPECT_TRUE(t2s_available());
}

TEST(Normalize, FoldsTraditionalToSimplifiedPerCharacter) {
  EXPECT_EQ(normalize("新疆維吾爾"), "新疆维吾尔");
  EXPECT_EQ(normalize("新疆维吾尔"), "新疆维吾尔");
  EXPECT_EQ(fold_t2s(U'國'), U'国');
  EXPECT_EQ(fold_t2s(U'a'), U'a');
}

TEST(Normalize, NfkcCasefold) {
  EXPECT_EQ(normalize("ＡＢＣ Straße"), "abc strasse");
  EXPECT_EQ(normalize("/Docs/Report.PDF"), "/docs/report.pdf");
}

TEST(Normalize, Utf8RoundTrip) {
  std::string s;
  for (char32_t c : {U'a', U'é', U'中', U'𠀀'})
    append_utf8(c, s);
  size_t i = 0;
  EXPECT_EQ(decode_utf8(s, i), U'a');
  EXPECT_EQ(decode_utf8(s, i), U'é');
  EXPECT_EQ(decode_utf8(s, i), U'中');
  EXPECT_EQ(decode_utf8(s, i), U'𠀀');
  EXPECT_EQ(i, s.size());
  std::string bad = "\xc0\xaf";  // overlong '/'
  i = 0;
  EXPECT_EQ(decode_utf8(bad, i), 0xFFFDu);
  EXPECT_EQ(i, 1u);
}

TEST(Normalize, CjkClassification) {
  EXPECT_TRUE(is_cjk(U'中'));
  EXPECT_TRUE(is_cjk(U'ひ'));
  EXPECT_TRUE(is_cjk(U'ー'));
  EXPECT_FALSE(is_cjk(U'。'));
  EXPECT_FALSE(is_cjk(U'a'));
  EXPECT_FALSE(is_cjk(U'한'));
}

}  // namespace
}  // namespace dossier::text
