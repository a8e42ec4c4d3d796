#include "repere/search/search.h"

#include <algorithm>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <unordered_set>

#include "repere/catalog/database.h"
#include "repere/core/text.h"
#include "repere/index/embedder.h"
#include "repere/index/library.h"
#include "repere/index/thesaurus.h"
#include "repere/index/vectors.h"

namespace repere::search {

namespace {

struct Candidate {
  std::int64_t passage_id = 0;
  std::int64_t content_id = 0;
  double score = 0;
  std::optional<int> lexical_rank;
  std::optional<int> vector_rank;
  bool by_synonym = false;  // found by a synonym of the query's words, not the words
};

// Fusion of the two sides over the union of their candidates: each passage scores
//   (1 - ratio) * bm25 / best_bm25  +  ratio * cosine(query, passage)
// with the cosine computed for lexical candidates too (0 for words, when a passage did not
// match them). Measured on cnil-fr and cranfield-en against weighted reciprocal-rank fusion
// (numbers in the search issue's note): rank fusion gives a weak vector side as much say as a
// strong lexical one and lost up to 0.27 nDCG@10; scores keep each side's confidence.
std::vector<Candidate> fuse(const std::vector<index::LexicalHit>& lexical, std::size_t exact,
                            const std::vector<index::VectorHit>& vector, double ratio,
                            const std::function<std::optional<float>(std::int64_t)>& cosine) {
  std::unordered_map<std::int64_t, Candidate> by_id;
  const double w_lexical = vector.empty() ? 1.0 : 1.0 - ratio;
  const double w_vector = lexical.empty() ? 1.0 : ratio;
  const double best = lexical.empty() ? 1.0 : std::max(lexical.front().score, 1e-9);
  for (std::size_t i = 0; i < lexical.size(); ++i) {
    const auto& h = lexical[i];
    Candidate& c = by_id[h.passage_id];
    c.passage_id = h.passage_id;
    c.lexical_rank = static_cast<int>(i) + 1;
    c.by_synonym = i >= exact;
    c.score += w_lexical * h.score / best;
  }
  for (std::size_t i = 0; i < vector.size(); ++i) {
    Candidate& c = by_id[vector[i].passage_id];
    c.passage_id = vector[i].passage_id;
    c.vector_rank = static_cast<int>(i) + 1;
    c.score += w_vector * std::max(0.0f, vector[i].similarity);
  }
  if (!vector.empty() && cosine) {
    for (auto& [id, c] : by_id) {
      if (c.vector_rank) continue;
      const auto sim = cosine(id);
      if (sim) c.score += w_vector * std::max(0.0f, *sim);
    }
  }
  std::vector<Candidate> out;
  out.reserve(by_id.size());
  for (auto& [id, c] : by_id) out.push_back(std::move(c));
  std::sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
    return a.score != b.score ? a.score > b.score : a.passage_id < b.passage_id;
  });
  return out;
}

// The cosine of a word and its synonym in the library's word vectors under which the synonym
// is not used: in a science library « lumière » and « chandelle » are far apart.
constexpr float kSynonymRelatedness = 0.35f;

// One read transaction for all the catalog reads of a search: one lock instead of one per
// statement, and one consistent view.
class ReadTransaction {
 public:
  explicit ReadTransaction(catalog::Database& db) : db_(db), open_(db.exec("BEGIN").is_ok()) {}
  ~ReadTransaction() {
    if (open_) (void)db_.exec("COMMIT");
  }
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

 private:
  catalog::Database& db_;
  bool open_;
};

}  // namespace

struct SharedParts {
  // The content of every passage when the generation was opened (passages come in id order,
  // so the table is sorted); newer passages are looked up in the catalog.
  std::vector<std::pair<std::int64_t, std::int64_t>> content_of;
  std::shared_ptr<const index::Embedder> embedder;  // null: no search by meaning
  std::shared_ptr<const index::VectorIndex> vectors;
  std::string vectors_problem;  // why they are missing, for degraded answers
};

namespace {

Result<std::shared_ptr<const SharedParts>> load_shared(catalog::Database& db,
                                                       const index::Generation& generation,
                                                       const SearcherOptions& options) {
  auto parts = std::make_shared<SharedParts>();
  REPERE_ASSIGN_OR_RETURN(auto all, db.prepare("SELECT id, content_id FROM passage ORDER BY id"));
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, all.step());
    if (!row) break;
    parts->content_of.emplace_back(all.int64(0), all.int64(1));
  }
  if (!generation.has_vectors()) {
    parts->vectors_problem = "this library has no embeddings yet: run `repere train-embeddings`";
    return std::shared_ptr<const SharedParts>(std::move(parts));
  }
  auto embedder = index::open_embedder(generation.embeddings(), options.embeddings);
  if (!embedder.is_ok()) {
    parts->vectors_problem = embedder.status().message();
    return std::shared_ptr<const SharedParts>(std::move(parts));
  }
  auto vectors = index::VectorIndex::load(generation.vectors(), (*embedder)->dimension());
  if (!vectors.is_ok()) {
    parts->vectors_problem = vectors.status().message();
    return std::shared_ptr<const SharedParts>(std::move(parts));
  }
  parts->embedder = std::move(*embedder);
  parts->vectors = std::move(*vectors);
  return std::shared_ptr<const SharedParts>(std::move(parts));
}

}  // namespace

struct Searcher::Impl {
  std::unique_ptr<catalog::Database> db;
  std::unique_ptr<index::Thesaurus> thesaurus;  // null: no synonyms
  std::unique_ptr<index::LexicalIndex> lexical;
  std::shared_ptr<const SharedParts> shared;
  const index::Embedder* embedder = nullptr;    // shared->embedder, or null
  const index::VectorIndex* vectors = nullptr;  // shared->vectors, or null
  int generation = 0;
  std::optional<catalog::Statement> content_stmt;
  std::optional<catalog::Statement> passage_stmt;
  std::optional<catalog::Statement> moment_stmt;

  Status prepare() {
    REPERE_ASSIGN_OR_RETURN(content_stmt,
                            db->prepare("SELECT title, kind, duration_ms FROM content "
                                        "WHERE id = ?1"));
    REPERE_ASSIGN_OR_RETURN(passage_stmt,
                            db->prepare("SELECT content_id FROM passage WHERE id = ?1"));
    REPERE_ASSIGN_OR_RETURN(moment_stmt, db->prepare("SELECT start_ms, end_ms, page, text, "
                                                     "language FROM passage WHERE id = ?1"));
    return Status::ok();
  }

  // Synonyms of the query's words that the library says, and that its own word vectors find
  // related (when they are local): a thesaurus is broad, the library is specific.
  std::vector<std::string> synonyms_for(const SearchRequest& r) {
    std::vector<std::string> out;
    if (!thesaurus || !r.synonyms || r.language.substr(0, 2) != "fr") return out;
    const bool judge = embedder && !embedder->remote();
    int words = 0;
    for (const text::Token& t : text::tokenize(r.query)) {
      if (t.kind != text::TokenKind::kWord || t.text.size() < 3) continue;
      if (index::is_stopword(text::fold(t.text)) || ++words > 8) continue;
      if (t.begin > 0 && (r.query[t.begin - 1] == '-' || r.query[t.begin - 1] == ':')) continue;
      std::vector<float> word_vector;
      if (judge) word_vector = embedder->embed(t.text).value_or(std::vector<float>{});
      int kept = 0;
      for (const std::string& s : thesaurus->synonyms(std::string(t.text), 8)) {
        if (kept >= 3 || !lexical->has_word(s, r.language)) continue;
        if (judge && !word_vector.empty()) {
          const auto v = embedder->embed(s);
          float cosine = 0;
          for (std::size_t i = 0; v.is_ok() && i < v->size(); ++i)
            cosine += (*v)[i] * word_vector[i];
          if (cosine < kSynonymRelatedness) continue;
        }
        out.push_back(s);
        ++kept;
      }
    }
    return out;
  }

  // The passages nearest `query_vector` that the filters let through; none without a vector.
  Result<std::vector<index::VectorHit>> nearest(const std::vector<float>& query_vector,
                                                const index::Filters& filters, std::size_t k) {
    if (query_vector.empty() || !vectors) return std::vector<index::VectorHit>{};
    if (filters.empty()) return vectors->search(query_vector, k, nullptr);
    auto allowed = lexical->passages_matching(filters);
    if (!allowed.is_ok()) return allowed.status();
    return vectors->search(query_vector, k, &*allowed);
  }

  Result<std::int64_t> content_id_of(std::int64_t passage_id) {
    const auto& table = shared->content_of;
    const auto at =
        std::lower_bound(table.begin(), table.end(), std::make_pair(passage_id, std::int64_t{0}));
    if (at != table.end() && at->first == passage_id) return at->second;
    auto& stmt = *passage_stmt;
    stmt.reset();
    stmt.bind(1, passage_id);
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    return row ? stmt.int64(0) : 0;
  }

  // The content of each candidate; passages gone from the catalog are dropped.
  Status fill_content_ids(std::vector<Candidate>& candidates) {
    for (Candidate& c : candidates) {
      REPERE_ASSIGN_OR_RETURN(c.content_id, content_id_of(c.passage_id));
    }
    std::erase_if(candidates, [](const Candidate& c) { return c.content_id == 0; });
    return Status::ok();
  }

  Status fill_moment(const Candidate& c, const std::vector<std::string>& words, Moment& m) {
    auto& stmt = *moment_stmt;
    stmt.reset();
    stmt.bind(1, c.passage_id);
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) return Status::not_found("passage " + std::to_string(c.passage_id));
    m.passage_id = c.passage_id;
    m.start_ms = stmt.optional_int64(0);
    m.end_ms = stmt.optional_int64(1);
    m.page = stmt.optional_int64(2);
    m.snippet = index::highlight(stmt.text(3), stmt.text(4), words);
    return Status::ok();
  }

  Status fill_content(Hit& h) {
    auto& stmt = *content_stmt;
    stmt.reset();
    stmt.bind(1, h.content_id);
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) return Status::not_found("content " + std::to_string(h.content_id));
    h.title = stmt.text(0);
    h.kind = stmt.text(1);
    h.duration_ms = stmt.optional_int64(2);
    return Status::ok();
  }
};

Searcher::Searcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Searcher::~Searcher() = default;

Result<std::unique_ptr<Searcher>> Searcher::open(const DataDir& dir,
                                                 const SearcherOptions& options) {
  REPERE_ASSIGN_OR_RETURN(const auto generation, index::current_generation(dir.root / "index"));
  if (!generation) {
    return Status::not_found("the library " + dir.root.string() +
                             " has no search index yet: run `repere reindex`");
  }
  auto impl = std::make_unique<Impl>();
  REPERE_ASSIGN_OR_RETURN(impl->db, catalog::Database::open(dir.catalog(), {.read_only = true}));
  REPERE_RETURN_IF_ERROR(impl->prepare());
  if (!options.thesaurus.empty()) {
    REPERE_ASSIGN_OR_RETURN(impl->thesaurus, index::Thesaurus::open(options.thesaurus));
  }
  REPERE_ASSIGN_OR_RETURN(impl->lexical, index::LexicalIndex::open(generation->lexical()));
  impl->generation = generation->number;
  if (options.cache) {
    const std::lock_guard lock(options.cache->mutex);
    if (options.cache->generation != generation->number || !options.cache->parts) {
      REPERE_ASSIGN_OR_RETURN(options.cache->parts, load_shared(*impl->db, *generation, options));
      options.cache->generation = generation->number;
    }
    impl->shared = options.cache->parts;
  } else {
    REPERE_ASSIGN_OR_RETURN(impl->shared, load_shared(*impl->db, *generation, options));
  }
  impl->embedder = impl->shared->embedder.get();
  impl->vectors = impl->shared->vectors.get();
  return std::unique_ptr<Searcher>(new Searcher(std::move(impl)));
}

int Searcher::generation() const { return impl_->generation; }

Result<SearchResponse> Searcher::search(const SearchRequest& r) {
  if (r.limit < 1 || r.limit > 100) return Status::invalid_argument("limit must be 1 to 100");
  if (r.offset < 0 || r.offset > 10000)
    return Status::invalid_argument("offset must be 0 to 10000");
  if (!(r.semantic_ratio >= 0 && r.semantic_ratio <= 1))
    return Status::invalid_argument("semantic_ratio must be between 0 and 1");
  if (r.moments_per_content < 1 || r.moments_per_content > 20)
    return Status::invalid_argument("moments_per_content must be 1 to 20");
  SearchResponse out;
  out.query = r.query;
  // The meaning side first: when it fails, the words answer even at ratio 1.
  std::vector<float> query_vector;
  if (r.semantic_ratio > 0) {
    if (!impl_->vectors) {
      out.degraded = true;
      out.degraded_reason = "search by meaning is unavailable (" + impl_->shared->vectors_problem +
                            "): the results match the words";
    } else if (auto embedded = impl_->embedder->embed(r.query); !embedded.is_ok()) {
      out.degraded = true;  // an endpoint that is down
      out.degraded_reason = "search by meaning is unavailable (" + embedded.status().message() +
                            "): the results match the words";
    } else {
      query_vector = std::move(*embedded);
    }
  }
  const bool by_words = r.semantic_ratio < 1 || query_vector.empty();
  // Enough passages to fill the page with contents and their moments.
  const std::int64_t wanted = std::min<std::int64_t>(
      1000, std::max<std::int64_t>(100, (r.offset + r.limit) * r.moments_per_content * 3));
  // Words only (ratio 1) still give the terms to highlight and the spelling suggestion.
  REPERE_ASSIGN_OR_RETURN(auto lexical, impl_->lexical->search(r.query, r.filters, 0,
                                                               by_words ? wanted : 0, r.language));
  out.suggestion = lexical.suggestion;
  // Synonyms fill what the words leave of the page, after every exact match.
  index::LexicalResult by_synonyms;
  const std::size_t exact_hits = lexical.hits.size();
  if (by_words && static_cast<std::int64_t>(exact_hits) < wanted) {
    const auto synonyms = impl_->synonyms_for(r);
    if (!synonyms.empty()) {
      REPERE_ASSIGN_OR_RETURN(by_synonyms,
                              impl_->lexical->search_synonyms(
                                  r.query, synonyms, r.filters,
                                  wanted - static_cast<std::int64_t>(exact_hits), r.language));
      // Scores below the last exact match's, keeping their own order.
      const double floor = exact_hits ? lexical.hits.back().score * 0.5 : 1.0;
      const double best = by_synonyms.hits.empty() ? 1.0 : by_synonyms.hits.front().score;
      for (const auto& h : by_synonyms.hits)
        lexical.hits.push_back({h.passage_id, floor * h.score / std::max(best, 1e-9)});
    }
  }
  REPERE_ASSIGN_OR_RETURN(
      const auto vector, impl_->nearest(query_vector, r.filters, static_cast<std::size_t>(wanted)));
  auto candidates = fuse(lexical.hits, exact_hits, vector, r.semantic_ratio,
                         [&](std::int64_t id) -> std::optional<float> {
                           return impl_->vectors->similarity(id, query_vector);
                         });
  const ReadTransaction reading(*impl_->db);
  REPERE_RETURN_IF_ERROR(impl_->fill_content_ids(candidates));

  // Group by content, in the order of each content's best passage.
  std::vector<Hit> groups;
  std::unordered_map<std::int64_t, std::size_t> where;
  std::vector<std::vector<const Candidate*>> members;
  std::vector<std::int64_t> best_passage;
  std::vector<bool> by_synonym;
  for (const Candidate& c : candidates) {
    const std::int64_t key = r.group_by_content ? c.content_id : -c.passage_id;
    auto [it, inserted] = where.emplace(key, groups.size());
    if (inserted) {
      Hit h;
      h.content_id = c.content_id;
      h.score = c.score;
      h.explain = {c.lexical_rank, c.vector_rank, {}, {}};
      best_passage.push_back(c.passage_id);
      by_synonym.push_back(c.by_synonym);
      groups.push_back(std::move(h));
      members.emplace_back();
    }
    auto& list = members[it->second];
    if (static_cast<int>(list.size()) < r.moments_per_content) list.push_back(&c);
  }
  out.total = static_cast<std::int64_t>(groups.size());
  std::vector<std::string> highlighted = lexical.query_terms;
  for (const std::string& w : by_synonyms.query_terms) highlighted.push_back(w);
  for (std::size_t i = static_cast<std::size_t>(r.offset);
       i < groups.size() && out.hits.size() < static_cast<std::size_t>(r.limit); ++i) {
    Hit h = std::move(groups[i]);
    REPERE_RETURN_IF_ERROR(impl_->fill_content(h));
    if (h.explain.lexical_rank && by_synonym[i]) {
      REPERE_ASSIGN_OR_RETURN(h.explain.synonyms,
                              impl_->lexical->matched_terms(best_passage[i], by_synonyms));
    } else if (h.explain.lexical_rank) {
      REPERE_ASSIGN_OR_RETURN(h.explain.matched_terms,
                              impl_->lexical->matched_terms(best_passage[i], lexical));
    }
    for (const Candidate* c : members[i]) {
      Moment m;
      // A synonym is marked only where it stood in for the query's words.
      REPERE_RETURN_IF_ERROR(
          impl_->fill_moment(*c, c->by_synonym ? highlighted : lexical.query_terms, m));
      h.moments.push_back(std::move(m));
    }
    // Moments of a content in the order they come in it.
    std::stable_sort(h.moments.begin(), h.moments.end(), [](const Moment& a, const Moment& b) {
      return std::make_pair(a.page.value_or(0), a.start_ms.value_or(0)) <
             std::make_pair(b.page.value_or(0), b.start_ms.value_or(0));
    });
    out.hits.push_back(std::move(h));
  }
  return out;
}

namespace {

nlohmann::json optional_json(const std::optional<std::int64_t>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

std::string to_json(const SearchResponse& r) {
  using nlohmann::json;
  json hits = json::array();
  for (const Hit& h : r.hits) {
    json moments = json::array();
    for (const Moment& m : h.moments) {
      moments.push_back({{"passage_id", m.passage_id},
                         {"start_ms", optional_json(m.start_ms)},
                         {"end_ms", optional_json(m.end_ms)},
                         {"page", optional_json(m.page)},
                         {"snippet", m.snippet}});
    }
    json explain = {
        {"lexical_rank", h.explain.lexical_rank ? json(*h.explain.lexical_rank) : json(nullptr)},
        {"vector_rank", h.explain.vector_rank ? json(*h.explain.vector_rank) : json(nullptr)},
        {"matched_terms", h.explain.matched_terms},
        {"synonyms", h.explain.synonyms}};
    hits.push_back({{"content",
                     {{"id", h.content_id},
                      {"title", h.title},
                      {"kind", h.kind},
                      {"duration_ms", optional_json(h.duration_ms)}}},
                    {"score", h.score},
                    {"moments", std::move(moments)},
                    {"explain", std::move(explain)}});
  }
  json out = {{"query", r.query},
              {"total", r.total},
              {"degraded", r.degraded},
              {"suggestion", r.suggestion.empty() ? json(nullptr) : json(r.suggestion)},
              {"hits", std::move(hits)}};
  if (r.degraded) out["degraded_reason"] = r.degraded_reason;
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace repere::search
