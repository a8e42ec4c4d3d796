// Fuzz target: the WebVTT parser and cue text cleaning must never crash, hang or leak, and
// every cue they return must be well-formed.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "repere/core/text.h"
#include "repere/extract/subtitles.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto track = repere::extract::parse_webvtt(input);
  if (!track.is_ok()) return 0;
  for (const auto& cue : track->cues) {
    if (cue.start_ms < 0 || cue.end_ms < 0 || cue.line < 1) std::abort();
    if (!repere::text::is_valid_utf8(cue.text)) std::abort();
    const std::string plain = repere::extract::cue_plain_text(cue.text);
    if (!repere::text::is_valid_utf8(plain)) std::abort();
  }
  return 0;
}
