#include "custody/bundle.h"

#include <algorithm>

#include "core/file_util.h"
#include "custody/entry.h"
#include "custody/proof_file.h"

namespace dossier::custody {
namespace {

constexpr const char* kReadme = R"(dossier evidence bundle

Each folder documents/<id>/ holds one original file and the proof that it was recorded in the
custody log of the dossier project that published this bundle:

  original           the file exactly as received; <id> is its SHA-256 in lowercase hex
  entry              the log entry recording its receipt (where it was found, when, its size)
  entry.tlog-proof   a c2sp.org/tlog-proof@v1 inclusion proof of that entry

verifier.key is the log's public key; checkpoint is the log's signed tree head.
Compare verifier.key with the key the publisher announced elsewhere: a bundle can only prove
what the holder of that key signed.

To check: `dossier verify-bundle DIR`, or by hand as docs/formats/bundle.md explains:
1. verify the signature on checkpoint with verifier.key (c2sp.org/signed-note, Ed25519);
2. for each document: SHA-256(original) == <id> == the sha256 line of entry, and the size matches;
3. leaf = SHA-256(0x00 || entry); the proof's hashes lead from leaf at its index to the root in
   checkpoint (RFC 6962 / RFC 9162 section 2.1.3.2).
)";

bool is_hex_id(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

Status write_item(const CustodyLog& log, const BundleItem& item, const std::string& note,
                  const Checkpoint& cp, const std::filesystem::path& dir) {
  std::string id = to_hex(item.id);
  DOSSIER_ASSIGN_OR_RETURN(std::string bytes, log.entry(item.entry_index));
  auto parsed = parse_entry(bytes);
  const auto* in = parsed.has_value() ? std::get_if<IngestEntry>(&parsed.value()) : nullptr;
  if (in == nullptr || in->sha256 != item.id) {
    return Error{ErrorCode::kInvalidInput,
                 "log entry " + std::to_string(item.entry_index) + " is not the INGEST entry of",
                 id};
  }
  std::filesystem::path doc = dir / "documents" / id;
  std::error_code ec;
  std::filesystem::create_directories(doc, ec);
  if (ec)
    return Error{ErrorCode::kIo, "cannot create " + doc.string() + ": " + ec.message(), id};
  std::filesystem::copy_file(item.blob, doc / "original", ec);
  if (ec)
    return Error{ErrorCode::kIo, "cannot copy the original: " + ec.message(), id};
  DOSSIER_ASSIGN_OR_RETURN(Digest copied, sha256_file(doc / "original"));
  if (copied != item.id) {
    return Error{ErrorCode::kCorrupt, "the stored original no longer matches its id", id};
  }
  DOSSIER_RETURN_IF_ERROR(write_file_atomic(doc / "entry", bytes));
  TlogProof proof;
  proof.index = item.entry_index;
  DOSSIER_ASSIGN_OR_RETURN(proof.path, log.inclusion_proof(item.entry_index, cp.size));
  proof.checkpoint = note;
  return write_file_atomic(doc / "entry.tlog-proof", encode_tlog_proof(proof));
}

void verify_document(const std::filesystem::path& doc, const std::string& id,
                     const Verifier& verifier, const std::string& checkpoint,
                     BundleReport& report) {
  size_t before = report.problems.size();
  auto problem = [&](const std::string& file, std::string reason) {
    report.problems.push_back({id, "documents/" + id + "/" + file, std::move(reason)});
  };
  auto entry = read_file(doc / "entry");
  if (!entry.has_value())
    return problem("entry", "missing: " + entry.error().message);
  auto parsed = parse_entry(*entry);
  const auto* in = parsed.has_value() ? std::get_if<IngestEntry>(&parsed.value()) : nullptr;
  if (!parsed.has_value()) {
    problem("entry", parsed.error().message);
  } else if (in == nullptr || to_hex(in->sha256) != id) {
    problem("entry", "not the INGEST entry of this document");
  }
  auto text = read_file(doc / "entry.tlog-proof");
  if (!text.has_value()) {
    problem("entry.tlog-proof", "missing: " + text.error().message);
  } else if (auto proof = parse_tlog_proof(*text); !proof.has_value()) {
    problem("entry.tlog-proof", proof.error().message);
  } else if (proof->checkpoint != checkpoint) {
    problem("entry.tlog-proof", "proves against a different checkpoint than the bundle's");
  } else if (auto c = verify_tlog_proof(*proof, *entry, verifier); !c.has_value()) {
    // The checkpoint verified, so the path does not bind this entry to its root: either file
    // may have been altered and the hashes cannot tell which, so both are named.
    problem("entry", "does not match its proof entry.tlog-proof (" + c.error().message +
                         "): this entry or its proof was altered");
    problem("entry.tlog-proof", c.error().message + ": the proof or the entry was altered");
  }
  auto digest = sha256_file(doc / "original");
  std::error_code ec;
  uint64_t size = std::filesystem::file_size(doc / "original", ec);
  if (!digest.has_value()) {
    problem("original", "missing: " + digest.error().message);
  } else if (to_hex(*digest) != id) {
    problem("original", "SHA-256 is " + to_hex(*digest) + ", not the document id: altered");
  } else if (in != nullptr && (ec || size != in->size)) {
    problem("original", "size differs from the logged size");
  }
  if (report.problems.size() == before)
    report.verified.push_back(id);
}

}  // namespace

Status write_bundle(CustodyLog& log, std::span<const BundleItem> items,
                    const std::filesystem::path& out_dir) {
  std::error_code ec;
  if (std::filesystem::exists(out_dir, ec) && !std::filesystem::is_empty(out_dir, ec)) {
    return Error{ErrorCode::kInvalidInput, "the bundle folder exists and is not empty",
                 out_dir.string()};
  }
  if (items.empty())
    return Error{ErrorCode::kInvalidInput, "no documents to bundle", {}};
  std::filesystem::create_directories(out_dir, ec);
  if (ec)
    return Error{ErrorCode::kIo, "cannot create bundle folder: " + ec.message(), out_dir.string()};
  DOSSIER_ASSIGN_OR_RETURN(std::string note, log.checkpoint());
  DOSSIER_ASSIGN_OR_RETURN(Checkpoint cp, open_checkpoint(note, log.verifier()));
  for (const BundleItem& item : items) {
    DOSSIER_RETURN_IF_ERROR(write_item(log, item, note, cp, out_dir));
  }
  DOSSIER_RETURN_IF_ERROR(write_file_atomic(out_dir / "checkpoint", note));
  DOSSIER_RETURN_IF_ERROR(
      write_file_atomic(out_dir / "verifier.key", log.verifier().vkey() + "\n"));
  return write_file_atomic(out_dir / "README.txt", kReadme);
}

BundleReport verify_bundle(const std::filesystem::path& dir,
                           const std::optional<std::string>& trusted_vkey) {
  BundleReport report;
  auto fail = [&report](std::string file, std::string reason) {
    report.problems.push_back({{}, std::move(file), std::move(reason)});
    return report;
  };
  auto vkey_text = read_file(dir / "verifier.key");
  if (!vkey_text.has_value())
    return fail("verifier.key", "missing: " + vkey_text.error().message);
  std::string vkey = *vkey_text;
  if (!vkey.empty() && vkey.back() == '\n')
    vkey.pop_back();
  auto verifier = parse_verifier_key(vkey);
  if (!verifier.has_value())
    return fail("verifier.key", verifier.error().message);
  if (trusted_vkey && *trusted_vkey != vkey) {
    return fail("verifier.key", "not the key you trust (" + *trusted_vkey + ")");
  }
  auto note = read_file(dir / "checkpoint");
  if (!note.has_value())
    return fail("checkpoint", "missing: " + note.error().message);
  auto cp = open_checkpoint(*note, *verifier);
  if (!cp.has_value())
    return fail("checkpoint", cp.error().message);
  report.checkpoint = *cp;
  std::vector<std::string> ids;
  std::error_code ec;
  for (const auto& de : std::filesystem::directory_iterator(dir / "documents", ec)) {
    std::string name = de.path().filename().string();
    if (!is_hex_id(name) || !de.is_directory()) {
      report.problems.push_back({{}, "documents/" + name, "unexpected file in documents/"});
      continue;
    }
    ids.push_back(name);
  }
  if (ec)
    return fail("documents", "cannot list: " + ec.message());
  std::sort(ids.begin(), ids.end());
  for (const std::string& id : ids) {
    verify_document(dir / "documents" / id, id, *verifier, *note, report);
  }
  if (ids.empty())
    report.problems.push_back({{}, "documents", "the bundle holds no documents"});
  return report;
}

}  // namespace dossier::custody
