// whisper-cli and an OpenAI-compatible endpoint as Transcribers, on real French speech
// (fixture fr-speech.wav: Asterisk's French prompts, with their text in fr-speech.txt).
//
// Neither whisper.cpp nor a transcription server is packaged for Debian bookworm, and nothing
// may be downloaded here, so by default the engines' far side is played by stand-ins that
// check what Repère sends them (the arguments, a 16 kHz mono WAV of the right length, the
// multipart fields) and answer in the engines' documented formats. With
// REPERE_TEST_WHISPER_CLI and REPERE_TEST_WHISPER_MODEL set, the real whisper-cli is run on the
// French speech and must recover 80% of its words.
#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/stat.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "repere/core/files.h"
#include "repere/core/text.h"
#include "repere/extract/subtitles.h"
#include "repere/extract/transcriber.h"
#include "support/temp_dir.h"

namespace repere::extract {
namespace {

namespace fs = std::filesystem;

const fs::path kSpeech = REPERE_FIXTURES_DIR "/fr-speech.wav";
const fs::path kSpeechText = REPERE_FIXTURES_DIR "/fr-speech.txt";
constexpr double kSpeechSeconds = 20.9;

std::vector<std::string> words_of(const std::string& s) { return text::search_terms(s); }

double word_recall(const std::string& truth, const std::vector<Utterance>& got) {
  std::map<std::string, int> found;
  for (const auto& u : got) {
    for (const auto& w : words_of(u.text)) ++found[w];
  }
  const auto expected = words_of(truth);
  int hit = 0;
  for (const auto& w : expected) {
    if (found[w] > 0) {
      --found[w];
      ++hit;
    }
  }
  return expected.empty() ? 0 : static_cast<double>(hit) / expected.size();
}

// Sample rate, channels and seconds of a PCM WAV held in memory; rate 0 if it is not one.
struct WavInfo {
  int rate = 0;
  int channels = 0;
  double seconds = 0;
};
WavInfo wav_info(const std::string& wav) {
  auto u32 = [&](std::size_t at) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(wav[at])) |
           static_cast<std::uint32_t>(static_cast<unsigned char>(wav[at + 1])) << 8 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(wav[at + 2])) << 16 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(wav[at + 3])) << 24;
  };
  if (wav.size() < 44 || wav.compare(0, 4, "RIFF") != 0 || wav.compare(8, 4, "WAVE") != 0)
    return {};
  const int rate = static_cast<int>(u32(24));
  const int channels = static_cast<unsigned char>(wav[22]);
  const std::uint32_t bytes = u32(40);
  if (bytes != wav.size() - 44 || rate == 0) return {};
  return {rate, channels, static_cast<double>(bytes) / (2.0 * channels * rate)};
}

// ----------------------------------------------------------------------------------------------
// whisper-cli

// A stand-in whisper-cli: checks its arguments and its WAV as whisper.cpp would read them,
// then writes OUT.json in whisper-cli's -oj layout. STANDIN_FAIL=1 makes it fail like a bad
// model does.
void write_standin_whisper(const fs::path& path, const fs::path& log) {
  std::ofstream out(path);
  out << R"(#!/usr/bin/env python3
import json, sys, wave, os
args = sys.argv[1:]
def value(flag): return args[args.index(flag) + 1]
open(")"
      << log.string() << R"(", "w").write(" ".join(args))
if os.environ.get("STANDIN_FAIL"):
    print("whisper_init_from_file_with_params_no_state: failed to load model", file=sys.stderr)
    sys.exit(3)
assert os.path.isfile(value("-m")), "no model"
with wave.open(value("-f")) as w:
    assert w.getframerate() == 16000 and w.getnchannels() == 1 and w.getsampwidth() == 2
    ms = int(w.getnframes() * 1000 / 16000)
assert "-oj" in args
half = ms // 2
segments = [
    {"timestamps": {"from": "00:00:00,000", "to": "x"}, "offsets": {"from": 0, "to": half},
     "text": " Veuillez laissez votre message après le bip sonore."},
    {"timestamps": {"from": "x", "to": "x"}, "offsets": {"from": half, "to": half + 900},
     "text": " [BLANK_AUDIO]"},
    {"timestamps": {"from": "x", "to": "x"}, "offsets": {"from": half + 900, "to": ms},
     "text": " La conférence a été prolongée."},
]
json.dump({"systeminfo": "stand-in", "model": {"type": "small"},
           "params": {"model": value("-m"), "language": value("-l"), "translate": False},
           "result": {"language": value("-l")}, "transcription": segments},
          open(value("-of") + ".json", "w"), ensure_ascii=False)
)";
  out.close();
  ::chmod(path.c_str(), 0755);
}

class Whisper : public ::testing::Test {
 protected:
  void SetUp() override {
    write_standin_whisper(dir_ / "whisper-cli", dir_ / "args.txt");
    std::ofstream(dir_ / "ggml-small.bin") << "model";
    std::ofstream(dir_ / "ggml-base.en.bin") << "model";
  }
  testing::TempDir dir_;
};

TEST_F(Whisper, RunsWhisperCliOnTheSoundAndKeepsSegmentTimes) {
  auto engine = make_whisper_transcriber(
      {.cli = dir_ / "whisper-cli", .model = dir_ / "ggml-small.bin", .threads = 1});
  ASSERT_TRUE(engine.is_ok()) << engine.status().to_string();
  const auto got = (*engine)->transcribe(kSpeech, "fr");
  ASSERT_TRUE(got.is_ok()) << got.status().to_string();
  const std::string args = *read_file(dir_ / "args.txt");
  EXPECT_NE(args.find("-l fr"), std::string::npos) << args;
  EXPECT_NE(args.find("-m " + (dir_ / "ggml-small.bin").string()), std::string::npos) << args;
  ASSERT_EQ(got->size(), 2u);  // the [BLANK_AUDIO] segment is not speech
  EXPECT_EQ((*got)[0].start_ms, 0);
  EXPECT_EQ((*got)[0].text, "Veuillez laissez votre message après le bip sonore.");
  EXPECT_NEAR(static_cast<double>((*got)[1].end_ms), kSpeechSeconds * 1000, 150);
  EXPECT_EQ((*got)[1].text, "La conférence a été prolongée.");
  EXPECT_EQ((*engine)->origin(), "ai:whisper.cpp@ggml-small");
  EXPECT_TRUE((*engine)->languages().empty());  // multilingual
}

TEST_F(Whisper, AnEnglishOnlyModelSaysSo) {
  auto engine = make_whisper_transcriber(
      {.cli = dir_ / "whisper-cli", .model = dir_ / "ggml-base.en.bin", .threads = 1});
  ASSERT_TRUE(engine.is_ok());
  EXPECT_EQ((*engine)->languages(), std::vector<std::string>{"en"});
}

TEST_F(Whisper, MissingBinaryOrModelIsNamed) {
  const auto no_cli =
      make_whisper_transcriber({.cli = dir_ / "nope", .model = dir_ / "ggml-small.bin"});
  EXPECT_EQ(no_cli.status().code(), StatusCode::kNotFound);
  EXPECT_NE(no_cli.status().message().find("asr.whisper_cli"), std::string::npos);
  const auto no_model =
      make_whisper_transcriber({.cli = dir_ / "whisper-cli", .model = dir_ / "missing.bin"});
  EXPECT_EQ(no_model.status().code(), StatusCode::kNotFound);
  EXPECT_NE(no_model.status().message().find("asr.whisper_model"), std::string::npos);
}

TEST_F(Whisper, AFailureQuotesWhatWhisperSaid) {
  ::setenv("STANDIN_FAIL", "1", 1);
  auto engine = make_whisper_transcriber(
      {.cli = dir_ / "whisper-cli", .model = dir_ / "ggml-small.bin", .threads = 1});
  ASSERT_TRUE(engine.is_ok());
  const auto got = (*engine)->transcribe(kSpeech, "fr");
  ::unsetenv("STANDIN_FAIL");
  ASSERT_FALSE(got.is_ok());
  EXPECT_NE(got.status().message().find("failed to load model"), std::string::npos)
      << got.status().message();
  EXPECT_NE(got.status().message().find("fr-speech.wav"), std::string::npos);
  // A file without sound never reaches whisper-cli.
  const auto no_sound = (*engine)->transcribe(kSpeechText, "fr");
  EXPECT_EQ(no_sound.status().code(), StatusCode::kInvalidArgument);
}

TEST(WhisperReal, RecognisesFrenchSpeech) {
  const char* cli = std::getenv("REPERE_TEST_WHISPER_CLI");
  const char* model = std::getenv("REPERE_TEST_WHISPER_MODEL");
  if (cli == nullptr || model == nullptr) {
    GTEST_SKIP() << "set REPERE_TEST_WHISPER_CLI and REPERE_TEST_WHISPER_MODEL to run "
                    "whisper.cpp for real (not packaged for Debian bookworm)";
  }
  auto engine = make_whisper_transcriber({.cli = cli, .model = model, .threads = 2});
  ASSERT_TRUE(engine.is_ok()) << engine.status().to_string();
  const auto got = (*engine)->transcribe(kSpeech, "fr");
  ASSERT_TRUE(got.is_ok()) << got.status().to_string();
  EXPECT_GE(word_recall(*read_file(kSpeechText), *got), 0.8);
}

// ----------------------------------------------------------------------------------------------
// OpenAI-compatible endpoint

// A transcription server on 127.0.0.1 that records what it receives and answers verbose_json
// with one segment per request, spanning the chunk it was sent.
class Endpoint : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Post("/openai/v1/audio/transcriptions",
                 [this](const httplib::Request& req, httplib::Response& res) { answer(req, res); });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  void TearDown() override {
    server_.stop();
    thread_.join();
  }

  void answer(const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (status_ != 200) {
      res.status = status_;
      res.set_content(R"({"error": {"message": "model 'nope' does not exist"}})",
                      "application/json");
      return;
    }
    const WavInfo wav =
        req.has_file("file") ? wav_info(req.get_file_value("file").content) : WavInfo{};
    chunks_.push_back(wav);
    for (const char* field : {"model", "language", "response_format"}) {
      fields_[field] = req.has_file(field) ? req.get_file_value(field).content : "";
    }
    auth_ = req.get_header_value("Authorization");
    const nlohmann::json body = {{"text", "Veuillez composer votre numéro de canal."},
                                 {"language", "french"},
                                 {"duration", wav.seconds},
                                 {"segments",
                                  {{{"id", 0},
                                    {"start", 0.25},
                                    {"end", wav.seconds - 0.25},
                                    {"text", " Veuillez composer votre numéro de canal."}}}}};
    res.set_content(body.dump(), "application/json");
  }

  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_) + "/openai"; }

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mutex_;
  int status_ = 200;
  std::vector<WavInfo> chunks_;
  std::map<std::string, std::string> fields_;
  std::string auth_;
};

TEST_F(Endpoint, SendsTheSoundInChunksAndShiftsTheirTimes) {
  auto engine = make_endpoint_transcriber(
      {.base_url = base() + "/v1/", .model = "whisper-1", .api_key = "s3cret", .chunk_seconds = 8});
  ASSERT_TRUE(engine.is_ok()) << engine.status().to_string();
  const auto got = (*engine)->transcribe(kSpeech, "fr");
  ASSERT_TRUE(got.is_ok()) << got.status().to_string();
  ASSERT_EQ(chunks_.size(), 3u);  // 8 s + 8 s + the rest of 20.9 s
  double total = 0;
  for (const WavInfo& c : chunks_) {
    EXPECT_EQ(c.rate, 16000);
    EXPECT_EQ(c.channels, 1);
    total += c.seconds;
  }
  EXPECT_NEAR(total, kSpeechSeconds, 0.1);
  EXPECT_EQ(fields_["model"], "whisper-1");
  EXPECT_EQ(fields_["language"], "fr");
  EXPECT_EQ(fields_["response_format"], "verbose_json");
  EXPECT_EQ(auth_, "Bearer s3cret");
  ASSERT_EQ(got->size(), 3u);
  EXPECT_EQ((*got)[0].start_ms, 250);
  EXPECT_EQ((*got)[1].start_ms, 8250);
  EXPECT_EQ((*got)[2].start_ms, 16250);
  EXPECT_EQ((*got)[1].text, "Veuillez composer votre numéro de canal.");
  EXPECT_EQ((*engine)->origin(), "ai:whisper-1@127.0.0.1:" + std::to_string(port_));
}

TEST_F(Endpoint, ARefusalQuotesTheServerAndAnOutageCanBeRetried) {
  auto engine = make_endpoint_transcriber({.base_url = base(), .model = "nope"});
  ASSERT_TRUE(engine.is_ok());
  status_ = 400;
  const auto refused = (*engine)->transcribe(kSpeech, "fr");
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("model 'nope' does not exist"), std::string::npos)
      << refused.status().message();
  status_ = 503;
  EXPECT_EQ((*engine)->transcribe(kSpeech, "fr").status().code(), StatusCode::kUnavailable);
  status_ = 429;
  EXPECT_EQ((*engine)->transcribe(kSpeech, "fr").status().code(), StatusCode::kUnavailable);
}

TEST(EndpointConfig, UnreachableServerIsUnavailableAndBadUrlsAreRefused) {
  // Port 9 (discard) on localhost: nothing listens there.
  auto engine = make_endpoint_transcriber({.base_url = "http://127.0.0.1:9", .model = "m"});
  ASSERT_TRUE(engine.is_ok());
  const auto got = (*engine)->transcribe(kSpeech, "fr");
  EXPECT_EQ(got.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(got.status().message().find("127.0.0.1:9/v1/audio/transcriptions"), std::string::npos)
      << got.status().message();
  EXPECT_EQ(make_endpoint_transcriber({.base_url = "ftp://x"}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(make_endpoint_transcriber({.base_url = ""}).status().code(),
            StatusCode::kInvalidArgument);
}

// ----------------------------------------------------------------------------------------------
// The Windows-1252 subtitle file of the fixtures

TEST(SrtFile, Windows1252FileIsReadAsUtf8) {
  const auto bytes = read_file(REPERE_FIXTURES_DIR "/lecture-cp1252.srt");
  ASSERT_TRUE(bytes.is_ok());
  const auto track = parse_srt(*bytes);
  ASSERT_TRUE(track.is_ok()) << track.status().to_string();
  EXPECT_EQ(track->source_encoding, "windows-1252");
  ASSERT_EQ(track->cues.size(), 3u);
  EXPECT_EQ(track->cues[1].text, "La photosynthèse fabrique la matière des plantes.");
  EXPECT_EQ(track->cues[2].start_ms, 7500);
}

}  // namespace
}  // namespace repere::extract
