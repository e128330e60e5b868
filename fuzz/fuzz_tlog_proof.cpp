// tlog-proof files and signed checkpoints on arbitrary text.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "custody/note.h"
#include "custody/proof_file.h"

namespace {

// The example key from c2sp.org/signed-note.
constexpr std::string_view kVkey = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";

const dossier::custody::Verifier& verifier() {
  static const dossier::custody::Verifier v = [] {
    auto r = dossier::custody::parse_verifier_key(kVkey);
    if (!r.has_value())
      __builtin_trap();
    return *r;
  }();
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dossier::custody;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto proof = parse_tlog_proof(text);
  if (proof.has_value()) {
    (void)encode_tlog_proof(*proof);
    (void)verify_tlog_proof(*proof, "entry", verifier());
    (void)open_checkpoint(proof->checkpoint, verifier());
  }
  (void)parse_note(text);
  (void)parse_checkpoint(text);
  (void)open_checkpoint(text, verifier());
  return 0;
}
