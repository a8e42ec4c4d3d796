// Fuzz target: the SubRip parser (with encoding detection) must never crash, hang or leak,
// and must always hand back UTF-8.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "repere/core/text.h"
#include "repere/extract/subtitles.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto track = repere::extract::parse_srt(input);
  if (!track.is_ok()) return 0;
  for (const auto& cue : track->cues) {
    if (cue.end_ms < cue.start_ms || cue.text.empty()) std::abort();
    if (!repere::text::is_valid_utf8(cue.text)) std::abort();
  }
  return 0;
}
