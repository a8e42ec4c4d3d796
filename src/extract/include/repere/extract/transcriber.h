// Speech recognition behind one interface, so the engine is a choice of configuration:
// pocketsphinx (built in, English), whisper.cpp's whisper-cli, or an OpenAI-compatible
// endpoint. One Transcriber per thread.
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
  // The speech of the first audio stream of `media`, spoken in `language` (ISO 639-1, "fr";
  // "" lets the engine find out), as timed utterances. Errors: invalid_argument for a file
  // without readable audio; unavailable for an engine that cannot run now (may be retried).
  virtual Result<std::vector<Utterance>> transcribe(const std::filesystem::path& media,
                                                    const std::string& language) = 0;
  // "ai:pocketsphinx@5prealpha": the provenance of the text it makes.
  virtual std::string origin() const = 0;
  // The languages it recognises ("en"); empty when it knows many (a multilingual model).
  virtual std::vector<std::string> languages() const = 0;
};

// pocketsphinx with the model in `model_dir` (Debian's pocketsphinx-en-us layout: an
// acoustic model folder, a *.lm.bin language model and a *.dict dictionary).
// Errors: not_found naming what is missing.
Result<std::unique_ptr<Transcriber>> make_pocketsphinx_transcriber(const std::string& model_dir);

struct WhisperOptions {
  std::filesystem::path cli;    // whisper.cpp's whisper-cli binary
  std::filesystem::path model;  // a ggml model: ggml-small.bin (multilingual), ggml-base.en.bin
  int threads = 1;              // -t: Repère already runs one file per core
};

// whisper.cpp's whisper-cli, run as a separate process on a 16 kHz mono WAV of the sound; its
// JSON output (-oj) gives one utterance per segment. A model named *.en.* knows English only.
// Errors: not_found when the binary or the model is missing.
Result<std::unique_ptr<Transcriber>> make_whisper_transcriber(const WhisperOptions& options);

struct EndpointOptions {
  std::string base_url;  // "http://10.0.0.5:8000", "https://api.example.org/openai"
  std::string model = "whisper-1";
  std::string api_key;        // sent as a Bearer token when not empty
  int chunk_seconds = 600;    // the sound is sent in WAV chunks of this length (~19 MB)
  int timeout_seconds = 600;  // per chunk
};

// An OpenAI-compatible POST {base}/v1/audio/transcriptions (multipart: file, model, language,
// response_format=verbose_json); segment times are shifted by each chunk's offset. Errors at
// creation: invalid_argument for a URL that is not http(s). From transcribe(): unavailable when
// the server cannot be reached or answers 429/5xx (retried by the ingest jobs); invalid_argument
// with the server's message for other refusals.
Result<std::unique_ptr<Transcriber>> make_endpoint_transcriber(const EndpointOptions& options);

}  // namespace repere::extract
