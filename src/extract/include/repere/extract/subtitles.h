// Subtitle files: WebVTT (W3C parsing algorithm) and SubRip (.srt, tolerant).
//
// Parsers never fail on content: a cue that cannot be read is skipped and reported as a
// warning with its line number, and the other cues are kept. They fail only when the input
// is not that format at all (a WebVTT file without its "WEBVTT" signature, an SRT file
// without a single timing line). Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "repere/core/result.h"

namespace repere::extract {

// Cue settings as WebVTT defines them; SRT cues keep the defaults.
struct CueSettings {
  std::string region;          // region id, "" for none
  std::string vertical;        // "", "rl" or "lr"
  std::optional<double> line;  // none = auto; a line number, or a percentage if !snap
  bool snap_to_lines = true;
  std::string line_align = "start";     // start, center, end
  std::optional<double> position;       // percentage; none = auto
  std::string position_align = "auto";  // line-left, center, line-right, auto
  double size = 100;                    // percentage
  std::string align = "center";         // start, center, end, left, right
};

struct SubtitleCue {
  std::string id;
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  std::string text;  // as written: markup and character references left in place
  CueSettings settings;
  int line = 0;  // line number (from 1) of the cue's timing line in the file
};

struct ParseWarning {
  int line;             // from 1
  std::string message;  // what was wrong and what was done about it
};

struct SubtitleTrack {
  std::vector<SubtitleCue> cues;  // in file order
  std::vector<ParseWarning> warnings;
  std::string source_encoding = "UTF-8";  // as detected, for SRT: "UTF-8", "UTF-16LE", ...
  std::string encoding_doubt;             // why the detected encoding may be wrong; "" when sure
};

// Parses WebVTT text (UTF-8; ill-formed bytes become U+FFFD). Errors: invalid_argument when
// the signature line is not "WEBVTT" (optionally followed by a space or tab and text).
Result<SubtitleTrack> parse_webvtt(std::string_view data);

// Parses SubRip bytes in UTF-8, UTF-16 (with BOM) or Windows-1252 (detected and converted).
// Tolerates missing or wrong indexes, ',' or '.' before milliseconds, one-digit hours, BOM,
// CRLF or CR line ends, and overlapping cues. Errors: invalid_argument when no timing line is
// found at all.
Result<SubtitleTrack> parse_srt(std::string_view data);

// The words of a cue for people and search: tags (<b>, <v Name>, <c.class>, <ruby>, SRT's
// <font> and {\an8}) removed, character references decoded (&amp; &lt; &gt; &nbsp; &lrm;
// &rlm; and numeric ones), line breaks kept as spaces, NFC.
std::string cue_plain_text(std::string_view cue_text);

// Formats milliseconds as a WebVTT timestamp, "hh:mm:ss.ttt".
std::string format_webvtt_time(std::int64_t ms);

}  // namespace repere::extract
