// The "extract" stage: the text tracks of one content, read from its file and its sidecars.
// Thread safety: safe from any thread; touches only the files it is given.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "repere/catalog/types.h"
#include "repere/extract/ocr.h"
#include "repere/extract/transcriber.h"
#include "repere/index/dictionary.h"
#include "repere/ingest/files.h"

namespace repere::ingest {

struct ExtractedTrack {
  catalog::Track track;            // content_id left 0: the caller sets it
  std::vector<catalog::Cue> cues;  // plain text, never empty
};

struct Extraction {
  std::vector<ExtractedTrack> tracks;
  std::optional<std::int64_t> duration_ms;
  std::optional<std::int64_t> page_count;
  // A title found inside the file: a PDF's metadata or first heading, a page's <title>, a
  // Markdown note's first heading, a video's title tag (extract::clean_title); "" if none.
  std::string title;
  std::vector<std::string> warnings;  // "lecture.fr.srt line 12: ...": kept, not fatal
  // Side files that could not be read (a damaged sidecar): failures of their own, while the
  // content goes on with its other text.
  std::vector<std::pair<std::filesystem::path, std::string>> failed_files;
};

struct ExtractOptions {
  extract::OcrOptions ocr;  // for images and the pages of PDFs that have no text layer
  int pdf_dpi = 300;        // resolution at which such pages are rendered for OCR
  std::string asr_engine = "pocketsphinx";  // asr.engine: pocketsphinx, whisper, endpoint, none
  std::string pocketsphinx_model = "/usr/share/pocketsphinx/model/en-us";
  extract::WhisperOptions whisper;    // for asr.engine = whisper
  extract::EndpointOptions endpoint;  // for asr.engine = endpoint
  bool transcribe_subtitled = false;  // transcribe media that already have subtitles too
  bool read_slides = true;            // OCR the text shown in videos (slides, titles)
  // The languages' word lists (search.dictionaries): the language of a document's text is
  // told from its words when nothing said it (a manifest, the page's lang): an English PDF is
  // no longer stemmed as French. Null: the content's language as it is.
  std::shared_ptr<const index::Dictionaries> dictionaries;
};

// Reads every text source of `content` (kind, language) from `media` and `sidecars`.
// Video and audio: sidecar subtitles, then embedded text subtitle streams. Text and Markdown:
// paragraphs. PDF: the words of the text layer with their boxes, and OCR of pages without
// one. Images: OCR words with boxes and confidences. Web pages: title and visible text.
// Videos: the text they show (slides) is read by OCR, one cue per slide on screen. Video
// and audio without subtitles (or all of them, with transcribe_subtitled) are transcribed
// when the configured engine knows their language.
// Errors (naming the file): invalid_argument for a damaged or empty file; unsupported for
// timed media with no subtitles and no speech recogniser for their language.
// Thread safety: safe; each thread keeps its own OCR engine.
Result<Extraction> extract_text(const catalog::Content& content, const std::filesystem::path& media,
                                const std::vector<Sidecar>& sidecars,
                                const ExtractOptions& options = {});

}  // namespace repere::ingest
