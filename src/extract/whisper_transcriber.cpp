// whisper.cpp's whisper-cli as a Transcriber: the sound goes to a WAV file, whisper-cli writes
// JSON (-oj) whose "transcription" segments carry "offsets" in milliseconds.

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "repere/core/files.h"
#include "repere/core/process.h"
#include "repere/core/text.h"
#include "repere/extract/transcriber.h"
#include "speech_wav.h"

namespace repere::extract {

namespace fs = std::filesystem;

namespace {

Result<std::vector<Utterance>> parse_whisper_json(const fs::path& path, std::int64_t offset_ms) {
  REPERE_ASSIGN_OR_RETURN(const std::string text, read_file(path));
  const auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.contains("transcription") || !json["transcription"].is_array()) {
    return Status::invalid_argument(path.string() + ": not whisper-cli's JSON output");
  }
  std::vector<Utterance> out;
  for (const auto& seg : json["transcription"]) {
    if (!seg.is_object() || !seg.contains("offsets") || !seg.contains("text")) continue;
    const auto& off = seg["offsets"];
    if (!off.contains("from") || !off.contains("to") || !off["from"].is_number() ||
        !off["to"].is_number() || !seg["text"].is_string()) {
      continue;
    }
    std::string said = text::nfc(text::sanitize_utf8(seg["text"].get<std::string>()));
    const auto first = said.find_first_not_of(' ');
    if (first == std::string::npos) continue;
    said.erase(0, first);
    // whisper marks silence and noise as "[BLANK_AUDIO]", "(musique)": not speech.
    if ((said.front() == '[' && said.back() == ']') || (said.front() == '(' && said.back() == ')'))
      continue;
    const std::int64_t from = off["from"].get<std::int64_t>() + offset_ms;
    const std::int64_t to = std::max(off["to"].get<std::int64_t>() + offset_ms, from);
    out.push_back({.start_ms = from, .end_ms = to, .text = std::move(said), .words = {}});
  }
  return out;
}

class WhisperTranscriber : public Transcriber {
 public:
  explicit WhisperTranscriber(WhisperOptions options) : options_(std::move(options)) {}

  Result<std::vector<Utterance>> transcribe(const fs::path& media,
                                            const std::string& language) override {
    REPERE_ASSIGN_OR_RETURN(const ScratchDir scratch, ScratchDir::create("repere-whisper"));
    REPERE_ASSIGN_OR_RETURN(const auto chunks, write_speech_wav(media, scratch.path(), 0));
    const fs::path out = scratch.path() / "transcript";
    const fs::path log = scratch.path() / "whisper.log";
    const std::vector<std::string> args = {options_.cli.string(),
                                           "-m",
                                           options_.model.string(),
                                           "-f",
                                           chunks[0].path.string(),
                                           "-l",
                                           language.empty() ? "auto" : language,
                                           "-t",
                                           std::to_string(options_.threads),
                                           "-oj",
                                           "-of",
                                           out.string(),
                                           "-np"};
    REPERE_ASSIGN_OR_RETURN(const int exit_code, run_program(args, log));
    if (exit_code != 0) {
      return Status::internal("whisper-cli failed on " + media.string() + " (exit " +
                              std::to_string(exit_code) + "): " + log_tail(log));
    }
    return parse_whisper_json(fs::path(out.string() + ".json"), 0);
  }

  std::string origin() const override { return "ai:whisper.cpp@" + options_.model.stem().string(); }

  std::vector<std::string> languages() const override {
    // ggml-base.en.bin, ggml-tiny.en-q5_1.bin: English-only models.
    const std::string name = options_.model.filename().string();
    if (name.find(".en.") != std::string::npos || name.find(".en-") != std::string::npos)
      return {"en"};
    return {};
  }

 private:
  WhisperOptions options_;
};

}  // namespace

Result<std::unique_ptr<Transcriber>> make_whisper_transcriber(const WhisperOptions& options) {
  if (options.cli.empty() || ::access(options.cli.c_str(), X_OK) != 0) {
    return Status::not_found("whisper-cli not found at '" + options.cli.string() +
                             "': build whisper.cpp and set asr.whisper_cli to its binary");
  }
  std::error_code ec;
  if (options.model.empty() || !fs::is_regular_file(options.model, ec)) {
    return Status::not_found("whisper model not found at '" + options.model.string() +
                             "': set asr.whisper_model to a ggml model file (ggml-small.bin)");
  }
  return std::unique_ptr<Transcriber>(new WhisperTranscriber(options));
}

}  // namespace repere::extract
