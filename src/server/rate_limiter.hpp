#pragma once
// Token bucket: `rate` tokens a second, at most `burst` saved up. Not thread-safe: one per
// connection, used on that connection's strand.

#include <chrono>
#include <functional>

namespace qabot::server {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  using Now = std::function<Clock::time_point()>;

  // rate <= 0 disables limiting (every try_acquire succeeds).
  RateLimiter(
      double rate_per_second, double burst, Now now = [] { return Clock::now(); });

  bool try_acquire(double tokens = 1.0);
  double available();  // tokens now, after refill

 private:
  void refill();

  double rate_;
  double burst_;
  double tokens_;
  Now now_;
  Clock::time_point last_;
};

}  // namespace qabot::server
