// What the FFmpeg libraries linked into this build can do, for `repere doctor`.
// Thread safety: all functions are safe to call from any thread.
#pragma once

#include <string>
#include <vector>

namespace repere::media {

struct LibraryVersion {
  std::string name;     // "libavformat"
  std::string version;  // "59.27.100"
};

// The FFmpeg libraries in use, with the versions loaded at run time.
std::vector<LibraryVersion> ffmpeg_versions();

// Decoders and demuxers Repère relies on (H.264, AAC, MP3, Opus, Vorbis, VP9, the text
// subtitle codecs mov_text, subrip, webvtt, ass; MP4, Matroska/WebM, WAV, Ogg, MP3) that the
// loaded libraries lack. Empty when everything is there.
std::vector<std::string> missing_ffmpeg_features();

}  // namespace repere::media
