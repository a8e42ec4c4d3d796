// Review and correction of text by curators.
#include "review_pages.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "access.h"
#include "answers.h"
#include "context.h"
#include "curation_pages.h"
#include "http.h"
#include "programme_pages.h"
#include "render.h"
#include "repere/auth/audit.h"
#include "repere/catalog/contents.h"
#include "repere/catalog/texts.h"
#include "repere/index/dictionary.h"
#include "repere/ingest/pipeline.h"
#include "repere/learn/activity.h"

namespace repere::web {
namespace {

using nlohmann::json;

constexpr std::size_t kWindow = 100;  // lines shown and saved at once
constexpr double kDoubtful = 0.6;     // a cue read with less confidence is flagged

std::string track_label(const catalog::Track& t) {
  switch (t.kind) {
    case catalog::TrackKind::kSubtitles: return "Sous-titres";
    case catalog::TrackKind::kAsr: return "Transcription de la parole";
    case catalog::TrackKind::kPdfText: return "Texte du PDF";
    case catalog::TrackKind::kOcrScan: return "Texte reconnu sur les pages (OCR)";
    case catalog::TrackKind::kOcrFrames: return "Texte des diapositives (OCR)";
    case catalog::TrackKind::kText: return "Texte";
  }
  return "Texte";
}

// « Produit par une machine (tesseract 5.3) » or « Saisi par une personne ».
std::string origin_label(const std::string& origin) {
  if (origin.rfind("ai:", 0) != 0) return "Saisi par une personne";
  std::string engine = origin.substr(3);
  const std::size_t at = engine.find('@');
  if (at != std::string::npos) engine[at] = ' ';
  return "Produit par une machine (" + engine + ")";
}

std::string review_label(const catalog::Track& t) {
  switch (t.review) {
    case catalog::ReviewState::kApproved:
      return "relue par " + t.reviewed_by + " le " + t.reviewed_at;
    case catalog::ReviewState::kRejected: return "refusée";
    case catalog::ReviewState::kUnreviewed: break;
  }
  return t.origin.rfind("ai:", 0) == 0 ? "pas encore relue" : "non relue";
}

// The words of a line the language's dictionary does not know (as written, 3 letters or
// more, no digits): where machine text is most likely wrong.
std::vector<std::string> unknown_words(const index::Dictionaries* dictionaries,
                                       const std::string& text, const std::string& language) {
  std::vector<std::string> out;
  if (dictionaries == nullptr || !dictionaries->has(language)) return out;
  std::string word;
  auto flush = [&] {
    const bool digits = word.find_first_of("0123456789") != std::string::npos;
    if (word.size() >= 3 && !digits && !dictionaries->is_word(word, language) &&
        std::find(out.begin(), out.end(), word) == out.end())
      out.push_back(word);
    word.clear();
  };
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || u >= 0x80) {
      word += c;
    } else {
      flush();
    }
  }
  flush();
  return out;
}

struct TextView {
  std::optional<std::vector<catalog::Cue>> proposed;  // submitted lines refused, shown again
  std::string error;
  int status = 200;
};

void render_text(const index::Dictionaries* dictionaries, const http::Request& req,
                 http::Response& res, catalog::Database& db, const catalog::Content& c,
                 std::int64_t track_id, const TextView& view = {}) {
  const auto tracks = catalog::TrackRepository(db).list_for_content(c.id);
  if (!tracks.is_ok()) return error_page(res, tracks.status(), "Texte indisponible");
  const catalog::Track* chosen = nullptr;
  for (const auto& t : *tracks) {
    if (t.id == track_id) chosen = &t;
  }
  if (chosen == nullptr) {  // the first machine track not reviewed, else the first
    for (const auto& t : *tracks)
      if (chosen == nullptr && t.machine_unreviewed()) chosen = &t;
    if (chosen == nullptr && !tracks->empty()) chosen = &tracks->front();
  }
  catalog::CueRepository cues_of(db);
  data page;
  page.set("id", std::to_string(c.id));
  page.set("title", c.title);
  page.set("description", c.description);
  const json meta = json::parse(c.metadata_json, nullptr, false);
  page.set("subject", meta.is_object() ? meta.value("subject", "") : "");
  page.set("level", meta.is_object() ? meta.value("level", "") : "");
  page.set("licence", c.licence);
  std::string authors;
  const json a = json::parse(c.authors_json, nullptr, false);
  if (a.is_array()) {
    for (const auto& name : a)
      if (name.is_string()) authors += (authors.empty() ? "" : "; ") + name.get<std::string>();
  }
  page.set("authors", authors);
  list track_list;
  for (const auto& t : *tracks) {
    data d;
    d.set("id", std::to_string(t.id));
    d.set("content_id", std::to_string(c.id));
    d.set("label", track_label(t) + (t.language.empty() ? "" : " (" + t.language + ")") +
                       (t.label.empty() ? "" : " — " + t.label));
    d.set("origin_label", origin_label(t.origin));
    d.set("review_label", review_label(t));
    d.set("cues", std::to_string(cues_of.count_for_track(t.id).value_or(0)));
    d.set("current", chosen == &t);
    track_list.push_back(d);
  }
  page.set("tracks", track_list);
  if (chosen != nullptr) {
    auto stored = cues_of.list_for_track(chosen->id);
    if (!stored.is_ok()) return error_page(res, stored.status(), "Texte indisponible");
    const std::vector<catalog::Cue>& cues = view.proposed ? *view.proposed : *stored;
    const std::size_t total = stored->size();
    std::size_t from = static_cast<std::size_t>(
        std::max(0LL, std::strtoll(req.get_param_value("depuis").c_str(), nullptr, 10)));
    if (from >= total) from = total > 0 ? (total - 1) / kWindow * kWindow : 0;
    const std::size_t to = std::min(total, from + kWindow);
    data t;
    t.set("id", std::to_string(chosen->id));
    t.set("content_id", std::to_string(c.id));
    t.set("label", track_label(*chosen));
    t.set("origin_label", origin_label(chosen->origin));
    t.set("machine", chosen->origin.rfind("ai:", 0) == 0);
    t.set("approved", chosen->review == catalog::ReviewState::kApproved);
    t.set("from", std::to_string(from));
    t.set("count", std::to_string(to - from));
    t.set("has_more", total > kWindow);
    t.set("first", std::to_string(from + 1));
    t.set("last", std::to_string(to));
    t.set("total", std::to_string(total));
    const std::string base = "/contenus/" + std::to_string(c.id) +
                             "/texte?piste=" + std::to_string(chosen->id) + "&depuis=";
    if (from > 0) t.set("previous", base + std::to_string(from - std::min(from, kWindow)));
    if (to < total) t.set("next", base + std::to_string(to));
    list lines;
    for (std::size_t i = from; i < to && i < cues.size(); ++i) {
      const catalog::Cue& q = cues[i];
      data l;
      l.set("i", std::to_string(i - from));
      l.set("number", std::to_string(i + 1));
      l.set("text", q.text);
      l.set("timed", q.start_ms.has_value());
      if (q.start_ms) l.set("start", learn::clock_tenths(*q.start_ms));
      if (q.start_ms) l.set("end", learn::clock_tenths(q.end_ms.value_or(*q.start_ms)));
      if (q.page) l.set("page", std::to_string(*q.page));
      const auto unknown = unknown_words(dictionaries, q.text, chosen->language.substr(0, 2));
      std::string unknown_text;
      for (const auto& w : unknown) unknown_text += (unknown_text.empty() ? "" : ", ") + w;
      if (!unknown_text.empty()) l.set("unknown", unknown_text);
      const bool doubtful = (q.confidence && *q.confidence < kDoubtful) || !unknown.empty();
      l.set("doubtful", doubtful);
      if (q.confidence && *q.confidence < kDoubtful)
        l.set("confidence", std::to_string(static_cast<int>(*q.confidence * 100)));
      lines.push_back(l);
    }
    t.set("lines", lines);
    const auto revisions = cues_of.revisions(chosen->id);
    list rev;
    if (revisions.is_ok()) {
      for (const auto& r : *revisions) {
        data d;
        d.set("number", std::to_string(r.number));
        d.set("by", r.made_by);
        d.set("at", r.made_at);
        d.set("cues", std::to_string(r.cues));
        d.set("content_id", std::to_string(c.id));
        d.set("track_id", std::to_string(chosen->id));
        rev.push_back(d);
      }
    }
    t.set("has_revisions", !rev.empty());
    t.set("revisions", rev);
    page.set("track", t);
    if (req.has_param("version")) {
      const int number =
          static_cast<int>(std::strtol(req.get_param_value("version").c_str(), nullptr, 10));
      const auto old = cues_of.revision_cues(chosen->id, number);
      if (old.is_ok() && revisions.is_ok()) {
        data o;
        o.set("number", std::to_string(number));
        for (const auto& r : *revisions)
          if (r.number == number) o.set("by", r.made_by);
        list old_lines;
        for (const auto& q : *old) {
          data l;
          l.set("where", q.start_ms ? learn::clock_tenths(*q.start_ms)
                         : q.page   ? "p. " + std::to_string(*q.page)
                                    : "");
          l.set("text", q.text);
          old_lines.push_back(l);
        }
        o.set("lines", old_lines);
        page.set("old", o);
      }
    }
  }
  if (!view.error.empty()) page.set("error", view.error);
  if (req.has_param("fait")) page.set("done", req.get_param_value("fait").substr(0, 300));
  send_page(res, render("texte", page, "Relire « " + c.title + " »"), view.status);
  res.set_header("Cache-Control", "no-store");
}

// The lines of the form, applied to the track's cues. Errors name the line.
Result<std::vector<catalog::Cue>> corrected(const http::Request& req,
                                            std::vector<catalog::Cue> cues,
                                            std::optional<std::int64_t> duration_ms, int& changed) {
  const std::size_t from = static_cast<std::size_t>(
      std::max(0LL, std::strtoll(req.get_param_value("depuis").c_str(), nullptr, 10)));
  const std::size_t n = std::min<std::size_t>(
      kWindow, static_cast<std::size_t>(std::max(
                   0LL, std::strtoll(req.get_param_value("lignes").c_str(), nullptr, 10))));
  std::vector<std::size_t> emptied;
  for (std::size_t k = 0; k < n && from + k < cues.size(); ++k) {
    catalog::Cue& q = cues[from + k];
    const std::string i = std::to_string(k);
    const std::string line = "ligne " + std::to_string(from + k + 1);
    if (!req.has_param("texte_" + i)) continue;
    std::string text = req.get_param_value("texte_" + i);
    std::erase(text, '\r');
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    if (text.size() > 2000)
      return Status::invalid_argument(line + " : le texte dépasse 2 000 caractères.");
    const catalog::Cue before = q;
    q.text = text;
    if (q.start_ms && req.has_param("debut_" + i)) {
      const auto start = learn::parse_clock(req.get_param_value("debut_" + i));
      const auto end = learn::parse_clock(req.get_param_value("fin_" + i));
      if (!start || !end)
        return Status::invalid_argument(line +
                                        " : écrivez les temps en minutes:secondes (01:23.4).");
      if (*end < *start) return Status::invalid_argument(line + " : la fin vient avant le début.");
      if (duration_ms && *start > *duration_ms)
        return Status::invalid_argument(line + " : le début dépasse la durée du média.");
      q.start_ms = *start;
      q.end_ms = *end;
    }
    if (q.text != before.text || q.start_ms != before.start_ms || q.end_ms != before.end_ms) {
      ++changed;
      q.confidence.reset();  // a person wrote it
    }
    if (q.text.empty()) emptied.push_back(from + k);
  }
  for (auto it = emptied.rbegin(); it != emptied.rend(); ++it)
    cues.erase(cues.begin() + static_cast<long>(*it));  // an emptied line is removed
  // Timed lines stay in time order.
  std::stable_sort(cues.begin(), cues.end(), [](const catalog::Cue& a, const catalog::Cue& b) {
    return a.start_ms.value_or(0) < b.start_ms.value_or(0);
  });
  return cues;
}

void go_back(http::Response& res, std::int64_t content, std::int64_t track,
             const std::string& message) {
  res.status = 303;
  res.set_header("Location", "/contenus/" + std::to_string(content) + "/texte?piste=" +
                                 std::to_string(track) + "&fait=" + url_encode(message));
}

}  // namespace

void page_text(Context& ctx, const http::Request& req, http::Response& res) {
  if (!require_role(req, res, auth::Role::kCurator, false)) return;
  auto db = ctx.catalog();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const auto c = content_for(**db, viewer_of(req), path_id(req, 1));
  if (!c.is_ok()) return error_page(res, c.status(), "Contenu introuvable");
  render_text(ctx.search_options.dictionaries.get(), req, res, **db, *c,
              std::strtoll(req.get_param_value("piste").c_str(), nullptr, 10));
}

void page_correct_track(Context& ctx, const http::Request& req, http::Response& res) {
  if (!require_role(req, res, auth::Role::kCurator, false)) return;
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const auto c = content_for(**db, viewer_of(req), path_id(req, 1));
  if (!c.is_ok()) return error_page(res, c.status(), "Contenu introuvable");
  const auto track = catalog::TrackRepository(**db).get(path_id(req, 2));
  if (!track.is_ok() || track->content_id != c->id)
    return error_page(res, 404, "Piste introuvable", "Ce contenu n'a pas cette piste de texte.");
  catalog::CueRepository cues(**db);
  auto stored = cues.list_for_track(track->id);
  if (!stored.is_ok()) return error_page(res, stored.status(), "Texte indisponible");
  int changed = 0;
  auto fixed = corrected(req, *stored, c->duration_ms, changed);
  if (!fixed.is_ok()) {
    // Shown again with what was typed, so that nothing is lost.
    std::vector<catalog::Cue> typed = *stored;
    const std::size_t from = static_cast<std::size_t>(
        std::max(0LL, std::strtoll(req.get_param_value("depuis").c_str(), nullptr, 10)));
    for (std::size_t k = 0; k < kWindow && from + k < typed.size(); ++k) {
      const std::string i = std::to_string(k);
      if (req.has_param("texte_" + i)) typed[from + k].text = req.get_param_value("texte_" + i);
    }
    return render_text(ctx.search_options.dictionaries.get(), req, res, **db, *c, track->id,
                       {.proposed = typed, .error = fixed.status().message(), .status = 400});
  }
  const std::string actor = viewer_of(req).actor();
  auth::AuditLog audit(**db);
  std::string message;
  if (changed > 0) {
    const auto revision = cues.revise(track->id, *fixed, actor);
    if (!revision.is_ok()) return error_page(res, revision.status(), "Correction non enregistrée");
    const Status cut = ingest::resegment(**db, c->id, ctx.search_options.dictionaries.get());
    if (!cut.is_ok()) return error_page(res, cut, "Correction enregistrée, passages non recoupés");
    (void)audit.record(actor, "track.correct", "content:" + std::to_string(c->id),
                       std::to_string(changed) + " lignes de la piste " +
                           std::to_string(track->id) + " ; version " + std::to_string(*revision) +
                           " gardée");
    message = std::to_string(changed) + (changed > 1 ? " lignes corrigées" : " ligne corrigée") +
              " ; la version précédente est gardée.";
  }
  const bool reviewed = req.get_param_value("relue") == "1";
  const bool was = track->review == catalog::ReviewState::kApproved;
  if (reviewed != was) {
    const Status marked = catalog::TrackRepository(**db).set_review(
        track->id, reviewed ? catalog::ReviewState::kApproved : catalog::ReviewState::kUnreviewed,
        actor);
    if (!marked.is_ok()) return error_page(res, marked, "Relecture non enregistrée");
    (void)audit.record(actor, reviewed ? "track.reviewed" : "track.unreviewed",
                       "content:" + std::to_string(c->id), "piste " + std::to_string(track->id));
    message += reviewed ? " Piste marquée relue." : " Piste de nouveau à relire.";
  }
  if (changed > 0) {
    const auto refreshed = ctx.refresh_index();
    message += refreshed.is_ok() && *refreshed
                   ? " La recherche trouve le texte corrigé dès maintenant."
                   : " La recherche suivra dans quelques secondes (l'index est occupé).";
  }
  if (message.empty()) message = "Rien n'a changé.";
  go_back(res, c->id, track->id, message);
}

void page_edit_record(Context& ctx, const http::Request& req, http::Response& res) {
  if (!require_role(req, res, auth::Role::kCurator, false)) return;
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  auto c = content_for(**db, viewer_of(req), path_id(req, 1));
  if (!c.is_ok()) return error_page(res, c.status(), "Contenu introuvable");
  catalog::Content updated = *c;
  const std::string title = req.get_param_value("titre");
  if (title.find_first_not_of(" \t") == std::string::npos)
    return error_page(res, 400, "Titre manquant",
                      "Un contenu garde un titre : revenez en arrière pour en écrire un.");
  updated.title = title.substr(0, 300);
  updated.description = req.get_param_value("description").substr(0, 4000);
  updated.licence = req.get_param_value("licence").substr(0, 100);
  json authors = json::array();
  const std::string list_text = req.get_param_value("auteurs").substr(0, 1000);
  for (std::size_t at = 0; at <= list_text.size();) {
    std::size_t end = list_text.find(';', at);
    if (end == std::string::npos) end = list_text.size();
    std::string name = list_text.substr(at, end - at);
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    if (!name.empty()) authors.push_back(name);
    at = end + 1;
  }
  updated.authors_json = authors.dump();
  json meta = json::parse(c->metadata_json, nullptr, false);
  if (!meta.is_object()) meta = json::object();
  meta["subject"] = req.get_param_value("discipline").substr(0, 100);
  meta["level"] = req.get_param_value("niveau").substr(0, 100);
  meta["title_from_manifest"] = true;  // a person chose it: a new reading keeps it
  updated.metadata_json = meta.dump();
  const Status saved = catalog::ContentRepository(**db).update(updated);
  if (!saved.is_ok()) return error_page(res, saved, "Fiche non enregistrée");
  (void)auth::AuditLog(**db).record(viewer_of(req).actor(), "content.edit",
                                    "content:" + std::to_string(c->id),
                                    "« " + c->title + " » -> « " + updated.title + " »");
  (void)ctx.refresh_index();
  res.status = 303;
  res.set_header("Location", "/contenus/" + std::to_string(c->id) +
                                 "/texte?fait=" + url_encode("Fiche enregistrée."));
}

void page_review_queue(Context& ctx, const http::Request& req, http::Response& res) {
  if (!require_role(req, res, auth::Role::kCurator, false)) return;
  auto db = ctx.catalog();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  auto items = catalog::TrackRepository(**db).needing_review(200);
  if (!items.is_ok()) return error_page(res, items.status(), "File indisponible");
  // The share of words the dictionary does not know, over a track's first 300 lines.
  const index::Dictionaries* dictionaries = ctx.search_options.dictionaries.get();
  std::map<catalog::Id, double> unknown_share;
  for (const auto& r : *items) {
    const auto track = catalog::TrackRepository(**db).get(r.track_id);
    const auto cues = catalog::CueRepository(**db).list_for_track(r.track_id);
    if (!track.is_ok() || !cues.is_ok()) continue;
    std::size_t words = 0, unknown = 0;
    for (std::size_t i = 0; i < cues->size() && i < 300; ++i) {
      const std::string& t = (*cues)[i].text;
      words += static_cast<std::size_t>(std::count(t.begin(), t.end(), ' ')) + 1;
      unknown += unknown_words(dictionaries, t, track->language.substr(0, 2)).size();
    }
    unknown_share[r.track_id] = words > 0 ? static_cast<double>(unknown) / words : 0;
  }
  // Worst first: the lower of the engine's confidence and the share of known words.
  auto sureness = [&](const catalog::ReviewItem& r) {
    const double known = 1 - unknown_share[r.track_id];
    return r.mean_confidence ? std::min(*r.mean_confidence, known) : known;
  };
  std::stable_sort(items->begin(), items->end(),
                   [&](const auto& a, const auto& b) { return sureness(a) < sureness(b); });
  list rows;
  for (const auto& r : *items) {
    data d;
    d.set("content_id", std::to_string(r.content_id));
    d.set("track_id", std::to_string(r.track_id));
    d.set("title", r.title);
    d.set("origin", origin_label(r.origin));
    d.set("confidence", r.mean_confidence
                            ? std::to_string(static_cast<int>(*r.mean_confidence * 100)) + " %"
                            : "non donnée");
    d.set("doubtful", std::to_string(r.doubtful));
    d.set("unknown",
          std::to_string(static_cast<int>(unknown_share[r.track_id] * 100 + 0.5)) + " %");
    d.set("cues", std::to_string(r.cues));
    d.set("status_label", status_label(r.status));
    rows.push_back(d);
  }
  data page;
  page.set("has_items", !rows.empty());
  page.set("items", rows);
  page.set("count", std::to_string(rows.size()) + (rows.size() > 1 ? " pistes" : " piste"));
  // The programme concepts a machine suggested, for curators to confirm or reject.
  list suggestions = pending_suggestions(**db);
  page.set("has_suggestions", !suggestions.empty());
  page.set("suggestions_count", std::to_string(suggestions.size()) +
                                    (suggestions.size() > 1 ? " contenus" : " contenu"));
  page.set("suggestions", suggestions);
  send_page(res, render("relecture", page, "File de relecture"));
  res.set_header("Cache-Control", "no-store");
}

}  // namespace repere::web
