// WebVTT parser following the W3C "WebVTT parser algorithm" (section 6.1 of the WebVTT
// specification): signature check, header block, then blocks that are cues, regions or
// style sheets. Style sheets are skipped; regions only give cues their region id.
#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "repere/core/text.h"
#include "repere/extract/subtitles.h"

namespace repere::extract {
namespace {

// The input as the algorithm sees it: UTF-8 with no NUL and LF as the only line end.
std::string preprocess(std::string_view data) {
  const std::string s = text::sanitize_utf8(data);
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\0') {
      out += "\xEF\xBF\xBD";
    } else if (c == '\r') {
      out += '\n';
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else {
      out += c;
    }
  }
  if (out.rfind("\xEF\xBB\xBF", 0) == 0) out.erase(0, 3);
  return out;
}

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\f' || c == '\n'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool done() const { return pos_ >= s_.size(); }
  char peek() const { return s_[pos_]; }
  void skip_ws() {
    while (!done() && is_ws(peek())) ++pos_;
  }
  std::string_view digits() {
    const std::size_t start = pos_;
    while (!done() && is_digit(peek())) ++pos_;
    return s_.substr(start, pos_ - start);
  }
  bool take(char c) {
    if (done() || peek() != c) return false;
    ++pos_;
    return true;
  }
  bool take(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  std::string_view rest() const { return s_.substr(std::min(pos_, s_.size())); }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

// A WebVTT timestamp, in milliseconds. Like the conformance suite (vtt.js), and more
// leniently than the specification: "mm:ss.ttt" takes any number of minute digits, and reads
// as "hh:mm.ttt" when its first field is over 59; fields after the first take 1 or 2 digits.
std::optional<std::int64_t> timestamp(Cursor& c) {
  if (c.done() || !is_digit(c.peek())) return std::nullopt;
  const std::string_view first = c.digits();
  if (first.size() > 12) return std::nullopt;  // beyond any real duration; avoids overflow
  if (!c.take(':')) return std::nullopt;
  const std::string_view second = c.digits();
  if (second.empty() || second.size() > 2) return std::nullopt;
  std::string_view third;
  if (c.take(':')) {
    third = c.digits();
    if (third.empty() || third.size() > 2) return std::nullopt;
  }
  if (!c.take('.')) return std::nullopt;
  const std::string_view fraction = c.digits();
  if (fraction.size() != 3) return std::nullopt;
  const auto value = [](std::string_view d) { return std::atoll(std::string(d).c_str()); };
  std::int64_t h = 0, m = 0, s = 0;
  if (!third.empty()) {
    h = value(first), m = value(second), s = value(third);
  } else if (value(first) > 59) {
    h = value(first), m = value(second);
  } else {
    m = value(first), s = value(second);
  }
  return ((h * 60 + m) * 60 + s) * 1000 + value(fraction);
}

// "parse a percentage string": digits, optionally '.' digits, then '%', within 0..100.
std::optional<double> percentage(std::string_view s) {
  if (s.size() < 2 || s.back() != '%') return std::nullopt;
  const std::string_view number = s.substr(0, s.size() - 1);
  std::size_t i = 0;
  std::size_t int_digits = 0;
  while (i < number.size() && is_digit(number[i])) ++i, ++int_digits;
  std::size_t frac_digits = 0;
  if (i < number.size() && number[i] == '.') {
    ++i;
    while (i < number.size() && is_digit(number[i])) ++i, ++frac_digits;
    if (frac_digits == 0) return std::nullopt;
  }
  if (i != number.size() || int_digits == 0) return std::nullopt;
  const double v = std::strtod(std::string(number).c_str(), nullptr);
  if (v < 0 || v > 100) return std::nullopt;
  return v;
}

// A line number: optional '-', digits, optional '.' digits.
std::optional<double> line_number(std::string_view s) {
  std::size_t i = s.size() > 0 && s[0] == '-' ? 1 : 0;
  std::size_t int_digits = 0;
  while (i < s.size() && is_digit(s[i])) ++i, ++int_digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    std::size_t frac = 0;
    while (i < s.size() && is_digit(s[i])) ++i, ++frac;
    if (frac == 0) return std::nullopt;
  }
  if (i != s.size() || int_digits == 0) return std::nullopt;
  return std::strtod(std::string(s).c_str(), nullptr);
}

void set_line(CueSettings& cue, std::string_view value) {
  std::string_view pos = value;
  std::string_view align;
  if (const std::size_t comma = value.find(','); comma != std::string_view::npos) {
    pos = value.substr(0, comma);
    align = value.substr(comma + 1);
  }
  if (pos.find_first_not_of("0123456789-.%") != std::string_view::npos) return;
  if (pos.find_first_of("0123456789") == std::string_view::npos) return;
  std::optional<double> number;
  const bool percent = !pos.empty() && pos.back() == '%';
  number = percent ? percentage(pos) : line_number(pos);
  if (!number) return;
  // An unknown alignment is ignored and the line kept, as the conformance suite expects.
  if (align == "start" || align == "center" || align == "end") cue.line_align = std::string(align);
  cue.line = number;
  cue.snap_to_lines = !percent;
}

void set_position(CueSettings& cue, std::string_view value) {
  std::string_view pos = value;
  std::string_view align;
  if (const std::size_t comma = value.find(','); comma != std::string_view::npos) {
    pos = value.substr(0, comma);
    align = value.substr(comma + 1);
  }
  const std::optional<double> number = percentage(pos);
  if (!number) return;
  // Older drafts said start, middle and end; an unknown alignment keeps the position.
  if (align == "line-left" || align == "start") cue.position_align = "line-left";
  if (align == "center" || align == "middle") cue.position_align = "center";
  if (align == "line-right" || align == "end") cue.position_align = "line-right";
  cue.position = number;
}

void apply_setting(CueSettings& cue, std::string_view name, std::string_view value,
                   const std::vector<std::string>& regions) {
  if (name == "region") {
    if (std::find(regions.begin(), regions.end(), value) != regions.end()) cue.region = value;
  } else if (name == "vertical") {
    if (value == "rl" || value == "lr") cue.vertical = value;
  } else if (name == "line") {
    set_line(cue, value);
  } else if (name == "position") {
    set_position(cue, value);
  } else if (name == "size") {
    if (const auto v = percentage(value)) cue.size = *v;
  } else if (name == "align") {
    if (value == "start" || value == "center" || value == "end" || value == "left" ||
        value == "right") {
      cue.align = value;
    }
  }
}

void parse_settings(std::string_view rest, CueSettings& cue,
                    const std::vector<std::string>& regions) {
  std::size_t i = 0;
  while (i < rest.size()) {
    while (i < rest.size() && is_ws(rest[i])) ++i;
    const std::size_t start = i;
    while (i < rest.size() && !is_ws(rest[i])) ++i;
    const std::string_view setting = rest.substr(start, i - start);
    const std::size_t colon = setting.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == setting.size()) continue;
    apply_setting(cue, setting.substr(0, colon), setting.substr(colon + 1), regions);
  }
  if (cue.region.empty()) return;
  // The specification drops the region of a cue that is vertical, sized or line-placed.
  if (!cue.vertical.empty() || cue.line || cue.size != 100) cue.region.clear();
}

// "collect WebVTT cue timings and settings".
bool parse_timing_line(std::string_view line, SubtitleCue& cue,
                       const std::vector<std::string>& regions) {
  Cursor c(line);
  c.skip_ws();
  const auto start = timestamp(c);
  if (!start) return false;
  c.skip_ws();
  if (!c.take("-->")) return false;
  c.skip_ws();
  const auto end = timestamp(c);
  if (!end) return false;
  cue.start_ms = *start;
  cue.end_ms = *end;
  parse_settings(c.rest(), cue.settings, regions);
  return true;
}

struct Line {
  std::string_view text;
  int number;  // from 1
};

std::vector<Line> split_lines(std::string_view s) {
  std::vector<Line> lines;
  std::size_t start = 0;
  int number = 1;
  while (start <= s.size()) {
    const std::size_t lf = s.find('\n', start);
    if (lf == std::string_view::npos) {
      lines.push_back({s.substr(start), number});
      break;
    }
    lines.push_back({s.substr(start, lf - start), number++});
    start = lf + 1;
  }
  return lines;
}

class Parser {
 public:
  explicit Parser(std::vector<Line> lines) : lines_(std::move(lines)) {}

  SubtitleTrack run() {
    i_ = 1;  // the signature line was checked by the caller
    if (i_ < lines_.size() && !lines_[i_].text.empty())
      block(true);
    else if (i_ < lines_.size())
      ++i_;
    while (i_ < lines_.size()) {
      while (i_ < lines_.size() && lines_[i_].text.empty()) ++i_;
      if (i_ >= lines_.size()) break;
      block(false);
    }
    return std::move(track_);
  }

 private:
  // "collect a WebVTT block"; adds a cue, or records a region's id.
  void block(bool in_header) {
    int line_count = 0;
    bool seen_arrow = false;
    bool bad_block = false;
    std::optional<SubtitleCue> cue;
    std::string buffer;
    int buffer_line = 0;
    while (i_ < lines_.size()) {
      const Line& line = lines_[i_];
      ++line_count;
      ++i_;
      if (in_header && line.text.find("-->") != std::string_view::npos) {
        // The specification would start a cue here; the conformance suite (vtt.js) keeps
        // reading the header up to its blank line. Say so, since a cue is lost.
        track_.warnings.push_back({line.number,
                                   "cue timing line inside the header (a blank "
                                   "line must follow WEBVTT): ignored"});
      } else if (bad_block) {
        if (line.text.empty()) break;
      } else if (line.text.find("-->") != std::string_view::npos) {
        if (line_count == 1 || (line_count == 2 && !seen_arrow)) {
          seen_arrow = true;
          SubtitleCue candidate{.id = buffer, .line = line.number};
          if (parse_timing_line(line.text, candidate, regions_)) {
            cue = std::move(candidate);
          } else {
            track_.warnings.push_back({line.number, "bad cue timing line '" +
                                                        std::string(line.text.substr(0, 80)) +
                                                        "': cue skipped"});
            cue.reset();
            bad_block = true;  // its text lines go with it, up to the blank line
          }
          buffer.clear();
        } else {
          --i_;  // this line starts the next block
          break;
        }
      } else if (line.text.empty()) {
        break;
      } else {
        if (buffer.empty()) buffer_line = line.number;
        if (!buffer.empty()) buffer += '\n';
        buffer += line.text;
      }
    }
    if (cue) {
      cue->text = std::move(buffer);
      track_.cues.push_back(std::move(*cue));
    } else if (!in_header && !seen_arrow && buffer.rfind("REGION", 0) == 0) {
      record_region(buffer);
    } else if (!in_header && !seen_arrow && buffer.rfind("STYLE", 0) != 0 &&
               buffer.rfind("NOTE", 0) != 0 && !buffer.empty()) {
      track_.warnings.push_back({buffer_line, "text without a cue timing line: ignored"});
    }
  }

  void record_region(std::string_view block) {
    std::size_t i = 0;
    while (i < block.size()) {
      while (i < block.size() && is_ws(block[i])) ++i;
      const std::size_t start = i;
      while (i < block.size() && !is_ws(block[i])) ++i;
      const std::string_view setting = block.substr(start, i - start);
      if (setting.rfind("id:", 0) == 0 && setting.size() > 3 &&
          setting.find("-->") == std::string_view::npos) {
        regions_.emplace_back(setting.substr(3));
      }
    }
  }

  std::vector<Line> lines_;
  std::size_t i_ = 0;
  std::vector<std::string> regions_;
  SubtitleTrack track_;
};

bool valid_signature(std::string_view s) {
  if (s.rfind("WEBVTT", 0) != 0) return false;
  return s.size() == 6 || s[6] == ' ' || s[6] == '\t' || s[6] == '\n';
}

}  // namespace

Result<SubtitleTrack> parse_webvtt(std::string_view data) {
  const std::string input = preprocess(data);
  if (!valid_signature(input)) {
    const std::string first = input.substr(0, std::min<std::size_t>(input.find('\n'), 40));
    return Status::invalid_argument("not a WebVTT file: line 1 must start with 'WEBVTT', found '" +
                                    text::nfc(first) + "'");
  }
  return Parser(split_lines(input)).run();
}

std::string format_webvtt_time(std::int64_t ms) {
  if (ms < 0) ms = 0;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld.%03lld",
                static_cast<long long>(ms / 3600000), static_cast<long long>(ms / 60000 % 60),
                static_cast<long long>(ms / 1000 % 60), static_cast<long long>(ms % 1000));
  return buf;
}

}  // namespace repere::extract
