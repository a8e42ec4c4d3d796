// An OpenAI-compatible /v1/audio/transcriptions endpoint as a Transcriber. The sound is sent as
// WAV chunks (10 minutes are about 19 MB, under the usual 25 MB upload limit), each asking for
// verbose_json, whose "segments" carry start and end in seconds.
#include <httplib.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "repere/core/endpoint.h"
#include "repere/core/files.h"
#include "repere/core/text.h"
#include "repere/extract/transcriber.h"
#include "speech_wav.h"

namespace repere::extract {

namespace fs = std::filesystem;

namespace {

double seconds_of(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>() : -1;
}

// Utterances of one verbose_json answer, shifted by the chunk's place in the media. A server
// that answers only {"text"} gives one utterance spanning the chunk.
Result<std::vector<Utterance>> parse_answer(const std::string& body, const WavChunk& chunk) {
  const auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return Status::invalid_argument("the transcription endpoint did not answer JSON");
  }
  std::vector<Utterance> out;
  auto add = [&](double start, double end, const std::string& raw) {
    std::string said = text::nfc(text::sanitize_utf8(raw));
    const auto first = said.find_first_not_of(' ');
    if (first == std::string::npos) return;
    said.erase(0, first);
    const std::int64_t from = chunk.offset_ms + std::llround(std::max(start, 0.0) * 1000);
    const std::int64_t to = chunk.offset_ms + std::llround(std::max(end, start) * 1000);
    out.push_back({.start_ms = from, .end_ms = std::max(to, from), .text = said, .words = {}});
  };
  if (json.contains("segments") && json["segments"].is_array()) {
    for (const auto& seg : json["segments"]) {
      if (!seg.is_object() || !seg.contains("text") || !seg["text"].is_string()) continue;
      add(seconds_of(seg, "start"), seconds_of(seg, "end"), seg["text"].get<std::string>());
    }
  } else if (json.contains("text") && json["text"].is_string()) {
    add(0, static_cast<double>(chunk.duration_ms) / 1000, json["text"].get<std::string>());
  } else {
    return Status::invalid_argument("the transcription endpoint answered without text");
  }
  return out;
}

class EndpointTranscriber : public Transcriber {
 public:
  EndpointTranscriber(EndpointOptions options, EndpointUrl url)
      : options_(std::move(options)), url_(std::move(url)) {}

  Result<std::vector<Utterance>> transcribe(const fs::path& media,
                                            const std::string& language) override {
    REPERE_ASSIGN_OR_RETURN(const ScratchDir scratch, ScratchDir::create("repere-endpoint"));
    REPERE_ASSIGN_OR_RETURN(const auto chunks,
                            write_speech_wav(media, scratch.path(), options_.chunk_seconds));
    std::vector<Utterance> all;
    for (const WavChunk& chunk : chunks) {
      REPERE_ASSIGN_OR_RETURN(auto part, send(chunk, language));
      for (Utterance& u : part) all.push_back(std::move(u));
    }
    return all;
  }

  std::string origin() const override {
    // "ai:whisper-1@api.example.org": the model, and the server that ran it.
    return "ai:" + options_.model + "@" + endpoint_host(url_);
  }

  std::vector<std::string> languages() const override { return {}; }

 private:
  Result<std::vector<Utterance>> send(const WavChunk& chunk, const std::string& language) {
    REPERE_ASSIGN_OR_RETURN(std::string wav, read_file(chunk.path));
    httplib::MultipartFormDataItems form = {
        {"file", std::move(wav), "speech.wav", "audio/wav"},
        {"model", options_.model, "", ""},
        {"response_format", "verbose_json", "", ""},
        {"timestamp_granularities[]", "segment", "", ""},
    };
    if (!language.empty()) form.push_back({"language", language, "", ""});
    httplib::Client client(url_.origin);
    client.set_connection_timeout(10);
    client.set_read_timeout(options_.timeout_seconds);
    client.set_write_timeout(options_.timeout_seconds);
    httplib::Headers headers;
    if (!options_.api_key.empty()) headers.emplace("Authorization", "Bearer " + options_.api_key);
    const std::string where = url_.origin + url_.prefix + "/v1/audio/transcriptions";
    const auto res = client.Post(url_.prefix + "/v1/audio/transcriptions", headers, form);
    if (!res) {
      return Status::unavailable("cannot reach the transcription endpoint " + where + ": " +
                                 httplib::to_string(res.error()));
    }
    REPERE_RETURN_IF_ERROR(
        endpoint_answer_status(res->status, res->body, "the transcription endpoint", where));
    return parse_answer(res->body, chunk);
  }

  EndpointOptions options_;
  EndpointUrl url_;
};

}  // namespace

Result<std::unique_ptr<Transcriber>> make_endpoint_transcriber(const EndpointOptions& options) {
  REPERE_ASSIGN_OR_RETURN(EndpointUrl url, split_endpoint_url(options.base_url, "asr.endpoint"));
  if (options.model.empty()) {
    return Status::invalid_argument("asr.endpoint_model is empty: name the model to use");
  }
  return std::unique_ptr<Transcriber>(new EndpointTranscriber(options, std::move(url)));
}

}  // namespace repere::extract
