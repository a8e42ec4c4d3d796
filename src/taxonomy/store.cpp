#include "repere/taxonomy/store.h"

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "repere/catalog/contents.h"
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
  // One statement adds a concept or brings it up to the file's values, and gives its id.
  REPERE_ASSIGN_OR_RETURN(
      auto upsert,
      db_.prepare(
          "INSERT INTO concept (uri, scheme, pref_label, note, status, source) VALUES "
          "(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (uri) DO UPDATE SET scheme = excluded.scheme, "
          "pref_label = excluded.pref_label, note = excluded.note, status = excluded.status, "
          "source = excluded.source, imported_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') "
          "RETURNING id"));
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
    REPERE_ASSIGN_OR_RETURN(const bool known, existing.step());
    ++(known ? report.updated : report.added);
    upsert.reset();
    upsert.bind(1, uri)
        .bind(2, c.scheme)
        .bind(3, c.pref_label)
        .bind(4, c.note)
        .bind(5, c.status)
        .bind(6, source);
    REPERE_ASSIGN_OR_RETURN(const bool row, upsert.step());
    if (!row) return Status::internal("the concept " + uri + " was not stored");
    const std::int64_t id = upsert.int64(0);
    upsert.reset();  // a statement with a row pending would hold the transaction open
    existing.reset();
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

namespace {

constexpr const char* kLevels = "http://data.education.fr/voc/scolomfr/scolomfr-voc-022";
constexpr const char* kDomains = "http://data.education.fr/voc/scolomfr/scolomfr-voc-015";

// The cycle of a French school level (2015 programmes), 0 when it is none of them.
int cycle_of(const std::string& level) {
  const std::string l = text::fold(level);
  if (l == "cp" || l == "ce1" || l == "ce2") return 2;
  if (l == "cm1" || l == "cm2" || l == "6e" || l == "6eme" || l == "sixieme") return 3;
  if (l == "5e" || l == "4e" || l == "3e" || l == "5eme" || l == "4eme" || l == "3eme" ||
      l == "cinquieme" || l == "quatrieme" || l == "troisieme")
    return 4;
  return 0;
}

// A discipline as the programmes of `cycle` name it: the usual short names spelt out; in cycle
// 3 (CM1 to 6e) SVT, physique-chimie and technologie are taught as one, « sciences et
// technologie ».
std::string discipline_name(const std::string& subject, int cycle) {
  const std::string folded = text::fold(subject);
  if (cycle == 3 &&
      (folded == "svt" || folded == "sciences de la vie et de la terre" || folded == "pc" ||
       folded == "physique-chimie" || folded == "physique chimie" || folded == "technologie"))
    return "sciences et technologie";
  static const std::map<std::string, std::string> kShort = {
      {"svt", "sciences de la vie et de la Terre"}, {"pc", "physique-chimie"},
      {"physique chimie", "physique-chimie"},       {"maths", "mathématiques"},
      {"eps", "éducation physique et sportive"},    {"hg", "histoire et géographie"}};
  const auto found = kShort.find(folded);
  return found == kShort.end() ? subject : found->second;
}

// The programme parts a catalogue's « programme » column names: URIs or labels, separated by
// « ; » or « | ».
std::vector<std::string> programme_values(const nlohmann::json& meta) {
  std::vector<std::string> out;
  const auto it = meta.find("programme");
  if (it == meta.end() || !it->is_string()) return out;
  const std::string all = it->get<std::string>();
  std::size_t start = 0;
  while (start <= all.size()) {
    const std::size_t end = std::min(all.find_first_of(";|", start), all.size());
    std::string v = all.substr(start, end - start);
    v.erase(0, v.find_first_not_of(" \t"));
    v.erase(v.find_last_not_of(" \t") + 1);
    if (!v.empty()) out.push_back(std::move(v));
    start = end + 1;
  }
  return out;
}

}  // namespace

Result<MapReport> ConceptStore::map_free_text() {
  MapReport report;
  REPERE_ASSIGN_OR_RETURN(
      auto keep,
      db_.prepare("INSERT INTO content_concept (content_id, concept_uri, purpose, origin, state, "
                  "evidence) VALUES (?1, ?2, ?3, 'mapped', 'confirmed', ?4) ON CONFLICT DO "
                  "UPDATE SET evidence = excluded.evidence WHERE state <> 'rejected'"));
  std::set<std::string> unmatched;
  std::map<std::string, std::optional<std::string>> seen;  // label|scheme -> uri
  auto find = [&](const std::string& label,
                  const std::string& scheme) -> Result<std::optional<std::string>> {
    const std::string key = label + "|" + scheme;
    if (const auto it = seen.find(key); it != seen.end()) return it->second;
    REPERE_ASSIGN_OR_RETURN(const auto c, by_label(label, scheme));
    std::optional<std::string> uri;
    if (c && c->scheme == scheme) uri = c->uri;
    seen[key] = uri;
    return uri;
  };
  for (int offset = 0;; offset += 500) {
    REPERE_ASSIGN_OR_RETURN(const auto page,
                            catalog::ContentRepository(db_).list({.limit = 500, .offset = offset}));
    if (page.empty()) break;
    REPERE_ASSIGN_OR_RETURN(auto txn, catalog::Transaction::begin(db_));
    for (const auto& c : page) {
      const auto meta = nlohmann::json::parse(c.metadata_json, nullptr, false);
      if (!meta.is_object()) continue;
      const std::string subject = meta.value("subject", "");
      const std::string level = meta.value("level", "");
      if (subject.empty() && level.empty() && !meta.contains("programme")) continue;
      ++report.contents;
      if (!level.empty()) {
        REPERE_ASSIGN_OR_RETURN(const auto uri, find(level, kLevels));
        if (uri) {
          keep.reset();
          REPERE_RETURN_IF_ERROR(
              keep.bind(1, c.id).bind(2, *uri).bind(3, "level").bind(4, level).run());
          ++report.levels;
        } else {
          unmatched.insert(level);
        }
      }
      if (!subject.empty()) {
        const int cycle = cycle_of(level);
        std::optional<std::string> uri;
        if (cycle > 0) {
          REPERE_ASSIGN_OR_RETURN(
              uri, find(discipline_name(subject, cycle) + " (cycle " + std::to_string(cycle) + ")",
                        kDomains));
        }
        if (uri) {
          keep.reset();
          REPERE_RETURN_IF_ERROR(keep.bind(1, c.id)
                                     .bind(2, *uri)
                                     .bind(3, "discipline")
                                     .bind(4, subject + (level.empty() ? "" : " " + level))
                                     .run());
          ++report.disciplines;
        } else {
          unmatched.insert(subject + (level.empty() ? "" : " " + level));
        }
      }
      for (const std::string& part : programme_values(meta)) {
        std::optional<std::string> uri;
        if (part.rfind("http://", 0) == 0 || part.rfind("https://", 0) == 0) {
          REPERE_ASSIGN_OR_RETURN(const auto known, get(part));
          if (known) uri = part;
        } else {
          REPERE_ASSIGN_OR_RETURN(uri, find(part, kDomains));
        }
        if (!uri) {
          unmatched.insert(part);
          continue;
        }
        keep.reset();
        REPERE_RETURN_IF_ERROR(
            keep.bind(1, c.id).bind(2, *uri).bind(3, "programme").bind(4, part).run());
        ++report.programme;
      }
    }
    REPERE_RETURN_IF_ERROR(txn.commit());
    if (page.size() < 500) break;
  }
  report.unmatched.assign(unmatched.begin(), unmatched.end());
  return report;
}

namespace {

constexpr const char* kGiven =
    "SELECT cc.content_id, cc.concept_uri, coalesce(c.pref_label, cc.concept_uri), cc.purpose, "
    "cc.origin, cc.state, cc.score, cc.evidence FROM content_concept cc LEFT JOIN concept c ON "
    "c.uri = cc.concept_uri ";

Result<std::vector<ContentConcept>> read_given(catalog::Statement& stmt) {
  std::vector<ContentConcept> out;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) break;
    ContentConcept c{stmt.int64(0), stmt.text(1), stmt.text(2),
                     stmt.text(3),  stmt.text(4), stmt.text(5)};
    if (!stmt.is_null(6)) c.score = stmt.real(6);
    c.evidence = stmt.text(7);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

Result<std::vector<ContentConcept>> ConceptStore::all_confirmed() {
  REPERE_ASSIGN_OR_RETURN(
      auto stmt, db_.prepare(std::string(kGiven) + "WHERE cc.state = 'confirmed' ORDER BY 4, 3"));
  return read_given(stmt);
}

Result<std::vector<ContentConcept>> ConceptStore::of_content(std::int64_t content_id) {
  REPERE_ASSIGN_OR_RETURN(
      auto stmt,
      db_.prepare(std::string(kGiven) +
                  "WHERE cc.content_id = ?1 AND cc.state <> 'rejected' ORDER BY cc.purpose, "
                  "cc.state = 'suggested', coalesce(-cc.score, 0), 3"));
  stmt.bind(1, content_id);
  return read_given(stmt);
}

Status ConceptStore::decide(std::int64_t content_id, const std::string& uri, Decision decision) {
  REPERE_ASSIGN_OR_RETURN(const auto concept_, get(uri));
  if (!concept_) return Status::not_found("no concept " + uri + " (import its vocabulary first)");
  const char* state = decision == Decision::kConfirm ? "confirmed" : "rejected";
  REPERE_ASSIGN_OR_RETURN(
      auto stmt,
      db_.prepare("INSERT INTO content_concept (content_id, concept_uri, purpose, origin, state) "
                  "VALUES (?1, ?2, 'programme', 'person', ?3) ON CONFLICT DO UPDATE SET state = "
                  "excluded.state, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"));
  return stmt.bind(1, content_id).bind(2, uri).bind(3, state).run();
}

Result<std::vector<PendingSuggestions>> ConceptStore::pending(int limit) {
  REPERE_ASSIGN_OR_RETURN(
      auto stmt,
      db_.prepare("SELECT cc.content_id, c.title, count(*), max(cc.score) FROM content_concept "
                  "cc JOIN content c ON c.id = cc.content_id WHERE cc.state = 'suggested' AND "
                  "c.status <> 'retired' GROUP BY cc.content_id ORDER BY count(*) DESC, "
                  "max(cc.score) DESC, cc.content_id LIMIT ?1"));
  stmt.bind(1, static_cast<std::int64_t>(limit));
  std::vector<PendingSuggestions> out;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) break;
    out.push_back({stmt.int64(0), stmt.text(1), static_cast<int>(stmt.int64(2)), stmt.real(3)});
  }
  return out;
}

Result<std::vector<std::int64_t>> ConceptStore::contents_under(const std::string& uri) {
  REPERE_ASSIGN_OR_RETURN(
      auto stmt,
      db_.prepare("WITH RECURSIVE under(u) AS (SELECT ?1 UNION SELECT b.concept_uri FROM "
                  "concept_broader b JOIN under ON b.broader_uri = under.u) SELECT DISTINCT "
                  "cc.content_id FROM content_concept cc JOIN under ON cc.concept_uri = under.u "
                  "WHERE cc.state = 'confirmed' ORDER BY cc.content_id"));
  stmt.bind(1, uri);
  std::vector<std::int64_t> out;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) break;
    out.push_back(stmt.int64(0));
  }
  return out;
}

Result<std::vector<ConceptMoment>> ConceptStore::moments_under(const std::string& uri, int limit) {
  REPERE_ASSIGN_OR_RETURN(
      auto stmt,
      db_.prepare("WITH RECURSIVE under(u) AS (SELECT ?1 UNION SELECT b.concept_uri FROM "
                  "concept_broader b JOIN under ON b.broader_uri = under.u) SELECT pc.passage_id, "
                  "p.content_id, p.start_ms, p.page, p.text, pc.concept_uri, pc.score FROM "
                  "passage_concept pc JOIN under ON pc.concept_uri = under.u JOIN passage p ON "
                  "p.id = pc.passage_id WHERE NOT EXISTS (SELECT 1 FROM content_concept cc "
                  "WHERE cc.content_id = p.content_id AND cc.concept_uri = pc.concept_uri AND "
                  "cc.state = 'rejected') ORDER BY pc.score DESC, pc.passage_id LIMIT ?2"));
  stmt.bind(1, uri).bind(2, static_cast<std::int64_t>(limit));
  std::vector<ConceptMoment> out;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) break;
    ConceptMoment m;
    m.passage_id = stmt.int64(0);
    m.content_id = stmt.int64(1);
    m.start_ms = stmt.optional_int64(2);
    if (const auto page = stmt.optional_int64(3)) m.page = static_cast<int>(*page);
    m.text = stmt.text(4);
    m.uri = stmt.text(5);
    m.score = stmt.real(6);
    out.push_back(std::move(m));
  }
  return out;
}

Result<std::optional<std::int64_t>> ConceptStore::id_of(const std::string& uri) {
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("SELECT id FROM concept WHERE uri = ?1"));
  stmt.bind(1, uri);
  REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(stmt.int64(0));
}

Result<std::optional<std::string>> ConceptStore::uri_of(std::int64_t id) {
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("SELECT uri FROM concept WHERE id = ?1"));
  stmt.bind(1, id);
  REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(stmt.text(0));
}

}  // namespace repere::taxonomy
