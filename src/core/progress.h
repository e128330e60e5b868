// The ingest progress line on stderr: files and bytes done of the total, rate, ETA, failures.
// Quiet unless stderr is a terminal (and never with --json). Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace dossier {

class Progress {
 public:
  enum class Mode { kQuiet, kTerminal };
  explicit Progress(Mode mode);
  // Chooses kTerminal when stderr is a TTY and json is false.
  static Mode auto_mode(bool json);

  void add_total(uint64_t files, uint64_t bytes);
  void add_done(uint64_t files, uint64_t bytes);
  void add_failure() { failures_.fetch_add(1, std::memory_order_relaxed); }
  // Redraws at most ~5 times a second.
  void tick();
  // Final redraw and newline.
  void finish();

  // Pure formatting, for tests: "1,234/5,000 files  1.2/3.4 GB  12.3 MB/s  ETA 0:42  3 failed".
  static std::string format_line(uint64_t files_done, uint64_t files_total, uint64_t bytes_done,
                                 uint64_t bytes_total, double seconds, uint64_t failures, bool total_known);
  static std::string human_bytes(uint64_t bytes);

  void set_total_known() { total_known_.store(true); }

 private:
  void draw(bool final);

  const Mode mode_;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::atomic<uint64_t> files_total_{0}, bytes_total_{0}, files_done_{0}, bytes_done_{0}, failures_{0};
  std::atomic<bool> total_known_{false};
  std::mutex mu_;
  std::chrono::steady_clock::time_point last_draw_{};  // guarded by mu_
};

}  // namespace dossier
