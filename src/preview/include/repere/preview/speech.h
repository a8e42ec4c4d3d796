// Text read aloud, for pupils who read with difficulty: espeak-ng (Debian's, its French voice by
// default) speaks it, ffmpeg encodes it as Opus in Ogg (about 24 kbit/s: a minute of speech in
// some 180 KB, which a school's connection plays at once), and the file is kept in a cache
// folder, so that each text is spoken once. A synthetic voice: the pages say so.
//
// Thread-safe: a file is written under a temporary name, then renamed.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "repere/core/result.h"

namespace repere::preview {

// The most text one audio file speaks (about four minutes at the default rate): longer texts
// are read in parts (see spoken_parts), so that the first is ready in a second or two.
inline constexpr std::size_t kMaxSpokenBytes = 4000;
inline constexpr int kWordsPerMinute = 150;

// espeak-ng's voice for a content's language: "fr" (the default, and for any language it
// lacks here), "en" for English.
std::string voice_for(const std::string& language);

// Cuts `lines` (a transcript's, a page's) into parts of at most kMaxSpokenBytes, each a range
// [first, last) of whole lines; a line longer than that is a part of its own. Pure.
struct Part {
  std::size_t first = 0, last = 0;
};
std::vector<Part> spoken_parts(const std::vector<std::string>& lines);

// `text` spoken in `language` as Ogg Opus, from the cache folder `cache` when it is there (the
// name starts with `key` and holds a hash of the text, so a corrected text is spoken again);
// returns the cached file. Errors: invalid_argument for an empty text or one longer than
// kMaxSpokenBytes; unavailable when espeak-ng or ffmpeg is missing (naming the Debian package);
// io_error when the cache cannot be written or a program fails (with the end of its log).
Result<std::filesystem::path> spoken(std::string_view text, const std::string& language,
                                     const std::filesystem::path& cache, const std::string& key);

}  // namespace repere::preview
