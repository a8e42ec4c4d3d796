// Speech recognition behind one interface, so the engine is a choice of configuration:
// pocketsphinx (built in, English), and later whisper.cpp's whisper-cli or an
// OpenAI-compatible endpoint. One Transcriber per thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "repere/core/result.h"

namespace repere::extract {

struct SpokenWord {
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  std::string text;
};

// A stretch of speech between pauses: becomes one cue.
struct Utterance {
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  std::string text;
  std::vector<SpokenWord> words;
};

class Transcriber {
 public:
  virtual ~Transcriber() = default;
  // The speech of the first audio stream of `media`, as timed utterances. Errors:
  // invalid_argument for a file without readable audio; unavailable for an engine that
  // cannot run now (may be retried).
  virtual Result<std::vector<Utterance>> transcribe(const std::filesystem::path& media) = 0;
  // "ai:pocketsphinx@5prealpha": the provenance of the text it makes.
  virtual std::string origin() const = 0;
  // The languages it recognises ("en").
  virtual std::vector<std::string> languages() const = 0;
};

// pocketsphinx with the model in `model_dir` (Debian's pocketsphinx-en-us layout: an
// acoustic model folder, a *.lm.bin language model and a *.dict dictionary).
// Errors: not_found naming what is missing.
Result<std::unique_ptr<Transcriber>> make_pocketsphinx_transcriber(const std::string& model_dir);

}  // namespace repere::extract
