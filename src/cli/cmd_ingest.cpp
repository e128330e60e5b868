// init, ingest, stats, failures.
#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "core/progress.h"
#include "core/time_util.h"
#include "ingest/pipeline.h"

namespace dossier::cli {

void add_init(CLI::App& app, GlobalOptions& g, int& rc) {
  auto* cmd = app.add_subcommand("init", "create an empty project (and its custody key)");
  cmd->callback([&] {
    auto dir = ingest::resolve_project_dir(g.project);
    if (Status s = ingest::init_project(dir); !s.has_value()) {
      rc = fail(s.error());
      return;
    }
    if (g.json) {
      print_json({{"project", std::filesystem::absolute(dir).string()}});
    } else {
      std::printf("created project %s\n", dir.c_str());
    }
  });
}

void add_ingest(CLI::App& app, GlobalOptions& g, int& rc) {
  auto* cmd = app.add_subcommand("ingest", "add files and folders; progress on stderr; resumable");
  static std::vector<std::string> paths;
  static ingest::IngestOptions options;
  cmd->add_option("paths", paths, "files and folders to ingest")->required();
  cmd->add_option("-j,--jobs", options.jobs, "extraction workers (default: one per core)");
  cmd->add_flag("--rehash", options.rehash, "read and hash every file, even those unchanged since the last ingest");
  cmd->add_option("--commit-every", options.batch_documents,
                  "commit at least every N documents (a crash loses at most one batch)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->callback([&] {
    auto dir = ingest::resolve_project_dir(g.project);
    options.progress = Progress::auto_mode(g.json);
    std::vector<std::filesystem::path> inputs;
    for (const auto& p : paths) {
      std::error_code ec;
      if (!std::filesystem::exists(std::filesystem::symlink_status(p, ec))) {
        rc = fail(Error{ErrorCode::kNotFound, "no such file or folder", p});
        return;
      }
      inputs.emplace_back(p);
    }
    auto report = ingest::run_ingest(dir, inputs, options);
    if (!report.has_value()) {
      rc = fail(report.error());
      return;
    }
    const auto& r = *report;
    if (g.json) {
      print_json({{"files_seen", r.files_seen},
                  {"files_unchanged", r.files_unchanged},
                  {"bytes_read", r.bytes_read},
                  {"new_documents", r.new_documents},
                  {"new_locations", r.new_locations},
                  {"embedded", r.embedded},
                  {"failures", r.failures},
                  {"not_ingested", r.not_ingested},
                  {"seconds", r.seconds},
                  {"custody_seconds", r.custody_seconds}});
    } else {
      std::printf("%llu files (%llu unchanged since the last ingest), %s read in %.1f s\n",
                  static_cast<unsigned long long>(r.files_seen), static_cast<unsigned long long>(r.files_unchanged),
                  Progress::human_bytes(r.bytes_read).c_str(), r.seconds);
      std::printf("%llu new documents (%llu embedded items), %llu new locations\n",
                  static_cast<unsigned long long>(r.new_documents), static_cast<unsigned long long>(r.embedded),
                  static_cast<unsigned long long>(r.new_locations));
      if (r.failures + r.not_ingested > 0) {
        std::printf("%llu documents could not be read and %llu paths were not ingested: see `dossier failures`\n",
                    static_cast<unsigned long long>(r.failures), static_cast<unsigned long long>(r.not_ingested));
      }
    }
  });
}

void add_stats(CLI::App& app, GlobalOptions& g, int& rc) {
  auto* cmd = app.add_subcommand("stats", "documents, failures and types in the project");
  cmd->callback([&] {
    auto dir = ingest::resolve_project_dir(g.project);
    auto catalog = open_catalog(dir, store::OpenMode::kReadOnly);
    if (!catalog.has_value()) {
      rc = fail(catalog.error());
      return;
    }
    auto st = (*catalog)->stats();
    if (!st.has_value()) {
      rc = fail(st.error());
      return;
    }
    if (g.json) {
      print_json({{"documents", st->documents},
                  {"failures", st->failures},
                  {"pending", st->pending},
                  {"locations", st->locations},
                  {"bytes", st->bytes},
                  {"not_ingested", st->ingest_problems},
                  {"embedded", {{"declared", st->children_declared},
                                {"emitted", st->children_emitted},
                                {"failed", st->children_failed},
                                {"mismatched_containers", st->container_mismatches}}},
                  {"by_type", st->by_type},
                  {"by_reason", st->by_reason}});
      return;
    }
    std::printf("documents     %llu (%s)\n", static_cast<unsigned long long>(st->documents),
                Progress::human_bytes(st->bytes).c_str());
    std::printf("locations     %llu\n", static_cast<unsigned long long>(st->locations));
    std::printf("failures      %llu\n", static_cast<unsigned long long>(st->failures));
    std::printf("not ingested  %llu\n", static_cast<unsigned long long>(st->ingest_problems));
    std::printf("embedded      %llu emitted, %llu failed, %llu declared by their containers\n",
                static_cast<unsigned long long>(st->children_emitted), static_cast<unsigned long long>(st->children_failed),
                static_cast<unsigned long long>(st->children_declared));
    if (st->container_mismatches > 0) {
      std::printf("              %llu containers hold a different number of items than they declare: "
                  "see `dossier failures`\n",
                  static_cast<unsigned long long>(st->container_mismatches));
    }
    std::printf("\nby type:\n");
    for (const auto& [type, n] : st->by_type) std::printf("  %-12s %llu\n", type.c_str(), static_cast<unsigned long long>(n));
    if (!st->by_reason.empty()) {
      std::printf("\nfailures by reason:\n");
      for (const auto& [reason, n] : st->by_reason)
        std::printf("  %-12s %llu\n", reason.c_str(), static_cast<unsigned long long>(n));
    }
  });
}

namespace {

// Why a document read without error has no text: it is damaged, the format has none, or it
// needs OCR.
std::string no_text_reason(const store::DocumentRecord& d, store::Catalog& catalog) {
  if (d.size == 0) return "empty file";
  auto meta = catalog.metadata(d.id);
  if (meta.has_value()) {
    for (const auto& m : *meta) {
      if (m.key == "dossier:warning" && m.value.find("damaged") != std::string::npos)
        return "damaged " + d.type + ", no text recovered: " + m.value;
    }
  }
  if (d.type == "image") return "image: metadata only; its text needs OCR";
  if (d.type == "pdf") return "PDF without a text layer (a scan?): its text needs OCR";
  if (d.type == "archive" || d.children_emitted > 0) return "container: its contents are documents of their own";
  return d.mime + ": no text found";
}

}  // namespace

void add_failures(CLI::App& app, GlobalOptions& g, int& rc) {
  auto* cmd = app.add_subcommand("failures", "every file that yielded no text, with its reason");
  cmd->callback([&] {
    auto dir = ingest::resolve_project_dir(g.project);
    auto catalog = open_catalog(dir, store::OpenMode::kReadOnly);
    if (!catalog.has_value()) {
      rc = fail(catalog.error());
      return;
    }
    auto docs = (*catalog)->failures();
    auto problems = (*catalog)->ingest_problems();
    auto mismatches = (*catalog)->container_mismatches();
    auto textless = (*catalog)->without_text();
    if (!docs.has_value() || !problems.has_value() || !mismatches.has_value() || !textless.has_value()) {
      rc = fail(!docs.has_value()         ? docs.error()
                : !problems.has_value()   ? problems.error()
                : !mismatches.has_value() ? mismatches.error()
                                          : textless.error());
      return;
    }
    nlohmann::json jdocs = nlohmann::json::array();
    for (const auto& d : *docs) {
      auto paths = display_paths(**catalog, d.id);
      if (g.json) {
        jdocs.push_back({{"id", d.id}, {"mime", d.mime}, {"code", d.failure_code}, {"reason", d.failure_reason},
                         {"locations", paths}});
      } else {
        std::printf("%s  %-10s %s\n", d.id.substr(0, 12).c_str(), d.failure_code.c_str(), d.failure_reason.c_str());
        for (const auto& p : paths) std::printf("              %s\n", p.c_str());
      }
    }
    nlohmann::json jprob = nlohmann::json::array();
    for (const auto& p : *problems) {
      if (g.json) {
        jprob.push_back({{"path", p.path}, {"reason", p.reason}, {"at", format_iso8601(p.at)}});
      } else {
        std::printf("not ingested  %s\n              %s\n", p.path.c_str(), p.reason.c_str());
      }
    }
    nlohmann::json jmis = nlohmann::json::array();
    for (const auto& d : *mismatches) {
      auto paths = display_paths(**catalog, d.id);
      if (g.json) {
        jmis.push_back({{"id", d.id}, {"declared", *d.children_declared}, {"emitted", d.children_emitted},
                        {"failed", d.children_failed}, {"locations", paths}});
      } else {
        std::printf("%s  container declares %llu items, %llu were read and %llu failed\n", d.id.substr(0, 12).c_str(),
                    static_cast<unsigned long long>(*d.children_declared),
                    static_cast<unsigned long long>(d.children_emitted),
                    static_cast<unsigned long long>(d.children_failed));
        for (const auto& p : paths) std::printf("              %s\n", p.c_str());
      }
    }
    nlohmann::json jnotext = nlohmann::json::array();
    for (const auto& d : *textless) {
      std::string why = no_text_reason(d, **catalog);
      auto paths = display_paths(**catalog, d.id);
      if (g.json) {
        jnotext.push_back({{"id", d.id}, {"mime", d.mime}, {"reason", why}, {"locations", paths}});
      } else {
        std::printf("%s  no text    %s\n", d.id.substr(0, 12).c_str(), why.c_str());
        for (const auto& p : paths) std::printf("              %s\n", p.c_str());
      }
    }
    if (g.json) {
      print_json({{"failures", jdocs},
                  {"not_ingested", jprob},
                  {"container_mismatches", jmis},
                  {"no_text", jnotext}});
    } else if (docs->empty() && problems->empty() && mismatches->empty() && textless->empty()) {
      std::printf("no failures: every file yielded a document with text or metadata\n");
    }
  });
}

}  // namespace dossier::cli
