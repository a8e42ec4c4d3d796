#include "throttle.h"

#include <cmath>

namespace repere::web {

Throttle::Bucket& Throttle::refilled(const std::string& address, Clock::time_point now) {
  // Full buckets say nothing: they are dropped when the map grows, so that a crowd of
  // addresses cannot fill the memory.
  if (buckets_.size() > 100000) {
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      const double refill = std::chrono::duration<double>(now - it->second.at).count() * rate();
      it = it->second.tokens + refill >= burst_ ? buckets_.erase(it) : std::next(it);
    }
  }
  auto [it, fresh] = buckets_.try_emplace(address, Bucket{static_cast<double>(burst_), now});
  Bucket& b = it->second;
  if (!fresh) {
    const double refill = std::chrono::duration<double>(now - b.at).count() * rate();
    b.tokens = std::min<double>(burst_, b.tokens + refill);
    b.at = now;
  }
  return b;
}

int Throttle::wait_seconds(const std::string& address, Clock::time_point now) {
  const std::lock_guard lock(mutex_);
  const Bucket& b = refilled(address, now);
  if (b.tokens >= 1) return 0;
  return std::max(1, static_cast<int>(std::ceil((1 - b.tokens) / rate())));
}

void Throttle::note(const std::string& address, Clock::time_point now) {
  const std::lock_guard lock(mutex_);
  Bucket& b = refilled(address, now);
  b.tokens = std::max(0.0, b.tokens - 1);
}

}  // namespace repere::web
