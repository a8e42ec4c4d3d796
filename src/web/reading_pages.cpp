#include "reading_pages.h"

#include <filesystem>
#include <fstream>

#include "access.h"
#include "answers.h"
#include "context.h"
#include "document_pages.h"
#include "http.h"
#include "repere/catalog/texts.h"
#include "repere/core/text.h"
#include "repere/courses/classes.h"
#include "repere/learn/store.h"
#include "repere/preview/speech.h"

namespace repere::web {

namespace fs = std::filesystem;

namespace {

constexpr const char* kFontFolder = "/usr/share/fonts/opentype/opendyslexic";

// The content `id` as the request's viewer may see it, with the text its page shows: the
// transcript's lines (or, for `page` > 0, that page's paragraphs) and the track they are from.
struct Readable {
  catalog::Content content;
  catalog::Id track_id = 0;
  std::vector<std::string> lines;
};

Result<Readable> readable(Context& ctx, const http::Request& req, int page) {
  REPERE_ASSIGN_OR_RETURN(auto db, ctx.catalog());
  REPERE_ASSIGN_OR_RETURN(catalog::Content c, content_for(*db, viewer_of(req), path_id(req)));
  REPERE_ASSIGN_OR_RETURN(const auto tracks, catalog::TrackRepository(*db).list_for_content(c.id));
  const catalog::Track* transcript = catalog::best_transcript(tracks);
  if (transcript == nullptr)
    return Status::not_found("content " + std::to_string(c.id) + " has no text to read aloud");
  REPERE_ASSIGN_OR_RETURN(const auto cues,
                          catalog::CueRepository(*db).list_for_track(transcript->id));
  Readable r{.content = std::move(c), .track_id = transcript->id, .lines = {}};
  if (page > 0) {
    std::vector<const catalog::Cue*> on_page;
    for (const catalog::Cue& cue : cues) {
      if (cue.page == page) on_page.push_back(&cue);
    }
    r.lines = page_paragraphs(on_page);
  } else {
    for (const catalog::Cue& cue : cues) r.lines.push_back(cue.text);
  }
  return r;
}

void send_voice(Context& ctx, const http::Request& req, http::Response& res, int page, int part) {
  const auto r = readable(ctx, req, page);
  if (!r.is_ok()) return problem(res, r.status());
  const auto parts = preview::spoken_parts(r->lines);
  if (part < 1 || part > static_cast<int>(parts.size()))
    return problem(res, 404, "Not Found", "there is no such part of the text to read aloud");
  const preview::Part& p = parts[static_cast<std::size_t>(part - 1)];
  std::string text;
  for (std::size_t i = p.first; i < p.last; ++i) text += r->lines[i] + "\n";
  if (text.size() > preview::kMaxSpokenBytes) {  // one line longer than a part: its start
    std::size_t cut = text.rfind(' ', preview::kMaxSpokenBytes);
    if (cut == std::string::npos || cut < preview::kMaxSpokenBytes / 2)
      cut = preview::kMaxSpokenBytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text.resize(cut);
  }
  const std::string key = std::to_string(r->content.id) + "-t" + std::to_string(r->track_id) +
                          (page > 0 ? "-p" + std::to_string(page) : "") + "-" +
                          std::to_string(part);
  send_spoken(ctx, res, text, r->content.language, key);
}

std::string reading_switch(const http::Request& req, bool on) {
  const std::string suite = text::escape_html(local_path(req.target));
  return "<form class=\"affichage\" method=\"post\" action=\"/preferences/lecture\">"
         "<input type=\"hidden\" name=\"suite\" value=\"" +
         suite + "\"><button type=\"submit\" name=\"mode\" value=\"" +
         (on ? "standard" : "adaptee") + "\" aria-pressed=\"" + (on ? "true" : "false") +
         "\">Affichage adapté à la lecture</button></form>";
}

}  // namespace

void send_spoken(Context& ctx, http::Response& res, const std::string& text,
                 const std::string& language, const std::string& key) {
  const auto made = preview::spoken(text, language, ctx.dir.root / "cache" / "voix", key);
  if (!made.is_ok()) {
    if (made.status().code() == StatusCode::kInvalidArgument)
      return problem(res, 404, "Not Found", made.status().message());
    if (ctx.warn) ctx.warn("cannot read aloud: " + made.status().message());
    return problem(res, made.status());
  }
  std::error_code ec;
  const auto size = fs::file_size(*made, ec);
  auto file = std::make_shared<std::ifstream>(*made, std::ios::binary);
  if (ec || !*file) return problem(res, 500, "Internal Server Error", "cannot read the audio");
  // Private: a draft's text is a curator's, never a shared cache's.
  res.set_header("Cache-Control", "private, max-age=86400");
  res.set_header("Content-Language", preview::voice_for(language));
  res.set_stream(std::move(file), static_cast<std::uint64_t>(size), "audio/ogg");
}

list voice_parts(const std::string& base, const std::vector<std::string>& lines,
                 const std::vector<std::int64_t>& starts_ms) {
  list out;
  const auto parts = preview::spoken_parts(lines);
  for (std::size_t k = 0; k < parts.size(); ++k) {
    data d;
    d.set("k", std::to_string(k + 1));
    d.set("src", base + "/voix/" + std::to_string(k + 1) + ".ogg");
    std::string label = parts.size() == 1 ? "Tout le texte" : "Partie " + std::to_string(k + 1);
    if (starts_ms.size() == lines.size() && !lines.empty()) {
      const std::int64_t from = starts_ms[parts[k].first];
      label += parts.size() == 1 ? "" : " (à partir de " + clock_time(from) + ")";
    }
    d.set("label", label);
    out.push_back(d);
  }
  return out;
}

void content_voice(Context& ctx, const http::Request& req, http::Response& res) {
  send_voice(ctx, req, res, 0, static_cast<int>(path_id(req, 2)));
}

void page_voice(Context& ctx, const http::Request& req, http::Response& res) {
  const int page = static_cast<int>(path_id(req, 2));
  if (page < 1) return problem(res, 404, "Not Found", "pages are numbered from 1");
  send_voice(ctx, req, res, page, static_cast<int>(path_id(req, 3)));
}

std::string reading_choice(const http::Request& req) {
  const std::string c = cookie(req, kReadingCookie);
  return c == "adaptee" || c == "standard" ? c : "";
}

void mark_reading_default(Context& ctx, const http::Request& req, http::Response& res) {
  if (!reading_choice(req).empty()) return;
  auto db = ctx.catalog();
  if (!db.is_ok()) return;
  const std::string code = req.matches[1].str();
  bool on = false;
  if (const auto share = learn::ActivityStore(**db).class_by_code(code); share.is_ok()) {
    on = share->reading_view;
  } else if (const auto k = courses::ClassStore(**db).class_by_code(code); k.is_ok()) {
    on = k->reading_view;
  }
  if (on) res.set_header(kClassDefault, "adaptee");
}

void reading_preference_post(Context& ctx, const http::Request& req, http::Response& res) {
  const std::string mode = req.get_param_value("mode");
  if (mode != "adaptee" && mode != "standard")
    return problem(res, 400, "Bad Request", "mode must be adaptee or standard");
  res.set_header("Set-Cookie", std::string(kReadingCookie) + "=" + mode +
                                   "; Path=/; Max-Age=31536000; SameSite=Lax" +
                                   (secure_cookie(ctx, req) ? "; Secure" : ""));
  res.status = 303;
  res.set_header("Location", local_path(req.get_param_value("suite")));
}

void reading_font(Context&, const http::Request& req, http::Response& res) {
  const std::string weight = req.matches[1].str();
  const fs::path font = fs::path(kFontFolder) /
                        (weight == "bold" ? "OpenDyslexic-Bold.otf" : "OpenDyslexic-Regular.otf");
  std::ifstream in(font, std::ios::binary);
  if (!in) {
    return problem(res, 404, "Not Found",
                   "the reading view's font is not installed (apt-get install fonts-opendyslexic)");
  }
  // In memory, so that it goes gzip-compressed (41 KB → 30 KB).
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  res.set_header("Cache-Control", "public, max-age=604800");
  res.set_content(std::move(bytes), "font/otf");
}

void decorate_reading(const http::Request& req, http::Response& res) {
  const bool class_default = res.has_header(kClassDefault);
  res.headers.erase(kClassDefault);
  std::string& html = res.body;
  const std::size_t at = html.find("<!--lecture-->");
  if (at == std::string::npos) return;
  const std::string choice = reading_choice(req);
  const bool on = choice == "adaptee" || (choice.empty() && class_default);
  html.replace(at, 14, reading_switch(req, on));
  if (on) {
    const std::size_t body = html.find("<body>");
    if (body != std::string::npos) html.replace(body, 6, "<body class=\"lecture-adaptee\">");
  }
}

}  // namespace repere::web
