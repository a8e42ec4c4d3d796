#include "repere/catalog/webvtt.h"

#include <algorithm>
#include <cstdio>

namespace repere::catalog {

std::string webvtt_time(std::int64_t ms) {
  ms = std::max<std::int64_t>(0, ms);
  char out[48];
  std::snprintf(out, sizeof out, "%02lld:%02lld:%02lld.%03lld",
                static_cast<long long>(ms / 3600000), static_cast<long long>(ms / 60000 % 60),
                static_cast<long long>(ms / 1000 % 60), static_cast<long long>(ms % 1000));
  return out;
}

std::string to_webvtt(const std::vector<Cue>& cues, std::int64_t from_ms,
                      std::optional<std::int64_t> to_ms) {
  std::string vtt = "WEBVTT\n";
  for (const Cue& cue : cues) {
    if (!cue.start_ms || !cue.end_ms) continue;
    std::int64_t start = *cue.start_ms, end = *cue.end_ms;
    if (end <= from_ms || (to_ms && start >= *to_ms)) continue;
    start = std::max(start, from_ms) - from_ms;
    end = (to_ms ? std::min(end, *to_ms) : end) - from_ms;
    if (end <= start) continue;
    vtt += "\n" + webvtt_time(start) + " --> " + webvtt_time(end) + "\n";
    std::string text;
    for (const char ch : cue.text) {
      if (ch == '&') {
        text += "&amp;";
      } else if (ch == '<') {
        text += "&lt;";
      } else if (ch == '>') {
        text += "&gt;";
      } else if (ch == '\n' && (text.empty() || text.back() == '\n')) {
        continue;  // a blank line would end the cue
      } else {
        text += ch;
      }
    }
    while (!text.empty() && text.back() == '\n') text.pop_back();
    vtt += text + "\n";
  }
  return vtt;
}

}  // namespace repere::catalog
