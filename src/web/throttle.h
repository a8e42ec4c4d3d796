// How often one client address (or one account) may do a thing — guess a class code, join a
// class, fail a login: a token bucket per key that refills over a period. Thread-safe.
// Internal to src/web.
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
  explicit Throttle(int per_minute) : Throttle(per_minute, std::chrono::minutes(1)) {}
  // `burst` events at once, refilled evenly over `period`.
  Throttle(int burst, std::chrono::seconds period)
      : burst_(burst), period_seconds_(static_cast<double>(period.count())) {}

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

  double rate() const { return burst_ / period_seconds_; }  // tokens per second

  int burst_;
  double period_seconds_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace repere::web
