#include "sandbox/frame.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dossier::sandbox {
namespace {

std::span<const uint8_t, kFrameHeaderSize> span_of(const FrameHeaderBytes& b) {
  return std::span<const uint8_t, kFrameHeaderSize>(b.data(), kFrameHeaderSize);
}

TEST(Frame, HeaderRoundTrips) {
  FrameHeader h{12345, MessageType::kChild, kFrameMore};
  auto bytes = encode_frame_header(h);
  EXPECT_EQ(bytes[0], 0x39);  // little-endian length
  EXPECT_EQ(bytes[1], 0x30);
  auto back = decode_frame_header(span_of(bytes));
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(back->length, 12345u);
  EXPECT_EQ(back->type, MessageType::kChild);
  EXPECT_TRUE(back->more());
}

TEST(Frame, OversizedFrameIsRejected) {
  auto bytes = encode_frame_header({kMaxFramePayload, MessageType::kPage, 0});
  EXPECT_TRUE(decode_frame_header(span_of(bytes)).has_value());
  bytes = encode_frame_header({kMaxFramePayload + 1, MessageType::kPage, 0});
  auto r = decode_frame_header(span_of(bytes));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kCorrupt);
}

TEST(Frame, UnknownTypeFlagsOrReservedBytesAreRejected) {
  auto bytes = encode_frame_header({1, MessageType::kResult, 0});
  auto bad = bytes;
  bad[4] = 99;
  EXPECT_FALSE(decode_frame_header(span_of(bad)).has_value());
  bad = bytes;
  bad[5] = 0x02;
  EXPECT_FALSE(decode_frame_header(span_of(bad)).has_value());
  bad = bytes;
  bad[7] = 1;
  EXPECT_FALSE(decode_frame_header(span_of(bad)).has_value());
}

TEST(Frame, LargeMessageSplitsIntoMaximalFrames) {
  std::vector<FrameHeader> frames;
  size_t covered = 0;
  for_each_frame(MessageType::kChild, 2 * kMaxFramePayload + 7, [&](const FrameHeader& h, size_t offset, size_t n) {
    EXPECT_EQ(offset, covered);
    covered += n;
    frames.push_back(h);
  });
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0].length, kMaxFramePayload);
  EXPECT_TRUE(frames[0].more());
  EXPECT_TRUE(frames[1].more());
  EXPECT_EQ(frames[2].length, 7u);
  EXPECT_FALSE(frames[2].more());
  EXPECT_EQ(covered, 2 * kMaxFramePayload + 7);
}

TEST(Frame, EmptyMessageIsOneEmptyFrame) {
  int count = 0;
  for_each_frame(MessageType::kReady, 0, [&](const FrameHeader& h, size_t, size_t n) {
    ++count;
    EXPECT_EQ(n, 0u);
    EXPECT_FALSE(h.more());
  });
  EXPECT_EQ(count, 1);
}

TEST(MessageAssembler, JoinsFramesIntoOneMessage) {
  MessageAssembler a(1 << 20);
  std::string payload(3000, 'x');
  payload[2999] = 'y';
  size_t messages = 0;
  std::string got;
  for (size_t off = 0; off < payload.size(); off += 1000) {
    FrameHeader h{1000, MessageType::kPage, static_cast<uint8_t>(off + 1000 < payload.size() ? kFrameMore : 0)};
    ASSERT_TRUE(a.begin_frame(h).has_value());
    a.append({reinterpret_cast<const uint8_t*>(payload.data()) + off, 1000});
    if (a.end_frame()) {
      ++messages;
      EXPECT_EQ(a.type(), MessageType::kPage);
      got = a.take();
    }
  }
  EXPECT_EQ(messages, 1u);
  EXPECT_EQ(got, payload);
  EXPECT_FALSE(a.in_message());
}

TEST(MessageAssembler, MessageOverTheLimitIsRejected) {
  MessageAssembler a(1500);
  ASSERT_TRUE(a.begin_frame({1000, MessageType::kChild, kFrameMore}).has_value());
  a.append(std::vector<uint8_t>(1000));
  EXPECT_FALSE(a.end_frame());
  auto r = a.begin_frame({1000, MessageType::kChild, 0});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kLimit);
}

TEST(MessageAssembler, ContinuationOfAnotherTypeIsRejected) {
  MessageAssembler a(1 << 20);
  ASSERT_TRUE(a.begin_frame({10, MessageType::kChild, kFrameMore}).has_value());
  a.append(std::vector<uint8_t>(10));
  EXPECT_FALSE(a.end_frame());
  auto r = a.begin_frame({10, MessageType::kResult, 0});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kCorrupt);
}

}  // namespace
}  // namespace dossier::sandbox
