// SubRip (.srt) parser. SRT has no specification, only habits, so this parser is lenient:
// a cue is a timing line "hh:mm:ss,mmm --> hh:mm:ss,mmm" followed by text lines up to a blank
// line; the index line before it is optional and its value ignored.
#include <algorithm>

#include "repere/core/text.h"
#include "repere/extract/subtitles.h"

namespace repere::extract {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Reads up to `max` digits at `i`; returns false if there are fewer than `min`.
bool number(std::string_view s, std::size_t& i, std::size_t min, std::size_t max,
            std::int64_t& value) {
  std::size_t n = 0;
  value = 0;
  while (i < s.size() && is_digit(s[i]) && n < max) {
    value = value * 10 + (s[i] - '0');
    ++i;
    ++n;
  }
  return n >= min;
}

// "01:02:03,456", "1:02:03.456", "02:03,456" (no hours), ",5" or ",50" fractions.
std::optional<std::int64_t> srt_time(std::string_view s, std::size_t& i) {
  std::int64_t a = 0, b = 0, c = 0, frac = 0;
  if (!number(s, i, 1, 3, a) || i >= s.size() || s[i] != ':') return std::nullopt;
  ++i;
  if (!number(s, i, 1, 2, b)) return std::nullopt;
  bool has_hours = i < s.size() && s[i] == ':';
  if (has_hours) {
    ++i;
    if (!number(s, i, 1, 2, c)) return std::nullopt;
  } else {
    c = b;
    b = a;
    a = 0;
  }
  std::int64_t ms = 0;
  if (i < s.size() && (s[i] == ',' || s[i] == '.')) {
    ++i;
    const std::size_t start = i;
    if (!number(s, i, 1, 3, frac)) return std::nullopt;
    const std::size_t digits = i - start;
    ms = digits == 1 ? frac * 100 : digits == 2 ? frac * 10 : frac;
    while (i < s.size() && is_digit(s[i])) ++i;  // sub-millisecond digits are dropped
  }
  if (b > 59 || c > 59) return std::nullopt;
  return ((a * 60 + b) * 60 + c) * 1000 + ms;
}

// A timing line, with optional trailing coordinates ("X1:40 X2:600 Y1:20 Y2:50").
bool timing_line(std::string_view line, std::int64_t& start, std::int64_t& end) {
  line = trim(line);
  std::size_t i = 0;
  const auto a = srt_time(line, i);
  if (!a) return false;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  if (line.substr(i, 3) != "-->") return false;
  i += 3;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  const auto b = srt_time(line, i);
  if (!b) return false;
  if (i < line.size() && line[i] != ' ' && line[i] != '\t') return false;
  start = *a;
  end = *b;
  return true;
}

bool is_index(std::string_view line) {
  line = trim(line);
  return !line.empty() && line.size() < 10 && std::all_of(line.begin(), line.end(), is_digit);
}

std::vector<std::string_view> split_lines(std::string_view s) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' || s[i] == '\r') {
      lines.push_back(s.substr(start, i - start));
      if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
      start = i + 1;
    }
  }
  if (start < s.size()) lines.push_back(s.substr(start));
  return lines;
}

class SrtParser {
 public:
  explicit SrtParser(std::vector<std::string_view> lines) : lines_(std::move(lines)) {}

  SubtitleTrack run() {
    for (std::size_t i = 0; i < lines_.size(); ++i) line(i);
    finish_cue();
    return std::move(track_);
  }

 private:
  void line(std::size_t i) {
    const int number = static_cast<int>(i) + 1;
    std::int64_t start = 0, end = 0;
    if (timing_line(lines_[i], start, end)) {
      finish_cue();
      if (end < start) {
        track_.warnings.push_back({number, "cue ends before it starts: skipped"});
        skipping_ = true;
        return;
      }
      cue_ = SubtitleCue{.start_ms = start, .end_ms = end, .line = number};
      if (i > 0 && is_index(lines_[i - 1])) cue_->id = std::string(trim(lines_[i - 1]));
      return;
    }
    const std::string_view text = trim(lines_[i]);
    if (text.empty()) {
      finish_cue();
      return;
    }
    // An index line announces the next cue: it belongs to no text.
    if (is_index(text) && i + 1 < lines_.size()) {
      std::int64_t s = 0, e = 0;
      if (timing_line(lines_[i + 1], s, e)) return;
    }
    if (cue_) {
      if (!cue_->text.empty()) cue_->text += '\n';
      cue_->text += text;
    } else if (!skipping_) {
      track_.warnings.push_back({number, "text outside any cue: ignored"});
      skipping_ = true;  // one warning per stray block
    }
  }

  void finish_cue() {
    skipping_ = false;
    if (!cue_) return;
    if (cue_->text.empty()) {
      track_.warnings.push_back({cue_->line, "cue without text: skipped"});
    } else {
      track_.cues.push_back(std::move(*cue_));
    }
    cue_.reset();
  }

  std::vector<std::string_view> lines_;
  std::optional<SubtitleCue> cue_;
  bool skipping_ = false;
  SubtitleTrack track_;
};

}  // namespace

Result<SubtitleTrack> parse_srt(std::string_view data) {
  const text::DecodedText decoded = text::decode_to_utf8(data);
  const std::string input = text::nfc(decoded.utf8);
  SubtitleTrack track = SrtParser(split_lines(input)).run();
  track.source_encoding = decoded.encoding;
  track.encoding_doubt = decoded.doubt;
  if (track.cues.empty()) {
    bool any_timing = false;
    for (const auto& w : track.warnings) any_timing = any_timing || w.message.rfind("cue", 0) == 0;
    if (!any_timing) {
      return Status::invalid_argument(
          "not a SubRip file: no timing line such as "
          "'00:00:01,000 --> 00:00:04,000'");
    }
  }
  return track;
}

}  // namespace repere::extract
