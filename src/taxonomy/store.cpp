#include "repere/taxonomy/store.h"

#include <set>

#include "repere/catalog/database.h"
#include "repere/core/text.h"

namespace repere::taxonomy {

namespace {

Result<std::vector<StoredConcept>> read_concepts(catalog::Statement& stmt) {
  std::vector<StoredConcept> out;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) break;
    out.push_back({stmt.text(0), stmt.text(1), stmt.text(2), stmt.text(3), {}});
  }
  return out;
}

constexpr const char* kColumns = "c.uri, c.pref_label, c.scheme, c.note";

}  // namespace

Result<ImportReport> ConceptStore::import(const Vocabulary& v, const std::string& source) {
  ImportReport report;
  REPERE_ASSIGN_OR_RETURN(auto txn, catalog::Transaction::begin(db_));
  REPERE_ASSIGN_OR_RETURN(auto existing, db_.prepare("SELECT id FROM concept WHERE uri = ?1"));
  REPERE_ASSIGN_OR_RETURN(
      auto insert,
      db_.prepare("INSERT INTO concept (uri, scheme, pref_label, note, status, source) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  REPERE_ASSIGN_OR_RETURN(
      auto update,
      db_.prepare("UPDATE concept SET scheme = ?2, pref_label = ?3, note = ?4, status = ?5, "
                  "source = ?6, imported_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') "
                  "WHERE id = ?1"));
  REPERE_ASSIGN_OR_RETURN(auto drop_labels,
                          db_.prepare("DELETE FROM concept_label WHERE concept_id = ?1"));
  REPERE_ASSIGN_OR_RETURN(auto add_label,
                          db_.prepare("INSERT OR IGNORE INTO concept_label (concept_id, kind, "
                                      "label) VALUES (?1, ?2, ?3)"));
  REPERE_ASSIGN_OR_RETURN(auto drop_links,
                          db_.prepare("DELETE FROM concept_broader WHERE concept_uri = ?1"));
  REPERE_ASSIGN_OR_RETURN(auto add_link,
                          db_.prepare("INSERT OR IGNORE INTO concept_broader (concept_uri, "
                                      "broader_uri) VALUES (?1, ?2)"));
  for (const auto& [uri, c] : v.concepts) {
    existing.reset();
    existing.bind(1, uri);
    REPERE_ASSIGN_OR_RETURN(const bool found, existing.step());
    std::int64_t id = 0;
    if (found) {
      id = existing.int64(0);
      update.reset();
      REPERE_RETURN_IF_ERROR(update.bind(1, id)
                                 .bind(2, c.scheme)
                                 .bind(3, c.pref_label)
                                 .bind(4, c.note)
                                 .bind(5, c.status)
                                 .bind(6, source)
                                 .run());
      ++report.updated;
    } else {
      insert.reset();
      REPERE_RETURN_IF_ERROR(insert.bind(1, uri)
                                 .bind(2, c.scheme)
                                 .bind(3, c.pref_label)
                                 .bind(4, c.note)
                                 .bind(5, c.status)
                                 .bind(6, source)
                                 .run());
      id = db_.last_insert_id();
      ++report.added;
    }
    drop_labels.reset();
    REPERE_RETURN_IF_ERROR(drop_labels.bind(1, id).run());
    const std::pair<const char*, const std::vector<std::string>*> kinds[] = {
        {"alt", &c.alt_labels}, {"hidden", &c.hidden_labels}, {"exact", &c.exact_labels}};
    for (const auto& [kind, labels] : kinds) {
      for (const std::string& label : *labels) {
        if (label.empty()) continue;
        add_label.reset();
        REPERE_RETURN_IF_ERROR(add_label.bind(1, id).bind(2, kind).bind(3, label).run());
      }
    }
    drop_links.reset();
    REPERE_RETURN_IF_ERROR(drop_links.bind(1, uri).run());
    for (const std::string& broader : c.broader) {
      if (broader == uri) continue;
      add_link.reset();
      REPERE_RETURN_IF_ERROR(add_link.bind(1, uri).bind(2, broader).run());
      ++report.links;
    }
  }
  REPERE_RETURN_IF_ERROR(txn.commit());
  return report;
}

Result<std::optional<StoredConcept>> ConceptStore::get(const std::string& uri) {
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare(std::string("SELECT ") + kColumns +
                                                 " FROM concept c WHERE c.uri = ?1"));
  stmt.bind(1, uri);
  REPERE_ASSIGN_OR_RETURN(auto found, read_concepts(stmt));
  if (found.empty()) return std::optional<StoredConcept>();
  REPERE_ASSIGN_OR_RETURN(auto labels,
                          db_.prepare("SELECT l.label FROM concept_label l JOIN concept c ON "
                                      "c.id = l.concept_id WHERE c.uri = ?1 AND l.kind = 'alt' "
                                      "ORDER BY l.label"));
  labels.bind(1, uri);
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, labels.step());
    if (!row) break;
    found[0].alt_labels.push_back(labels.text(0));
  }
  return std::optional<StoredConcept>(std::move(found[0]));
}

Result<std::vector<StoredConcept>> ConceptStore::narrower(const std::string& uri) {
  REPERE_ASSIGN_OR_RETURN(auto stmt,
                          db_.prepare(std::string("SELECT ") + kColumns +
                                      " FROM concept_broader b JOIN concept c ON c.uri = "
                                      "b.concept_uri WHERE b.broader_uri = ?1 ORDER BY "
                                      "c.pref_label"));
  stmt.bind(1, uri);
  return read_concepts(stmt);
}

Result<std::vector<StoredConcept>> ConceptStore::ancestors(const std::string& uri) {
  std::vector<StoredConcept> out;
  std::set<std::string> seen{uri};
  REPERE_ASSIGN_OR_RETURN(auto up, db_.prepare("SELECT broader_uri FROM concept_broader WHERE "
                                               "concept_uri = ?1 ORDER BY broader_uri LIMIT 1"));
  std::string at = uri;
  for (int depth = 0; depth < 64; ++depth) {  // a cycle in a vocabulary ends here
    up.reset();
    up.bind(1, at);
    REPERE_ASSIGN_OR_RETURN(const bool row, up.step());
    if (!row) break;
    at = up.text(0);
    if (!seen.insert(at).second) break;
    REPERE_ASSIGN_OR_RETURN(const auto parent, get(at));
    if (!parent) break;
    out.push_back(*parent);
  }
  return out;
}

Result<int> ConceptStore::descendant_count(const std::string& uri) {
  REPERE_ASSIGN_OR_RETURN(auto stmt,
                          db_.prepare("WITH RECURSIVE under(u) AS (SELECT ?1 UNION SELECT "
                                      "b.concept_uri FROM concept_broader b JOIN under ON "
                                      "b.broader_uri = under.u) SELECT count(*) - 1 FROM under"));
  stmt.bind(1, uri);
  REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
  return row ? static_cast<int>(stmt.int64(0)) : 0;
}

Result<std::optional<StoredConcept>> ConceptStore::by_label(const std::string& label,
                                                            const std::string& scheme) {
  const std::string wanted = text::fold(label);
  REPERE_ASSIGN_OR_RETURN(
      auto stmt, db_.prepare("SELECT c.uri, c.pref_label, c.scheme FROM concept c UNION "
                             "ALL SELECT c.uri, l.label, c.scheme FROM concept_label l "
                             "JOIN concept c ON c.id = l.concept_id WHERE l.kind = 'alt'"));
  std::optional<std::string> best;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) break;
    if (text::fold(stmt.text(1)) != wanted) continue;
    const bool in_scheme = scheme.empty() || stmt.text(2) == scheme;
    if (!best || in_scheme) best = stmt.text(0);
    if (in_scheme) break;
  }
  if (!best) return std::optional<StoredConcept>();
  return get(*best);
}

Result<int> ConceptStore::count() {
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("SELECT count(*) FROM concept"));
  REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
  return row ? static_cast<int>(stmt.int64(0)) : 0;
}

}  // namespace repere::taxonomy
