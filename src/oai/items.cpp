#include "items.h"

#include <map>
#include <nlohmann/json.hpp>

#include "repere/taxonomy/store.h"

namespace repere::oai {

namespace {

// The items, published contents and deleted records: a datestamp is the content's last change
// or that of its programme concepts, whichever is later.
constexpr std::string_view kItems = R"sql(
SELECT id, datestamp, deleted, sets FROM (
  SELECT c.id AS id,
         max(c.updated_at, coalesce((SELECT max(cc.updated_at) FROM content_concept cc
                                     WHERE cc.content_id = c.id), '')) AS datestamp,
         0 AS deleted, '' AS sets
  FROM content c WHERE c.status = 'published'
    AND json_extract(c.metadata, '$.harvested_from') IS NULL
  UNION ALL
  SELECT content_id, datestamp, 1, sets FROM oai_deleted)
WHERE id > ?1 AND (?2 = '' OR datestamp >= ?2) AND (?3 = '' OR datestamp <= ?3)
  AND (?4 IS NULL OR id = ?4)
ORDER BY id
)sql";

// A setSpec's part from a concept URI: its last path segment, in the characters setSpec allows.
std::string spec_part(const std::string& uri) {
  std::string tail =
      uri.substr(uri.find_last_of("/#") == std::string::npos ? 0 : uri.find_last_of("/#") + 1);
  // ScoLOMFR's programme parts go by their number: « programme:919:947 ».
  constexpr std::string_view kProgramme = "scolomfr-voc-015-num-";
  if (tail.rfind(kProgramme, 0) == 0 && tail.size() > kProgramme.size() &&
      tail.find_first_not_of("0123456789", kProgramme.size()) == std::string::npos)
    return tail.substr(kProgramme.size());
  std::string out;
  for (const char c : tail) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ||
                    c == '.' || c == '!' || c == '~' || c == '*' || c == '\'' || c == '(' ||
                    c == ')';
    out += ok ? c : '_';
  }
  return out.empty() ? "_" : out;
}

}  // namespace

bool in_set(const std::vector<std::string>& sets, const std::string& set) {
  for (const std::string& s : sets) {
    if (s == set ||
        (s.size() > set.size() && s.compare(0, set.size(), set) == 0 && s[set.size()] == ':'))
      return true;
  }
  return false;
}

Result<std::vector<std::string>> Items::sets_of(std::int64_t id, const std::string& stored) {
  std::vector<std::string> out;
  if (!stored.empty()) {  // a deleted record
    REPERE_ASSIGN_OR_RETURN(auto live, sets_of(id, ""));
    if (!live.empty()) return live;  // retired or in review: its row still tells its sets
    // Deleted: the sets kept when it left, its programme parts as « concept:URI ».
    const auto j = nlohmann::json::parse(stored, nullptr, false);
    if (!j.is_array()) return out;
    for (const auto& s : j) {
      if (!s.is_string()) continue;
      const std::string set = s.get<std::string>();
      if (set.rfind("concept:", 0) == 0) {
        REPERE_ASSIGN_OR_RETURN(std::string spec, programme_spec(set.substr(8)));
        out.push_back(std::move(spec));
      } else {
        out.push_back(set);
      }
    }
    return out;
  }
  if (!kind_stmt_) {
    REPERE_ASSIGN_OR_RETURN(kind_stmt_, db_.prepare("SELECT c.kind, k.slug FROM content c LEFT "
                                                    "JOIN collection k ON k.id = c.collection_id "
                                                    "WHERE c.id = ?1"));
    // The programme parts people confirmed (the rejected and the suggested are not sets).
    REPERE_ASSIGN_OR_RETURN(concepts_stmt_,
                            db_.prepare("SELECT concept_uri FROM content_concept WHERE "
                                        "content_id = ?1 AND state = 'confirmed' AND purpose = "
                                        "'programme' ORDER BY concept_uri"));
  }
  auto& kind = *kind_stmt_;
  kind.reset();
  kind.bind(1, id);
  REPERE_ASSIGN_OR_RETURN(const bool row, kind.step());
  if (!row) return out;
  out.push_back("type:" + kind.text(0));
  if (!kind.is_null(1)) out.push_back("collection:" + spec_part(kind.text(1)));
  auto& concepts = *concepts_stmt_;
  concepts.reset();
  concepts.bind(1, id);
  std::vector<std::string> uris;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool more, concepts.step());
    if (!more) break;
    uris.push_back(concepts.text(0));
  }
  for (const std::string& uri : uris) {
    REPERE_ASSIGN_OR_RETURN(std::string spec, programme_spec(uri));
    out.push_back(std::move(spec));
  }
  return out;
}

Result<std::string> Items::programme_spec(const std::string& uri) {
  const auto known = programme_specs_.find(uri);
  if (known != programme_specs_.end()) return known->second;
  REPERE_ASSIGN_OR_RETURN(const auto up, taxonomy::ConceptStore(db_).ancestors(uri));
  std::string spec = "programme";
  for (auto it = up.rbegin(); it != up.rend(); ++it) spec += ":" + spec_part(it->uri);
  spec += ":" + spec_part(uri);
  programme_specs_.emplace(uri, spec);
  return spec;
}

Result<std::vector<Item>> Items::list(const ItemQuery& q, int limit, bool& more) {
  more = false;
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare(kItems));
  stmt.bind(1, q.after_id).bind(2, q.from).bind(3, q.until).bind(4, q.only_id);
  std::vector<Item> out;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) return out;
    Item item{
        .id = stmt.int64(0), .datestamp = stmt.text(1), .deleted = stmt.int64(2) != 0, .sets = {}};
    REPERE_ASSIGN_OR_RETURN(item.sets, sets_of(item.id, stmt.text(3)));
    if (!q.set.empty() && !in_set(item.sets, q.set)) continue;
    if (static_cast<int>(out.size()) == limit) {
      more = true;
      return out;
    }
    out.push_back(std::move(item));
  }
}

Result<std::int64_t> Items::count(const ItemQuery& q) {
  bool more = false;
  if (q.set.empty()) {
    REPERE_ASSIGN_OR_RETURN(auto stmt,
                            db_.prepare("SELECT count(*) FROM (" + std::string(kItems) + ")"));
    stmt.bind(1, q.after_id).bind(2, q.from).bind(3, q.until).bind(4, q.only_id);
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    return row ? stmt.int64(0) : 0;
  }
  REPERE_ASSIGN_OR_RETURN(const auto all, list(q, 1 << 30, more));
  return static_cast<std::int64_t>(all.size());
}

Result<std::optional<Items::Harvested>> Items::harvested(std::int64_t id) {
  REPERE_ASSIGN_OR_RETURN(
      auto stmt, db_.prepare("SELECT coalesce(json_extract(metadata, '$.partner'), ''), "
                             "json_extract(metadata, '$.harvested_from') FROM content WHERE id = "
                             "?1 AND status = 'published' AND json_extract(metadata, "
                             "'$.harvested_from') IS NOT NULL"));
  stmt.bind(1, id);
  REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row) return std::optional<Harvested>{};
  return std::optional<Harvested>(Harvested{.partner = stmt.text(0), .url = stmt.text(1)});
}

Result<std::string> Items::earliest() {
  REPERE_ASSIGN_OR_RETURN(auto stmt,
                          db_.prepare("SELECT min(datestamp) FROM (" + std::string(kItems) + ")"));
  stmt.bind(1, 0).bind(2, "").bind(3, "").bind(4, std::optional<std::int64_t>{});
  REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
  return row && !stmt.is_null(0) ? stmt.text(0) : std::string();
}

Result<std::vector<SetInfo>> Items::sets() {
  std::map<std::string, std::string> found;
  bool more = false;
  REPERE_ASSIGN_OR_RETURN(const auto all, list({}, 1 << 30, more));
  for (const Item& item : all) {
    if (item.deleted) continue;
    for (const std::string& s : item.sets) {
      for (std::size_t at = s.find(':'); at != std::string::npos; at = s.find(':', at + 1))
        found.emplace(s.substr(0, at), "");
      found.emplace(s, "");
    }
  }
  // Names: kinds in French, collections by their name, programme parts by their label.
  static const std::map<std::string, std::string> kKinds = {
      {"type", "Par type de contenu"},
      {"type:video", "Vidéos"},
      {"type:audio", "Sons"},
      {"type:document", "Documents"},
      {"type:image", "Images"},
      {"type:webpage", "Pages web"},
      {"type:text", "Textes"},
      {"collection", "Par collection"},
      {"programme", "Par partie de programme"}};
  REPERE_ASSIGN_OR_RETURN(auto collection,
                          db_.prepare("SELECT name FROM collection WHERE slug = ?1"));
  REPERE_ASSIGN_OR_RETURN(
      auto label_of,
      db_.prepare("SELECT pref_label FROM concept WHERE uri LIKE '%/' || ?1 OR uri LIKE "
                  "'%/scolomfr-voc-015-num-' || ?1 ORDER BY length(uri) LIMIT 1"));
  std::vector<SetInfo> out;
  for (auto& [spec, name] : found) {
    if (const auto k = kKinds.find(spec); k != kKinds.end()) {
      name = k->second;
    } else if (spec.rfind("collection:", 0) == 0) {
      collection.reset();
      collection.bind(1, spec.substr(11));
      REPERE_ASSIGN_OR_RETURN(const bool row, collection.step());
      name = row ? collection.text(0) : spec.substr(11);
    } else if (spec.rfind("programme:", 0) == 0) {
      const std::string last = spec.substr(spec.find_last_of(':') + 1);
      label_of.reset();
      label_of.bind(1, last);
      REPERE_ASSIGN_OR_RETURN(const bool row, label_of.step());
      name = row ? label_of.text(0) : last;
    }
    if (name.empty()) name = spec;
    out.push_back({spec, name});
  }
  return out;
}

}  // namespace repere::oai
