// Curation in the browser: the contents of every status, publishing and retiring them, the
// files that failed, the audit log.
#include "curation_pages.h"

#include <nlohmann/json.hpp>

#include "access.h"
#include "answers.h"
#include "context.h"
#include "http.h"
#include "render.h"
#include "repere/auth/audit.h"
#include "repere/auth/workflow.h"
#include "repere/catalog/contents.h"
#include "repere/catalog/summary.h"

namespace repere::web {
namespace {

using catalog::EditorialStatus;
using nlohmann::json;

constexpr int kPageSize = 200;

// Where to come back to after a change: a page of /gestion or of a content.
std::string back_to(const std::string& wanted) {
  if (wanted.starts_with("/gestion") || wanted.starts_with("/contenus/")) {
    if (wanted.find_first_of("\r\n\\") == std::string::npos && !wanted.starts_with("//"))
      return wanted.substr(0, 300);
  }
  return "/gestion";
}

std::string changed_message(const auth::StatusChange& c, EditorialStatus to) {
  std::string verb;
  switch (to) {
    case EditorialStatus::kPublished: verb = "publié"; break;
    case EditorialStatus::kRetired: verb = "retiré"; break;
    case EditorialStatus::kReview: verb = "mis en relecture"; break;
    case EditorialStatus::kDraft: verb = "remis en brouillon"; break;
  }
  std::string out = std::to_string(c.changed) + " contenu" + (c.changed > 1 ? "s " : " ") + verb +
                    (c.changed > 1 ? "s" : "");
  if (c.unchanged > 0) out += ", " + std::to_string(c.unchanged) + " l'étai(en)t déjà";
  if (to == EditorialStatus::kPublished && c.changed > 0)
    out += ". La recherche des enseignants les trouve dès maintenant.";
  return out;
}

Result<std::vector<catalog::Collection>> collections_of(catalog::Database& db) {
  return catalog::CollectionRepository(db).list();
}

}  // namespace

const char* status_label(EditorialStatus status) {
  switch (status) {
    case EditorialStatus::kDraft: return "Brouillon";
    case EditorialStatus::kReview: return "En relecture";
    case EditorialStatus::kPublished: return "Publié";
    case EditorialStatus::kRetired: return "Retiré";
  }
  return "";
}

void page_curation(Context& ctx, const http::Request& req, http::Response& res) {
  if (!require_role(req, res, auth::Role::kCurator, false)) return;
  auto db = ctx.catalog();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  std::optional<EditorialStatus> only;
  if (req.has_param("etat") && !req.get_param_value("etat").empty()) {
    auto parsed = catalog::parse_editorial_status(req.get_param_value("etat"));
    if (!parsed.is_ok()) return error_page(res, parsed.status(), "État inconnu");
    only = *parsed;
  }
  const auto summary = catalog::summarize(**db);
  if (!summary.is_ok()) return error_page(res, summary.status(), "Médiathèque indisponible");
  const auto contents = catalog::ContentRepository(**db).list({.status = only, .limit = kPageSize});
  if (!contents.is_ok()) return error_page(res, contents.status(), "Médiathèque indisponible");
  const auto collections = collections_of(**db);
  if (!collections.is_ok())
    return error_page(res, collections.status(), "Médiathèque indisponible");
  std::map<catalog::Id, std::string> collection_names;
  list collection_list;
  for (const auto& c : *collections) {
    collection_names[c.id] = c.name;
    data row;
    row.set("slug", c.slug);
    row.set("name", c.name);
    collection_list.push_back(row);
  }
  data page;
  list states;
  auto count_of = [&](std::string_view name) {
    std::int64_t n = 0;
    for (const auto& [status, count] : summary->contents_by_status)
      if (name.empty() || status == name) n += count;
    return n;
  };
  {
    data all;
    all.set("label", "Tous");
    all.set("count", std::to_string(count_of("")));
    all.set("current", !only.has_value());
    states.push_back(all);
  }
  for (const auto s : {EditorialStatus::kDraft, EditorialStatus::kReview,
                       EditorialStatus::kPublished, EditorialStatus::kRetired}) {
    data row;
    row.set("value", std::string(catalog::to_string(s)));
    row.set("label", status_label(s));
    row.set("count", std::to_string(count_of(catalog::to_string(s))));
    row.set("current", only == s);
    states.push_back(row);
  }
  page.set("states", states);
  list rows;
  for (const auto& c : *contents) {
    data row;
    row.set("id", std::to_string(c.id));
    row.set("title", c.title);
    row.set("kind", kind_label(std::string(catalog::to_string(c.kind))));
    row.set("collection", c.collection_id ? collection_names[*c.collection_id] : "");
    row.set("status", std::string(catalog::to_string(c.status)));
    row.set("status_label", status_label(c.status));
    row.set("status_by", c.status_by);
    row.set("status_at", c.status_at);
    rows.push_back(row);
  }
  page.set("contents", rows);
  page.set("caption", std::to_string(contents->size()) + " contenu" +
                          (contents->size() > 1 ? "s" : "") +
                          (contents->size() == static_cast<std::size_t>(kPageSize)
                               ? " (les " + std::to_string(kPageSize) + " premiers)"
                               : ""));
  list failures;
  for (const auto& f : summary->failures) {
    data row;
    if (f.content_id) row.set("id", std::to_string(*f.content_id));
    row.set("title", f.title.empty() ? f.path : f.title);
    row.set("path", f.path);
    row.set("stage", f.stage);
    row.set("error", f.error);
    failures.push_back(row);
  }
  page.set("has_failures", !summary->failures.empty());
  page.set("failure_count", std::to_string(summary->failures.size()));
  page.set("failures", failures);
  page.set("has_collections", !collections->empty());
  page.set("collections", collection_list);
  page.set("here", req.target.substr(0, 300));
  if (req.has_param("fait")) page.set("done", req.get_param_value("fait").substr(0, 300));
  send_page(res, render("gestion", page, "Gestion"));
  res.set_header("Cache-Control", "no-store");
}

void page_set_status(Context& ctx, const http::Request& req, http::Response& res) {
  if (!require_role(req, res, auth::Role::kCurator, false)) return;
  const auto to = catalog::parse_editorial_status(req.get_param_value("etat"));
  if (!to.is_ok()) return error_page(res, to.status(), "État inconnu");
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  std::vector<catalog::Id> ids;
  for (std::size_t i = 0; i < req.get_param_value_count("id"); ++i) {
    const std::string v = req.get_param_value("id", i);
    char* end = nullptr;
    const long long id = std::strtoll(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || id <= 0)
      return error_page(res, 400, "Choix illisible",
                        "« " + v.substr(0, 40) + " » n'est pas un numéro de contenu.");
    ids.push_back(id);
  }
  if (req.has_param("collection") && !req.get_param_value("collection").empty()) {
    auto more = auth::contents_of_collection(**db, req.get_param_value("collection"));
    if (!more.is_ok()) return error_page(res, more.status(), "Collection inconnue");
    ids.insert(ids.end(), more->begin(), more->end());
  }
  const std::string back = back_to(req.get_param_value("suite"));
  if (ids.empty()) {
    res.status = 303;
    res.set_header("Location", back + (back.find('?') == std::string::npos ? "?" : "&") +
                                   "fait=" + url_encode("Choisissez d'abord des contenus."));
    return;
  }
  const auto change = auth::set_status(**db, ids, *to, viewer_of(req).actor());
  if (!change.is_ok()) return error_page(res, change.status(), "Changement impossible");
  std::string message = changed_message(*change, *to);
  if (change->changed > 0) {
    const auto refreshed = ctx.refresh_index();
    if (!refreshed.is_ok() || !*refreshed)
      message += " (la recherche suivra dans quelques secondes : l'index est occupé)";
  }
  res.status = 303;
  res.set_header("Location", back + (back.find('?') == std::string::npos ? "?" : "&") +
                                 "fait=" + url_encode(message));
}

void page_audit(Context& ctx, const http::Request& req, http::Response& res) {
  if (!require_role(req, res, auth::Role::kAdmin, false)) return;
  auto db = ctx.catalog();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const auto events = auth::AuditLog(**db).list(kPageSize);
  if (!events.is_ok()) return error_page(res, events.status(), "Journal indisponible");
  list rows;
  for (const auto& e : *events) {
    data row;
    row.set("at", e.at);
    row.set("actor", e.actor);
    row.set("action", e.action);
    row.set("object", e.object);
    row.set("detail", e.detail);
    rows.push_back(row);
  }
  data page;
  page.set("events", rows);
  page.set("count", std::to_string(events->size()));
  send_page(res, render("journal", page, "Journal des actions"));
  res.set_header("Cache-Control", "no-store");
}

void page_audit_csv(Context& ctx, const http::Request& req, http::Response& res) {
  if (!require_role(req, res, auth::Role::kAdmin, false)) return;
  auto db = ctx.catalog();
  if (!db.is_ok()) return problem(res, db.status());
  const auto csv = auth::AuditLog(**db).csv();
  if (!csv.is_ok()) return problem(res, csv.status());
  res.set_header("Content-Disposition", "attachment; filename=\"journal-repere.csv\"");
  res.set_header("Cache-Control", "no-store");
  res.set_content(*csv, "text/csv; charset=utf-8");
}

void api_me(Context&, const http::Request& req, http::Response& res) {
  const Viewer& v = viewer_of(req);
  if (!v.signed_in()) return send_json(res, {{"signed_in", false}});
  const auth::User& u = v.session->user;
  send_json(res, {{"signed_in", true},
                  {"login", u.login},
                  {"name", u.name},
                  {"role", std::string(auth::to_string(u.role))},
                  {"csrf_token", v.session->csrf}});
}

void api_set_status(Context& ctx, const http::Request& req, http::Response& res) {
  if (!require_role(req, res, auth::Role::kCurator, true)) return;
  const json body = json::parse(req.body, nullptr, false);
  if (!body.is_object() || !body.contains("status") || !body["status"].is_string())
    return problem(res, Status::invalid_argument("the body must be {\"status\": \"published\"}"));
  const auto to = catalog::parse_editorial_status(body["status"].get<std::string>());
  if (!to.is_ok()) return problem(res, to.status());
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return problem(res, db.status());
  const catalog::Id id = path_id(req);
  const auto change = auth::set_status(**db, {id}, *to, viewer_of(req).actor());
  if (!change.is_ok()) return problem(res, change.status());
  if (!change->missing.empty())
    return problem(res, Status::not_found("no content with id " + std::to_string(id)));
  bool indexed = true;
  if (change->changed > 0) {
    const auto refreshed = ctx.refresh_index();
    indexed = refreshed.is_ok() && *refreshed;
  }
  send_json(res, {{"id", id},
                  {"status", std::string(catalog::to_string(*to))},
                  {"changed", change->changed > 0},
                  {"index_updated", indexed}});
}

}  // namespace repere::web
