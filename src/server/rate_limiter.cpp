#include "server/rate_limiter.hpp"

#include <algorithm>
#include <utility>

namespace qabot::server {

RateLimiter::RateLimiter(double rate_per_second, double burst, Now now)
    : rate_(rate_per_second), burst_(std::max(burst, 1.0)), tokens_(burst_), now_(std::move(now)), last_(now_()) {}

void RateLimiter::refill() {
  const auto t = now_();
  if (t <= last_) return;  // a clock that goes backwards (or stands still) adds nothing
  const double elapsed = std::chrono::duration<double>(t - last_).count();
  tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
  last_ = t;
}

bool RateLimiter::try_acquire(double tokens) {
  if (rate_ <= 0) return true;
  refill();
  if (tokens_ < tokens) return false;
  tokens_ -= tokens;
  return true;
}

double RateLimiter::available() {
  refill();
  return tokens_;
}

}  // namespace qabot::server
