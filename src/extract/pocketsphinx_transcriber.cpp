// pocketsphinx 5prealpha: continuous recognition over 16 kHz audio, cut into utterances by
// its voice activity detector, with the time of every word.
#include <pocketsphinx.h>

#include <filesystem>

#include "repere/extract/engine.h"
#include "repere/extract/transcriber.h"
#include "repere/media/audio.h"

namespace repere::extract {
namespace {

namespace fs = std::filesystem;

constexpr int kFramesPerSecond = 100;

std::string find_with_ending(const fs::path& dir, std::string_view ending) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() > ending.size() &&
        name.compare(name.size() - ending.size(), ending.size(), ending) == 0) {
      return e.path().string();
    }
  }
  return {};
}

std::string find_acoustic_model(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir / "mdef", ec)) return dir.string();
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_directory() && fs::exists(e.path() / "mdef", ec)) return e.path().string();
  }
  return {};
}

// Words that are not speech: silences, fillers, sentence marks.
bool is_filler(std::string_view w) {
  return w.empty() || w.front() == '<' || w.front() == '[' || w == "<sil>";
}

// "read(2)" -> "read": pocketsphinx marks alternative pronunciations in the word itself.
std::string clean_word(std::string w) {
  const std::size_t paren = w.find('(');
  if (paren != std::string::npos && paren > 0) w.erase(paren);
  return w;
}

class PocketSphinx : public Transcriber {
 public:
  PocketSphinx(cmd_ln_t* config, ps_decoder_t* decoder) : config_(config), ps_(decoder) {}
  ~PocketSphinx() override {
    ps_free(ps_);
    cmd_ln_free_r(config_);
  }

  Result<std::vector<Utterance>> transcribe(const fs::path& media,
                                            const std::string& /*language*/) override {
    // Each file starts from the model's initial state: the decoder otherwise carries its
    // running cepstral mean over from the previous file, and the same file would not always
    // give the same text.
    if (used_ && ps_reinit(ps_, nullptr) < 0) return Status::internal("pocketsphinx cannot reset");
    used_ = true;
    utterances_.clear();
    samples_ = 0;
    utterance_start_ = 0;
    in_utterance_ = false;
    if (ps_start_utt(ps_) < 0) return Status::internal("pocketsphinx cannot start");
    bool was_speech = false;
    const Status decoded =
        media::decode_speech_audio(media, [&](std::span<const std::int16_t> chunk) {
          ps_process_raw(ps_, chunk.data(), chunk.size(), FALSE, FALSE);
          const bool speech = ps_get_in_speech(ps_) != 0;
          if (speech && !was_speech && !in_utterance_) in_utterance_ = true;
          if (!speech && was_speech) end_utterance();
          was_speech = speech;
          samples_ += static_cast<std::int64_t>(chunk.size());
          return true;
        });
    end_utterance();
    ps_end_utt(ps_);
    if (!decoded.is_ok()) return decoded;
    return std::move(utterances_);
  }

  std::string origin() const override { return "ai:pocketsphinx@5prealpha"; }
  std::vector<std::string> languages() const override { return {"en"}; }

 private:
  // Closes the current utterance, keeps its words, and starts the next one at this sample.
  void end_utterance() {
    ps_end_utt(ps_);
    collect();
    ps_start_utt(ps_);
    utterance_start_ = samples_;
    in_utterance_ = false;
  }

  void collect() {
    const std::int64_t base_ms = utterance_start_ * 1000 / media::kSpeechSampleRate;
    Utterance u;
    for (ps_seg_t* seg = ps_seg_iter(ps_); seg != nullptr; seg = ps_seg_next(seg)) {
      const char* raw = ps_seg_word(seg);
      if (raw == nullptr || is_filler(raw)) continue;
      int start_frame = 0;
      int end_frame = 0;
      ps_seg_frames(seg, &start_frame, &end_frame);
      SpokenWord w{base_ms + start_frame * 1000 / kFramesPerSecond,
                   base_ms + (end_frame + 1) * 1000 / kFramesPerSecond, clean_word(raw)};
      if (u.words.empty()) u.start_ms = w.start_ms;
      u.end_ms = w.end_ms;
      if (!u.text.empty()) u.text += ' ';
      u.text += w.text;
      u.words.push_back(std::move(w));
    }
    if (!u.words.empty()) utterances_.push_back(std::move(u));
  }

  cmd_ln_t* config_;
  ps_decoder_t* ps_;
  std::vector<Utterance> utterances_;
  std::int64_t samples_ = 0;
  std::int64_t utterance_start_ = 0;
  bool in_utterance_ = false;
  bool used_ = false;
};

}  // namespace

Result<std::unique_ptr<Transcriber>> make_pocketsphinx_transcriber(const std::string& model_dir) {
  REPERE_RETURN_IF_ERROR(check_pocketsphinx_model(model_dir));
  const fs::path dir(model_dir);
  const std::string hmm = find_acoustic_model(dir);
  std::string lm = find_with_ending(dir, ".lm.bin");
  if (lm.empty()) lm = find_with_ending(dir, ".lm");
  const std::string dict = find_with_ending(dir, ".dict");
  cmd_ln_t* config = cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", hmm.c_str(), "-lm", lm.c_str(),
                                 "-dict", dict.c_str(), "-logfn", "/dev/null", nullptr);
  if (config == nullptr)
    return Status::invalid_argument("pocketsphinx rejects the model in " + model_dir);
  ps_decoder_t* ps = ps_init(config);
  if (ps == nullptr) {
    cmd_ln_free_r(config);
    return Status::invalid_argument("pocketsphinx cannot load the model in " + model_dir);
  }
  return std::unique_ptr<Transcriber>(new PocketSphinx(config, ps));
}

}  // namespace repere::extract
