// The ingest's handle on one sandboxed worker process: starting it from the dossier binary,
// killing and reaping it, and saying in words why it died.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <memory>
#include <string>

#include "core/result.h"
#include "sandbox/alloc_watch.h"
#include "sandbox/channel.h"
#include "sandbox/extraction_runner.h"

namespace dossier::sandbox {

// argv[1] that makes the dossier binary a worker (cli/main.cpp hands over to worker_main).
inline constexpr const char* kWorkerArg = "__extract-worker";

// The worker's ends of its socket and of the shared status page, at fixed descriptor numbers.
inline constexpr int kWorkerSocketFd = 3;
inline constexpr int kWorkerStatusFd = 4;

class WorkerProcess {
 public:
  // Starts a worker and sends it its settings; does not wait.
  //
  // The worker dies with the thread that starts it (PR_SET_PDEATHSIG follows the parent thread),
  // so start workers on a thread that outlives them.
  static Result<std::unique_ptr<WorkerProcess>> start(const SandboxConfig& config);
  // An inert handle (no process); start() returns live ones.
  WorkerProcess() = default;
  // Waits (up to 60 s) until the worker reports ready: warmed up, limited and under its seccomp
  // filter. kInternal with the worker's own reason when it cannot sandbox itself. Any thread.
  Status wait_ready();

  // Closes the socket (the worker exits on end of file), waits briefly, then kills.
  ~WorkerProcess();
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;

  pid_t pid() const { return pid_; }
  Channel& channel() { return channel_; }
  // Written by the worker; read as untrusted hints.
  uint64_t alloc_failures() const { return status_->alloc_failures.load(std::memory_order_relaxed); }
  const std::string& ocr_status() const { return ocr_status_; }

  // SIGKILL unless it has already exited, then reaps. Returns the wait status. Idempotent.
  int kill_and_reap();
  // For a worker whose socket closed: gives it a moment to finish exiting, then kill_and_reap().
  int reap_after_close();

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  int wait_status_ = 0;
  Channel channel_;
  StatusPage* status_ = nullptr;  // MAP_SHARED with the worker
  std::string ocr_status_;
  std::string executable_;
  bool ready_ = false;
};

// "worker killed by signal SIGSEGV (Segmentation fault)", "worker exited with status 3".
std::string describe_wait_status(int status);

}  // namespace dossier::sandbox
