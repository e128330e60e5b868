// The `dossier` subcommands. Each add_* registers one subcommand on the app; when it runs, its
// callback stores the exit code in `rc`.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/cli_util.h"

namespace dossier::cli {

void add_init(CLI::App& app, GlobalOptions& g, int& rc);
void add_ingest(CLI::App& app, GlobalOptions& g, int& rc);
void add_config(CLI::App& app, GlobalOptions& g, int& rc);
void add_stats(CLI::App& app, GlobalOptions& g, int& rc);
void add_failures(CLI::App& app, GlobalOptions& g, int& rc);
void add_search(CLI::App& app, GlobalOptions& g, int& rc);
void add_show(CLI::App& app, GlobalOptions& g, int& rc);
void add_custody(CLI::App& app, GlobalOptions& g, int& rc);
void add_bundle(CLI::App& app, GlobalOptions& g, int& rc);
void add_verify_bundle(CLI::App& app, GlobalOptions& g, int& rc);

}  // namespace dossier::cli
