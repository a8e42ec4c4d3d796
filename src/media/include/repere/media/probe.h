// Reading media files with the FFmpeg libraries: what a file holds, and the text of its
// subtitle streams. Thread safety: every call opens its own demuxer; safe from any thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "repere/core/result.h"

namespace repere::media {

enum class StreamType { kVideo, kAudio, kSubtitle, kOther };

struct StreamInfo {
  int index = 0;  // the stream's index in the container
  StreamType type = StreamType::kOther;
  std::string codec;     // FFmpeg's codec name: "h264", "aac", "mov_text", ...
  std::string language;  // from the stream's "language" tag ("fre", "fra", "eng"...), "" if none
  bool text_subtitles = false;    // a subtitle stream whose cues are text (not bitmaps)
  bool attached_picture = false;  // cover art in an audio file, not a video
};

struct MediaInfo {
  std::string format;  // the demuxer: "mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", ...
  std::int64_t duration_ms = 0;
  std::string title;  // the container's "title" tag (MP4 ©nam, Matroska, ID3 TIT2), UTF-8; ""
  std::vector<StreamInfo> streams;

  bool has_video() const;
  bool has_audio() const;
};

// Probes `path`. Errors: not_found; invalid_argument naming the file and FFmpeg's reason for
// a file that is not media, is truncated or is damaged.
Result<MediaInfo> probe(const std::filesystem::path& path);

struct TextCue {
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  std::string text;  // plain text: ASS override tags removed, \N turned into a line break
};

// Reads every cue of the text subtitle stream `stream_index` (mov_text, subrip, webvtt, ass,
// ssa, text). Errors: invalid_argument if the stream is absent or not text subtitles;
// a damaged packet is skipped, not fatal.
Result<std::vector<TextCue>> read_text_subtitles(const std::filesystem::path& path,
                                                 int stream_index);

// ISO 639-2 codes found in containers ("fre", "fra", "eng") as the 2-letter code the catalog
// uses ("fr", "en"); other values are returned lowercased as they are.
std::string normalise_language(std::string_view tag);

}  // namespace repere::media
