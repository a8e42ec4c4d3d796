// OCR noise: what Tesseract reads in a photo, a chart or a drawing when it takes shapes for
// letters (« ES JE NV SRE LA ww Ze BEAN »). Such text stays a cue — the transcript and the
// review queue show it, a curator may correct it — but it is kept out of passages, so that it
// is neither searched nor shown as a snippet. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "repere/catalog/types.h"

namespace repere::index {
class Dictionaries;
}

namespace repere::ingest {

struct NoiseOptions {
  double low_confidence = 0.6;  // a word read with less confidence is not a plausible word
  double min_plausible = 0.5;   // a unit whose share of plausible words is lower is noise
};

// Whether one machine-read word is plausible text: known to `language`'s dictionary or to
// another one Repère has, French and English (any word is, without a dictionary for `language`), a
// number, or a capitalised name read with high confidence; read with at least `low_confidence`.
// Punctuation alone and words of one or two letters are neither plausible nor implausible (returns
// -1); other symbols (« | », « = ») are noise (0).
int plausible_word(std::string_view word, double confidence,
                   const index::Dictionaries* dictionaries, std::string_view language,
                   const NoiseOptions& options = {});

// Removes the noise of an OCR track's cues, in place, and returns how many cues it removed.
// Units are judged whole: a slide (one cue) for video frames; a line of words (cues of one
// page on the same line, from their boxes) for scans. A unit of at least two judged words
// of which less than `min_plausible` are plausible is noise. Cues without a confidence (text
// a person wrote or corrected) are never removed.
std::size_t drop_ocr_noise(std::vector<catalog::Cue>& cues, const index::Dictionaries* dictionaries,
                           std::string_view language, const NoiseOptions& options = {});

}  // namespace repere::ingest
