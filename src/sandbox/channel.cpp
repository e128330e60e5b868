#include "sandbox/channel.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>

namespace dossier::sandbox {
namespace {

constexpr int kSocketBuffer = 1 << 20;
constexpr auto kCancelPoll = std::chrono::milliseconds(100);

Error socket_error(const char* what, int err) {
  return Error{ErrorCode::kIo, std::string(what) + ": " + std::strerror(err), "worker socket"};
}

// Sends every byte of iov[0..count), retrying short writes. The fd, when given, goes with the
// first byte.
Status write_iov(int sock, std::vector<iovec> iov, int pass_fd, SendMode mode) {
  size_t first = 0;
  bool fd_sent = pass_fd < 0;
  while (first < iov.size()) {
    msghdr msg{};
    msg.msg_iov = iov.data() + first;
    msg.msg_iovlen = iov.size() - first;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    if (!fd_sent) {
      std::memset(control, 0, sizeof control);
      msg.msg_control = control;
      msg.msg_controllen = sizeof control;
      cmsghdr* c = CMSG_FIRSTHDR(&msg);
      c->cmsg_level = SOL_SOCKET;
      c->cmsg_type = SCM_RIGHTS;
      c->cmsg_len = CMSG_LEN(sizeof(int));
      std::memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
    }
    int flags = MSG_NOSIGNAL | (mode == SendMode::kNonBlocking ? MSG_DONTWAIT : 0);
    ssize_t n = ::sendmsg(sock, &msg, flags);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        return Error{ErrorCode::kIo, "the worker does not read its socket", "worker socket"};
      }
      return socket_error("cannot send to the worker", errno);
    }
    fd_sent = true;
    auto left = static_cast<size_t>(n);
    while (first < iov.size() && left >= iov[first].iov_len) {
      left -= iov[first].iov_len;
      ++first;
    }
    if (first < iov.size()) {
      iov[first].iov_base = static_cast<char*>(iov[first].iov_base) + left;
      iov[first].iov_len -= left;
    }
  }
  return ok_status();
}

}  // namespace

Result<std::pair<UniqueFd, UniqueFd>> make_socketpair() {
  int sv[2] = {-1, -1};
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    return socket_error("cannot create a socket pair for a worker", errno);
  }
  std::pair<UniqueFd, UniqueFd> ends{UniqueFd(sv[0]), UniqueFd(sv[1])};
  for (int fd : sv) {
    // Larger buffers mean fewer wake-ups for big pages and children; the kernel caps them.
    (void)::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &kSocketBuffer, sizeof kSocketBuffer);
    (void)::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &kSocketBuffer, sizeof kSocketBuffer);
  }
  return ends;
}

namespace {

// Appends the iovecs of one message's frames: each frame's header (kept in `headers`, which must
// not reallocate meanwhile) and the slices of `parts` it covers.
void add_frames(MessageType type, std::span<const std::string_view> parts, std::deque<FrameHeaderBytes>& headers,
                std::vector<std::vector<iovec>>& frames) {
  size_t total = 0;
  for (auto p : parts) total += p.size();
  for_each_frame(type, total, [&](const FrameHeader& h, size_t offset, size_t n) {
    headers.push_back(encode_frame_header(h));
    std::vector<iovec> iov;
    iov.push_back({headers.back().data(), headers.back().size()});
    size_t at = 0;
    for (auto p : parts) {
      size_t begin = std::max(offset, at);
      size_t end = std::min(offset + n, at + p.size());
      if (begin < end) iov.push_back({const_cast<char*>(p.data()) + (begin - at), end - begin});
      at += p.size();
    }
    frames.push_back(std::move(iov));
  });
}

// Sends whole frames, as many per system call as fit in one iovec array.
Status send_frames(int sock, const std::vector<std::vector<iovec>>& frames, int pass_fd, SendMode mode) {
  constexpr size_t kMaxIov = 1000;  // under the kernel's UIO_MAXIOV (1024)
  std::vector<iovec> batch;
  bool first = true;
  for (size_t i = 0; i < frames.size(); ++i) {
    batch.insert(batch.end(), frames[i].begin(), frames[i].end());
    bool last = i + 1 == frames.size();
    if (last || batch.size() + frames[i + 1].size() > kMaxIov) {
      DOSSIER_RETURN_IF_ERROR(write_iov(sock, std::move(batch), first ? pass_fd : -1, mode));
      batch.clear();
      first = false;
    }
  }
  return ok_status();
}

}  // namespace

Status Channel::send(MessageType type, std::span<const std::string_view> parts, int pass_fd, SendMode mode) {
  std::deque<FrameHeaderBytes> headers;
  std::vector<std::vector<iovec>> frames;
  add_frames(type, parts, headers, frames);
  return send_frames(fd_.get(), frames, pass_fd, mode);
}

Status Channel::send_all(std::span<const Outgoing> messages) {
  std::deque<FrameHeaderBytes> headers;
  std::vector<std::vector<iovec>> frames;
  for (const auto& m : messages) add_frames(m.type, m.parts, headers, frames);
  return send_frames(fd_.get(), frames, -1, SendMode::kBlocking);
}

ReceiveStatus Channel::fill(Clock::time_point deadline, const std::atomic<bool>* cancel, bool accept_fd, Error& error) {
  if (rpos_ == rend_) rpos_ = rend_ = 0;
  for (;;) {
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) return ReceiveStatus::kCancelled;
    int timeout = -1;
    if (deadline != Clock::time_point::max() || cancel != nullptr) {
      auto now = Clock::now();
      if (now >= deadline) return ReceiveStatus::kTimedOut;
      auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - now);
      if (cancel != nullptr) left = std::min(left, std::chrono::duration_cast<std::chrono::milliseconds>(kCancelPoll));
      timeout = static_cast<int>(std::min<int64_t>(left.count(), INT32_MAX));
    }
    if (timeout >= 0) {
      pollfd p{fd_.get(), POLLIN, 0};
      int r = ::poll(&p, 1, timeout);
      if (r < 0) {
        if (errno == EINTR) continue;
        error = socket_error("cannot wait for the worker", errno);
        return ReceiveStatus::kBroken;
      }
      if (r == 0) continue;  // re-check the deadline and the cancel flag
    }
    iovec iov{rbuf_.data() + rend_, rbuf_.size() - rend_};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 4)];
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n = ::recvmsg(fd_.get(), &msg, MSG_CMSG_CLOEXEC);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      if (errno == ECONNRESET) return ReceiveStatus::kClosed;
      error = socket_error("cannot read from the worker", errno);
      return ReceiveStatus::kBroken;
    }
    bool extra_fd = false;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
      size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (size_t i = 0; i < count; ++i) {
        int fd = -1;
        std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
        UniqueFd owned(fd);  // closed unless kept below
        if (accept_fd && !pending_fd_.valid()) {
          pending_fd_ = std::move(owned);
        } else {
          extra_fd = true;
        }
      }
    }
    if (extra_fd || (msg.msg_flags & MSG_CTRUNC) != 0) {
      error = Error{ErrorCode::kCorrupt, "unexpected file descriptors on the worker socket", "worker socket"};
      return ReceiveStatus::kBroken;
    }
    if (n == 0) return ReceiveStatus::kClosed;
    rend_ += static_cast<size_t>(n);
    return ReceiveStatus::kMessage;
  }
}

size_t Channel::drain(uint8_t* dst, size_t n) {
  size_t k = std::min(n, rend_ - rpos_);
  std::memcpy(dst, rbuf_.data() + rpos_, k);
  rpos_ += k;
  return k;
}

ReceiveStatus Channel::receive(Message& out, uint64_t max_bytes, Clock::time_point deadline,
                               const std::atomic<bool>* cancel, bool accept_fd, Error& error) {
  MessageAssembler assembler(max_bytes);
  for (;;) {
    FrameHeaderBytes head{};
    size_t got = 0;
    while (got < head.size()) {
      if (rpos_ == rend_) {
        ReceiveStatus s = fill(deadline, cancel, accept_fd, error);
        if (s != ReceiveStatus::kMessage) return s;
      }
      got += drain(head.data() + got, head.size() - got);
    }
    auto header = decode_frame_header(head);
    if (!header.has_value()) {
      error = header.error();
      return ReceiveStatus::kBroken;
    }
    if (Status s = assembler.begin_frame(*header); !s.has_value()) {
      error = s.error();
      return ReceiveStatus::kBroken;
    }
    std::span<uint8_t> dst = assembler.reserve(header->length);
    size_t have = drain(dst.data(), dst.size());
    while (have < dst.size()) {
      ReceiveStatus s = fill(deadline, cancel, accept_fd, error);
      if (s != ReceiveStatus::kMessage) return s;
      have += drain(dst.data() + have, dst.size() - have);
    }
    assembler.commit(have);
    if (assembler.end_frame()) {
      out.type = assembler.type();
      out.payload = assembler.take();
      out.fd = std::move(pending_fd_);
      return ReceiveStatus::kMessage;
    }
  }
}

}  // namespace dossier::sandbox
