// The text shown in a video (slides, titles, captions burnt into the picture): frames sampled
// at scene changes and every few seconds go through OCR, and consecutive frames that show the
// same text become one cue spanning the time it is on screen. A slide shown for five minutes
// is one cue, not a hundred. Not thread-safe: uses the caller's OcrEngine.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "repere/core/result.h"
#include "repere/extract/ocr.h"

namespace repere::extract {

struct SlideOptions {
  std::int64_t check_every_ms = 500;   // scene changes are looked for this often
  std::int64_t read_every_ms = 10000;  // a frame is read at least this often
  double min_word_confidence = 0.5;    // words below are noise from the picture, not text
  double same_slide = 0.6;             // word overlap (Jaccard) above which two reads are one slide
};

struct SlideCue {
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  std::string text;
  double confidence = 0;  // mean word confidence of the read kept
};

// Errors: those of media::sample_frames (no video stream, unreadable file).
Result<std::vector<SlideCue>> read_slides(const std::filesystem::path& video,
                                          std::int64_t duration_ms, OcrEngine& ocr,
                                          const SlideOptions& options = {});

}  // namespace repere::extract
