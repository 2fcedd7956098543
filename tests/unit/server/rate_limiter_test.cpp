#include "server/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace qabot::server {
namespace {

using namespace std::chrono_literals;

struct FakeClock {
  RateLimiter::Clock::time_point now{};
  RateLimiter::Now fn() {
    return [this] { return now; };
  }
};

TEST(RateLimiterTest, AllowsABurstThenRefuses) {
  FakeClock clock;
  RateLimiter limiter(10, 3, clock.fn());
  EXPECT_TRUE(limiter.try_acquire());
  EXPECT_TRUE(limiter.try_acquire());
  EXPECT_TRUE(limiter.try_acquire());
  EXPECT_FALSE(limiter.try_acquire());
}

TEST(RateLimiterTest, RefillsAtTheRate) {
  FakeClock clock;
  RateLimiter limiter(10, 2, clock.fn());
  ASSERT_TRUE(limiter.try_acquire());
  ASSERT_TRUE(limiter.try_acquire());
  ASSERT_FALSE(limiter.try_acquire());
  clock.now += 50ms;  // half a token
  EXPECT_FALSE(limiter.try_acquire());
  clock.now += 50ms;
  EXPECT_TRUE(limiter.try_acquire());
  EXPECT_FALSE(limiter.try_acquire());
}

TEST(RateLimiterTest, NeverSavesMoreThanTheBurst) {
  FakeClock clock;
  RateLimiter limiter(100, 5, clock.fn());
  clock.now += 1h;
  EXPECT_DOUBLE_EQ(limiter.available(), 5);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.try_acquire());
  EXPECT_FALSE(limiter.try_acquire());
}

TEST(RateLimiterTest, ClockGoingBackwardsAddsNothing) {
  FakeClock clock;
  clock.now += 10s;
  RateLimiter limiter(1, 1, clock.fn());
  ASSERT_TRUE(limiter.try_acquire());
  clock.now -= 5s;
  EXPECT_FALSE(limiter.try_acquire());
}

TEST(RateLimiterTest, ZeroRateDisablesLimiting) {
  FakeClock clock;
  RateLimiter limiter(0, 1, clock.fn());
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(limiter.try_acquire());
}

}  // namespace
}  // namespace qabot::server
