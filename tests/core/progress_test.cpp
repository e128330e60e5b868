#include "core/progress.h"

#include <gtest/gtest.h>

namespace dossier {
namespace {

TEST(Progress, FormatsLineWithRateAndEta) {
  std::string line = Progress::format_line(10, 40, 10'000'000, 40'000'000, 10.0, 2, true);
  EXPECT_EQ(line, "10/40 files  10.0 MB/40.0 MB  1.0 MB/s  ETA 0:30  2 failed");
}

TEST(Progress, UnknownTotalHasNoEta) {
  std::string line = Progress::format_line(1, 5, 100, 500, 1.0, 0, false);
  EXPECT_EQ(line, "1/5+ files  100 B/500 B  100 B/s  ETA ?  0 failed");
}

}  // namespace
}  // namespace dossier
