// Sampling the pictures of a video: at scene changes (a new slide) and at least every few
// seconds, as 8-bit grey images for OCR. Streaming; thread safety: one decoder per call.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <vector>

#include "repere/core/result.h"

namespace repere::media {

struct GreyFrame {
  std::int64_t time_ms = 0;
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> pixels;  // width * height, row by row
  bool scene_change = false;         // true when it differs from the previous sampled frame
};

struct FrameSampling {
  std::int64_t check_every_ms = 500;   // how often a frame is compared with the last one kept
  std::int64_t keep_every_ms = 10000;  // a frame is kept at least this often, change or not
  std::int64_t min_change_gap_ms =
      1500;                        // scene changes closer than this to the last kept frame wait
  double scene_threshold = 0.005;  // share of clearly changed pixels that makes a new scene
  int max_width = 1280;            // larger frames are scaled down (OCR needs no more)
};

// Called for each kept frame, in time order; return false to stop early.
using FrameSink = std::function<bool(const GreyFrame&)>;

// Errors: not_found; invalid_argument naming the file when it has no video stream.
Status sample_frames(const std::filesystem::path& path, const FrameSampling& sampling,
                     const FrameSink& sink);

struct ColourFrame {
  std::int64_t time_ms = 0;
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgb;  // width * height * 3, row by row
};

// The picture shown at `at_ms` (the first frame at or after it; the last one when the video
// ends before), scaled to `width` pixels (never enlarged), for a moment's thumbnail. Seeks to
// the keyframe before and decodes from there. Errors: as sample_frames.
Result<ColourFrame> frame_at(const std::filesystem::path& path, std::int64_t at_ms, int width);

}  // namespace repere::media
