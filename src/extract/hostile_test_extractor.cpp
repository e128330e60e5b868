#include "extract/hostile_test_extractor.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <memory>
#include <vector>

namespace dossier::extract {
namespace {

std::string_view as_view(std::span<const uint8_t> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// "what: allowed" or "what: denied (reason)"; closes the descriptor when the call succeeded.
std::string outcome(const std::string& what, int fd, int err) {
  if (fd >= 0) {
    ::close(fd);
    return what + ": allowed\n";
  }
  return what + ": denied (" + std::strerror(err) + ")\n";
}

std::string probe_sockets() {
  std::string out;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  out += outcome("socket(AF_INET, SOCK_STREAM)", fd, errno);
  fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  out += outcome("socket(AF_UNIX, SOCK_STREAM)", fd, errno);
  int pair[2] = {-1, -1};
  int rc = ::socketpair(AF_UNIX, SOCK_STREAM, 0, pair);
  if (rc == 0) ::close(pair[1]);
  out += outcome("socketpair(AF_UNIX)", rc == 0 ? pair[0] : -1, errno);
  return out;
}

std::string probe_files() {
  std::string out;
  for (const char* path : {"/etc/passwd", "/proc/self/exe", "/proc/self/fd/3", "."}) {
    int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    out += outcome(std::string("open ") + path, fd, errno);
  }
  // A file it could write; removed again when the open worked (--no-sandbox).
  char tmp[] = "/tmp/dossier-test-open-XXXXXX";
  int fd = ::mkstemp(tmp);
  int err = errno;
  if (fd >= 0) ::unlink(tmp);
  out += outcome("create /tmp/dossier-test-open-*", fd, err);
  return out;
}

[[noreturn]] void segfault() {
  // An address the compiler cannot see is bad, so this is a real fault rather than a trap.
  volatile uintptr_t address = 8;
  *reinterpret_cast<volatile int*>(address) = 1;
  std::abort();
}

Result<Extraction> allocate_forever() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_AS, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) {
    return Error{ErrorCode::kInvalidInput, "DOSSIER-TEST-ALLOC runs only under an address-space limit", ""};
  }
  std::vector<std::unique_ptr<char[]>> held;  // NOLINT(modernize-avoid-c-arrays): raw chunks on purpose
  for (;;) {
    constexpr size_t kChunk = 64 << 20;
    held.push_back(std::make_unique<char[]>(kChunk));  // NOLINT(modernize-avoid-c-arrays)
    std::memset(held.back().get(), 1, kChunk);
  }
}

}  // namespace

MatchScore HostileTestExtractor::sniff(const Probe& probe) const {
  if (!enabled_) return kNoMatch;
  std::string_view head = as_view(probe.head);
  for (std::string_view magic : {kTestHang, kTestAlloc, kTestSegv, kTestSocket, kTestOpen, kTestChildrenSegv, kTestSlow}) {
    if (starts_with(head, magic)) return kExactMatch;
  }
  return kNoMatch;
}

Result<Extraction> HostileTestExtractor::extract(const Item& item, ExtractContext& ctx) const {
  std::string_view content = as_view(item.bytes);
  Extraction x;
  if (starts_with(content, kTestHang)) {
    std::atomic<uint64_t> spin{0};
    for (;;) spin.fetch_add(1, std::memory_order_relaxed);
  }
  if (starts_with(content, kTestAlloc)) return allocate_forever();
  if (starts_with(content, kTestSegv)) segfault();
  if (starts_with(content, kTestChildrenSegv)) {
    std::string_view rest = content.substr(kTestChildrenSegv.size());
    size_t blank = rest.find("\n\n");
    std::string_view first = rest.substr(0, blank);
    std::string_view second = blank == std::string_view::npos ? std::string_view() : rest.substr(blank + 2);
    DOSSIER_RETURN_IF_ERROR(ctx.emit_child(x, Child{"first.txt", std::string(first)}));
    DOSSIER_RETURN_IF_ERROR(ctx.emit_child(x, Child{"second.txt", std::string(second)}));
    segfault();
  }
  Page page;
  if (starts_with(content, kTestSlow)) {
    int steps = 0;
    std::string_view rest = content.substr(kTestSlow.size());
    while (!rest.empty()) {
      size_t eol = rest.find('\n');
      std::string line(rest.substr(0, eol));
      rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
      if (line.empty()) continue;
      std::this_thread::sleep_for(std::chrono::milliseconds(std::strtol(line.c_str(), nullptr, 10)));
      ctx.progress();
      ++steps;
    }
    page.text = std::to_string(steps) + " steps done\n";
  }
  if (starts_with(content, kTestSocket)) page.text = probe_sockets();
  if (starts_with(content, kTestOpen)) page.text = probe_files();
  if (page.text.empty()) return Error{ErrorCode::kUnsupported, "not a dossier test file", ""};
  x.pages.push_back(std::move(page));
  x.page_count = 1;
  return x;
}

}  // namespace dossier::extract
