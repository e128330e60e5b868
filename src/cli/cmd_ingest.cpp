// init, ingest, stats, failures.
#include <algorithm>
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

// Project settings a person may change, with how each is checked.
struct SettingSpec {
  const char* key;
  const char* help;
  const char* fallback;
  Status (*check)(const std::string& value);
};
constexpr SettingSpec kSettings[] = {
    {"ocr.languages", "Tesseract languages joined with '+': eng, chi_sim, chi_tra, uig, ...",
     extract::kDefaultOcrLanguages, extract::check_ocr_languages},
};

void add_config(CLI::App& app, GlobalOptions& g, int& rc) {
  auto* cmd = app.add_subcommand("config", "show or change project settings (ocr.languages)");
  static std::string key, value;
  cmd->add_option("key", key, "setting to show or change");
  cmd->add_option("value", value, "new value");
  cmd->callback([&] {
    auto dir = ingest::resolve_project_dir(g.project);
    const SettingSpec* spec = nullptr;
    for (const auto& s : kSettings) {
      if (key == s.key) spec = &s;
    }
    if (!key.empty() && spec == nullptr) {
      std::string known;
      for (const auto& s : kSettings) known += std::string(known.empty() ? "" : ", ") + s.key;
      rc = fail(Error{ErrorCode::kInvalidInput, "no setting named '" + key + "'; settings: " + known, {}});
      return;
    }
    auto catalog = open_catalog(dir, value.empty() ? store::OpenMode::kReadOnly : store::OpenMode::kReadWrite);
    if (!catalog.has_value()) {
      rc = fail(catalog.error());
      return;
    }
    if (!value.empty()) {
      if (Status s = spec->check(value); !s.has_value()) {
        rc = fail(s.error());
        return;
      }
      if (Status s = (*catalog)->set_setting(key, value); !s.has_value()) {
        rc = fail(s.error());
        return;
      }
    }
    nlohmann::json out = nlohmann::json::object();
    for (const auto& s : kSettings) {
      if (!key.empty() && key != s.key) continue;
      auto v = (*catalog)->setting(s.key);
      if (!v.has_value()) {
        rc = fail(v.error());
        return;
      }
      std::string shown = v->has_value() && !(*v)->empty() ? **v : s.fallback;
      out[s.key] = shown;
      if (!g.json) std::printf("%s = %s%s\n", s.key, shown.c_str(), v->has_value() ? "" : "  (default)");
    }
    if (g.json) print_json(out);
  });
}

void add_ingest(CLI::App& app, GlobalOptions& g, int& rc) {
  auto* cmd = app.add_subcommand("ingest", "add files and folders; progress on stderr; resumable");
  static std::vector<std::string> paths;
  static ingest::IngestOptions options;
  cmd->add_option("paths", paths, "files and folders to ingest")->required();
  cmd->add_option("-j,--jobs", options.jobs, "extraction workers (default: one per core)");
  cmd->add_flag("--rehash", options.rehash, "read and hash every file, even those unchanged since the last ingest");
  static std::string ocr_mode = "auto";
  cmd->add_option("--ocr", ocr_mode,
                  "auto: images and PDF pages without a text layer (default); force: also pages with text; off")
      ->check(CLI::IsMember({"auto", "force", "off"}));
  cmd->add_option("--ocr-languages", options.ocr_languages,
                  "Tesseract languages for this run, e.g. eng+chi_tra+uig (default: `dossier config ocr.languages`)");
  static bool no_sandbox = false;
  cmd->add_flag("--no-sandbox", no_sandbox,
                "extract in threads of this process instead of sandboxed worker processes "
                "(tests and debugging only: never for untrusted files)");
  cmd->add_option("--timeout", options.timeout_seconds,
                  "seconds an item may take in its worker, plus one per MiB of input; 0 = no limit (default: 120)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--memory-limit", options.memory_limit_bytes,
                  "address space of each worker, e.g. 2G or 512M; 0 = no limit (default: 4G)")
      ->transform(CLI::AsSizeValue(false));
  cmd->add_option("--commit-every", options.batch_documents,
                  "commit at least every N documents (a crash loses at most one batch)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->callback([&] {
    auto dir = ingest::resolve_project_dir(g.project);
    options.ocr_mode = ocr_mode == "force" ? extract::OcrMode::kForce
                       : ocr_mode == "off" ? extract::OcrMode::kOff
                                           : extract::OcrMode::kAuto;
    options.progress = Progress::auto_mode(g.json);
    options.isolation = no_sandbox ? ingest::IngestOptions::Isolation::kThreads : ingest::IngestOptions::Isolation::kSandbox;
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

// Why a document read without error has no text: it is damaged, the format has none, OCR found
// none, or OCR did not run (--ocr=off, or it failed: the warning says why).
std::string no_text_reason(store::Catalog& catalog, const store::DocumentRecord& d) {
  if (d.size == 0) return "empty file";
  auto meta = catalog.metadata(d.id);
  std::string ocr_warning;
  if (meta.has_value()) {
    for (const auto& m : *meta) {
      if (m.key != "dossier:warning") continue;
      if (m.value.find("damaged") != std::string::npos) return "damaged " + d.type + ", no text recovered: " + m.value;
      if (m.value.find("OCR: ") != std::string::npos) ocr_warning = m.value;
    }
  }
  if (d.type == "image" || d.type == "pdf") {
    if (!ocr_warning.empty()) return ocr_warning;
    auto pages = catalog.pages(d.id);
    bool ocr_ran = pages.has_value() && std::any_of(pages->begin(), pages->end(), [](const auto& p) { return p.ocr; });
    if (ocr_ran) return d.type == "image" ? "image: OCR found no text" : "PDF: no text layer, and OCR found no text";
    return d.type == "image" ? "image: not OCR'd (ingested with --ocr=off?)"
                             : "PDF without a text layer: not OCR'd (ingested with --ocr=off?)";
  }
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
      std::string why = no_text_reason(**catalog, d);
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
