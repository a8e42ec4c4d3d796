#include "programme_pages.h"

#include <algorithm>
#include <map>
#include <set>

#include "access.h"
#include "context.h"
#include "http.h"
#include "repere/catalog/contents.h"
#include "repere/search/search.h"
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
  page.set("uri", c.uri);
  page.set("id", std::to_string(path_id(req)));
  send_page(res, render("notion", page, capitalised(short_label(c.pref_label))));
}

}  // namespace repere::web
