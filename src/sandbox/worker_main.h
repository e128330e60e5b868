// The sandboxed worker: what `dossier __extract-worker` runs (cli/main.cpp hands over before
// parsing arguments). It talks to the ingest over descriptor 3 (docs/formats/ipc.md).
#pragma once

namespace dossier::sandbox {

// Sets itself up (warm-up, OCR engine, limits, privileges, seccomp), reports ready, then extracts
// items until the ingest closes the socket. Returns the process exit code.
int worker_main();

}  // namespace dossier::sandbox
