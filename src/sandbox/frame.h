// The frame layer of the worker protocol (docs/formats/ipc.md): every message between the ingest
// and a sandboxed worker travels as one or more frames of at most kMaxFramePayload bytes, each an
// 8-byte header and a payload. Pure functions and one small state machine, no I/O, so the codec
// is tested apart from sockets.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "core/result.h"

namespace dossier::sandbox {

// Parent → worker: 1..15. Worker → parent: 16 and up.
enum class MessageType : uint8_t {
  kHello = 1,        // start-up settings (limits, OCR); the first message a worker reads
  kExtract = 2,      // one item to extract; carries the item's read-only fd (SCM_RIGHTS)
  kReady = 16,       // the worker is warmed up, limited and filtered; waiting for kExtract
  kStartFailed = 17,  // the worker could not set itself up; an Error follows, then it exits
  kChild = 18,       // one embedded item, streamed as soon as the extractor finds it
  kPage = 19,        // one page of text, streamed before the result
  kResult = 20,      // the end of an extraction: the rest of the Extraction, or an Error
  kProgress = 21,    // empty: the extraction advanced (a page was OCR'd); the deadline restarts
};

bool is_known_message_type(uint8_t type);
const char* message_type_name(MessageType type);

inline constexpr size_t kFrameHeaderSize = 8;
inline constexpr uint32_t kMaxFramePayload = 1u << 20;  // 1 MiB
inline constexpr uint8_t kFrameMore = 0x01;             // the message continues in the next frame

struct FrameHeader {
  uint32_t length = 0;  // payload bytes, <= kMaxFramePayload
  MessageType type = MessageType::kHello;
  uint8_t flags = 0;  // kFrameMore or 0
  bool more() const { return (flags & kFrameMore) != 0; }
};

using FrameHeaderBytes = std::array<uint8_t, kFrameHeaderSize>;

FrameHeaderBytes encode_frame_header(const FrameHeader& header);
// kCorrupt for an unknown type, unknown flags, a non-zero reserved field or a payload over
// kMaxFramePayload: the peer is broken or hostile, and the connection cannot be trusted further.
Result<FrameHeader> decode_frame_header(std::span<const uint8_t, kFrameHeaderSize> bytes);

// Splits a message of `size` bytes into frames: calls emit(header, offset, length) for each.
// An empty message is one frame with an empty payload.
template <typename Emit>
void for_each_frame(MessageType type, size_t size, Emit&& emit) {
  size_t offset = 0;
  do {
    size_t n = size - offset < kMaxFramePayload ? size - offset : kMaxFramePayload;
    FrameHeader h{static_cast<uint32_t>(n), type, static_cast<uint8_t>(offset + n < size ? kFrameMore : 0)};
    emit(h, offset, n);
    offset += n;
  } while (offset < size);
}

// Joins frames into messages. Feed it each frame's header, then its payload; it reports when a
// message is complete. Rejects (kCorrupt) a continuation frame of another type, and (kLimit) a
// message that grows past max_message_bytes, so a hostile worker cannot make the ingest buffer
// without bound.
class MessageAssembler {
 public:
  explicit MessageAssembler(uint64_t max_message_bytes) : max_(max_message_bytes) {}

  // REQUIRES: no frame is half-fed (begin_frame, then append the payload, then end_frame).
  Status begin_frame(const FrameHeader& header);
  // The payload of the current frame, in one or more pieces.
  void append(std::span<const uint8_t> bytes);
  // Where the next payload bytes go, for callers that read the socket straight into the message;
  // commit() says how many arrived.
  std::span<uint8_t> reserve(size_t n);
  void commit(size_t n);
  // True when the frame just ended completed a message: take() it.
  bool end_frame();
  MessageType type() const { return type_; }
  // Hands over the completed message and gets ready for the next one.
  std::string take();
  void set_limit(uint64_t max_message_bytes) { max_ = max_message_bytes; }
  bool in_message() const { return in_message_; }

 private:
  uint64_t max_;
  MessageType type_ = MessageType::kHello;
  bool in_message_ = false;  // a frame with kFrameMore was seen and its message is not complete
  bool last_more_ = false;
  std::string buffer_;
  size_t reserved_at_ = 0;
};

}  // namespace dossier::sandbox
