// Timed cues as WebVTT, the captions format of browsers and of H5P.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "repere/catalog/types.h"

namespace repere::catalog {

// "WEBVTT" and a block per cue with a start and an end; the text escaped as the format asks
// (&, <, >) and without blank lines (which would end the cue). With a window, only the cues
// that overlap [from_ms, to_ms), clipped to it and shifted so that from_ms becomes 00:00.
std::string to_webvtt(const std::vector<Cue>& cues, std::int64_t from_ms = 0,
                      std::optional<std::int64_t> to_ms = std::nullopt);

// "hh:mm:ss.ttt".
std::string webvtt_time(std::int64_t ms);

}  // namespace repere::catalog
