#include "custody/proof_file.h"

#include <cstring>

#include "custody/codec.h"

namespace dossier::custody {
namespace {

Error bad(std::string message) {
  return Error{ErrorCode::kCorrupt, std::move(message), "tlog proof"};
}

// Takes the next '\n'-terminated line from text, or nullopt when none is left.
std::optional<std::string_view> next_line(std::string_view& text) {
  size_t nl = text.find('\n');
  if (nl == std::string_view::npos)
    return std::nullopt;
  std::string_view line = text.substr(0, nl);
  text.remove_prefix(nl + 1);
  return line;
}

}  // namespace

std::string encode_tlog_proof(const TlogProof& proof) {
  std::string out(kTlogProofHeader);
  out += '\n';
  if (proof.extra)
    out += "extra " + base64_encode(*proof.extra) + "\n";
  out += "index " + std::to_string(proof.index) + "\n";
  for (const Hash& h : proof.path)
    out += base64_encode(std::span<const uint8_t>(h)) + "\n";
  out += '\n';
  out += proof.checkpoint;
  return out;
}

Result<TlogProof> parse_tlog_proof(std::string_view text) {
  TlogProof p;
  auto line = next_line(text);
  if (!line || *line != kTlogProofHeader)
    return bad("first line is not c2sp.org/tlog-proof@v1");
  line = next_line(text);
  if (line && line->substr(0, 6) == "extra ") {
    auto raw = base64_decode(line->substr(6));
    if (!raw)
      return bad("extra data is not base64");
    p.extra = std::string(raw->begin(), raw->end());
    line = next_line(text);
  }
  if (!line || line->substr(0, 6) != "index ")
    return bad("missing 'index' line");
  auto index = parse_decimal(line->substr(6));
  if (!index)
    return bad("index is not a canonical decimal");
  p.index = *index;
  for (;;) {
    line = next_line(text);
    if (!line)
      return bad("missing the empty line before the checkpoint");
    if (line->empty())
      break;
    auto raw = base64_decode(*line);
    if (!raw || raw->size() != 32)
      return bad("proof line is not base64 of a 32-byte hash");
    if (p.path.size() >= 64)
      return bad("inclusion path longer than 64 hashes");
    Hash h{};
    std::memcpy(h.data(), raw->data(), 32);
    p.path.push_back(h);
  }
  if (text.empty())
    return bad("missing checkpoint");
  p.checkpoint = std::string(text);
  return p;
}

Result<Checkpoint> verify_tlog_proof(const TlogProof& proof, std::string_view entry,
                                     const Verifier& verifier) {
  DOSSIER_ASSIGN_OR_RETURN(Checkpoint c, open_checkpoint(proof.checkpoint, verifier));
  Status s = verify_inclusion(leaf_hash(entry), proof.index, c.size, proof.path, c.root);
  if (!s.has_value())
    return bad("inclusion proof fails: " + s.error().message);
  return c;
}

}  // namespace dossier::custody
