// Optical character recognition with Tesseract: words with their boxes and confidences.
//
// An OcrEngine holds a loaded Tesseract (loading French and English takes a few hundred
// milliseconds), so reuse one per thread. Not thread-safe: one engine per thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "repere/core/result.h"

namespace repere::extract {

struct OcrOptions {
  std::string languages = "fra+eng";  // Tesseract language codes joined by '+'
  std::string tessdata;               // "" = Tesseract's default folder
  double low_confidence = 0.6;        // words below this are kept, and marked
};

struct OcrWord {
  std::string text;
  double x = 0, y = 0, w = 0, h = 0;  // box, as fractions of the image's width and height
  double confidence = 0;              // 0..1
  bool low_confidence = false;        // confidence < OcrOptions::low_confidence
  bool starts_paragraph = false;      // first word of a paragraph Tesseract found
};

// Pixels of one image, 8-bit grey, row by row.
struct GreyImage {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> pixels;  // width * height bytes
  int dpi = 0;                       // 0 when unknown
};

class OcrEngine {
 public:
  // Errors: not_found when a language's data is missing (naming the package to install).
  static Result<std::unique_ptr<OcrEngine>> create(const OcrOptions& options);
  ~OcrEngine();
  OcrEngine(const OcrEngine&) = delete;
  OcrEngine& operator=(const OcrEngine&) = delete;

  // Reads an image file (PNG, JPEG, TIFF, PNM, BMP, WebP). Errors: invalid_argument naming
  // the file when it is not an image Leptonica can read.
  Result<std::vector<OcrWord>> read_file(const std::filesystem::path& path);
  // Reads pixels already in memory (a rendered PDF page, a video frame).
  Result<std::vector<OcrWord>> read_image(const GreyImage& image);

  // "ai:tesseract@5.3.0": the provenance of the text it makes.
  std::string origin() const;

 private:
  struct Impl;
  explicit OcrEngine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace repere::extract
