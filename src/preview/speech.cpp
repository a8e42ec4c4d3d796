#include "repere/preview/speech.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <system_error>

#include "repere/core/process.h"
#include "repere/core/text.h"

namespace repere::preview {

namespace fs = std::filesystem;

namespace {

// FNV-1a, 64 bits: enough to tell one cached text from another under one content's key.
std::string text_hash(std::string_view text) {
  std::uint64_t h = 1469598103934665603ULL;
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return out;
}

// What espeak-ng is given: valid UTF-8 without control characters, lines kept.
std::string speakable(std::string_view raw) {
  const std::string text = text::sanitize_utf8(raw);
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 && c != '\n') || u == 0x7f ? ' ' : c;
  }
  return out;
}

// A name no other thread or process writes at the same time.
fs::path temporary(const fs::path& folder, const std::string& stem, const char* ext) {
  static std::atomic<unsigned> counter{0};
  return folder / (".tmp-" + stem + "-" + std::to_string(::getpid()) + "-" +
                   std::to_string(counter++) + ext);
}

struct Removed {  // temporary files, gone when the work ends, whatever happened
  std::vector<fs::path> paths;
  ~Removed() {
    for (const fs::path& p : paths) {
      std::error_code ignored;
      fs::remove(p, ignored);
    }
  }
};

Status run(const std::vector<std::string>& args, const fs::path& log, const char* package) {
  const auto code = run_program(args, log);
  if (!code.is_ok()) {
    return Status::unavailable(args[0] + " cannot be started (apt-get install " + package +
                               "): " + code.status().message());
  }
  if (*code != 0) {
    return Status::io_error(args[0] + " failed (exit " + std::to_string(*code) +
                            "): " + log_tail(log));
  }
  return Status::ok();
}

}  // namespace

std::string voice_for(const std::string& language) {
  return language.rfind("en", 0) == 0 ? "en" : "fr";
}

std::vector<Part> spoken_parts(const std::vector<std::string>& lines) {
  std::vector<Part> out;
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::size_t n = lines[i].size() + 1;
    if (out.empty() || bytes + n > kMaxSpokenBytes) {
      out.push_back({i, i});
      bytes = 0;
    }
    out.back().last = i + 1;
    bytes += n;
  }
  return out;
}

Result<fs::path> spoken(std::string_view text, const std::string& language, const fs::path& cache,
                        const std::string& key) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return Status::invalid_argument("there is no text to read aloud");
  if (text.size() > kMaxSpokenBytes + 1024)
    return Status::invalid_argument("a text of " + std::to_string(text.size()) +
                                    " bytes is read in parts of " +
                                    std::to_string(kMaxSpokenBytes));
  const std::string voice = voice_for(language);
  const std::string said = speakable(text);
  const std::string stem =
      key + "-" + text_hash(voice + "\n" + std::to_string(kWordsPerMinute) + "\n" + said);
  const fs::path made = cache / (stem + ".ogg");
  std::error_code ec;
  if (fs::is_regular_file(made, ec) && fs::file_size(made, ec) > 0) return made;
  fs::create_directories(cache, ec);
  if (ec) return Status::io_error("cannot create " + cache.string() + ": " + ec.message());
  Removed scratch;
  const fs::path txt = temporary(cache, stem, ".txt");
  const fs::path wav = temporary(cache, stem, ".wav");
  const fs::path ogg = temporary(cache, stem, ".ogg");
  const fs::path log = temporary(cache, stem, ".log");
  scratch.paths = {txt, wav, ogg, log};
  {
    std::ofstream out(txt, std::ios::binary);
    out << said << "\n";
    if (!out) return Status::io_error("cannot write " + txt.string());
  }
  REPERE_RETURN_IF_ERROR(run({"espeak-ng", "-v", voice, "-s", std::to_string(kWordsPerMinute), "-b",
                              "1", "-w", wav.string(), "-f", txt.string()},
                             log, "espeak-ng"));
  REPERE_RETURN_IF_ERROR(
      run({"ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", wav.string(), "-ac", "1", "-c:a",
           "libopus", "-b:a", "24k", "-application", "voip", "-f", "ogg", ogg.string()},
          log, "ffmpeg"));
  fs::rename(ogg, made, ec);
  if (ec) return Status::io_error("cannot write " + made.string() + ": " + ec.message());
  return made;
}

}  // namespace repere::preview
