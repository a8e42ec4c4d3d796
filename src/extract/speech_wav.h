// Private to extract: the sound of a media file written as 16 kHz mono 16-bit WAV files, for
// recognisers that read files (whisper-cli) or take uploads (an endpoint).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "repere/core/result.h"

namespace repere::extract {

struct WavChunk {
  std::filesystem::path path;
  std::int64_t offset_ms = 0;  // where the chunk starts in the media
  std::int64_t duration_ms = 0;
};

// Writes the first audio stream of `media` into `folder` as WAV files of at most
// `chunk_seconds` each (0: one file). Errors: those of media::decode_speech_audio, io_error.
Result<std::vector<WavChunk>> write_speech_wav(const std::filesystem::path& media,
                                               const std::filesystem::path& folder,
                                               int chunk_seconds);

// A folder of its own under the system's temporary folder, removed with everything in it.
class ScratchDir {
 public:
  static Result<ScratchDir> create(const std::string& prefix);
  ScratchDir(ScratchDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  ScratchDir& operator=(ScratchDir&&) = delete;
  ScratchDir(const ScratchDir&) = delete;
  ~ScratchDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  explicit ScratchDir(std::filesystem::path p) : path_(std::move(p)) {}
  std::filesystem::path path_;
};

}  // namespace repere::extract
