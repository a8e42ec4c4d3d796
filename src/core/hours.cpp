#include "repere/core/hours.h"

#include <cstdio>
#include <ctime>

namespace repere {

namespace {

// "07:30" -> 450; -1 when it is not a time of day.
int minutes_of(std::string_view t) {
  if (t.size() != 5 || t[2] != ':') return -1;
  for (const std::size_t i : {0u, 1u, 3u, 4u}) {
    if (t[i] < '0' || t[i] > '9') return -1;
  }
  const int h = (t[0] - '0') * 10 + (t[1] - '0');
  const int m = (t[3] - '0') * 10 + (t[4] - '0');
  return h < 24 && m < 60 ? h * 60 + m : -1;
}

std::string clock(int minutes) {
  char out[8];
  std::snprintf(out, sizeof out, "%02d:%02d", minutes / 60 % 24, minutes % 60);
  return out;
}

}  // namespace

bool HourWindow::contains(int minute) const {
  if (always) return true;
  return from < to ? minute >= from && minute < to : minute >= from || minute < to;
}

int HourWindow::minutes_until_open(int minute) const {
  if (contains(minute)) return 0;
  return (from - minute + 1440) % 1440;
}

std::string HourWindow::to_string() const { return always ? "" : clock(from) + "-" + clock(to); }

Result<HourWindow> parse_hours(std::string_view text, std::string_view setting) {
  std::string t(text);
  while (!t.empty() && t.back() == ' ') t.pop_back();
  while (!t.empty() && t.front() == ' ') t.erase(0, 1);
  if (t.empty()) return HourWindow{};
  const std::size_t dash = t.find('-');
  const int from = dash == std::string::npos ? -1 : minutes_of(t.substr(0, dash));
  const int to = dash == std::string::npos ? -1 : minutes_of(t.substr(dash + 1));
  if (from < 0 || to < 0 || from == to) {
    return Status::invalid_argument(std::string(setting) +
                                    " must be empty (any time) or HH:MM-HH:MM in local time, "
                                    "such as 20:00-07:00 (not '" +
                                    t.substr(0, 40) + "')");
  }
  return HourWindow{.always = false, .from = from, .to = to};
}

int minute_of_day_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  return tm.tm_hour * 60 + tm.tm_min;
}

}  // namespace repere
