#include "cli/cli_util.h"

#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <iostream>

namespace dossier::cli {

int fail(const Error& error) {
  std::fprintf(stderr, "dossier: %s\n", error.to_string().c_str());
  return kExitUsage;
}

Result<std::unique_ptr<store::Catalog>> open_catalog(const std::filesystem::path& dir, store::OpenMode mode) {
  if (!ingest::is_project(dir)) return ingest::no_project_error(dir);
  return store::open_sqlite_catalog(ingest::ProjectPaths{dir}.db().string(), mode);
}

Result<std::string> resolve_id(store::Catalog& catalog, const std::string& id_or_prefix) {
  std::string p;
  for (char c : id_or_prefix) p += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  bool hex = !p.empty() && p.find_first_not_of("0123456789abcdef") == std::string::npos;
  if (!hex || p.size() < 8 || p.size() > 64) {
    return Error{ErrorCode::kInvalidInput, "a document id is its sha256, or a unique prefix of at least 8 hex digits",
                 id_or_prefix};
  }
  DOSSIER_ASSIGN_OR_RETURN(auto ids, catalog.ids_with_prefix(p, 10));
  if (ids.empty()) return Error{ErrorCode::kNotFound, "no document has this id", id_or_prefix};
  if (ids.size() > 1) {
    std::string msg = "this prefix matches several documents; give more digits:";
    for (const auto& id : ids) msg += " " + id.substr(0, 16);
    return Error{ErrorCode::kInvalidInput, msg, id_or_prefix};
  }
  return ids.front();
}

std::string display_path(store::Catalog& catalog, const store::LocationRecord& loc) {
  std::string out = loc.path;
  std::string parent = loc.parent_id;
  // Containers can nest deeply but never cyclically (a parent's hash covers its children); the
  // bound only guards against a damaged catalog.
  for (int depth = 0; !parent.empty() && depth < 256; ++depth) {
    auto locs = catalog.locations(parent);
    if (!locs.has_value() || locs->empty()) {
      out = parent.substr(0, 12) + " \u203a " + out;
      break;
    }
    const auto& up = locs->front();
    out = up.path + " \u203a " + out;
    parent = up.parent_id;
  }
  return out;
}

std::vector<std::string> display_paths(store::Catalog& catalog, const std::string& doc_id) {
  std::vector<std::string> out;
  auto locs = catalog.locations(doc_id);
  if (!locs.has_value()) return out;
  for (const auto& l : *locs) out.push_back(display_path(catalog, l));
  return out;
}

void print_json(const nlohmann::json& j) {
  std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

Highlighter stdout_highlighter() { return Highlighter{::isatty(STDOUT_FILENO) == 1}; }

std::string html_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace dossier::cli
