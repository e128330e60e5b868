#include "extract/hostile_test_extractor.h"

#include <gtest/gtest.h>

#include "extract/registry.h"

namespace dossier::extract {
namespace {

Probe probe_of(std::string_view s) {
  return Probe{{reinterpret_cast<const uint8_t*>(s.data()), s.size()}, "text/plain", "x.bin"};
}

TEST(HostileTestExtractor, ClaimsNothingUnlessEnabled) {
  HostileTestExtractor off(false);
  HostileTestExtractor on(true);
  for (std::string_view magic : {kTestHang, kTestAlloc, kTestSegv, kTestSocket, kTestOpen, kTestChildrenSegv}) {
    EXPECT_EQ(off.sniff(probe_of(magic)), kNoMatch) << magic;
    EXPECT_EQ(on.sniff(probe_of(magic)), kExactMatch) << magic;
  }
  EXPECT_EQ(on.sniff(probe_of("DOSSIER-TEST-OTHER\n")), kNoMatch);
  EXPECT_EQ(on.sniff(probe_of("hello\nDOSSIER-TEST-HANG\n")), kNoMatch);
}

TEST(HostileTestExtractor, RegistryLeavesMagicFilesToTextWithoutTheVariable) {
  if (std::getenv("DOSSIER_TEST_EXTRACTORS") != nullptr) GTEST_SKIP() << "DOSSIER_TEST_EXTRACTORS is set";
  const Extractor* e = Registry::instance().find(probe_of(kTestSegv));
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->id().name, "text");
  EXPECT_NE(Registry::instance().by_name("dossier-test"), nullptr);  // in the table all the same
}

TEST(HostileTestExtractor, AllocRefusesToRunWithoutAnAddressSpaceLimit) {
  HostileTestExtractor on(true);
  std::string content(kTestAlloc);
  Item item{{reinterpret_cast<const uint8_t*>(content.data()), content.size()}, "text/plain", "a.bin", 0};
  ExtractContext ctx;
  auto r = on.extract(item, ctx);  // this test process has no RLIMIT_AS
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
}

}  // namespace
}  // namespace dossier::extract
