#include "programme_pages.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "access.h"
#include "context.h"
#include "course_pages.h"
#include "http.h"
#include "repere/auth/audit.h"
#include "repere/catalog/contents.h"
#include "repere/search/search.h"
#include "repere/taxonomy/related.h"
#include "repere/taxonomy/store.h"

namespace repere::web {

namespace {

// The concept's label without the programme's repeated suffix: « le corps humain et la santé
// (sciences de la vie et de la Terre cycle 4) » reads « le corps humain et la santé » under SVT.
std::string short_label(const std::string& label) {
  const std::size_t open = label.rfind(" (");
  if (open == std::string::npos || label.back() != ')' || open == 0) return label;
  const std::string inside = label.substr(open + 2, label.size() - open - 3);
  if (inside.find("cycle") == std::string::npos) return label;
  return label.substr(0, open);
}

std::string capitalised(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

// The contents among `ids` the viewer may see.
std::vector<catalog::Content> visible(catalog::Database& db, const Viewer& viewer,
                                      const std::vector<std::int64_t>& ids) {
  std::vector<catalog::Content> out;
  for (const std::int64_t id : ids) {
    if (auto c = content_for(db, viewer, id); c.is_ok()) out.push_back(std::move(*c));
  }
  return out;
}

std::string link_of(taxonomy::ConceptStore& store, const std::string& uri) {
  const auto id = store.id_of(uri);
  return id.is_ok() && *id ? "/programme/" + std::to_string(**id) : "";
}

}  // namespace

Status narrow_to_concept(Context& ctx, const http::Request& req, search::SearchRequest& request,
                         std::string* label) {
  if (!req.has_param("notion")) return Status::ok();
  const std::string v = req.get_param_value("notion");
  char* end = nullptr;
  const long long id = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || id <= 0)
    return Status::invalid_argument("parameter 'notion' must be a concept id (of /programme/ID)");
  REPERE_ASSIGN_OR_RETURN(auto db, ctx.catalog());
  taxonomy::ConceptStore store(*db);
  REPERE_ASSIGN_OR_RETURN(const auto uri, store.uri_of(id));
  if (!uri) return Status::invalid_argument("parameter 'notion': no concept " + v);
  REPERE_ASSIGN_OR_RETURN(const auto under, store.contents_under(*uri));
  std::vector<std::int64_t> kept;
  for (const std::int64_t c : under) {
    const auto& asked = request.filters.contents;
    if (asked.empty() || std::find(asked.begin(), asked.end(), c) != asked.end()) kept.push_back(c);
  }
  // A concept that holds no content finds nothing (no content has the id 0), not everything.
  if (kept.empty()) kept.push_back(0);
  request.filters.contents = std::move(kept);
  if (label) {
    REPERE_ASSIGN_OR_RETURN(const auto c, store.get(*uri));
    *label = c ? capitalised(short_label(c->pref_label)) : *uri;
  }
  return Status::ok();
}

list content_concepts(catalog::Database& db, std::int64_t content_id) {
  taxonomy::ConceptStore store(db);
  list out;
  const auto given = store.of_content(content_id);
  if (!given.is_ok()) return out;
  for (const auto& g : *given) {
    if (g.state != "confirmed") continue;
    data d;
    d.set("purpose", g.purpose == "level"        ? std::string("Niveau")
                     : g.purpose == "discipline" ? std::string("Discipline")
                                                 : std::string("Programme"));
    d.set("label", capitalised(g.pref_label));
    d.set("link", link_of(store, g.uri));
    out.push_back(d);
  }
  return out;
}

namespace {

// « 0,42 »: a score as French writes it.
std::string french_score(double score) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.2f", score);
  std::string out = buf;
  std::replace(out.begin(), out.end(), '.', ',');
  return out;
}

}  // namespace

data programme_review(catalog::Database& db, std::int64_t content_id) {
  taxonomy::ConceptStore store(db);
  data out;
  list confirmed, suggested;
  const auto given = store.of_content(content_id);
  if (given.is_ok()) {
    for (const auto& g : *given) {
      if (g.purpose != "programme") continue;
      data d;
      d.set("uri", g.uri);
      d.set("label", capitalised(short_label(g.pref_label)));
      d.set("link", link_of(store, g.uri));
      if (g.suggested()) {
        d.set("score", g.score ? french_score(*g.score) : std::string("?"));
        d.set("words", g.evidence);
        suggested.push_back(d);
      } else {
        d.set("by", g.origin == "machine"  ? std::string("suggestion automatique confirmée")
                    : g.origin == "mapped" ? std::string("d'après la fiche du catalogue")
                                           : std::string("ajoutée par une personne"));
        confirmed.push_back(d);
      }
    }
  }
  out.set("content_id", std::to_string(content_id));
  out.set("has_confirmed", !confirmed.empty());
  out.set("confirmed", confirmed);
  out.set("has_suggested", !suggested.empty());
  out.set("suggested", suggested);
  return out;
}

void page_decide_concept(Context& ctx, const http::Request& req, http::Response& res) {
  if (!require_role(req, res, auth::Role::kCurator, false)) return;
  const std::int64_t id = std::strtoll(req.matches[1].str().c_str(), nullptr, 10);
  const std::string decision = req.get_param_value("decision");
  const std::string uri = req.get_param_value("notion");
  if (decision != "confirmer" && decision != "rejeter")
    return error_page(res, 400, "Décision inconnue",
                      "Le champ « decision » vaut « confirmer » ou « rejeter ».");
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const Viewer& viewer = viewer_of(req);
  if (const auto c = content_for(**db, viewer, id); !c.is_ok()) {
    return error_page(res, 404, "Contenu introuvable",
                      "Aucun contenu ne porte le numéro " + std::to_string(id) + ".");
  }
  taxonomy::ConceptStore store(**db);
  const auto concept_ = store.get(uri);
  if (!concept_.is_ok()) return error_page(res, concept_.status(), "Médiathèque indisponible");
  if (!*concept_)
    return error_page(res, 400, "Notion inconnue",
                      "Aucune notion importée ne porte l'adresse « " + uri.substr(0, 200) + " ».");
  const bool confirm = decision == "confirmer";
  const Status s =
      store.decide(id, uri, confirm ? taxonomy::Decision::kConfirm : taxonomy::Decision::kReject);
  if (!s.is_ok()) return error_page(res, s, "Décision impossible");
  (void)auth::AuditLog(**db).record(viewer.actor(), confirm ? "concept.confirm" : "concept.reject",
                                    "content:" + std::to_string(id), uri);
  const std::string label = capitalised(short_label((*concept_)->pref_label));
  const std::string message = confirm ? "« " + label + " » est confirmée pour ce contenu."
                                      : "« " + label +
                                            " » est rejetée : elle ne sera plus "
                                            "proposée pour ce contenu.";
  res.status = 303;
  res.set_header("Location",
                 "/contenus/" + std::to_string(id) + "?fait=" + url_encode(message) + "#programme");
}

list pending_suggestions(catalog::Database& db) {
  list out;
  const auto pending = taxonomy::ConceptStore(db).pending();
  if (!pending.is_ok()) return out;
  for (const auto& p : *pending) {
    data d;
    d.set("content_id", std::to_string(p.content_id));
    d.set("title", p.title);
    d.set("suggestions", std::to_string(p.suggestions));
    d.set("best", french_score(p.best));
    out.push_back(d);
  }
  return out;
}

void page_programmes(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  taxonomy::ConceptStore store(**db);
  const Viewer& viewer = viewer_of(req);
  // Each concept given to a content, by purpose, with the contents the viewer may see.
  std::map<std::string, std::map<std::string, int>> by_purpose;  // purpose -> uri -> count
  const auto all = catalog::ContentRepository(**db).list({.limit = 100000});
  const auto given = store.all_confirmed();
  if (!all.is_ok() || !given.is_ok())
    return error_page(res, all.is_ok() ? given.status() : all.status(), "Médiathèque indisponible");
  std::set<std::int64_t> seen;
  for (const auto& c : *all) {
    if (may_see(viewer, c)) seen.insert(c.id);
  }
  for (const auto& g : *given) {
    if (seen.count(g.content_id)) ++by_purpose[g.purpose][g.uri];
  }
  data page;
  list groups;
  for (const auto& [purpose, title] :
       std::vector<std::pair<std::string, std::string>>{{"discipline", "Disciplines"},
                                                        {"level", "Niveaux"},
                                                        {"programme", "Parties du programme"}}) {
    const auto it = by_purpose.find(purpose);
    if (it == by_purpose.end()) continue;
    list items;
    for (const auto& [uri, count] : it->second) {
      const auto c = store.get(uri);
      if (!c.is_ok() || !*c) continue;
      data d;
      d.set("label", capitalised((*c)->pref_label));
      d.set("link", link_of(store, uri));
      d.set("count", count == 1 ? std::string("1 contenu") : std::to_string(count) + " contenus");
      items.push_back(d);
    }
    data g;
    g.set("id", purpose);
    g.set("title", title);
    g.set("items", items);
    groups.push_back(g);
  }
  page.set("groups", groups);
  page.set("has_groups", !groups.empty());
  send_page(res, render("programmes", page, "Le programme"));
}

namespace {

constexpr std::size_t kMomentsShown = 8;
constexpr int kMomentsPerContent = 2;
constexpr std::size_t kExcerptBytes = 180;

// The start of `text` up to the last space before `max_bytes` (never inside a character),
// with « … » when something was cut.
std::string excerpt_of(const std::string& text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t cut = text.rfind(' ', max_bytes);
  if (cut == std::string::npos || cut < max_bytes / 2) {
    cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  }
  return text.substr(0, cut) + " …";
}

// A moment as the pages list it: a link where it is said (the time of a video, the page of a
// document, the passage of a note), where that is in words, and its start.
data moment_item(std::int64_t content_id, std::int64_t passage_id,
                 const std::optional<std::int64_t>& start_ms, const std::optional<int>& page,
                 const std::string& text) {
  const std::string base = "/contenus/" + std::to_string(content_id);
  data d;
  if (start_ms) {
    d.set("link", base + "?t=" + std::to_string(*start_ms / 1000));
    d.set("where", "à " + clock_time(*start_ms));
  } else if (page) {
    d.set("link", base + "?page=" + std::to_string(*page) + "#page-" + std::to_string(*page));
    d.set("where", "page " + std::to_string(*page));
  } else {
    d.set("link", base + "?passage=" + std::to_string(passage_id) + "#passage");
    d.set("where", "passage");
  }
  d.set("excerpt", excerpt_of(text, kExcerptBytes));
  return d;
}

// The best moments a machine found on the concept, in contents the viewer may see (two per
// content at most), each linked where it is said: the time of a video, the page of a document.
list concept_moments(catalog::Database& db, taxonomy::ConceptStore& store, const Viewer& viewer,
                     const std::string& uri) {
  list out;
  const auto found = store.moments_under(uri);
  if (!found.is_ok()) return out;
  std::map<std::int64_t, std::optional<catalog::Content>> seen;
  std::map<std::int64_t, int> per_content;
  std::set<std::string> shown;
  for (const auto& m : *found) {
    if (out.size() >= kMomentsShown) break;
    auto [it, added] = seen.emplace(m.content_id, std::nullopt);
    if (added) {
      if (auto c = content_for(db, viewer, m.content_id); c.is_ok()) it->second = std::move(*c);
    }
    if (!it->second) continue;
    // The subtitles and the slides of the same second are one moment.
    const std::string key = std::to_string(m.content_id) + ":" +
                            (m.start_ms ? std::to_string(*m.start_ms / 1000) : "p") +
                            (m.page ? std::to_string(*m.page) : "");
    if (!shown.insert(key).second || per_content[m.content_id]++ >= kMomentsPerContent) continue;
    data d = moment_item(m.content_id, m.passage_id, m.start_ms, m.page, m.text);
    d.set("title", it->second->title);
    out.push_back(d);
  }
  return out;
}

}  // namespace

list related_list(catalog::Database& db, std::int64_t content_id,
                  std::optional<std::int64_t> passage_id) {
  list out;
  const auto related = taxonomy::related_moments(db, content_id, {.passage_id = passage_id});
  if (!related.is_ok()) return out;
  for (const auto& m : *related) {
    data d = moment_item(m.content_id, m.passage_id, m.start_ms, m.page, m.text);
    d.set("title", m.title);
    out.push_back(d);
  }
  return out;
}

void page_concept(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  taxonomy::ConceptStore store(**db);
  const auto uri = store.uri_of(path_id(req));
  const auto concept_found = uri.is_ok() && *uri ? store.get(**uri)
                                                 : Result<std::optional<taxonomy::StoredConcept>>(
                                                       std::optional<taxonomy::StoredConcept>());
  if (!concept_found.is_ok() || !*concept_found) {
    return error_page(res, 404, "Notion introuvable",
                      "Aucune notion du programme ne porte ce numéro. Voyez « Le programme ».");
  }
  const taxonomy::StoredConcept& c = **concept_found;
  const Viewer& viewer = viewer_of(req);
  data page;
  page.set("title", capitalised(short_label(c.pref_label)));
  page.set("full_label", c.pref_label);
  if (!c.note.empty() && c.note != "Domaine d'enseignement") page.set("note", c.note);
  list trail;
  if (const auto up = store.ancestors(c.uri); up.is_ok()) {
    for (auto it = up->rbegin(); it != up->rend(); ++it) {
      data d;
      d.set("label", capitalised(short_label(it->pref_label)));
      d.set("link", link_of(store, it->uri));
      trail.push_back(d);
    }
  }
  page.set("trail", trail);
  page.set("has_trail", !trail.empty());
  list children;
  if (const auto under = store.narrower(c.uri); under.is_ok()) {
    for (const auto& n : *under) {
      const auto ids = store.contents_under(n.uri);
      const std::size_t count = ids.is_ok() ? visible(**db, viewer, *ids).size() : 0;
      data d;
      d.set("label", capitalised(short_label(n.pref_label)));
      d.set("link", link_of(store, n.uri));
      d.set("count", count == 0   ? std::string("aucun contenu")
                     : count == 1 ? std::string("1 contenu")
                                  : std::to_string(count) + " contenus");
      children.push_back(d);
    }
  }
  page.set("children", children);
  page.set("has_children", !children.empty());
  list contents;
  if (const auto ids = store.contents_under(c.uri); ids.is_ok()) {
    for (const auto& item : visible(**db, viewer, *ids)) {
      data d;
      d.set("id", std::to_string(item.id));
      d.set("title", item.title);
      d.set("kind_label", kind_label(std::string(catalog::to_string(item.kind))));
      if (item.duration_ms) d.set("duration", clock_time(*item.duration_ms));
      contents.push_back(d);
    }
  }
  page.set("count", contents.size() == 1 ? std::string("1 contenu")
                                         : std::to_string(contents.size()) + " contenus");
  page.set("contents", contents);
  page.set("has_contents", !contents.empty());
  list aligned = courses_of_concept(**db, c.uri);
  page.set("courses", aligned);
  page.set("has_courses", !aligned.empty());
  page.set("teacher", viewer.can(auth::Role::kTeacher));
  list moments = concept_moments(**db, store, viewer, c.uri);
  page.set("has_moments", !moments.empty());
  page.set("moments", moments);
  page.set("uri", c.uri);
  page.set("id", std::to_string(path_id(req)));
  send_page(res, render("notion", page, capitalised(short_label(c.pref_label))));
}

}  // namespace repere::web
