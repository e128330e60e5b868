#include "sandbox/worker_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <thread>
#include <vector>

#include "sandbox/wire.h"

extern char** environ;

namespace dossier::sandbox {
namespace {

constexpr auto kStartTimeout = std::chrono::seconds(60);

Error spawn_error(const std::string& what, int err) {
  return Error{ErrorCode::kInternal, "cannot start an extraction worker: " + what + ": " + std::strerror(err),
               "run with --no-sandbox to extract without worker processes (not for untrusted files)"};
}

// Keeps fd away from the numbers the worker's ends are moved to, so that dup2 in the child is
// never a no-op that leaves close-on-exec set.
Result<UniqueFd> above_fixed_fds(UniqueFd fd) {
  if (fd.get() > kWorkerStatusFd) return fd;
  int moved = ::fcntl(fd.get(), F_DUPFD_CLOEXEC, kWorkerStatusFd + 1);
  if (moved < 0) return spawn_error("fcntl", errno);
  return UniqueFd(moved);
}

// The parent's environment, plus one OpenMP thread per worker (the pool already runs one worker
// per core; Tesseract's own threads would only contend with it).
std::vector<std::string> worker_environment() {
  std::vector<std::string> env;
  bool omp = false;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view kv(*e);
    if (kv.substr(0, 17) == "OMP_THREAD_LIMIT=") omp = true;
    env.emplace_back(kv);
  }
  if (!omp) env.emplace_back("OMP_THREAD_LIMIT=1");
  return env;
}

class SpawnActions {
 public:
  SpawnActions() { posix_spawn_file_actions_init(&fa_); }
  ~SpawnActions() { posix_spawn_file_actions_destroy(&fa_); }
  SpawnActions(const SpawnActions&) = delete;
  SpawnActions& operator=(const SpawnActions&) = delete;
  posix_spawn_file_actions_t* get() { return &fa_; }

 private:
  posix_spawn_file_actions_t fa_;
};

class SpawnAttr {
 public:
  SpawnAttr() { posix_spawnattr_init(&attr_); }
  ~SpawnAttr() { posix_spawnattr_destroy(&attr_); }
  SpawnAttr(const SpawnAttr&) = delete;
  SpawnAttr& operator=(const SpawnAttr&) = delete;
  posix_spawnattr_t* get() { return &attr_; }

 private:
  posix_spawnattr_t attr_;
};

}  // namespace

std::string describe_wait_status(int status) {
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    const char* abbrev = sigabbrev_np(sig);
    const char* descr = sigdescr_np(sig);
    std::string out = "worker killed by signal " + (abbrev != nullptr ? "SIG" + std::string(abbrev) : std::to_string(sig));
    if (descr != nullptr) out += std::string(" (") + descr + ")";
    if (sig == SIGKILL) out += " from outside the ingest: the system's out-of-memory killer?";
    return out;
  }
  if (WIFEXITED(status)) return "worker exited with status " + std::to_string(WEXITSTATUS(status));
  return "worker stopped with wait status " + std::to_string(status);
}

Result<std::unique_ptr<WorkerProcess>> WorkerProcess::start(const SandboxConfig& config) {
  DOSSIER_ASSIGN_OR_RETURN(auto ends, make_socketpair());
  DOSSIER_ASSIGN_OR_RETURN(UniqueFd worker_end, above_fixed_fds(std::move(ends.second)));
  UniqueFd page_fd(::memfd_create("dossier-worker-status", MFD_CLOEXEC));
  if (!page_fd.valid()) return spawn_error("memfd_create", errno);
  DOSSIER_ASSIGN_OR_RETURN(page_fd, above_fixed_fds(std::move(page_fd)));
  const auto page_size = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  if (::ftruncate(page_fd.get(), static_cast<off_t>(page_size)) != 0) return spawn_error("ftruncate", errno);
  void* page = ::mmap(nullptr, page_size, PROT_READ | PROT_WRITE, MAP_SHARED, page_fd.get(), 0);
  if (page == MAP_FAILED) return spawn_error("mmap", errno);

  auto w = std::make_unique<WorkerProcess>();
  w->status_ = new (page) StatusPage();  // NOLINT(cppcoreguidelines-owning-memory): placement in the shared page
  w->channel_ = Channel(std::move(ends.first));

  SpawnActions fa;
  posix_spawn_file_actions_addopen(fa.get(), STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  // stdout may carry --json output: a worker never writes there. stderr stays shared.
  posix_spawn_file_actions_addopen(fa.get(), STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(fa.get(), worker_end.get(), kWorkerSocketFd);
  posix_spawn_file_actions_adddup2(fa.get(), page_fd.get(), kWorkerStatusFd);
  // Whatever else the ingest has open (catalog, index, blobs) stays out of the worker.
  posix_spawn_file_actions_addclosefrom_np(fa.get(), kWorkerStatusFd + 1);
  SpawnAttr attr;
  sigset_t none;
  sigemptyset(&none);
  sigset_t all;
  sigfillset(&all);
  posix_spawnattr_setsigmask(attr.get(), &none);
  posix_spawnattr_setsigdefault(attr.get(), &all);
  posix_spawnattr_setflags(attr.get(), POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::string arg0 = "dossier";
  std::string arg1 = kWorkerArg;
  std::vector<char*> argv = {arg0.data(), arg1.data(), nullptr};
  std::vector<std::string> env = worker_environment();
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, config.executable.c_str(), fa.get(), attr.get(), argv.data(), envp.data());
  if (rc != 0) return spawn_error(config.executable.string(), rc);
  w->pid_ = pid;
  worker_end.reset();

  WorkerSettings settings;
  settings.address_space_bytes = config.address_space_bytes;
  settings.ocr = config.ocr;
  if (Status s = w->channel_.send(MessageType::kHello, encode_settings(settings), -1, SendMode::kNonBlocking);
      !s.has_value()) {
    return Error{ErrorCode::kInternal, "extraction worker did not start: " + describe_wait_status(w->kill_and_reap()), ""};
  }
  w->executable_ = config.executable.string();
  return w;
}

Status WorkerProcess::wait_ready() {
  if (ready_) return ok_status();
  Message msg;
  Error error;
  ReceiveStatus st = channel_.receive(msg, 1 << 20, Clock::now() + kStartTimeout, nullptr, false, error);
  if (st == ReceiveStatus::kMessage && msg.type == MessageType::kStartFailed) {
    WireReader r(msg.payload);
    Error e;
    Status decoded = decode_error(r, e);
    kill_and_reap();
    if (!decoded.has_value()) return Error{ErrorCode::kInternal, "extraction worker failed to start", ""};
    e.message = "cannot sandbox an extraction worker: " + e.message;
    if (e.context.empty()) e.context = "run with --no-sandbox to extract without the sandbox (not for untrusted files)";
    return e;
  }
  if (st != ReceiveStatus::kMessage || msg.type != MessageType::kReady) {
    std::string why = st == ReceiveStatus::kTimedOut ? "no answer within 60 s"
                      : st == ReceiveStatus::kBroken ? error.message
                                                     : describe_wait_status(reap_after_close());
    kill_and_reap();
    return Error{ErrorCode::kInternal, "extraction worker did not start: " + why, executable_};
  }
  auto ready = decode_ready(msg.payload);
  if (!ready.has_value() || ready->protocol != kProtocolVersion) {
    kill_and_reap();
    return Error{ErrorCode::kInternal, "extraction worker speaks another protocol version",
                 executable_};
  }
  ocr_status_ = ready->ocr_status;
  ready_ = true;
  return ok_status();
}

WorkerProcess::~WorkerProcess() {
  channel_.close();
  if (!reaped_ && pid_ > 0) {
    // An idle worker exits on end of file at once; one still busy is killed.
    for (int i = 0; i < 50 && !reaped_; ++i) {
      int status = 0;
      pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_ || (r < 0 && errno == ECHILD)) {
        reaped_ = true;
        wait_status_ = status;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    kill_and_reap();
  }
  if (status_ != nullptr) ::munmap(status_, static_cast<size_t>(::sysconf(_SC_PAGESIZE)));
}

int WorkerProcess::kill_and_reap() {
  if (reaped_ || pid_ <= 0) return wait_status_;
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
  wait_status_ = status;
  return wait_status_;
}

int WorkerProcess::reap_after_close() {
  // The kernel closes a dying process's sockets before it becomes a zombie; its status is final
  // by then, so a kill that races the end of its exit changes nothing.
  for (int i = 0; i < 250 && !reaped_; ++i) {
    int status = 0;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      reaped_ = true;
      wait_status_ = status;
      return wait_status_;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return kill_and_reap();
}

}  // namespace dossier::sandbox
