// custody verify | checkpoint | prove | consistency; bundle; verify-bundle.
#include <cstdio>
#include <iostream>
#include <map>

#include "cli/commands.h"
#include "core/file_util.h"
#include "custody/bundle.h"
#include "custody/codec.h"
#include "custody/log.h"
#include "store/blob_store.h"

namespace dossier::cli {
namespace {

struct OpenedProject {
  std::filesystem::path dir;
  std::unique_ptr<store::Catalog> catalog;
  std::optional<custody::CustodyLog> log;
};

Result<OpenedProject> open_project(const GlobalOptions& g) {
  OpenedProject p;
  p.dir = ingest::resolve_project_dir(g.project);
  DOSSIER_ASSIGN_OR_RETURN(p.catalog, open_catalog(p.dir, store::OpenMode::kReadOnly));
  DOSSIER_ASSIGN_OR_RETURN(auto log,
                           custody::CustodyLog::open(ingest::ProjectPaths{p.dir}.custody()));
  p.log.emplace(std::move(log));
  return p;
}

// The INGEST entry of a document: the one its first location recorded, else a scan of the log.
Result<uint64_t> ingest_entry_of(OpenedProject& p, const std::string& id) {
  DOSSIER_ASSIGN_OR_RETURN(auto locs, p.catalog->locations(id));
  for (const auto& l : locs) {
    if (l.custody_index >= 0 && static_cast<uint64_t>(l.custody_index) < p.log->size()) {
      return static_cast<uint64_t>(l.custody_index);
    }
  }
  DOSSIER_ASSIGN_OR_RETURN(Digest d, digest_from_hex(id));
  return p.log->find_ingest(d);
}

std::string base64_hashes(const std::vector<custody::Hash>& hashes) {
  std::string out;
  for (const auto& h : hashes)
    out += custody::base64_encode(std::span<const uint8_t>(h)) + "\n";
  return out;
}

void add_custody_verify(CLI::App& custody, GlobalOptions& g, int& rc) {
  auto* cmd = custody.add_subcommand(
      "verify", "re-hash every original, recompute the log and check its signatures");
  static std::string since;
  cmd->add_option("--since", since,
                  "an earlier signed checkpoint (file): also prove the log only grew since");
  cmd->callback([&] {
    auto p = open_project(g);
    if (!p.has_value()) {
      rc = fail(p.error());
      return;
    }
    std::optional<std::string> since_note;
    if (!since.empty()) {
      auto note = read_file(since);
      if (!note.has_value()) {
        rc = fail(note.error());
        return;
      }
      since_note = *note;
    }
    store::BlobStore blobs(ingest::ProjectPaths{p->dir}.blobs());
    std::vector<custody::Problem> problems = p->log->verify(since_note);
    auto blob_problems = custody::verify_blobs(
        *p->log,
        [&](const Digest& d) -> std::optional<std::filesystem::path> { return blobs.path_of(d); });
    problems.insert(problems.end(), blob_problems.begin(), blob_problems.end());
    auto note = p->log->latest_checkpoint();
    if (g.json) {
      nlohmann::json jp = nlohmann::json::array();
      for (const auto& pr : problems) {
        nlohmann::json j = {{"kind", custody::problem_kind_name(pr.kind)}, {"detail", pr.detail}};
        if (pr.index)
          j["index"] = *pr.index;
        if (!pr.document.empty())
          j["document"] = pr.document;
        jp.push_back(j);
      }
      print_json({{"ok", problems.empty()},
                  {"entries", p->log->size()},
                  {"problems", jp},
                  {"checkpoint", note.has_value() ? nlohmann::json(*note) : nlohmann::json()}});
    } else {
      for (const auto& pr : problems) {
        std::printf("%-18s %s%s%s\n", custody::problem_kind_name(pr.kind),
                    pr.document.empty() ? "" : (pr.document + "  ").c_str(),
                    pr.index ? ("entry " + std::to_string(*pr.index) + ": ").c_str() : "",
                    pr.detail.c_str());
      }
      if (problems.empty()) {
        std::printf("intact: %llu log entries and every original verified%s\n",
                    static_cast<unsigned long long>(p->log->size()),
                    since_note ? ", consistent with --since" : "");
      } else {
        std::printf("%zu problems found\n", problems.size());
      }
    }
    rc = problems.empty() ? kExitOk : kExitFinding;
  });
}

void add_custody_checkpoint(CLI::App& custody, GlobalOptions& g, int& rc) {
  auto* cmd = custody.add_subcommand(
      "checkpoint", "sign and print the current checkpoint, to publish or timestamp");
  cmd->callback([&] {
    auto p = open_project(g);
    if (!p.has_value()) {
      rc = fail(p.error());
      return;
    }
    auto note = p->log->checkpoint();
    if (!note.has_value()) {
      rc = fail(note.error());
      return;
    }
    if (g.json) {
      print_json({{"checkpoint", *note},
                  {"verifier_key", p->log->verifier().vkey()},
                  {"size", p->log->size()}});
    } else {
      std::fwrite(note->data(), 1, note->size(), stdout);
    }
  });
}

void add_custody_prove(CLI::App& custody, GlobalOptions& g, int& rc) {
  auto* cmd =
      custody.add_subcommand("prove", "print the c2sp tlog-proof of a document's INGEST entry");
  static std::string id_arg;
  cmd->add_option("id", id_arg, "document id or unique prefix")->required();
  cmd->callback([&] {
    auto p = open_project(g);
    if (!p.has_value()) {
      rc = fail(p.error());
      return;
    }
    auto id = resolve_id(*p->catalog, id_arg);
    if (!id.has_value()) {
      rc = fail(id.error());
      return;
    }
    auto index = ingest_entry_of(*p, *id);
    auto proof =
        index.has_value() ? p->log->prove(*index) : Result<custody::TlogProof>(index.error());
    auto entry = index.has_value() ? p->log->entry(*index) : Result<std::string>(index.error());
    if (!proof.has_value() || !entry.has_value()) {
      rc = fail(!proof.has_value() ? proof.error() : entry.error());
      return;
    }
    std::string text = custody::encode_tlog_proof(*proof);
    if (g.json) {
      print_json({{"id", *id}, {"index", *index}, {"entry", *entry}, {"proof", text}});
    } else {
      std::fwrite(text.data(), 1, text.size(), stdout);
    }
  });
}

void add_custody_consistency(CLI::App& custody, GlobalOptions& g, int& rc) {
  auto* cmd = custody.add_subcommand("consistency",
                                     "print the RFC 6962 consistency proof between two tree sizes");
  static uint64_t old_size = 0;
  static uint64_t new_size = 0;
  cmd->add_option("old", old_size, "the earlier tree size")->required();
  cmd->add_option("new", new_size, "the later tree size (default: the current size)");
  cmd->callback([&] {
    auto p = open_project(g);
    if (!p.has_value()) {
      rc = fail(p.error());
      return;
    }
    uint64_t n = new_size == 0 ? p->log->size() : new_size;
    if (old_size == 0) {
      rc = fail(Error{ErrorCode::kInvalidInput,
                      "old must be at least 1: the empty tree is a prefix of every tree", ""});
      return;
    }
    if (old_size > n || n > p->log->size()) {
      rc = fail(Error{ErrorCode::kInvalidInput,
                      "sizes must satisfy old <= new <= " + std::to_string(p->log->size()) +
                          " (the log's size)",
                      ""});
      return;
    }
    auto proof = p->log->consistency_proof(old_size, n);
    auto r1 = p->log->root(old_size);
    auto r2 = p->log->root(n);
    if (!proof.has_value() || !r1.has_value() || !r2.has_value()) {
      rc = fail(!proof.has_value() ? proof.error() : !r1.has_value() ? r1.error() : r2.error());
      return;
    }
    std::string old_root = custody::base64_encode(std::span<const uint8_t>(*r1));
    std::string new_root = custody::base64_encode(std::span<const uint8_t>(*r2));
    if (g.json) {
      std::vector<std::string> hashes;
      for (const auto& h : *proof)
        hashes.push_back(custody::base64_encode(std::span<const uint8_t>(h)));
      print_json({{"old_size", old_size},
                  {"new_size", n},
                  {"old_root", old_root},
                  {"new_root", new_root},
                  {"proof", hashes}});
    } else {
      std::printf("old %llu %s\nnew %llu %s\n%s", static_cast<unsigned long long>(old_size),
                  old_root.c_str(), static_cast<unsigned long long>(n), new_root.c_str(),
                  base64_hashes(*proof).c_str());
    }
  });
}

}  // namespace

void add_custody(CLI::App& app, GlobalOptions& g, int& rc) {
  auto* custody =
      app.add_subcommand("custody", "the tamper-evident custody log: verify, checkpoint, prove");
  custody->require_subcommand(1);
  add_custody_verify(*custody, g, rc);
  add_custody_checkpoint(*custody, g, rc);
  add_custody_prove(*custody, g, rc);
  add_custody_consistency(*custody, g, rc);
}

void add_bundle(CLI::App& app, GlobalOptions& g, int& rc) {
  auto* cmd = app.add_subcommand(
      "bundle", "write originals with their log entries and proofs, checkable offline");
  static std::vector<std::string> ids;
  static std::string out;
  cmd->add_option("ids", ids, "document ids or unique prefixes")->required();
  cmd->add_option("-o,--output", out, "the bundle directory to create")->required();
  cmd->callback([&] {
    auto p = open_project(g);
    if (!p.has_value()) {
      rc = fail(p.error());
      return;
    }
    store::BlobStore blobs(ingest::ProjectPaths{p->dir}.blobs());
    std::vector<custody::BundleItem> items;
    for (const auto& arg : ids) {
      auto id = resolve_id(*p->catalog, arg);
      auto index = id.has_value() ? ingest_entry_of(*p, *id) : Result<uint64_t>(id.error());
      if (!index.has_value()) {
        rc = fail(index.error());
        return;
      }
      Digest d = *digest_from_hex(*id);
      items.push_back({d, blobs.path_of(d), *index});
    }
    if (Status s = custody::write_bundle(*p->log, items, out); !s.has_value()) {
      rc = fail(s.error());
      return;
    }
    if (g.json) {
      print_json({{"bundle", out}, {"documents", items.size()}});
    } else {
      std::printf(
          "wrote %zu documents with proofs to %s; check it with `dossier verify-bundle %s`\n",
          items.size(), out.c_str(), out.c_str());
    }
  });
}

void add_verify_bundle(CLI::App& app, GlobalOptions& g, int& rc) {
  auto* cmd = app.add_subcommand("verify-bundle",
                                 "check an evidence bundle with nothing but its own files");
  static std::string dir;
  static std::string key;
  cmd->add_option("dir", dir, "the bundle directory")->required();
  cmd->add_option("--key", key,
                  "a verifier key you trust (name+keyid+key); it must equal the bundle's");
  cmd->callback([&] {
    auto report =
        custody::verify_bundle(dir, key.empty() ? std::nullopt : std::optional<std::string>(key));
    if (g.json) {
      nlohmann::json jp = nlohmann::json::array();
      for (const auto& pr : report.problems)
        jp.push_back({{"document", pr.document}, {"file", pr.file}, {"reason", pr.reason}});
      nlohmann::json out = {{"ok", report.ok()}, {"verified", report.verified}, {"problems", jp}};
      if (report.checkpoint)
        out["checkpoint"] = {{"origin", report.checkpoint->origin},
                             {"size", report.checkpoint->size}};
      print_json(out);
    } else {
      for (const auto& id : report.verified)
        std::printf("verified  %s\n", id.c_str());
      for (const auto& pr : report.problems) {
        std::printf("PROBLEM   %s%s: %s\n",
                    pr.document.empty() ? "" : (pr.document.substr(0, 16) + " ").c_str(),
                    pr.file.c_str(), pr.reason.c_str());
      }
      if (report.checkpoint) {
        std::printf("checkpoint: %s, tree size %llu, signature valid\n",
                    report.checkpoint->origin.c_str(),
                    static_cast<unsigned long long>(report.checkpoint->size));
      }
      std::printf(report.ok() ? "bundle intact\n" : "bundle FAILED verification\n");
    }
    rc = report.ok() ? kExitOk : kExitFinding;
  });
}

}  // namespace dossier::cli
