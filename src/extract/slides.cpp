#include "repere/extract/slides.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>
#include <set>
#include <vector>

#include "repere/core/text.h"
#include "repere/media/frames.h"

namespace repere::extract {
namespace {

struct Read {
  std::string text;
  std::set<std::string> terms;
  double confidence = 0;
};

// Whether an OCR word looks like a word of a slide, not a shape or a clock digit read from
// the picture: at least two letters, and mostly letters.
bool word_like(const std::string& w) {
  std::size_t letters = 0;
  std::size_t others = 0;
  for (const std::string& t : text::search_terms(w)) {
    for (const unsigned char c : t) {
      if (std::isalpha(c) || c >= 0x80) {
        ++letters;
      } else {
        ++others;
      }
    }
  }
  for (const unsigned char c : w) {
    if (std::ispunct(c) && c != '\'' && c != '-' && c != ',' && c != '.' && c != ':') ++others;
  }
  return letters >= 2 && letters >= 3 * others;
}

// Numbers, symbols and one-letter words (« 3/8 », « BC² », « à ») are read only on a frame that
// already shows words, and only when Tesseract is sure of them: on a picture without text they
// are mostly shapes misread.
constexpr double kSureConfidence = 0.85;

Read read_frame(OcrEngine& ocr, const media::GreyFrame& frame, double min_confidence) {
  GreyImage image{.width = frame.width, .height = frame.height, .pixels = frame.pixels, .dpi = 0};
  Read r;
  const auto words = ocr.read_image(image);
  if (!words.is_ok()) return r;
  std::vector<bool> is_word(words->size());
  int word_count = 0;
  for (std::size_t i = 0; i < words->size(); ++i) {
    const OcrWord& w = (*words)[i];
    is_word[i] = w.confidence >= min_confidence && word_like(w.text);
    word_count += is_word[i] ? 1 : 0;
  }
  double total = 0;
  int kept = 0;
  const OcrWord* previous = nullptr;
  for (std::size_t i = 0; i < words->size(); ++i) {
    const OcrWord& w = (*words)[i];
    if (!is_word[i] && (word_count < 2 || w.confidence < kSureConfidence)) continue;
    // A new paragraph, or a line set in another size (the title's end), starts a line of the
    // text: the first, the slide's title, names the chapter on the content page. A title
    // wrapped over two lines of its size stays one.
    const bool below = previous != nullptr && w.y > previous->y + previous->h / 2;
    const bool resized = previous != nullptr && std::abs(w.h - previous->h) > 0.25 * previous->h;
    const bool new_line = previous != nullptr && (w.starts_paragraph || (below && resized));
    if (!r.text.empty()) r.text += new_line ? '\n' : ' ';
    r.text += w.text;
    previous = &w;
    total += w.confidence;
    ++kept;
    for (const std::string& t : text::search_terms(w.text)) r.terms.insert(t);
  }
  r.confidence = kept > 0 ? total / kept : 0;
  return r;
}

double jaccard(const std::set<std::string>& a, const std::set<std::string>& b) {
  if (a.empty() || b.empty()) return 0;
  std::size_t common = 0;
  for (const std::string& t : a) common += b.count(t);
  return static_cast<double>(common) / static_cast<double>(a.size() + b.size() - common);
}

class Merger {
 public:
  explicit Merger(double same) : same_(same) {}

  void add(std::int64_t t, Read read) {
    if (read.terms.size() < 2) {  // nothing readable on screen
      close(t);
      return;
    }
    if (current_ && jaccard(current_terms_, read.terms) >= same_) {
      current_->end_ms = t;
      // Keep the most confident reading of the slide.
      if (read.confidence > current_->confidence) {
        current_->text = std::move(read.text);
        current_->confidence = read.confidence;
        current_terms_ = std::move(read.terms);
      }
      return;
    }
    close(t);
    current_ = SlideCue{
        .start_ms = t, .end_ms = t, .text = std::move(read.text), .confidence = read.confidence};
    current_terms_ = std::move(read.terms);
  }

  void close(std::int64_t t) {
    if (!current_) return;
    current_->end_ms = std::max(current_->end_ms, t);
    cues_.push_back(std::move(*current_));
    current_.reset();
  }

  std::vector<SlideCue> finish(std::int64_t end) {
    close(end);
    return std::move(cues_);
  }

 private:
  double same_;
  std::optional<SlideCue> current_;
  std::set<std::string> current_terms_;
  std::vector<SlideCue> cues_;
};

}  // namespace

Result<std::vector<SlideCue>> read_slides(const std::filesystem::path& video,
                                          std::int64_t duration_ms, OcrEngine& ocr,
                                          const SlideOptions& options) {
  Merger merger(options.same_slide);
  std::int64_t last = 0;
  const media::FrameSampling sampling{.check_every_ms = options.check_every_ms,
                                      .keep_every_ms = options.read_every_ms};
  REPERE_RETURN_IF_ERROR(media::sample_frames(video, sampling, [&](const media::GreyFrame& f) {
    merger.add(f.time_ms, read_frame(ocr, f, options.min_word_confidence));
    last = f.time_ms;
    return true;
  }));
  return merger.finish(std::max(duration_ms, last));
}

}  // namespace repere::extract
