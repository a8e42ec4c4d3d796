// pocketsphinx, the built-in recogniser, on real English speech that Debian ships
// (pocketsphinx-testdata: LibriVox recordings with their transcripts).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "repere/extract/transcriber.h"
#include "repere/media/audio.h"

namespace repere::extract {
namespace {

const std::filesystem::path kLibrivox = "/usr/share/pocketsphinx/test/data/librivox";
const std::string kModel = "/usr/share/pocketsphinx/model/en-us";

// The transcript of one LibriVox clip, from the package's "transcription" file.
std::vector<std::string> truth_words(const std::string& id) {
  std::ifstream in(kLibrivox / "transcription");
  for (std::string line; std::getline(in, line);) {
    if (line.find("(" + id + ")") == std::string::npos) continue;
    std::istringstream words(line);
    std::vector<std::string> out;
    for (std::string w; words >> w;) {
      if (w != "<s>" && w != "</s>" && w.front() != '(') out.push_back(w);
    }
    return out;
  }
  return {};
}

double recall(const std::vector<std::string>& truth, const std::vector<Utterance>& got) {
  std::map<std::string, int> found;
  for (const auto& u : got) {
    for (const auto& w : u.words) ++found[w.text];
  }
  int hit = 0;
  for (const auto& w : truth) {
    if (found[w] > 0) {
      --found[w];
      ++hit;
    }
  }
  return truth.empty() ? 0 : static_cast<double>(hit) / truth.size();
}

TEST(PocketSphinx, RecognisesEnglishSpeechWithWordTimes) {
  auto engine = make_pocketsphinx_transcriber(kModel);
  ASSERT_TRUE(engine.is_ok()) << engine.status().to_string();
  EXPECT_EQ((*engine)->origin(), "ai:pocketsphinx@5prealpha");
  const std::string id = "sense_and_sensibility_01_austen_64kb-0880";
  const auto utterances = (*engine)->transcribe(kLibrivox / (id + ".wav"), "en");
  ASSERT_TRUE(utterances.is_ok()) << utterances.status().to_string();
  ASSERT_FALSE(utterances->empty());
  const auto truth = truth_words(id);
  ASSERT_FALSE(truth.empty());
  const double r = recall(truth, *utterances);
  std::printf("pocketsphinx word recall on %s: %.2f\n", id.c_str(), r);
  EXPECT_GE(r, 0.6);
  std::int64_t previous = -1;
  for (const auto& u : *utterances) {
    EXPECT_LE(u.start_ms, u.end_ms);
    for (const auto& w : u.words) {
      EXPECT_GE(w.start_ms, previous);
      EXPECT_LE(w.end_ms, 5000);  // the clip lasts under 5 s
      previous = w.start_ms;
    }
  }
}

TEST(PocketSphinx, EngineIsReusableAndBadInputIsAnError) {
  auto engine = make_pocketsphinx_transcriber(kModel);
  ASSERT_TRUE(engine.is_ok());
  const auto first =
      (*engine)->transcribe(kLibrivox / "sense_and_sensibility_01_austen_64kb-0880.wav", "en");
  const auto bad = (*engine)->transcribe(REPERE_SOURCE_DIR "/README.md", "en");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  const auto second =
      (*engine)->transcribe(kLibrivox / "sense_and_sensibility_01_austen_64kb-0880.wav", "en");
  ASSERT_TRUE(first.is_ok() && second.is_ok());
  ASSERT_EQ(first->size(), second->size());
  EXPECT_EQ(first->front().text, second->front().text);  // same input, same text
  EXPECT_EQ(make_pocketsphinx_transcriber("/nonexistent").status().code(), StatusCode::kNotFound);
}

TEST(DecodeSpeechAudio, ResamplesToSixteenKilohertzMono) {
  std::size_t samples = 0;
  const Status s = media::decode_speech_audio(REPERE_FIXTURES_DIR "/lecture.mp4", [&](auto chunk) {
    samples += chunk.size();
    return true;
  });
  ASSERT_TRUE(s.is_ok()) << s.to_string();
  EXPECT_NEAR(static_cast<double>(samples) / media::kSpeechSampleRate, 12.0,
              0.2);  // 22.05 kHz AAC in
  std::size_t stopped = 0;
  ASSERT_TRUE(media::decode_speech_audio(REPERE_FIXTURES_DIR "/lecture.mp4", [&](auto chunk) {
                stopped += chunk.size();
                return false;
              }).is_ok());
  EXPECT_LT(stopped, samples);
  EXPECT_FALSE(media::decode_speech_audio(REPERE_FIXTURES_DIR "/scan.png", [](auto) {
                 return true;
               }).is_ok());
}

}  // namespace
}  // namespace repere::extract
