#include "sandbox/channel.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <thread>

namespace dossier::sandbox {
namespace {

using std::chrono::milliseconds;

struct Pair {
  Channel a, b;
};

Pair make_pair_of_channels() {
  auto ends = make_socketpair();
  EXPECT_TRUE(ends.has_value());
  return {Channel(std::move(ends->first)), Channel(std::move(ends->second))};
}

ReceiveStatus receive(Channel& c, Message& m, uint64_t max = 64 << 20, milliseconds wait = milliseconds(5000),
                      bool accept_fd = false) {
  Error e;
  return c.receive(m, max, Clock::now() + wait, nullptr, accept_fd, e);
}

TEST(Channel, LargeMessageInSeveralPartsArrivesWhole) {
  Pair p = make_pair_of_channels();
  std::string head = "head:";
  std::string body(3 * kMaxFramePayload + 123, 'b');
  body[body.size() / 2] = 'M';
  std::thread sender([&] {
    std::string_view parts[] = {head, body};
    EXPECT_TRUE(p.a.send(MessageType::kChild, parts).has_value());
  });
  Message m;
  ASSERT_EQ(receive(p.b, m), ReceiveStatus::kMessage);
  sender.join();
  EXPECT_EQ(m.type, MessageType::kChild);
  EXPECT_EQ(m.payload, head + body);
  EXPECT_FALSE(m.fd.valid());
}

TEST(Channel, ManyMessagesInOneBatchArriveInOrder) {
  Pair p = make_pair_of_channels();
  constexpr int kPages = 1500;  // more iovecs than one sendmsg takes
  std::vector<std::string> texts;
  for (int i = 0; i < kPages; ++i) texts.push_back("page " + std::to_string(i));
  std::string big(kMaxFramePayload + 5, 'z');
  std::vector<Channel::Outgoing> out;
  for (const auto& t : texts) out.push_back({MessageType::kPage, {"h:", t}});
  out.push_back({MessageType::kPage, {big}});
  out.push_back({MessageType::kResult, {"done"}});
  std::thread sender([&] { EXPECT_TRUE(p.a.send_all(out).has_value()); });
  for (int i = 0; i < kPages; ++i) {
    Message m;
    ASSERT_EQ(receive(p.b, m), ReceiveStatus::kMessage);
    ASSERT_EQ(m.payload, "h:" + texts[static_cast<size_t>(i)]);
  }
  Message m;
  ASSERT_EQ(receive(p.b, m), ReceiveStatus::kMessage);
  EXPECT_EQ(m.payload, big);
  ASSERT_EQ(receive(p.b, m), ReceiveStatus::kMessage);
  EXPECT_EQ(m.type, MessageType::kResult);
  EXPECT_EQ(m.payload, "done");
  sender.join();
}

TEST(Channel, DescriptorRidesWithItsMessage) {
  Pair p = make_pair_of_channels();
  FILE* tmp = std::tmpfile();
  ASSERT_NE(tmp, nullptr);
  ASSERT_GE(std::fputs("item bytes", tmp), 0);
  std::fflush(tmp);
  ASSERT_TRUE(p.a.send(MessageType::kExtract, "request", ::fileno(tmp)).has_value());
  ASSERT_TRUE(p.a.send(MessageType::kExtract, "second, without").has_value());
  Message m;
  ASSERT_EQ(receive(p.b, m, 1 << 20, milliseconds(5000), true), ReceiveStatus::kMessage);
  EXPECT_EQ(m.payload, "request");
  ASSERT_TRUE(m.fd.valid());
  struct stat st {};
  ASSERT_EQ(::fstat(m.fd.get(), &st), 0);
  EXPECT_EQ(st.st_size, 10);
  Message second;
  ASSERT_EQ(receive(p.b, second, 1 << 20, milliseconds(5000), true), ReceiveStatus::kMessage);
  EXPECT_EQ(second.payload, "second, without");
  EXPECT_FALSE(second.fd.valid());
  std::fclose(tmp);
}

TEST(Channel, UnexpectedDescriptorBreaksTheChannel) {
  Pair p = make_pair_of_channels();
  ASSERT_TRUE(p.a.send(MessageType::kResult, "x", STDERR_FILENO).has_value());
  Message m;
  EXPECT_EQ(receive(p.b, m), ReceiveStatus::kBroken);
}

TEST(Channel, OversizedMessageBreaksTheChannel) {
  Pair p = make_pair_of_channels();
  std::string big(2 * kMaxFramePayload, 'x');
  std::thread sender([&] { (void)p.a.send(MessageType::kPage, big); });
  Message m;
  EXPECT_EQ(receive(p.b, m, kMaxFramePayload), ReceiveStatus::kBroken);
  p.b.close();
  sender.join();
}

TEST(Channel, TruncatedFrameThenCloseIsClosed) {
  auto ends = make_socketpair();
  ASSERT_TRUE(ends.has_value());
  auto header = encode_frame_header({100, MessageType::kResult, 0});
  ASSERT_EQ(::write(ends->first.get(), header.data(), header.size()), 8);
  ASSERT_EQ(::write(ends->first.get(), "only ten b", 10), 10);
  ends->first.reset();
  Channel c(std::move(ends->second));
  Message m;
  EXPECT_EQ(receive(c, m), ReceiveStatus::kClosed);
}

TEST(Channel, GarbageHeaderBreaksTheChannel) {
  auto ends = make_socketpair();
  ASSERT_TRUE(ends.has_value());
  ASSERT_EQ(::write(ends->first.get(), "GET / HTTP/1.1\r\n", 16), 16);
  Channel c(std::move(ends->second));
  Message m;
  EXPECT_EQ(receive(c, m), ReceiveStatus::kBroken);
}

TEST(Channel, SilentPeerTimesOutAndCancelIsHeard) {
  Pair p = make_pair_of_channels();
  Message m;
  auto start = Clock::now();
  EXPECT_EQ(receive(p.b, m, 1 << 20, milliseconds(200)), ReceiveStatus::kTimedOut);
  EXPECT_GE(Clock::now() - start, milliseconds(200));
  std::atomic<bool> cancel{true};
  Error e;
  EXPECT_EQ(p.b.receive(m, 1 << 20, Clock::time_point::max(), &cancel, false, e), ReceiveStatus::kCancelled);
}

TEST(Channel, NonBlockingSendFailsWhenThePeerDoesNotRead) {
  Pair p = make_pair_of_channels();
  std::string chunk(kMaxFramePayload, 'x');
  bool refused = false;
  for (int i = 0; i < 64 && !refused; ++i) {
    refused = !p.a.send(MessageType::kPage, chunk, -1, SendMode::kNonBlocking).has_value();
  }
  EXPECT_TRUE(refused);
}

}  // namespace
}  // namespace dossier::sandbox
