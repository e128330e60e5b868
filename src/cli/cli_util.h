// Shared by the subcommands: project opening, id resolution, display paths, output.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "ingest/project.h"
#include "store/catalog.h"

namespace dossier::cli {

// Exit codes of the CLI contract.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFinding = 1;
inline constexpr int kExitUsage = 2;

struct GlobalOptions {
  std::string project;
  bool json = false;
};

// Prints "dossier: <reason>" on stderr and returns kExitUsage.
int fail(const Error& error);

Result<std::unique_ptr<store::Catalog>> open_catalog(const std::filesystem::path& dir, store::OpenMode mode);

// Full id from a full id or a unique prefix of at least 8 hex digits.
Result<std::string> resolve_id(store::Catalog& catalog, const std::string& id_or_prefix);

// "/leak/a.zip › inbox.pst › Re: payments › invoice.pdf" for a location.
std::string display_path(store::Catalog& catalog, const store::LocationRecord& loc);
std::vector<std::string> display_paths(store::Catalog& catalog, const std::string& doc_id);

// One JSON document on stdout.
void print_json(const nlohmann::json& j);

// Bold on a terminal, «» otherwise, so highlights survive a pipe.
struct Highlighter {
  bool tty = false;
  std::string open() const { return tty ? "\033[1;33m" : "\u00ab"; }
  std::string close() const { return tty ? "\033[0m" : "\u00bb"; }
};
Highlighter stdout_highlighter();

std::string html_escape(const std::string& s);

}  // namespace dossier::cli
