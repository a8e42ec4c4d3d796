#include "repere/taxonomy/related.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>

#include "repere/catalog/database.h"
#include "repere/index/lexical.h"

namespace repere::taxonomy {

namespace {

constexpr int kCandidates = 600;  // passages weighed at most, the machine's best placed first

using Stems = std::unordered_map<std::string, int>;

Stems stems_of(const std::string& text, const std::string& language) {
  Stems out;
  for (const auto& w : index::stemmed_words(text, language)) {
    if (w.stem.size() >= 3) ++out[w.stem];
  }
  return out;
}

Result<std::vector<std::string>> column(catalog::Statement& stmt) {
  std::vector<std::string> out;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) break;
    out.push_back(stmt.text(0));
  }
  return out;
}

// The source's part of the programme: its concepts, each with the one just above it unless
// that one is a discipline's programme (« … (cycle 4) »: too wide to be « the same part »).
Result<std::vector<std::string>> source_concepts(catalog::Database& db, std::int64_t content_id,
                                                 const RelatedOptions& options) {
  std::vector<std::string> concepts;
  if (options.confirmed_tags) {
    REPERE_ASSIGN_OR_RETURN(auto stmt, db.prepare("SELECT concept_uri FROM content_concept WHERE "
                                                  "content_id = ?1 AND purpose = 'programme' AND "
                                                  "state = 'confirmed' ORDER BY concept_uri"));
    stmt.bind(1, content_id);
    REPERE_ASSIGN_OR_RETURN(concepts, column(stmt));
  }
  if (options.passage_id) {
    REPERE_ASSIGN_OR_RETURN(
        auto stmt, db.prepare("SELECT concept_uri FROM passage_concept WHERE passage_id = ?1"));
    stmt.bind(1, *options.passage_id);
    REPERE_ASSIGN_OR_RETURN(const auto more, column(stmt));
    concepts.insert(concepts.end(), more.begin(), more.end());
  }
  if (concepts.empty()) {  // the machine's: the two concepts most of its passages are placed on
    REPERE_ASSIGN_OR_RETURN(
        auto stmt,
        db.prepare("SELECT pc.concept_uri FROM passage_concept pc JOIN passage p ON p.id = "
                   "pc.passage_id WHERE p.content_id = ?1 GROUP BY pc.concept_uri ORDER BY "
                   "count(*) DESC, sum(pc.score) DESC LIMIT 2"));
    stmt.bind(1, content_id);
    REPERE_ASSIGN_OR_RETURN(concepts, column(stmt));
  }
  if (concepts.empty()) {  // else its first suggestion
    REPERE_ASSIGN_OR_RETURN(
        auto stmt,
        db.prepare("SELECT concept_uri FROM content_concept WHERE content_id = ?1 AND purpose = "
                   "'programme' AND state = 'suggested' ORDER BY score DESC LIMIT 1"));
    stmt.bind(1, content_id);
    REPERE_ASSIGN_OR_RETURN(concepts, column(stmt));
  }
  REPERE_ASSIGN_OR_RETURN(
      auto up,
      db.prepare("SELECT b.broader_uri FROM concept_broader b JOIN concept c ON c.uri = "
                 "b.broader_uri WHERE b.concept_uri = ?1 AND c.pref_label NOT LIKE '%(cycle _)' "
                 "AND c.pref_label NOT LIKE '%(discipline)'"));
  const std::size_t own = concepts.size();
  for (std::size_t i = 0; i < own; ++i) {
    up.reset();
    up.bind(1, concepts[i]);
    REPERE_ASSIGN_OR_RETURN(const auto parents, column(up));
    concepts.insert(concepts.end(), parents.begin(), parents.end());
  }
  std::sort(concepts.begin(), concepts.end());
  concepts.erase(std::unique(concepts.begin(), concepts.end()), concepts.end());
  return concepts;
}

struct Candidate {
  RelatedMoment moment;
  Stems stems;
};

Result<std::vector<Candidate>> candidates(catalog::Database& db, std::int64_t content_id,
                                          const std::vector<std::string>& concepts,
                                          bool confirmed_tags) {
  REPERE_ASSIGN_OR_RETURN(
      auto stmt,
      db.prepare(
          "WITH RECURSIVE under(u) AS (SELECT value FROM json_each(?1) UNION SELECT "
          "b.concept_uri FROM concept_broader b JOIN under ON b.broader_uri = under.u) "
          "SELECT p.id, p.content_id, c.title, p.start_ms, p.page, p.text, p.language, "
          "coalesce((SELECT max(pc.score) FROM passage_concept pc JOIN under ON pc.concept_uri "
          "= under.u WHERE pc.passage_id = p.id), 0) AS placed FROM passage p JOIN content c ON "
          "c.id = p.content_id WHERE c.status = 'published' AND p.content_id <> ?2 AND (EXISTS "
          "(SELECT 1 FROM passage_concept pc JOIN under ON pc.concept_uri = under.u WHERE "
          "pc.passage_id = p.id) OR (?3 AND EXISTS (SELECT 1 FROM content_concept cc JOIN under "
          "ON cc.concept_uri = under.u WHERE cc.content_id = p.content_id AND cc.purpose = "
          "'programme' AND cc.state = 'confirmed'))) ORDER BY placed DESC, p.id LIMIT ?4"));
  stmt.bind(1, nlohmann::json(concepts).dump())
      .bind(2, content_id)
      .bind(3, static_cast<std::int64_t>(confirmed_tags ? 1 : 0))
      .bind(4, static_cast<std::int64_t>(kCandidates));
  std::vector<Candidate> out;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) break;
    Candidate c;
    c.moment.passage_id = stmt.int64(0);
    c.moment.content_id = stmt.int64(1);
    c.moment.title = stmt.text(2);
    c.moment.start_ms = stmt.optional_int64(3);
    if (const auto page = stmt.optional_int64(4)) c.moment.page = static_cast<int>(*page);
    c.moment.text = stmt.text(5);
    c.stems = stems_of(c.moment.text, stmt.text(6));
    out.push_back(std::move(c));
  }
  return out;
}

// What the source says: the passage, or the content's title, description and passages.
Result<std::string> source_text(catalog::Database& db, std::int64_t content_id,
                                const RelatedOptions& options) {
  if (options.passage_id) {
    REPERE_ASSIGN_OR_RETURN(auto stmt, db.prepare("SELECT text FROM passage WHERE id = ?1 AND "
                                                  "content_id = ?2"));
    stmt.bind(1, *options.passage_id).bind(2, content_id);
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (row) return stmt.text(0);
  }
  REPERE_ASSIGN_OR_RETURN(
      auto stmt, db.prepare("SELECT c.title || char(10) || c.description || char(10) || "
                            "coalesce((SELECT group_concat(text, char(10)) FROM passage WHERE "
                            "content_id = c.id), '') FROM content c WHERE c.id = ?1"));
  stmt.bind(1, content_id);
  REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
  return row ? stmt.text(0) : std::string();
}

}  // namespace

Result<std::vector<RelatedMoment>> related_moments(catalog::Database& db, std::int64_t content_id,
                                                   const RelatedOptions& options) {
  std::vector<RelatedMoment> out;
  REPERE_ASSIGN_OR_RETURN(const auto concepts, source_concepts(db, content_id, options));
  if (concepts.empty()) return out;
  REPERE_ASSIGN_OR_RETURN(auto found, candidates(db, content_id, concepts, options.confirmed_tags));
  if (found.empty()) return out;
  REPERE_ASSIGN_OR_RETURN(const std::string said, source_text(db, content_id, options));
  const Stems source = stems_of(said, "fr");
  // A stem many candidates say tells little: idf over the candidates.
  std::unordered_map<std::string, int> df;
  for (const Candidate& c : found) {
    for (const auto& [s, n] : c.stems) ++df[s];
  }
  const double total = static_cast<double>(found.size());
  auto weight = [&](const std::string& stem, int n) {
    const auto it = df.find(stem);
    const double idf = std::log(1.0 + total / (it == df.end() ? 1 : it->second));
    return (1.0 + std::log(static_cast<double>(n))) * idf;
  };
  std::unordered_map<std::string, double> source_weights;
  double source_norm = 0;
  for (const auto& [s, n] : source) {
    const double w = weight(s, n);
    source_weights[s] = w;
    source_norm += w * w;
  }
  source_norm = std::sqrt(source_norm);
  if (source_norm <= 0) return out;
  std::map<std::int64_t, RelatedMoment> best;  // by content
  for (Candidate& c : found) {
    double dot = 0, norm = 0;
    for (const auto& [s, n] : c.stems) {
      const double w = weight(s, n);
      norm += w * w;
      const auto it = source_weights.find(s);
      if (it != source_weights.end()) dot += w * it->second;
    }
    if (norm <= 0) continue;
    c.moment.similarity = dot / (std::sqrt(norm) * source_norm);
    if (c.moment.similarity < kMinSimilarity) continue;
    auto [it, added] = best.emplace(c.moment.content_id, c.moment);
    if (!added && c.moment.similarity > it->second.similarity) it->second = c.moment;
  }
  for (auto& [id, m] : best) out.push_back(std::move(m));
  std::sort(out.begin(), out.end(), [](const RelatedMoment& a, const RelatedMoment& b) {
    return a.similarity != b.similarity ? a.similarity > b.similarity : a.passage_id < b.passage_id;
  });
  if (out.size() > static_cast<std::size_t>(std::max(0, options.limit)))
    out.resize(static_cast<std::size_t>(std::max(0, options.limit)));
  return out;
}

Result<RelatedQuality> evaluate_related(catalog::Database& db) {
  RelatedQuality q;
  // Each content's confirmed parts, with every concept above them.
  REPERE_ASSIGN_OR_RETURN(
      auto gold_stmt,
      db.prepare("WITH RECURSIVE up(content_id, u) AS (SELECT content_id, concept_uri FROM "
                 "content_concept WHERE purpose = 'programme' AND state = 'confirmed' UNION "
                 "SELECT up.content_id, b.broader_uri FROM concept_broader b JOIN up ON "
                 "b.concept_uri = up.u) SELECT content_id, u FROM up"));
  std::map<std::int64_t, std::set<std::string>> with_ancestors;
  REPERE_ASSIGN_OR_RETURN(auto own_stmt,
                          db.prepare("SELECT content_id, concept_uri FROM content_concept WHERE "
                                     "purpose = 'programme' AND state = 'confirmed'"));
  std::map<std::int64_t, std::set<std::string>> own;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, gold_stmt.step());
    if (!row) break;
    with_ancestors[gold_stmt.int64(0)].insert(gold_stmt.text(1));
  }
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, own_stmt.step());
    if (!row) break;
    own[own_stmt.int64(0)].insert(own_stmt.text(1));
  }
  // Same part: one's part is the other's or lies under it.
  auto same = [&](std::int64_t a, std::int64_t b) {
    for (const std::string& g : own[a]) {
      if (with_ancestors[b].count(g)) return true;
    }
    for (const std::string& g : own[b]) {
      if (with_ancestors[a].count(g)) return true;
    }
    return false;
  };
  // Same branch: their parts meet below the discipline (« le corps humain et la santé »).
  REPERE_ASSIGN_OR_RETURN(
      auto branch_stmt,
      db.prepare("SELECT uri FROM concept WHERE pref_label LIKE '%(cycle _)' OR pref_label LIKE "
                 "'%(discipline)'"));
  REPERE_ASSIGN_OR_RETURN(const auto wide, column(branch_stmt));
  const std::set<std::string> too_wide(wide.begin(), wide.end());
  auto same_branch = [&](std::int64_t a, std::int64_t b) {
    for (const std::string& u : with_ancestors[a]) {
      if (!too_wide.count(u) && with_ancestors[b].count(u)) return true;
    }
    return false;
  };
  int right = 0, near = 0, none = 0;
  for (const auto& [id, parts] : own) {
    REPERE_ASSIGN_OR_RETURN(const auto related, related_moments(db, id, {.confirmed_tags = false}));
    ++q.contents;
    if (related.empty()) ++none;
    for (const RelatedMoment& m : related) {
      ++q.moments;
      if (same(id, m.content_id)) ++right;
      if (same_branch(id, m.content_id)) ++near;
    }
  }
  if (q.moments > 0) {
    q.same_part = static_cast<double>(right) / q.moments;
    q.same_branch = static_cast<double>(near) / q.moments;
  }
  if (q.contents > 0) q.without_any = static_cast<double>(none) / q.contents;
  return q;
}

}  // namespace repere::taxonomy
