#include "core/bounded_queue.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace dossier {
namespace {

TEST(BoundedQueue, DeliversEveryItemAcrossThreads) {
  BoundedQueue<int> q(4);
  constexpr int kItems = 10000;
  std::vector<std::thread> producers;
  for (int p = 0; p < 4; ++p) {
    producers.emplace_back([&, p] {
      for (int i = p; i < kItems; i += 4) ASSERT_TRUE(q.push(i));
    });
  }
  long long sum = 0;
  int count = 0;
  std::thread consumer([&] {
    while (auto v = q.pop()) {
      sum += *v;
      ++count;
    }
  });
  for (auto& t : producers) t.join();
  q.close();
  consumer.join();
  EXPECT_EQ(count, kItems);
  EXPECT_EQ(sum, static_cast<long long>(kItems) * (kItems - 1) / 2);
}

TEST(BoundedQueue, PushFailsAfterClose) {
  BoundedQueue<int> q(1);
  q.close();
  EXPECT_FALSE(q.push(1));
  EXPECT_FALSE(q.pop().has_value());
}

}  // namespace
}  // namespace dossier
