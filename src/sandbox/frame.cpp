#include "sandbox/frame.h"

#include <utility>

namespace dossier::sandbox {

bool is_known_message_type(uint8_t type) {
  switch (static_cast<MessageType>(type)) {
    case MessageType::kHello:
    case MessageType::kExtract:
    case MessageType::kReady:
    case MessageType::kStartFailed:
    case MessageType::kChild:
    case MessageType::kPage:
    case MessageType::kResult:
    case MessageType::kProgress:
      return true;
  }
  return false;
}

const char* message_type_name(MessageType type) {
  switch (type) {
    case MessageType::kHello: return "hello";
    case MessageType::kExtract: return "extract";
    case MessageType::kReady: return "ready";
    case MessageType::kStartFailed: return "start-failed";
    case MessageType::kChild: return "child";
    case MessageType::kPage: return "page";
    case MessageType::kResult: return "result";
    case MessageType::kProgress: return "progress";
  }
  return "unknown";
}

FrameHeaderBytes encode_frame_header(const FrameHeader& header) {
  FrameHeaderBytes b{};
  for (int i = 0; i < 4; ++i) b[static_cast<size_t>(i)] = static_cast<uint8_t>(header.length >> (8 * i));
  b[4] = static_cast<uint8_t>(header.type);
  b[5] = header.flags;
  b[6] = 0;
  b[7] = 0;
  return b;
}

Result<FrameHeader> decode_frame_header(std::span<const uint8_t, kFrameHeaderSize> b) {
  FrameHeader h;
  h.length = static_cast<uint32_t>(b[0]) | static_cast<uint32_t>(b[1]) << 8 | static_cast<uint32_t>(b[2]) << 16 |
             static_cast<uint32_t>(b[3]) << 24;
  if (h.length > kMaxFramePayload) {
    return Error{ErrorCode::kCorrupt, "frame of " + std::to_string(h.length) + " bytes exceeds the " +
                                          std::to_string(kMaxFramePayload) + "-byte maximum", ""};
  }
  if (!is_known_message_type(b[4])) {
    return Error{ErrorCode::kCorrupt, "unknown message type " + std::to_string(b[4]), ""};
  }
  h.type = static_cast<MessageType>(b[4]);
  if ((b[5] & ~kFrameMore) != 0) {
    return Error{ErrorCode::kCorrupt, "unknown frame flags " + std::to_string(b[5]), ""};
  }
  h.flags = b[5];
  if (b[6] != 0 || b[7] != 0) return Error{ErrorCode::kCorrupt, "reserved frame header bytes are not zero", ""};
  return h;
}

Status MessageAssembler::begin_frame(const FrameHeader& header) {
  if (in_message_ && header.type != type_) {
    return Error{ErrorCode::kCorrupt, std::string("a ") + message_type_name(header.type) + " frame interrupts a " +
                                          message_type_name(type_) + " message", ""};
  }
  if (!in_message_) {
    type_ = header.type;
    buffer_.clear();
  }
  if (buffer_.size() + header.length > max_) {
    return Error{ErrorCode::kLimit, std::string(message_type_name(header.type)) + " message exceeds " +
                                        std::to_string(max_) + " bytes", ""};
  }
  in_message_ = true;
  last_more_ = header.more();
  return ok_status();
}

void MessageAssembler::append(std::span<const uint8_t> bytes) {
  buffer_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

std::span<uint8_t> MessageAssembler::reserve(size_t n) {
  reserved_at_ = buffer_.size();
  buffer_.resize(reserved_at_ + n);
  return {reinterpret_cast<uint8_t*>(buffer_.data()) + reserved_at_, n};
}

void MessageAssembler::commit(size_t n) { buffer_.resize(reserved_at_ + n); }

bool MessageAssembler::end_frame() {
  if (last_more_) return false;
  in_message_ = false;
  return true;
}

std::string MessageAssembler::take() {
  in_message_ = false;
  return std::exchange(buffer_, std::string());
}

}  // namespace dossier::sandbox
