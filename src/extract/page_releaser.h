// Lets the pages of an item that an extractor has read for the last time leave the resident set.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <span>

namespace dossier::extract {

// Containers (a mailbox, a tar) are read once, front to back. Without help, every page read
// stays resident until the whole extraction ends, so a 2 GB mailbox costs 2 GB of RSS. The
// pipeline maps items read-only and private, so the consumed pages can go. MADV_PAGEOUT rather than
// MADV_DONTNEED: on a file mapping both just drop the pages (they would be re-read from the file),
// but when the bytes are anonymous memory (a test's std::string, a caller that read the file)
// MADV_DONTNEED would zero the caller's buffer, while MADV_PAGEOUT never changes content. The
// kernel pages out file pages only for the file's owner (dossier's blob store is), else the call is
// a harmless no-op.
class PageReleaser {
 public:
  explicit PageReleaser(std::span<const uint8_t> bytes) : bytes_(bytes) {
    const long page = sysconf(_SC_PAGESIZE);
    page_ = page > 0 ? static_cast<uintptr_t>(page) : 4096;
    released_ = round_up(reinterpret_cast<uintptr_t>(bytes.data()));
  }
  // Everything before offset `upto` has been read for the last time.
  void release_before(size_t upto) {
#ifdef MADV_PAGEOUT
    const uintptr_t end = round_down(reinterpret_cast<uintptr_t>(bytes_.data()) + upto);
    if (end < released_ + kBatch)
      return;
    madvise(reinterpret_cast<void*>(released_), end - released_, MADV_PAGEOUT);
    released_ = end;
#else
    (void)upto;
#endif
  }

 private:
  static constexpr uintptr_t kBatch = 16u << 20;  // one system call per 16 MiB
  uintptr_t round_up(uintptr_t p) const {
    return (p + page_ - 1) / page_ * page_;
  }
  uintptr_t round_down(uintptr_t p) const {
    return p / page_ * page_;
  }

  std::span<const uint8_t> bytes_;
  uintptr_t page_ = 4096;
  uintptr_t released_ = 0;
};

}  // namespace dossier::extract
