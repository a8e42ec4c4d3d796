// How often one client address may do a thing (guess a class code, join a class): a token
// bucket per address that refills over a minute. Thread-safe. Internal to src/web.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace repere::web {

class Throttle {
 public:
  using Clock = std::chrono::steady_clock;
  // `per_minute` events per address per minute, in bursts of as many.
  explicit Throttle(int per_minute) : per_minute_(per_minute) {}

  // 0 when `address` may act now; else the seconds to wait (for Retry-After).
  int wait_seconds(const std::string& address, Clock::time_point now = Clock::now());
  // Counts one event of `address`.
  void note(const std::string& address, Clock::time_point now = Clock::now());

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point at;
  };
  Bucket& refilled(const std::string& address, Clock::time_point now);

  int per_minute_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace repere::web
