// Hours of the day, for frugality: the heavy work of `repere serve` (reading uploads: OCR,
// speech recognition, learning the search vectors) may be kept to configured hours, when the
// server has nothing else to do or the energy is cheap (serve.heavy_hours, "20:00-07:00").
// Thread safety: plain values and pure functions.
#pragma once

#include <string>
#include <string_view>

#include "repere/core/result.h"

namespace repere {

struct HourWindow {
  bool always = true;  // no window: any time
  int from = 0;        // minutes after midnight, local time
  int to = 0;          // exclusive; before `from` when the window spans midnight
  // Whether `minute` (0 to 1439, local time) is inside the window.
  bool contains(int minute) const;
  // Minutes from `minute` until the window opens (0 when inside).
  int minutes_until_open(int minute) const;
  // "20:00-07:00", or "" for always.
  std::string to_string() const;
};

// "" (always) or "HH:MM-HH:MM" (local time; "20:00-07:00" spans midnight). Errors:
// invalid_argument naming `setting` and the form expected, for anything else or an empty
// window ("08:00-08:00").
Result<HourWindow> parse_hours(std::string_view text, std::string_view setting);

// The local time's minute of the day, now.
int minute_of_day_now();

}  // namespace repere
