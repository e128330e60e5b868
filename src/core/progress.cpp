#include "core/progress.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>

namespace dossier {

Progress::Progress(Mode mode) : mode_(mode) {}

Progress::Mode Progress::auto_mode(bool json) {
  return (!json && ::isatty(STDERR_FILENO) == 1) ? Mode::kTerminal : Mode::kQuiet;
}

void Progress::add_total(uint64_t files, uint64_t bytes) {
  files_total_.fetch_add(files, std::memory_order_relaxed);
  bytes_total_.fetch_add(bytes, std::memory_order_relaxed);
}

void Progress::add_done(uint64_t files, uint64_t bytes) {
  files_done_.fetch_add(files, std::memory_order_relaxed);
  bytes_done_.fetch_add(bytes, std::memory_order_relaxed);
}

std::string Progress::human_bytes(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KB", "MB", "GB", "TB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1000 && u < 4) {
    v /= 1000;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, kUnits[u]);
  return buf;
}

std::string Progress::format_line(uint64_t files_done, uint64_t files_total, uint64_t bytes_done,
                                  uint64_t bytes_total, double seconds, uint64_t failures, bool total_known) {
  char buf[256];
  double rate = seconds > 0 ? static_cast<double>(bytes_done) / seconds : 0;
  std::string eta = "?";
  if (total_known && rate > 0 && bytes_total >= bytes_done) {
    auto left = static_cast<uint64_t>(std::llround(static_cast<double>(bytes_total - bytes_done) / rate));
    char e[32];
    std::snprintf(e, sizeof e, "%llu:%02llu", static_cast<unsigned long long>(left / 60),
                  static_cast<unsigned long long>(left % 60));
    eta = e;
  }
  std::snprintf(buf, sizeof buf, "%llu/%llu%s files  %s/%s  %s/s  ETA %s  %llu failed",
                static_cast<unsigned long long>(files_done), static_cast<unsigned long long>(files_total),
                total_known ? "" : "+", human_bytes(bytes_done).c_str(), human_bytes(bytes_total).c_str(),
                human_bytes(static_cast<uint64_t>(rate)).c_str(), eta.c_str(),
                static_cast<unsigned long long>(failures));
  return buf;
}

void Progress::tick() {
  if (mode_ == Mode::kQuiet) return;
  std::lock_guard lock(mu_);
  auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(200)) return;
  last_draw_ = now;
  draw(false);
}

void Progress::finish() {
  if (mode_ == Mode::kQuiet) return;
  std::lock_guard lock(mu_);
  draw(true);
}

void Progress::draw(bool final) {
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::string line = format_line(files_done_.load(), files_total_.load(), bytes_done_.load(), bytes_total_.load(),
                                 secs, failures_.load(), total_known_.load() || final);
  std::fprintf(stderr, "\r\033[K%s%s", line.c_str(), final ? "\n" : "");
  std::fflush(stderr);
}

}  // namespace dossier
