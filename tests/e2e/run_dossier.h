// Runs the dossier binary as a child process and captures what it prints.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace dossier::test {

struct RunResult {
  int exit_code = -1;  // -signal when killed
  std::string out;
  std::string err;
  long max_rss_kb = 0;  // peak resident set size of the process (getrusage ru_maxrss)
  // Peak anonymous resident size (heap and stacks, without mapped files), sampled every 20 ms;
  // only run_dossier_sampled() fills it.
  long max_anon_kb = 0;
  double seconds = 0;   // wall time
  nlohmann::json json() const { return nlohmann::json::parse(out); }
};

RunResult run_dossier(const std::vector<std::string>& args);

// The whole file's bytes; empty when it cannot be read.
std::string slurp(const std::filesystem::path& p);
// run_dossier() that also samples the anonymous resident size: ru_maxrss counts the pages of
// files the process maps (an archive it reads through), which are page cache the kernel can drop.
RunResult run_dossier_sampled(const std::vector<std::string>& args);

// Starts dossier without waiting; output goes to /dev/null. Returns the pid, or -1.
int spawn_dossier(const std::vector<std::string>& args);
// Waits for a spawned dossier; returns its exit code, or -signal. `max_rss_kb`, if given,
// receives its peak resident set size.
int wait_dossier(int pid, long* max_rss_kb = nullptr);

// A fresh directory under the system temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace dossier::test
