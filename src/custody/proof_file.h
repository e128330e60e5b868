// c2sp.org/tlog-proof@v1: a portable, offline-verifiable inclusion proof. Text:
//   c2sp.org/tlog-proof@v1
//   [extra <base64>]
//   index <decimal>
//   <base64 hash>...          (the inclusion path, leaf's sibling first)
//   <empty line>
//   <signed checkpoint note, verbatim>
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "custody/merkle.h"
#include "custody/note.h"

namespace dossier::custody {

inline constexpr std::string_view kTlogProofHeader = "c2sp.org/tlog-proof@v1";

struct TlogProof {
  std::optional<std::string> extra;  // opaque, unauthenticated
  uint64_t index = 0;
  std::vector<Hash> path;
  std::string checkpoint;  // the signed note, verbatim
  bool operator==(const TlogProof&) const = default;
};

std::string encode_tlog_proof(const TlogProof& proof);
// Strict syntax check; does not verify the signature or the path.
Result<TlogProof> parse_tlog_proof(std::string_view text);

// Full check of a proof for the entry bytes `entry`: the checkpoint is signed by `verifier`
// with origin equal to its name, and the path binds SHA-256(0x00 || entry) at `index` to the
// checkpoint's root. Returns the checkpoint on success; kCorrupt with the reason otherwise.
Result<Checkpoint> verify_tlog_proof(const TlogProof& proof, std::string_view entry,
                                     const Verifier& verifier);

}  // namespace dossier::custody
