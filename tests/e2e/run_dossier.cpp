#include "run_dossier.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

extern char** environ;

namespace dossier::test {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() /
          ("dossier-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" + std::to_string(rd()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

namespace {

// Starts dossier with stdin from /dev/null and stdout/stderr into the given files; -1 on failure.
int spawn_with_output(const std::vector<std::string>& args, const char* out, const char* err) {
  std::vector<std::string> argv_s = {DOSSIER_BIN};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  return rc == 0 ? pid : -1;
}

}  // namespace

namespace {

long anon_kb(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("RssAnon:", 0) == 0) return std::strtol(line.c_str() + 8, nullptr, 10);
  }
  return 0;
}

}  // namespace

RunResult run_dossier_sampled(const std::vector<std::string>& args) {
  TempDir io;
  auto out_path = io.path() / "out";
  auto err_path = io.path() / "err";
  RunResult r;
  int pid = spawn_with_output(args, out_path.c_str(), err_path.c_str());
  if (pid < 0) {
    r.err = std::string("cannot start ") + DOSSIER_BIN;
    return r;
  }
  auto start = std::chrono::steady_clock::now();
  int status = 0;
  struct rusage usage {};
  while (wait4(pid, &status, WNOHANG, &usage) == 0) {
    r.max_anon_kb = std::max(r.max_anon_kb, anon_kb(pid));
    ::usleep(20000);
  }
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  r.max_rss_kb = usage.ru_maxrss;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  return r;
}

RunResult run_dossier(const std::vector<std::string>& args) {
  TempDir io;
  auto out_path = io.path() / "out";
  auto err_path = io.path() / "err";
  RunResult r;
  int pid = spawn_with_output(args, out_path.c_str(), err_path.c_str());
  if (pid < 0) {
    r.err = std::string("cannot start ") + DOSSIER_BIN;
    return r;
  }
  auto start = std::chrono::steady_clock::now();
  r.exit_code = wait_dossier(pid, &r.max_rss_kb);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  return r;
}

int spawn_dossier(const std::vector<std::string>& args) {
  return spawn_with_output(args, "/dev/null", "/dev/null");
}

int wait_dossier(int pid, long* max_rss_kb) {
  int status = 0;
  struct rusage usage {};
  wait4(pid, &status, 0, &usage);
  if (max_rss_kb != nullptr) *max_rss_kb = usage.ru_maxrss;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

}  // namespace dossier::test
