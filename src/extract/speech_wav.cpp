#include "speech_wav.h"

#include <stdlib.h>

#include <cstdio>
#include <cstring>
#include <memory>

#include "repere/media/audio.h"

namespace repere::extract {

namespace fs = std::filesystem;

namespace {

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

void put32(unsigned char* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}
void put16(unsigned char* p, std::uint16_t v) {
  p[0] = static_cast<unsigned char>(v);
  p[1] = static_cast<unsigned char>(v >> 8);
}

// The 44-byte header of a PCM WAV file holding `samples` 16-bit mono samples.
void wav_header(unsigned char (&h)[44], std::uint32_t samples) {
  const std::uint32_t bytes = samples * 2;
  std::memcpy(h, "RIFF", 4);
  put32(h + 4, 36 + bytes);
  std::memcpy(h + 8, "WAVEfmt ", 8);
  put32(h + 16, 16);
  put16(h + 20, 1);  // PCM
  put16(h + 22, 1);  // mono
  put32(h + 24, media::kSpeechSampleRate);
  put32(h + 28, media::kSpeechSampleRate * 2);
  put16(h + 32, 2);
  put16(h + 34, 16);
  std::memcpy(h + 36, "data", 4);
  put32(h + 40, bytes);
}

class ChunkWriter {
 public:
  ChunkWriter(fs::path folder, std::int64_t max_samples)
      : folder_(std::move(folder)), max_samples_(max_samples) {}

  bool add(std::span<const std::int16_t> samples) {
    while (!samples.empty()) {
      if (!file_ && !open_next()) return false;
      std::int64_t room = max_samples_ > 0 ? max_samples_ - in_chunk_ : samples.size();
      const auto n = static_cast<std::size_t>(std::min<std::int64_t>(room, samples.size()));
      if (std::fwrite(samples.data(), 2, n, file_.get()) != n) return false;
      in_chunk_ += static_cast<std::int64_t>(n);
      samples = samples.subspan(n);
      if (max_samples_ > 0 && in_chunk_ >= max_samples_ && !close_current()) return false;
    }
    return true;
  }

  bool finish() { return !file_ || close_current(); }
  std::vector<WavChunk>& chunks() { return chunks_; }

 private:
  bool open_next() {
    const fs::path p = folder_ / ("speech-" + std::to_string(chunks_.size()) + ".wav");
    file_.reset(std::fopen(p.c_str(), "wb"));
    if (!file_) return false;
    unsigned char h[44];
    wav_header(h, 0);
    chunks_.push_back({.path = p, .offset_ms = done_ * 1000 / media::kSpeechSampleRate});
    in_chunk_ = 0;
    return std::fwrite(h, 1, sizeof h, file_.get()) == sizeof h;
  }

  bool close_current() {
    unsigned char h[44];
    wav_header(h, static_cast<std::uint32_t>(in_chunk_));
    const bool ok = std::fseek(file_.get(), 0, SEEK_SET) == 0 &&
                    std::fwrite(h, 1, sizeof h, file_.get()) == sizeof h &&
                    std::fflush(file_.get()) == 0;
    file_.reset();
    chunks_.back().duration_ms = in_chunk_ * 1000 / media::kSpeechSampleRate;
    done_ += in_chunk_;
    return ok;
  }

  fs::path folder_;
  std::int64_t max_samples_;
  File file_;
  std::int64_t in_chunk_ = 0;
  std::int64_t done_ = 0;
  std::vector<WavChunk> chunks_;
};

}  // namespace

Result<std::vector<WavChunk>> write_speech_wav(const fs::path& media, const fs::path& folder,
                                               int chunk_seconds) {
  ChunkWriter writer(folder, static_cast<std::int64_t>(chunk_seconds) * media::kSpeechSampleRate);
  bool write_ok = true;
  REPERE_RETURN_IF_ERROR(media::decode_speech_audio(media, [&](std::span<const std::int16_t> s) {
    write_ok = writer.add(s);
    return write_ok;
  }));
  if (!write_ok || !writer.finish()) {
    return Status::io_error("cannot write the sound of " + media.string() + " to " +
                            folder.string() + ": is the disk full?");
  }
  if (writer.chunks().empty()) {
    return Status::invalid_argument(media.string() + ": its audio stream holds no sound");
  }
  return std::move(writer.chunks());
}

Result<ScratchDir> ScratchDir::create(const std::string& prefix) {
  std::string pattern = (fs::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    return Status::io_error("cannot create a temporary folder in " +
                            fs::temp_directory_path().string());
  }
  return ScratchDir(fs::path(pattern));
}

ScratchDir::~ScratchDir() {
  if (path_.empty()) return;
  std::error_code ec;
  fs::remove_all(path_, ec);
}

}  // namespace repere::extract
