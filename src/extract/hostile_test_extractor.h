// Misbehaving on purpose, for the sandbox's tests: content starting with one of the magic lines
// below makes extract() hang, allocate without end, crash, or try what a sandboxed worker must not
// (open a socket, open a file it was not given) and report what happened as the page text.
//
// Compiled into every build, claimed only when DOSSIER_TEST_EXTRACTORS=1 is in the environment
// (the registry reads it once), so a real leak can never trigger it.
#pragma once

#include <string_view>

#include "extract/extractor.h"

namespace dossier::extract {

inline constexpr std::string_view kTestHang = "DOSSIER-TEST-HANG\n";      // spins forever
inline constexpr std::string_view kTestAlloc = "DOSSIER-TEST-ALLOC\n";    // allocates until refused
inline constexpr std::string_view kTestSegv = "DOSSIER-TEST-SEGV\n";      // writes to address 8
inline constexpr std::string_view kTestSocket = "DOSSIER-TEST-SOCKET\n";  // socket(), reported
inline constexpr std::string_view kTestOpen = "DOSSIER-TEST-OPEN\n";      // open() of files it was not given
// Emits two children ("first.txt", "second.txt": the rest of the content, split at the first
// blank line), then crashes: the children must be stored once even though the item is retried.
inline constexpr std::string_view kTestChildrenSegv = "DOSSIER-TEST-CHILDREN-SEGV\n";
// Slow work that advances: each following line is a number of milliseconds to sleep, after which
// the extractor reports progress (ExtractContext::progress). One page: "N steps done".
inline constexpr std::string_view kTestSlow = "DOSSIER-TEST-SLOW\n";

// Thread-safe. kExactMatch on a magic line when enabled, else never. The probes (SOCKET, OPEN)
// succeed with one page whose lines read "socket(AF_INET, SOCK_STREAM): denied (Operation not
// permitted)" or "...: allowed"; ALLOC refuses to run without an address-space limit.
class HostileTestExtractor final : public Extractor {
 public:
  explicit HostileTestExtractor(bool enabled) : enabled_(enabled) {}
  ExtractorId id() const override { return {"dossier-test", 1}; }
  MatchScore sniff(const Probe& probe) const override;
  Result<Extraction> extract(const Item& item, ExtractContext& ctx) const override;

 private:
  bool enabled_;
};

}  // namespace dossier::extract
