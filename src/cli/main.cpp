// dossier: turn a pile of leaked files into evidence a newsroom can search, verify and publish.
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "cli/commands.h"
#include "sandbox/worker_main.h"
#include "sandbox/worker_process.h"

int main(int argc, char** argv) {
  using namespace dossier::cli;
  // Tesseract parallelises inside a page with OpenMP; dossier already runs one page per worker,
  // and both at once oversubscribe the cores (4x slower on 2 cores). libgomp reads its limit
  // when it is loaded, before main, so the process starts again with the limit set.
  if (std::getenv("OMP_THREAD_LIMIT") == nullptr) {
    setenv("OMP_THREAD_LIMIT", "1", 1);
    execv("/proc/self/exe", argv);  // returns only on failure: then run as we are
  }
  // The ingest starts its sandboxed extraction workers from this binary (src/sandbox).
  if (argc == 2 && std::strcmp(argv[1], dossier::sandbox::kWorkerArg) == 0) return dossier::sandbox::worker_main();
  CLI::App app{"dossier: search, verify and publish leaked documents, offline"};
  app.set_version_flag("--version", std::string("dossier ") + DOSSIER_VERSION);
  app.require_subcommand(1);
  GlobalOptions g;
  app.add_option("-p,--project", g.project, "project directory (default: $DOSSIER_PROJECT, else ./dossier-project)")
      ->envname("DOSSIER_PROJECT");
  app.add_flag("--json", g.json, "machine output: one JSON document on stdout");
  app.fallthrough();

  int rc = kExitOk;
  add_init(app, g, rc);
  add_ingest(app, g, rc);
  add_config(app, g, rc);
  add_search(app, g, rc);
  add_show(app, g, rc);
  add_stats(app, g, rc);
  add_failures(app, g, rc);
  add_custody(app, g, rc);
  add_bundle(app, g, rc);
  add_verify_bundle(app, g, rc);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  return rc;
}
