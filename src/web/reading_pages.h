// Reading aids for pupils with specific needs (reading_pages.cpp): a content's transcript or a
// document page's text read aloud by a synthetic French voice (repere/preview/speech.h), and
// a reading view (a dyslexia-friendly font, larger spacing, one idea per line, line focus)
// chosen by the reader and kept in a cookie. Internal to src/web.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "render.h"
#include "repere/catalog/types.h"

namespace repere::web::http {
struct Request;
struct Response;
}  // namespace repere::web::http

namespace repere::web {

struct Context;

inline constexpr const char* kReadingCookie = "repere_lecture";
// Set on a response by mark_reading_default for decorate_reading; never sent.
inline constexpr const char* kClassDefault = "X-Repere-Class-Reading-View";

// GET /contenus/ID/voix/K.ogg: part K (from 1) of the content's transcript or text, read
// aloud (Ogg Opus, with Range), to whoever may see the content. 404: no such content, part or
// text, or not visible; 503: espeak-ng or ffmpeg missing.
void content_voice(Context& ctx, const http::Request& req, http::Response& res);
// GET /contenus/ID/pages/N/voix/K.ogg: part K of page N's text, read aloud.
void page_voice(Context& ctx, const http::Request& req, http::Response& res);
// `text` (at most preview::kMaxSpokenBytes) read aloud in `language` as the answer: Ogg Opus
// from the cache (`key` names it), with Range; 404 for an empty text, 503 when espeak-ng or
// ffmpeg is missing. The caller checked the reader may hear it.
void send_spoken(Context& ctx, http::Response& res, const std::string& text,
                 const std::string& language, const std::string& key);
// The parts a text of `lines` is read in, for a page's template: {k, label, src}. `timed`:
// the lines' start times (ms) label each part with its span.
list voice_parts(const std::string& base, const std::vector<std::string>& lines,
                 const std::vector<std::int64_t>& starts_ms);

// POST /preferences/lecture (mode=adaptee|standard, suite=/path): keeps the choice in a
// cookie for a year and goes back to `suite` (a path of this site only).
void reading_preference_post(Context& ctx, const http::Request& req, http::Response& res);
// GET /polices/opendyslexic-regular.otf, -bold.otf: the font of the reading view, from
// Debian's fonts-opendyslexic (404 when it is not installed: the view falls back to Verdana).
void reading_font(Context& ctx, const http::Request& req, http::Response& res);

// Whether the request's reader chose the reading view ("adaptee"), the standard one
// ("standard"), or neither ("").
std::string reading_choice(const http::Request& req);
// For a class's pupil page (/classe/CODE): the class's default view, when the teacher chose the
// reading view for it, is the page's unless the pupil chose otherwise.
void mark_reading_default(Context& ctx, const http::Request& req, http::Response& res);
// The reading view's switch, for the top of every HTML page, and the page marked for it.
void decorate_reading(const http::Request& req, http::Response& res);

}  // namespace repere::web
