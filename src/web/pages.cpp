#include "pages.h"

#include "http.h"

#include <kainjow/mustache.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "access.h"
#include "answer_pages.h"
#include "answers.h"
#include "context.h"
#include "curation_pages.h"
#include "document_pages.h"
#include "programme_pages.h"
#include "reading_pages.h"
#include "render.h"
#include "repere/catalog/contents.h"
#include "repere/catalog/texts.h"
#include "repere/core/result.h"
#include "repere/core/text.h"
#include "repere/index/lexical.h"
#include "repere/search/search.h"

namespace repere::web {

const std::map<std::string, std::string>& embedded_files();  // generated at build time

namespace {

using kainjow::mustache::mustache;

const std::string& template_text(const std::string& name) {
  static const std::string kEmpty;
  const auto& files = embedded_files();
  const auto found = files.find("templates/" + name + ".html");
  return found == files.end() ? kEmpty : found->second;
}

}  // namespace

std::string render(const std::string& name, data& page, const std::string& title,
                   const std::string& query, const std::string& script) {
  mustache body(template_text(name));
  data layout;
  layout.set("title", title);
  layout.set("query", query);
  if (!script.empty()) layout.set("script", script);
  layout.set("body", body.render(page));
  mustache frame(template_text("layout"));
  return frame.render(layout);
}

std::string render_bare(const std::string& name, data& page) {
  mustache body(template_text(name));
  return body.render(page);
}

void send_page(http::Response& res, const std::string& html, int status) {
  res.status = status;
  if (!res.has_header("Cache-Control")) res.set_header("Cache-Control", "no-cache");
  res.set_content(html, "text/html; charset=utf-8");
}

void error_page(http::Response& res, int status, const std::string& title,
                const std::string& detail) {
  data page;
  page.set("title", title);
  page.set("detail", detail);
  send_page(res, render("error", page, title), status);
}

void error_page(http::Response& res, const Status& status, const std::string& title) {
  error_page(res, http_status(status.code()), title, status.message());
}

list caption_list(const std::vector<catalog::Track>& tracks, std::int64_t content_id,
                  bool default_on) {
  list captions;
  for (const auto& t : tracks) {
    if (t.kind != catalog::TrackKind::kSubtitles && t.kind != catalog::TrackKind::kAsr) continue;
    data d;
    d.set("content_id", std::to_string(content_id));
    d.set("id", std::to_string(t.id));
    d.set("language", t.language.empty() ? "fr" : t.language);
    const bool automatic = t.machine_unreviewed();
    d.set("label", !t.label.empty() ? t.label
                   : automatic      ? "Français (transcription automatique)"
                                    : "Français");
    d.set("default", default_on && captions.empty());
    captions.push_back(d);
  }
  return captions;
}

void page_home(Context& ctx, const http::Request& req, http::Response& res) {
  const bool unpublished_too = viewer_of(req).sees_unpublished();
  auto db = ctx.catalog();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  data page;
  list kinds;
  for (const char* k : {"video", "audio", "document", "image", "webpage", "text"}) {
    data d;
    d.set("value", k);
    d.set("label", kind_label(k));
    kinds.push_back(d);
  }
  page.set("kinds", kinds);
  for (const std::string field : {"subject", "level"}) {
    list items;
    const auto values = catalog::ContentRepository(**db).metadata_values(
        field,
        unpublished_too ? std::nullopt : std::optional(catalog::EditorialStatus::kPublished));
    for (const auto& v : values.value_or(std::vector<std::string>{})) items.push_back(data(v));
    page.set("has_" + field + "s", !items.empty());
    page.set(field + "s", items);
  }
  list examples;
  for (const char* q : {"comment les plantes fabriquent leur matière", "pourquoi le ciel est bleu",
                        "le théorème de Pythagore", "les séismes et les volcans"}) {
    data d;
    d.set("text", q);
    d.set("url", url_encode(q));
    examples.push_back(d);
  }
  page.set("examples", examples);
  const auto count = catalog::ContentRepository(**db).count(
      unpublished_too ? std::nullopt : std::optional(catalog::EditorialStatus::kPublished));
  page.set("contents", std::to_string(count.is_ok() ? *count : 0));
  send_page(res, render("home", page, "Accueil"));
}

namespace {

// The query string of a results page with another offset.
std::string results_link(const http::Request& req, std::int64_t offset) {
  std::string out = "/recherche?";
  bool first = true;
  for (const auto& [key, value] : req.params) {
    if (key == "offset" || value.empty()) continue;
    out += (first ? "" : "&") + url_encode(key) + "=" + url_encode(value);
    first = false;
  }
  if (offset > 0) out += (first ? "" : "&") + std::string("offset=") + std::to_string(offset);
  return out;
}

// Why a result is listed, in French, with the words that put it there: « mots trouvés :
// respire · par un synonyme : respirer → inspirer · proche par le sens ».
std::string why_listed(const search::Explain& e) {
  std::vector<std::string> parts;
  if (!e.matched_terms.empty()) {
    std::string words;
    for (const std::string& w : e.matched_terms) words += (words.empty() ? "" : ", ") + w;
    parts.push_back((e.matched_terms.size() == 1 ? "mot trouvé : " : "mots trouvés : ") + words);
  }
  if (!e.synonyms.empty()) {
    std::string pairs;
    for (const search::SynonymMatch& m : e.synonyms)
      pairs += (pairs.empty() ? "" : ", ") + m.word + " → " + m.synonym;
    parts.push_back("par un synonyme : " + pairs);
  }
  if (e.by_meaning) parts.push_back("proche par le sens");
  if (parts.empty()) parts.push_back("proche par le sens");
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : " · ") + p;
  return out;
}

std::string hits_text(std::int64_t total) {
  if (total == 0) return "Aucun contenu trouvé.";
  if (total == 1) return "1 contenu trouvé.";
  return std::to_string(total) + " contenus trouvés.";
}

}  // namespace

void page_results(Context& ctx, const http::Request& req, http::Response& res) {
  auto request = search_request(req);
  if (!request.is_ok()) return error_page(res, request.status(), "Recherche impossible");
  if (request->query.find_first_not_of(" \t") == std::string::npos) {
    res.status = 303;
    res.set_header("Location", "/");
    return;
  }
  std::string within;  // the concept the search is narrowed to, if any
  if (const Status narrowed = narrow_to_concept(ctx, req, *request, &within); !narrowed.is_ok())
    return error_page(res, narrowed, "Recherche impossible");
  limit_search(viewer_of(req), *request);
  auto searcher = ctx.searcher();
  if (!searcher.is_ok()) return error_page(res, searcher.status(), "Recherche indisponible");
  const auto found = (*searcher)->search(*request);
  if (!found.is_ok()) return error_page(res, found.status(), "Recherche impossible");
  data page;
  page.set("query", request->query);
  if (const Status answered = add_answer(ctx, *found, *request, page); !answered.is_ok())
    return error_page(res, answered, "Recherche impossible");
  if (!within.empty()) {  // narrowed to a concept: said, with the way out
    page.set("within", within);
    page.set("within_link", "/programme/" + req.get_param_value("notion"));
    page.set("everywhere", "/recherche?q=" + url_encode(request->query));
  }
  if (!found->suggestion.empty()) {
    page.set("suggestion", found->suggestion);
    page.set("suggestion_url", url_encode(found->suggestion));
  }
  page.set("degraded", found->degraded);
  page.set("total_text", hits_text(found->total));
  page.set("first", std::to_string(request->offset + 1));
  list hits;
  for (const auto& h : found->hits) {
    data hit;
    hit.set("id", std::to_string(h.content_id));
    hit.set("title", h.title);
    // A content harvested from a partner opens there (only web addresses are harvested).
    const bool external = !h.external_url.empty();
    const std::string href =
        external ? h.external_url : "/contenus/" + std::to_string(h.content_id);
    const std::string sep = h.external_url.find('?') == std::string::npos ? "?" : "&";
    hit.set("href", href);
    if (!h.partner.empty()) hit.set("partner", h.partner);
    hit.set("kind_label", kind_label(h.kind));
    if (h.duration_ms) hit.set("duration", clock_time(*h.duration_ms));
    hit.set("why", why_listed(h.explain));
    list moments;
    std::string first_moment;
    for (const auto& m : h.moments) {
      data d;
      d.set("content_id", std::to_string(h.content_id));
      d.set("title", h.title);
      // The query travels to the content page, which marks its words.
      const std::string q = "q=" + url_encode(request->query);
      std::string link, where, where_label;
      if (m.start_ms) {  // lands on the line that says the words (at_ms)
        link = "?t=" + std::to_string(m.at_ms.value_or(*m.start_ms) / 1000) + "&" + q;
        where = clock_time(*m.start_ms) + (m.end_ms ? " – " + clock_time(*m.end_ms) : "");
        where_label = "À " + spoken_time(*m.start_ms);
      } else if (m.page) {
        link = "?page=" + std::to_string(*m.page) + "&" + q + "#page-" + std::to_string(*m.page);
        where = "p. " + std::to_string(*m.page);
        where_label = "Page " + std::to_string(*m.page);
      } else {  // a web page or a note: the paragraphs of the passage, highlighted
        link = "?passage=" + std::to_string(m.passage_id) + "&" + q + "#passage";
        where = "Passage";
        where_label = "Passage";
      }
      if (external) {  // the partner's own page, at the moment when it has times
        link = m.start_ms ? sep + "t=" + std::to_string(m.at_ms.value_or(*m.start_ms) / 1000)
               : m.page
                   ? sep + "page=" + std::to_string(*m.page) + "#page-" + std::to_string(*m.page)
                   : "";
      }
      if (first_moment.empty()) first_moment = link;
      d.set("href", href);
      if (external) {
        d.set("link", link);
        d.set("where", where);
        d.set("where_label", where_label + " (chez " + h.partner + ")");
        d.set("snippet", m.snippet);
        moments.push_back(d);
        continue;
      }
      if (m.start_ms && (h.kind == "video" || h.kind == "audio")) {
        // The clip starts where the moment starts (not at its landing line) and ends with it.
        d.set("create", "/activites/nouvelle?contenu=" + std::to_string(h.content_id) +
                            "&t=" + std::to_string(*m.start_ms / 1000) +
                            (m.end_ms ? "&fin=" + std::to_string((*m.end_ms + 999) / 1000) : ""));
      }
      // « Ajouter au cours » (teachers): the moment's clip, or the page.
      if (viewer_of(req).can(auth::Role::kTeacher) && (m.start_ms || m.page)) {
        d.set("add",
              "/cours/ajouter?contenu=" + std::to_string(h.content_id) +
                  (m.start_ms
                       ? "&t=" + std::to_string(*m.start_ms / 1000) +
                             (m.end_ms ? "&fin=" + std::to_string((*m.end_ms + 999) / 1000) : "")
                       : "&page=" + std::to_string(*m.page)));
      }
      if (m.start_ms && h.kind == "video") {
        const std::int64_t at = m.at_ms.value_or(*m.start_ms);
        d.set("thumb", moment_image_url(h.content_id, at));
        d.set("thumb_alt", moment_image_alt(at, m.snippet));
      }
      d.set("link", link);
      d.set("where", where);
      d.set("where_label", where_label);
      d.set("snippet", m.snippet);  // escaped by the search, with <mark>
      moments.push_back(d);
    }
    hit.set("moments", moments);
    hit.set("first_moment", first_moment);
    hits.push_back(hit);
  }
  page.set("has_hits", !found->hits.empty());
  // Nothing: say so, and offer what helps — the words the library lacks, fewer words, the
  // disciplines of the home page.
  if (found->hits.empty()) {
    std::string unknown;
    for (const std::string& w : found->unknown_words)
      unknown += (unknown.empty() ? "« " : "», « ") + w + " ";
    if (!unknown.empty()) {
      page.set("unknown_words", unknown + "»");
      page.set("unknown_many", found->unknown_words.size() > 1);
    }
    page.set("fewer_words", found->meaningful_words > 2);
  }
  page.set("hits", hits);
  if (request->offset > 0)
    page.set("previous",
             results_link(req, std::max<std::int64_t>(0, request->offset - request->limit)));
  if (request->offset + request->limit < found->total)
    page.set("next", results_link(req, request->offset + request->limit));
  send_page(res,
            render("results", page, "Résultats pour « " + request->query + " »", request->query));
}

namespace {

constexpr std::size_t kMaxChapters = 40;

// A video's chapters: each slide change of its slides' text (the OCR of its frames), titled by
// the slide's top line; a slide captured again with the same title is the same chapter.
list chapters_of(std::int64_t content_id, const std::vector<catalog::Cue>& slides) {
  std::map<std::int64_t, const catalog::Cue*> top;  // each start's topmost line
  for (const auto& cue : slides) {
    if (!cue.start_ms || cue.text.find_first_not_of(" \n") == std::string::npos) continue;
    const catalog::Cue*& t = top[*cue.start_ms];
    if (!t || cue.box_y.value_or(0) < t->box_y.value_or(0)) t = &cue;
  }
  list out;
  std::string last;
  for (const auto& [start, cue] : top) {
    std::string title = cue->text.substr(0, cue->text.find('\n'));
    if (title.size() > 60) title = title.substr(0, title.rfind(' ', 60)) + "…";
    if (title == last) continue;
    last = title;
    data d;
    d.set("s", std::to_string(start / 1000));
    d.set("at", clock_time(start));
    d.set("title", title);
    d.set("thumb", moment_image_url(content_id, start));
    out.push_back(d);
    if (out.size() >= kMaxChapters) break;
  }
  return out;
}

// The cues [first, last) that a passage of an untimed text was made of: from the one where its
// text starts (or that holds its first words, when a long cue was split) for as many bytes as
// the passage has. {0, 0} when none does.
std::pair<std::size_t, std::size_t> lines_of(const std::vector<catalog::Cue>& cues,
                                             const std::string& passage) {
  const std::string start = passage.substr(0, std::min<std::size_t>(passage.size(), 40));
  for (std::size_t i = 0; i < cues.size(); ++i) {
    if (start.empty() || cues[i].text.find(start) == std::string::npos) continue;
    std::size_t covered = 0, j = i;
    while (j < cues.size() && covered < passage.size()) covered += cues[j++].text.size() + 1;
    return {i, j};
  }
  return {0, 0};
}

}  // namespace

void page_content(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const std::int64_t id = std::strtoll(req.matches[1].str().c_str(), nullptr, 10);
  const Viewer& viewer = viewer_of(req);
  const auto c = content_for(**db, viewer, id);
  if (!c.is_ok()) {
    return error_page(res, 404, "Contenu introuvable",
                      "Aucun contenu ne porte le numéro " + std::to_string(id) + ".");
  }
  // A content harvested from a partner is read there (its media is not here).
  if (const auto meta = nlohmann::json::parse(c->metadata_json, nullptr, false);
      meta.is_object() && meta.contains("harvested_from") &&
      (c->source_url.rfind("https://", 0) == 0 || c->source_url.rfind("http://", 0) == 0)) {
    std::string to = c->source_url;
    if (req.has_param("t"))
      to += (to.find('?') == std::string::npos ? "?t=" : "&t=") +
            std::to_string(
                std::max(0LL, std::strtoll(req.get_param_value("t").c_str(), nullptr, 10)));
    res.status = 302;
    res.set_header("Location", to);
    return;
  }
  const auto tracks = catalog::TrackRepository(**db).list_for_content(id);
  if (!tracks.is_ok()) return error_page(res, tracks.status(), "Erreur");
  const std::string kind(catalog::to_string(c->kind));
  const std::int64_t start_s =
      req.has_param("t")
          ? std::max(0LL, std::strtoll(req.get_param_value("t").c_str(), nullptr, 10))
          : 0;
  const std::string query = req.get_param_value("q");
  data page;
  page.set("title", c->title);
  page.set("kind_label", kind_label(kind));
  if (c->duration_ms) page.set("duration", clock_time(*c->duration_ms));
  if (!c->description.empty()) page.set("description", c->description);
  // Its place in the programme (the concepts its subject and level were given, and others).
  list concepts = content_concepts(**db, id);
  page.set("has_concepts", !concepts.empty());
  page.set("concepts", concepts);
  const auto metadata = nlohmann::json::parse(c->metadata_json, nullptr, false);
  for (const char* field : {"subject", "level"}) {
    if (metadata.is_object() && metadata.contains(field) && metadata[field].is_string())
      page.set(field, metadata[field].get<std::string>());
  }
  data media;
  media.set("id", std::to_string(id));
  media.set("fragment", start_s > 0 ? "#t=" + std::to_string(start_s) : "");
  media.set("start", std::to_string(start_s));
  media.set("pages", !c->page_count        ? std::string("PDF")
                     : *c->page_count == 1 ? std::string("PDF, 1 page")
                                           : "PDF, " + std::to_string(*c->page_count) + " pages");
  media.set("title", c->title);
  const catalog::Track* transcript = catalog::best_transcript(*tracks);
  list captions = caption_list(*tracks, id, /*default_on=*/true);
  media.set("tracks", captions);
  if (kind == "video") page.set("video", media);
  if (kind == "video" || kind == "audio") {  // sharing at a moment, and the embed code
    const std::string at = start_s > 0 ? "?t=" + std::to_string(start_s) : "";
    page.set("share_url", base_url(ctx) + "/contenus/" + std::to_string(id) + at);
    page.set("embed_url", base_url(ctx) + "/contenus/" + std::to_string(id) + "/integrer" + at);
  }
  if (kind == "video") {
    for (const auto& t : *tracks) {
      if (t.kind != catalog::TrackKind::kOcrFrames) continue;
      if (const auto slides = catalog::CueRepository(**db).list_for_track(t.id); slides.is_ok()) {
        list chapters = chapters_of(id, *slides);
        page.set("has_chapters", chapters.size() > 1);
        page.set("chapters", chapters);
      }
    }
  }
  if ((kind == "video" || kind == "audio") && c->duration_ms) {
    page.set("create",
             "/activites/nouvelle?contenu=" + std::to_string(id) + "&t=" + std::to_string(start_s));
  }
  if (kind == "audio") page.set("audio", media);
  if (kind == "image") page.set("image", media);
  if (kind == "document") page.set("document", media);
  // The transcript, or the text of the pages, with the query's words marked.
  const std::vector<std::string> words = text::search_terms(query);
  if (transcript) {
    const auto cues = catalog::CueRepository(**db).list_for_track(transcript->id);
    // Machine text is labelled until a person has reviewed it.
    const bool automatic = transcript->machine_unreviewed();
    const bool ocr = automatic && (transcript->kind == catalog::TrackKind::kOcrScan ||
                                   transcript->kind == catalog::TrackKind::kOcrFrames);
    const bool timed = kind == "video" || kind == "audio";
    page.set("has_transcript", cues.is_ok() && !cues->empty());
    page.set("transcript_title", timed ? "Transcription" : "Texte");
    if (ocr) {
      page.set("automatic", "Texte reconnu automatiquement : il peut contenir des erreurs.");
    } else if (automatic) {
      page.set("automatic", "Transcription automatique : elle peut contenir des erreurs.");
    } else if (transcript->origin.rfind("ai:", 0) == 0) {
      page.set("reviewed", "Texte produit par une machine, relu et corrigé par la médiathèque.");
    }
    page.set("timed", timed);
    // A document or a picture: its pages as images with their text as paragraphs.
    if (cues.is_ok() && (kind == "document" || kind == "image")) {
      const int asked = std::atoi(req.get_param_value("page").c_str());
      page.set("pages_view", document_view(ctx, *c, *cues, words, query, asked));
      if (automatic)
        page.set("ocr_note", "Texte reconnu automatiquement : il peut contenir des erreurs.");
      page.set("has_transcript", false);
      page.set("page_text", cues.is_ok() && !cues->empty());
    }
    list lines;
    if (cues.is_ok() && kind != "document" && kind != "image") {
      bool marked = false;
      std::set<int> pages_seen;
      // An untimed text's passage asked for (?passage=ID): the lines it is made of.
      std::pair<std::size_t, std::size_t> said{0, 0};
      if (!timed && req.has_param("passage")) {
        const auto passage = catalog::PassageRepository(**db).get(
            std::strtoll(req.get_param_value("passage").c_str(), nullptr, 10));
        if (passage.is_ok() && passage->content_id == id) said = lines_of(*cues, passage->text);
      }
      for (std::size_t k = 0; k < cues->size(); ++k) {
        const auto& cue = (*cues)[k];
        data line;
        const std::string lang = c->language.empty() ? "fr" : c->language;
        line.set("text", index::highlight(cue.text, lang, words, 100000));
        if (cue.start_ms) {
          line.set("start", std::to_string(*cue.start_ms / 1000.0));
          line.set("end", std::to_string(cue.end_ms.value_or(*cue.start_ms) / 1000.0));
          line.set("link", "?t=" + std::to_string(*cue.start_ms / 1000) +
                               (query.empty() ? "" : "&q=" + url_encode(query)));
          line.set("where", clock_time(*cue.start_ms));
          const bool current = !marked && start_s > 0 && cue.end_ms && *cue.end_ms / 1000 > start_s;
          if (current) marked = true;
          line.set("current", current);
        } else if (cue.page) {
          line.set("start", "0");
          line.set("end", "0");
          line.set("where", "p. " + std::to_string(*cue.page));
          line.set("link", "#page-" + std::to_string(*cue.page));
          if (pages_seen.insert(*cue.page).second)
            line.set("anchor", "page-" + std::to_string(*cue.page));
        }
        if (k >= said.first && k < said.second) {
          line.set("current", true);
          if (k == said.first) line.set("anchor", "passage");
        }
        lines.push_back(line);
      }
      // Read aloud, in parts of a few minutes.
      std::vector<std::string> said_lines;
      std::vector<std::int64_t> starts;
      for (const auto& cue : *cues) {
        said_lines.push_back(cue.text);
        if (cue.start_ms) starts.push_back(*cue.start_ms);
      }
      list voice = voice_parts("/contenus/" + std::to_string(id), said_lines, starts);
      page.set("has_voice", !voice.empty());
      page.set("voice", voice);
      page.set("voice_what", timed ? "la transcription lue" : "le texte lu");
    }
    page.set("lines", lines);
  }
  // « Dans la médiathèque, on en parle aussi »: about the moment or the page asked, else the
  // whole content.
  std::optional<std::int64_t> about;
  if (req.has_param("passage")) {
    const long long p = std::strtoll(req.get_param_value("passage").c_str(), nullptr, 10);
    if (p > 0) about = p;
  } else if (start_s > 0 || req.has_param("page")) {
    const int asked_page =
        static_cast<int>(std::strtol(req.get_param_value("page").c_str(), nullptr, 10));
    if (const auto ps = catalog::PassageRepository(**db).list_for_content(id); ps.is_ok()) {
      for (const auto& p : *ps) {
        const bool at_time = start_s > 0 && p.start_ms && p.end_ms &&
                             *p.start_ms <= start_s * 1000 && start_s * 1000 < *p.end_ms;
        const bool on_page = asked_page > 0 && p.page && *p.page == asked_page;
        if (at_time || on_page) {
          about = p.id;
          break;
        }
      }
    }
  }
  list related = related_list(**db, id, about);
  page.set("has_related", !related.empty());
  page.set("related", related);
  if (viewer.sees_unpublished()) {  // the curator's part: the status and how to change it
    page.set("curator", true);
    page.set("status", std::string(catalog::to_string(c->status)));
    page.set("status_label", status_label(c->status));
    page.set("status_by", c->status_by);
    page.set("status_at", c->status_at);
    page.set("published", c->status == catalog::EditorialStatus::kPublished);
    page.set("here", "/contenus/" + std::to_string(c->id));
    page.set("review_link", "/contenus/" + std::to_string(c->id) + "/texte");
    page.set("programme", programme_review(**db, c->id));
    if (req.has_param("fait")) page.set("done", req.get_param_value("fait").substr(0, 300));
  }
  send_page(res, render("content", page, c->title, ""));
}

void page_embed(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const std::int64_t id = path_id(req);
  const auto c = content_for(**db, viewer_of(req), id);
  if (!c.is_ok() ||
      (c->kind != catalog::ContentKind::kVideo && c->kind != catalog::ContentKind::kAudio)) {
    return error_page(res, 404, "Contenu introuvable",
                      "Aucune vidéo ni aucun son ne porte le numéro " + std::to_string(id) + ".");
  }
  const auto tracks = catalog::TrackRepository(**db).list_for_content(id);
  const std::int64_t start_s =
      std::max(0LL, std::strtoll(req.get_param_value("t").c_str(), nullptr, 10));
  data media;
  media.set("id", std::to_string(id));
  media.set("fragment", start_s > 0 ? "#t=" + std::to_string(start_s) : "");
  media.set("start", std::to_string(start_s));
  media.set("tracks", tracks.is_ok() ? caption_list(*tracks, id, true) : list{});
  data page;
  page.set("title", c->title);
  page.set(c->kind == catalog::ContentKind::kVideo ? "video" : "audio", media);
  page.set("page_url", "/contenus/" + std::to_string(id) +
                           (start_s > 0 ? "?t=" + std::to_string(start_s) : ""));
  send_page(res, render_bare("integre", page));
}

void page_not_found(const http::Request& req, http::Response& res) {
  error_page(res, 404, "Page introuvable",
             "Rien ne se trouve à l'adresse " + req.path.substr(0, 200) + ".");
}

}  // namespace repere::web
