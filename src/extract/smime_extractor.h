// S/MIME and PKCS #7 / CMS: opaque-signed content (p7m), detached signatures (p7s), encrypted
// (enveloped) messages. Used by the email extractor for application/pkcs7-* parts and on its own
// for .p7m / .p7s files.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "extract/extractor.h"

namespace dossier::extract {

struct SmimeContent {
  enum class Kind { kSigned, kEnveloped, kData, kOther };
  Kind kind = Kind::kOther;
  // The signed (or plain data) content when the structure carries it; nullopt when detached.
  std::optional<std::string> content;
  // "smime:type" and, per signer, "smime:signer:subject", ":issuer", ":serial", ":not_before",
  // ":not_after" (ISO 8601). Signatures are not verified here (no trust store); that is verify's
  // job.
  std::vector<MetaField> metadata;
};

// Parses a CMS / PKCS #7 ContentInfo in DER, PEM or bare base64. Thread-safe. Fails with kCorrupt
// ("corrupt PKCS #7 / CMS structure: <OpenSSL's reason>") when OpenSSL cannot parse it.
Result<SmimeContent> read_smime(std::span<const uint8_t> bytes);

// Reads `bytes` as S/MIME for a container: adds the metadata to `out`; emits the signed content as
// a child named `content_name` through ctx; records an encrypted structure as a ChildProblem
// named `part_name`; emits bytes that are not S/MIME at all as they are, named `part_name`, with a
// warning. Returns false when ctx refused the child (a limit: stop emitting).
bool add_smime_part(std::span<const uint8_t> bytes, const std::string& part_name,
                    const std::string& content_name, Extraction& out, ExtractContext& ctx);

// Stateless and thread-safe. Claims DER PKCS #7 signed-data and enveloped-data (the OID in the
// first bytes, 100). Signed data: the content becomes one child (the file name without ".p7m"),
// signer certificates go to metadata, and the text is "Signed by: <subject>" and
// "Certificate issuer: <issuer>" lines. Enveloped data: fails with kEncrypted
// "encrypted S/MIME message: needs the recipient's private key".
class SmimeExtractor final : public Extractor {
 public:
  ExtractorId id() const override { return {"smime", 1}; }
  MatchScore sniff(const Probe& probe) const override;
  Result<Extraction> extract(const Item& item, ExtractContext& ctx) const override;
};

}  // namespace dossier::extract
