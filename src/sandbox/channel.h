// One end of the socketpair between the ingest and a worker: sends and receives whole messages
// as frames (sandbox/frame.h), with a file descriptor riding along when one is handed over.
//
// The parent's side waits with a deadline and a cancel flag and never blocks on a send; the
// worker's side simply blocks. Not thread-safe: one thread owns each end.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/file_util.h"
#include "core/result.h"
#include "sandbox/frame.h"

namespace dossier::sandbox {

using Clock = std::chrono::steady_clock;

struct Message {
  MessageType type = MessageType::kHello;
  std::string payload;
  UniqueFd fd;  // a descriptor that arrived with the message's first frame, if any
};

enum class ReceiveStatus {
  kMessage,   // `out` holds a whole message
  kClosed,    // the peer closed its end (a worker that exited or died)
  kTimedOut,  // the deadline passed first
  kCancelled,
  kBroken,    // the peer broke the protocol or the socket failed: `error` says how
};

enum class SendMode { kBlocking, kNonBlocking };

class Channel {
 public:
  Channel() = default;
  explicit Channel(UniqueFd fd) : fd_(std::move(fd)) {}

  int fd() const { return fd_.get(); }
  bool valid() const { return fd_.valid(); }
  void close() { fd_.reset(); }

  // Sends one message made of `parts` joined (so a large text or child is never copied into one
  // buffer), split into frames; `pass_fd` (>= 0) rides with the first frame. kNonBlocking fails
  // instead of waiting when the peer does not read, so a stuck worker cannot stall the ingest.
  Status send(MessageType type, std::span<const std::string_view> parts, int pass_fd = -1,
              SendMode mode = SendMode::kBlocking);
  Status send(MessageType type, std::string_view payload, int pass_fd = -1, SendMode mode = SendMode::kBlocking) {
    std::string_view parts[] = {payload};
    return send(type, parts, pass_fd, mode);
  }

  // Several messages in as few system calls as the kernel allows, so that the peer wakes once
  // for a document's pages and result rather than once per page. Blocking.
  struct Outgoing {
    MessageType type;
    std::vector<std::string_view> parts;
  };
  Status send_all(std::span<const Outgoing> messages);

  // Receives one whole message of at most max_bytes. `deadline` may be Clock::time_point::max().
  // `cancel`, when set, is polled every 100 ms. Descriptors are accepted only when accept_fd;
  // any other descriptor the peer sends is closed at once.
  ReceiveStatus receive(Message& out, uint64_t max_bytes, Clock::time_point deadline,
                        const std::atomic<bool>* cancel, bool accept_fd, Error& error);

 private:
  // Reads at least one byte into the read buffer, waiting for the deadline.
  ReceiveStatus fill(Clock::time_point deadline, const std::atomic<bool>* cancel, bool accept_fd, Error& error);
  // Copies up to n buffered bytes to dst; returns how many.
  size_t drain(uint8_t* dst, size_t n);

  UniqueFd fd_;
  std::vector<uint8_t> rbuf_ = std::vector<uint8_t>(64 << 10);
  size_t rpos_ = 0;
  size_t rend_ = 0;
  UniqueFd pending_fd_;  // received, not yet attached to a message
};

// A connected AF_UNIX stream socketpair, both ends close-on-exec, with large buffers.
Result<std::pair<UniqueFd, UniqueFd>> make_socketpair();

}  // namespace dossier::sandbox
