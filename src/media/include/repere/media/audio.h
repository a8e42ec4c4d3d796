// Decoding the sound of a media file to 16 kHz mono 16-bit PCM, what speech recognisers
// take. Streaming: the samples are handed over in chunks, so a 1h30 lecture never sits in
// memory. Thread safety: every call opens its own decoder.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>

#include "repere/core/result.h"

namespace repere::media {

inline constexpr int kSpeechSampleRate = 16000;

// Called with consecutive chunks of samples; return false to stop early (not an error).
using SampleSink = std::function<bool(std::span<const std::int16_t>)>;

// Decodes the first audio stream of `path`. Errors: not_found; invalid_argument naming the
// file when it has no audio stream or cannot be decoded at all. A damaged packet in the
// middle is skipped.
Status decode_speech_audio(const std::filesystem::path& path, const SampleSink& sink);

}  // namespace repere::media
