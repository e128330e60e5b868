#include "core/time_util.h"

#include <gtest/gtest.h>

namespace dossier {
namespace {

TEST(TimeUtil, ParsesIsoForms) {
  EXPECT_EQ(parse_date("1970-01-01"), 0);
  EXPECT_EQ(parse_date("2017-03-02T10:04:05Z"), 1488449045);
  EXPECT_EQ(parse_date("2017-03-02T12:04:05+02:00"), 1488449045);
  EXPECT_EQ(parse_date("2017-03-02T10:04:05.123Z"), 1488449045);
  EXPECT_EQ(parse_date("2017-03-02"), 1488412800);
}

TEST(TimeUtil, ParsesPdfDates) {
  EXPECT_EQ(parse_date("D:20170302100405Z"), 1488449045);
  EXPECT_EQ(parse_date("D:20170302120405+02'00'"), 1488449045);
  EXPECT_EQ(parse_date("D:2017"), parse_date("2017-01-01"));
}

TEST(TimeUtil, ParsesRfc2822) {
  EXPECT_EQ(parse_date("Thu, 2 Mar 2017 10:04:05 +0000"), 1488449045);
  EXPECT_EQ(parse_date("2 Mar 2017 11:04:05 +0100"), 1488449045);
}

TEST(TimeUtil, RejectsGarbage) {
  EXPECT_FALSE(parse_date("yesterday").has_value());
  EXPECT_FALSE(parse_date("2017-13-01").has_value());
  EXPECT_FALSE(parse_date("").has_value());
}

TEST(TimeUtil, FormatsIso) {
  EXPECT_EQ(format_iso8601(1488449045), "2017-03-02T10:04:05Z");
  EXPECT_EQ(format_date(1488449045), "2017-03-02");
}

}  // namespace
}  // namespace dossier
