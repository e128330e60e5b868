// Evidence bundles: originals plus everything needed to check, offline and with no dossier
// project, that each was logged in the project's custody log. Layout (docs/formats/bundle.md):
//   DIR/README.txt                         how to check it by hand
//   DIR/verifier.key                       the log's public key, name+keyid+base64 (one line)
//   DIR/checkpoint                         the signed checkpoint all proofs refer to
//   DIR/documents/<id>/original            the original bytes; <id> = lowercase hex SHA-256
//   DIR/documents/<id>/entry               the exact bytes of its INGEST log entry
//   DIR/documents/<id>/entry.tlog-proof    c2sp.org/tlog-proof@v1 for that entry
#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/sha256.h"
#include "custody/log.h"

namespace dossier::custody {

struct BundleItem {
  Digest id{};                 // the document (sha256 of the original)
  std::filesystem::path blob;  // where the store keeps the original
  uint64_t entry_index = 0;    // its INGEST entry in the log (see CustodyLog::find_ingest)
};

// Writes a bundle into out_dir (created; must be absent or empty). Signs a fresh checkpoint if
// the latest does not cover every entry. Fails without publishing anything questionable: the
// entry must be the document's INGEST entry and the blob must still hash to its id.
Status write_bundle(CustodyLog& log, std::span<const BundleItem> items,
                    const std::filesystem::path& out_dir);

struct BundleProblem {
  std::string document;  // document id, or empty for bundle-wide problems
  std::string file;      // the file at fault, relative to the bundle
  std::string reason;
};

struct BundleReport {
  std::vector<std::string> verified;  // ids of documents that passed every check
  std::vector<BundleProblem> problems;
  std::optional<Checkpoint> checkpoint;  // set when the checkpoint's signature verified
  bool ok() const { return problems.empty() && !verified.empty(); }
};

// Checks a bundle using only its own files (and, if given, a verifier key the caller trusts,
// which must equal the bundle's). Never fails as a whole: every problem is in the report.
BundleReport verify_bundle(const std::filesystem::path& dir,
                           const std::optional<std::string>& trusted_vkey = std::nullopt);

}  // namespace dossier::custody
