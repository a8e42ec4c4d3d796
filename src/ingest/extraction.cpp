#include "repere/ingest/extraction.h"

#include <algorithm>

#include "repere/core/files.h"
#include "repere/core/text.h"
#include "repere/extract/html.h"
#include "repere/extract/pdf.h"
#include "repere/extract/plain_text.h"
#include "repere/extract/slides.h"
#include "repere/extract/subtitles.h"
#include "repere/extract/title.h"
#include "repere/extract/transcriber.h"
#include "repere/media/probe.h"

namespace repere::ingest {
namespace {

namespace fs = std::filesystem;
using catalog::ContentKind;
using catalog::Cue;
using catalog::Track;
using catalog::TrackKind;

std::string language_label(const std::string& language) {
  if (language == "fr") return "Français";
  if (language == "en") return "English";
  return language.empty() ? "Sous-titres" : language;
}

// Bounds on what one file may bring, whatever it claims: its size as text, and for a timed
// track, cues per second of media (real subtitles have well under one a second).
constexpr std::uintmax_t kMaxTextFileBytes = 32 * 1024 * 1024;
constexpr std::int64_t kMaxCuesPerSecond = 2;
constexpr std::size_t kMinCueCap = 200;

Status check_text_size(const fs::path& path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (!ec && size > kMaxTextFileBytes) {
    return Status::invalid_argument(path.string() + ": " + std::to_string(size / (1024 * 1024)) +
                                    " MiB of text, over the 32 MiB one file may bring");
  }
  return Status::ok();
}

// A track past its bounds is refused whole (the content keeps its other tracks); cues that
// start after the media's end are counted in a warning.
Status check_cues(const fs::path& path, const ExtractedTrack& t, std::int64_t duration_ms,
                  std::vector<std::string>& warnings) {
  if (duration_ms <= 0) return Status::ok();
  const std::size_t cap = std::max<std::size_t>(
      kMinCueCap, static_cast<std::size_t>(duration_ms / 1000 * kMaxCuesPerSecond));
  if (t.cues.size() > cap) {
    return Status::invalid_argument(
        path.string() + ": " + std::to_string(t.cues.size()) + " cues for " +
        text::clock_time(duration_ms) + " of media, over the " + std::to_string(cap) +
        " allowed (" + std::to_string(kMaxCuesPerSecond) + " a second): is it the right file?");
  }
  std::size_t late = 0;
  for (const Cue& c : t.cues) {
    if (c.start_ms && *c.start_ms > duration_ms + 1000) ++late;
  }
  if (late > 0) {
    warnings.push_back(path.filename().string() + ": " + std::to_string(late) +
                       " cues start after the end of the media (" + text::clock_time(duration_ms) +
                       "): is the file for this media?");
  }
  return Status::ok();
}

// A text whose encoding may have been misread: someone should check its accents.
void warn_encoding(const fs::path& path, const std::string& doubt,
                   std::vector<std::string>& warnings) {
  if (doubt.empty()) return;
  warnings.push_back(path.filename().string() + ": uncertain encoding (" + doubt +
                     "): check its accents, or save it as UTF-8 and ingest it again");
}

Result<ExtractedTrack> read_sidecar(const Sidecar& sidecar, const std::string& content_language,
                                    std::vector<std::string>& warnings) {
  REPERE_RETURN_IF_ERROR(check_text_size(sidecar.path));
  REPERE_ASSIGN_OR_RETURN(const std::string bytes, read_file(sidecar.path));
  const bool vtt = sidecar.path.extension() == ".vtt" || sidecar.path.extension() == ".VTT";
  auto parsed = vtt ? extract::parse_webvtt(bytes) : extract::parse_srt(bytes);
  if (!parsed.is_ok()) return parsed.status().with_context(sidecar.path.string());
  for (const auto& w : parsed->warnings) {
    warnings.push_back(sidecar.path.filename().string() + " line " + std::to_string(w.line) + ": " +
                       w.message);
  }
  warn_encoding(sidecar.path, parsed->encoding_doubt, warnings);
  ExtractedTrack out;
  out.track.kind = TrackKind::kSubtitles;
  out.track.language = sidecar.language.empty() ? content_language : sidecar.language;
  out.track.origin = "human";
  out.track.label =
      language_label(out.track.language) + " (" + sidecar.path.filename().string() + ")";
  for (const auto& c : parsed->cues) {
    std::string plain = extract::cue_plain_text(c.text);
    if (plain.empty()) continue;
    out.cues.push_back(Cue{.start_ms = c.start_ms,
                           .end_ms = std::max(c.end_ms, c.start_ms),
                           .text = std::move(plain)});
  }
  return out;
}

Result<extract::OcrEngine*> ocr_engine(const extract::OcrOptions& options);

// The text shown on screen, as a machine-read track with one cue per slide.
Status read_video_text(const catalog::Content& content, const fs::path& media,
                       std::int64_t duration_ms, const ExtractOptions& options, Extraction& out) {
  REPERE_ASSIGN_OR_RETURN(extract::OcrEngine * engine, ocr_engine(options.ocr));
  auto slides = extract::read_slides(media, duration_ms, *engine);
  if (!slides.is_ok()) {
    out.warnings.push_back(slides.status().message());
    return Status::ok();
  }
  ExtractedTrack t;
  t.track.kind = TrackKind::kOcrFrames;
  t.track.language = content.language;
  t.track.origin = engine->origin();
  t.track.label = "Texte à l'écran (reconnu automatiquement)";
  for (const auto& s : *slides) {
    t.cues.push_back(Cue{
        .start_ms = s.start_ms, .end_ms = s.end_ms, .confidence = s.confidence, .text = s.text});
  }
  if (!t.cues.empty()) out.tracks.push_back(std::move(t));
  return Status::ok();
}

Result<std::unique_ptr<extract::Transcriber>> make_transcriber(const ExtractOptions& options) {
  if (options.asr_engine == "pocketsphinx")
    return extract::make_pocketsphinx_transcriber(options.pocketsphinx_model);
  if (options.asr_engine == "whisper") return extract::make_whisper_transcriber(options.whisper);
  if (options.asr_engine == "endpoint") return extract::make_endpoint_transcriber(options.endpoint);
  return Status::unsupported("asr.engine = " + options.asr_engine +
                             ": use pocketsphinx, whisper, endpoint or none");
}

// One recogniser per thread, like OCR engines: loading a model is slow.
Result<extract::Transcriber*> transcriber(const ExtractOptions& options) {
  thread_local std::unique_ptr<extract::Transcriber> engine;
  thread_local std::string key;
  const std::string wanted = options.asr_engine + "|" + options.pocketsphinx_model + "|" +
                             options.whisper.cli.string() + "|" + options.whisper.model.string() +
                             "|" + options.endpoint.base_url + "|" + options.endpoint.model;
  if (!engine || key != wanted) {
    engine.reset();
    REPERE_ASSIGN_OR_RETURN(engine, make_transcriber(options));
    key = wanted;
  }
  return engine.get();
}

// A speech track for `media`, from the configured engine if it knows the content's language.
Result<ExtractedTrack> transcribe(const catalog::Content& content, const fs::path& media,
                                  const ExtractOptions& options) {
  if (options.asr_engine == "none") {
    return Status::unsupported(
        "speech recognition is off (asr.engine = none): add a subtitle "
        "file beside the media, or choose an engine in repere.toml");
  }
  const std::string language = content.language.substr(0, 2);
  REPERE_ASSIGN_OR_RETURN(extract::Transcriber * engine, transcriber(options));
  const auto known = engine->languages();
  const std::string spoken = language.empty() && !known.empty() ? known.front() : language;
  if (!known.empty() && std::find(known.begin(), known.end(), spoken) == known.end()) {
    return Status::unsupported("no speech recogniser for '" + content.language +
                               "' here: " + options.asr_engine + " only knows " +
                               (known.front() == "en" ? std::string("English") : known.front()) +
                               ". Add a subtitle file beside the media, or set asr.engine to "
                               "whisper or endpoint, then run `repere ingest --retry-failed`");
  }
  REPERE_ASSIGN_OR_RETURN(const auto utterances, engine->transcribe(media, spoken));
  ExtractedTrack t;
  t.track.kind = TrackKind::kAsr;
  t.track.language = spoken;
  t.track.origin = engine->origin();
  t.track.label = "Transcription automatique";
  for (const auto& u : utterances) {
    t.cues.push_back(Cue{.start_ms = u.start_ms, .end_ms = u.end_ms, .text = u.text});
  }
  return t;
}

Status extract_timed(const catalog::Content& content, const fs::path& media,
                     const std::vector<Sidecar>& sidecars, const ExtractOptions& options,
                     Extraction& out) {
  REPERE_ASSIGN_OR_RETURN(const media::MediaInfo info, media::probe(media));
  out.duration_ms = info.duration_ms;
  out.title = extract::clean_title(info.title);
  for (const Sidecar& s : sidecars) {
    auto t = read_sidecar(s, content.language, out.warnings);
    const Status bounded =
        t.is_ok() ? check_cues(s.path, *t, info.duration_ms, out.warnings) : t.status();
    if (!bounded.is_ok()) {
      out.failed_files.emplace_back(s.path, bounded.message());
    } else if (!t->cues.empty()) {
      out.tracks.push_back(std::move(*t));
    }
  }
  for (const media::StreamInfo& stream : info.streams) {
    if (!stream.text_subtitles) continue;
    auto cues = media::read_text_subtitles(media, stream.index);
    if (!cues.is_ok()) {
      out.warnings.push_back(cues.status().message());
      continue;
    }
    ExtractedTrack t;
    t.track.kind = TrackKind::kSubtitles;
    t.track.language = stream.language.empty() ? content.language : stream.language;
    t.track.origin = "human";
    t.track.label = language_label(t.track.language) + " (piste " + stream.codec + " " +
                    std::to_string(stream.index) + ")";
    for (auto& c : *cues) {
      std::string plain = extract::cue_plain_text(c.text);
      if (!plain.empty())
        t.cues.push_back(Cue{.start_ms = c.start_ms, .end_ms = c.end_ms, .text = plain});
    }
    if (const Status bounded = check_cues(media, t, info.duration_ms, out.warnings);
        !bounded.is_ok()) {
      out.failed_files.emplace_back(media, bounded.message());
    } else if (!t.cues.empty()) {
      out.tracks.push_back(std::move(t));
    }
  }
  const bool subtitled = !out.tracks.empty();
  if (info.has_video() && options.read_slides) {
    REPERE_RETURN_IF_ERROR(read_video_text(content, media, info.duration_ms, options, out));
  }
  if (subtitled && !options.transcribe_subtitled) return Status::ok();
  if (!info.has_audio()) {
    if (!out.tracks.empty()) return Status::ok();
    return Status::invalid_argument(media.string() + ": no subtitles and no sound to transcribe");
  }
  auto speech = transcribe(content, media, options);
  if (speech.is_ok()) {
    if (!speech->cues.empty()) out.tracks.push_back(std::move(*speech));
    return Status::ok();
  }
  if (!out.tracks.empty()) {  // other text is there: a missing recogniser is only a warning
    out.warnings.push_back(media.filename().string() + ": " + speech.status().message());
    return Status::ok();
  }
  return speech.status().with_context(media.string() +
                                      ": no subtitles (no sidecar .vtt or .srt, "
                                      "no text subtitle stream)");
}

Status extract_text_file(const catalog::Content& content, const fs::path& path, Extraction& out) {
  REPERE_RETURN_IF_ERROR(check_text_size(path));
  REPERE_ASSIGN_OR_RETURN(const std::string bytes, read_file(path));
  const std::string ext = path.extension().string();
  const bool markdown = ext == ".md" || ext == ".markdown";
  const extract::TextDocument doc = extract::read_text_document(bytes, markdown);
  if (doc.paragraphs.empty())
    return Status::invalid_argument(path.string() + ": no text in the file");
  ExtractedTrack t;
  t.track.kind = TrackKind::kText;
  t.track.language = content.language;
  t.track.origin = "human";
  t.track.label = "Texte (" + doc.encoding + ")";
  warn_encoding(path, doc.encoding_doubt, out.warnings);
  for (const std::string& p : doc.paragraphs) t.cues.push_back(Cue{.text = p});
  out.title = extract::clean_title(doc.title);
  out.tracks.push_back(std::move(t));
  return Status::ok();
}

Status extract_webpage(const catalog::Content& content, const fs::path& path, Extraction& out) {
  REPERE_RETURN_IF_ERROR(check_text_size(path));
  REPERE_ASSIGN_OR_RETURN(const std::string bytes, read_file(path));
  const extract::HtmlDocument doc = extract::read_html(bytes);
  if (doc.paragraphs.empty())
    return Status::invalid_argument(path.string() + ": no visible text in the page");
  ExtractedTrack t;
  t.track.kind = TrackKind::kText;
  t.track.language = doc.language.empty() ? content.language : doc.language;
  t.track.origin = "human";
  t.track.label = "Texte de la page (" + doc.encoding + ")";
  warn_encoding(path, doc.encoding_doubt, out.warnings);
  for (const std::string& p : doc.paragraphs) t.cues.push_back(Cue{.text = p});
  out.title = extract::clean_title(doc.title);
  out.tracks.push_back(std::move(t));
  return Status::ok();
}

// One OCR engine per thread, reloaded only when the options change: loading Tesseract's
// French and English data costs a few hundred milliseconds.
Result<extract::OcrEngine*> ocr_engine(const extract::OcrOptions& options) {
  thread_local std::unique_ptr<extract::OcrEngine> engine;
  thread_local std::string key;
  const std::string wanted =
      options.languages + "|" + options.tessdata + "|" + std::to_string(options.low_confidence);
  if (!engine || key != wanted) {
    REPERE_ASSIGN_OR_RETURN(engine, extract::OcrEngine::create(options));
    key = wanted;
  }
  return engine.get();
}

Cue ocr_cue(const extract::OcrWord& w, int page) {
  return Cue{.page = page,
             .box_x = w.x,
             .box_y = w.y,
             .box_w = w.w,
             .box_h = w.h,
             .confidence = w.confidence,
             .text = w.text};
}

ExtractedTrack ocr_track(const catalog::Content& content, const extract::OcrEngine& engine) {
  ExtractedTrack t;
  t.track.kind = TrackKind::kOcrScan;
  t.track.language = content.language;
  t.track.origin = engine.origin();
  t.track.label = "Texte reconnu automatiquement";
  return t;
}

Status extract_image(const catalog::Content& content, const fs::path& path,
                     const ExtractOptions& options, Extraction& out) {
  REPERE_ASSIGN_OR_RETURN(extract::OcrEngine * engine, ocr_engine(options.ocr));
  REPERE_ASSIGN_OR_RETURN(const auto words, engine->read_file(path));
  out.page_count = 1;
  ExtractedTrack t = ocr_track(content, *engine);
  for (const auto& w : words) t.cues.push_back(ocr_cue(w, 1));
  if (t.cues.empty()) {
    out.warnings.push_back(path.filename().string() + ": no text found in the image");
  } else {
    out.tracks.push_back(std::move(t));
  }
  return Status::ok();
}

Status extract_pdf(const catalog::Content& content, const fs::path& path,
                   const ExtractOptions& options, Extraction& out) {
  REPERE_ASSIGN_OR_RETURN(const extract::PdfText pdf, extract::read_pdf_text(path));
  out.page_count = pdf.page_count;
  out.title = pdf.title;
  ExtractedTrack layer;
  layer.track.kind = TrackKind::kPdfText;
  layer.track.language = content.language;
  layer.track.origin = "human";
  layer.track.label = "Texte du PDF";
  for (const auto& w : pdf.words) {
    layer.cues.push_back(Cue{
        .page = w.page, .box_x = w.x, .box_y = w.y, .box_w = w.w, .box_h = w.h, .text = w.text});
  }
  if (!layer.cues.empty()) out.tracks.push_back(std::move(layer));
  if (pdf.pages_without_text.empty()) return Status::ok();
  REPERE_ASSIGN_OR_RETURN(extract::OcrEngine * engine, ocr_engine(options.ocr));
  ExtractedTrack scanned = ocr_track(content, *engine);
  for (const int page : pdf.pages_without_text) {
    auto image = extract::render_pdf_page(path, page, options.pdf_dpi);
    auto words = image.is_ok() ? engine->read_image(*image) : image.status();
    if (!words.is_ok()) {
      out.warnings.push_back(path.filename().string() + " page " + std::to_string(page) + ": " +
                             words.status().message());
      continue;
    }
    for (const auto& w : *words) scanned.cues.push_back(ocr_cue(w, page));
  }
  if (!scanned.cues.empty()) out.tracks.push_back(std::move(scanned));
  if (out.tracks.empty()) out.warnings.push_back(path.filename().string() + ": no text found");
  return Status::ok();
}

}  // namespace

Result<Extraction> extract_text(const catalog::Content& content, const fs::path& media,
                                const std::vector<Sidecar>& sidecars,
                                const ExtractOptions& options) {
  std::error_code ec;
  if (fs::is_regular_file(media, ec) && fs::file_size(media, ec) == 0) {
    return Status::invalid_argument(media.string() + ": empty file (0 bytes)");
  }
  Extraction out;
  switch (content.kind) {
    case ContentKind::kVideo:
    case ContentKind::kAudio:
      REPERE_RETURN_IF_ERROR(extract_timed(content, media, sidecars, options, out));
      break;
    case ContentKind::kText: REPERE_RETURN_IF_ERROR(extract_text_file(content, media, out)); break;
    case ContentKind::kDocument:
      REPERE_RETURN_IF_ERROR(extract_pdf(content, media, options, out));
      break;
    case ContentKind::kImage:
      REPERE_RETURN_IF_ERROR(extract_image(content, media, options, out));
      break;
    case ContentKind::kWebpage: REPERE_RETURN_IF_ERROR(extract_webpage(content, media, out)); break;
  }
  return out;
}

}  // namespace repere::ingest
