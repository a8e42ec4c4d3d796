#include "repere/search/search.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "repere/catalog/database.h"
#include "repere/core/text.h"
#include "repere/index/dictionary.h"
#include "repere/index/embedder.h"
#include "repere/index/language.h"
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
  bool by_synonym = false;    // found by a synonym of the query's words, not the words
  double coverage = 0;        // of the query's weight, by its words or their synonyms
  std::uint64_t matched = 0;  // LexicalHit::matched, of the words or of the synonyms
  std::optional<float> similarity;
  bool qualifies_by_words = false;
};

// A topic is talked about for a while: a passage whose neighbours in the same content (the
// passages cut just before and after it: consecutive ids) also match is more likely where
// the topic is than a passing mention, or a summary that names everything once. Each candidate
// is ranked by its score plus kNeighbourWeight of each neighbour's. On the moment set
// (scripts/make-moment-set), 0.25 lands best: 0.59 without neighbours, 0.58 at 0.5.
constexpr double kNeighbourWeight = 0.25;
constexpr double kContentWeight = 0.05;
constexpr int kContentPassages = 4;

void rank_by_neighbourhood(std::vector<Candidate>& candidates) {
  std::unordered_map<std::int64_t, const Candidate*> by_id;
  for (const Candidate& c : candidates) by_id.emplace(c.passage_id, &c);
  std::vector<double> ranked(candidates.size());
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const Candidate& c = candidates[i];
    ranked[i] = c.score;
    for (const std::int64_t next : {c.passage_id - 1, c.passage_id + 1}) {
      const auto n = by_id.find(next);
      if (n != by_id.end() && n->second->content_id == c.content_id)
        ranked[i] += kNeighbourWeight * n->second->score;
    }
  }
  std::vector<std::size_t> order(candidates.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return ranked[a] > ranked[b]; });
  // A content is then ranked by its best passage plus kContentWeight of each of its next
  // kContentPassages: of two lectures that both name the topic, the one that talks about it
  // for a while comes first.
  std::unordered_map<std::int64_t, std::pair<double, int>> content_rank;  // rank, passages
  for (const std::size_t i : order) {
    auto& [rank, seen] = content_rank[candidates[i].content_id];
    if (seen == 0) {
      rank = ranked[i];
    } else if (seen <= kContentPassages) {
      rank += kContentWeight * ranked[i];
    }
    ++seen;
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const double x = content_rank[candidates[a].content_id].first;
    const double y = content_rank[candidates[b].content_id].first;
    return x != y ? x > y : ranked[a] > ranked[b];
  });
  std::vector<Candidate> sorted;
  sorted.reserve(candidates.size());
  for (const std::size_t i : order) sorted.push_back(candidates[i]);
  candidates = std::move(sorted);
}

}  // namespace

// What the library's own passages say of its vectors, measured when a generation is opened:
// a few words taken from a passage and that passage (related), the same words and passages of
// other contents (unrelated), and queries made of two words of unrelated passages (nonsense).
struct Calibration {
  int samples = 0;    // 0: not measured (too few passages): no qualification by meaning
  float zero = 0;     // median similarity of unrelated pairs: meaning adds nothing below
  float related = 1;  // median similarity of related pairs: meaning counts fully above
  // A query's similarities are read against its own similarities to the sampled passages
  // (spread over the library): z = (similarity - mean) / deviation. A passage qualifies by
  // meaning when its z passes that of the best passage a nonsense query finds (90th
  // percentile): a query that means something has a clear nearest passage; one that means
  // nothing in this library finds a flat top. Their vectors, one after the other (copied
  // once: a query's scale is then 200 dot products).
  std::vector<float> reference_vectors;
  float z_floor = 1e9f;
};

// The spread of one query's similarities over the reference passages.
struct QueryScale {
  float mean = 0;
  float deviation = 0;  // 0: no scale (no calibration, or no vector)
  float z(float similarity) const {
    return deviation > 0 ? (similarity - mean) / deviation : -1e9f;
  }
};

// Without a calibration (a library of fewer than 20 passages of four words, or an endpoint
// that failed when the generation was opened), a passage qualifies by meaning from this cosine.
constexpr float kUncalibratedFloor = 0.5f;

bool qualifies_by_meaning(const Calibration& c, const QueryScale& scale,
                          const std::optional<float>& similarity) {
  if (!similarity) return false;
  if (c.samples == 0) return *similarity >= kUncalibratedFloor;
  return scale.z(*similarity) >= c.z_floor;
}

// The reference passages' vectors, one after the other; a passage without one is left out.
std::vector<float> vectors_of(const std::vector<std::int64_t>& reference,
                              const index::VectorIndex& vectors) {
  std::vector<float> out;
  for (const std::int64_t id : reference) {
    const std::vector<float> v = vectors.vector(id);
    out.insert(out.end(), v.begin(), v.end());
  }
  return out;
}

// No scale (deviation 0) without reference vectors or a query vector.
QueryScale scale_of(const std::vector<float>& reference, const std::vector<float>& query) {
  QueryScale out;
  if (query.empty()) return out;
  double sum = 0, squares = 0;
  int n = 0;
  const std::size_t dim = query.size();
  for (std::size_t at = 0; at + dim <= reference.size(); at += dim) {
    const float sim = index::dot(&reference[at], query.data(), dim);
    sum += sim;
    squares += static_cast<double>(sim) * sim;
    ++n;
  }
  if (n < 10) return out;
  out.mean = static_cast<float>(sum / n);
  const double variance = squares / n - (sum / n) * (sum / n);
  out.deviation = variance > 1e-12 ? static_cast<float>(std::sqrt(variance)) : 0;
  return out;
}

namespace {

// How much the meaning side weighs in the fusion, measured with `repere eval` (one training
// thread), at ratio 0.5, nDCG@10 hybrid / lexical: at 1, cnil-fr 0.570 / 0.634 and
// cranfield-en 0.350 / 0.360; at 0.25, 0.626 and 0.365; at 0.1, 0.630 and 0.366. The vectors
// learnt from a library this small order what the words found; they do not yet outweigh them.
constexpr double kMeaningSay = 0.1;

// How much meaning a similarity carries, 0 to 1, on the library's scale.
double meaning(const Calibration& c, float similarity) {
  if (c.samples == 0 || c.related <= c.zero) return std::max(0.0f, similarity);
  return std::clamp((similarity - c.zero) / (c.related - c.zero), 0.0f, 1.0f);
}

// Fusion of the two sides over the union of their candidates: each passage scores
//   (1 - ratio) * bm25 / best_bm25  +  ratio * meaning(cosine(query, passage))
// with the cosine computed for lexical candidates too, and meaning() putting it on the
// library's scale (0 for what unrelated passages reach). Measured on cnil-fr and
// cranfield-en against weighted reciprocal-rank fusion (numbers in the search issue's note):
// rank fusion gives a weak vector side as much say as a strong lexical one; scores keep each
// side's confidence. Candidates that qualify neither by words nor by meaning are dropped.
std::vector<Candidate> fuse(const std::vector<index::LexicalHit>& lexical,
                            const std::vector<double>& coverage, double required, std::size_t exact,
                            const std::vector<index::VectorHit>& vector, double ratio,
                            const Calibration& calibration, const QueryScale& scale,
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
    c.coverage = coverage[i];
    c.qualifies_by_words = coverage[i] >= required - 1e-9;
    c.matched = h.matched;
    c.score += w_lexical * h.score / best;
  }
  for (std::size_t i = 0; i < vector.size(); ++i) {
    Candidate& c = by_id[vector[i].passage_id];
    c.passage_id = vector[i].passage_id;
    c.vector_rank = static_cast<int>(i) + 1;
    c.similarity = vector[i].similarity;
  }
  if (!vector.empty() && cosine) {
    for (auto& [id, c] : by_id) {
      if (!c.similarity) c.similarity = cosine(id);
      if (c.similarity) c.score += kMeaningSay * w_vector * meaning(calibration, *c.similarity);
    }
  }
  std::vector<Candidate> out;
  out.reserve(by_id.size());
  for (auto& [id, c] : by_id) {
    const bool by_meaning = qualifies_by_meaning(calibration, scale, c.similarity);
    if (c.qualifies_by_words || by_meaning) out.push_back(std::move(c));
  }
  std::sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
    return a.score != b.score ? a.score > b.score : a.passage_id < b.passage_id;
  });
  return out;
}

// The cosine of a word and its synonym in the library's word vectors under which the synonym
// is not used: in a science library « lumière » and « chandelle » are far apart.
constexpr float kSynonymRelatedness = 0.35f;
// A word in more than this share of the passages is not expanded: its synonyms would bring
// back half the library.
constexpr double kCommonWord = 0.05;

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

// A query word as the user wrote it (accents and case), from its folded form.
std::string written_form(const std::string& query, const std::string& folded) {
  for (const text::Token& t : text::tokenize(query)) {
    if (t.kind == text::TokenKind::kWord && text::fold(t.text) == folded)
      return text::lower(t.text);
  }
  return folded;
}

}  // namespace

double required_coverage(std::size_t meaningful_words) {
  if (meaningful_words <= 3) return 0.5;
  return std::max(0.2, 1.5 / static_cast<double>(meaningful_words));
}

struct SharedParts {
  // The content of every passage when the generation was opened (passages come in id order,
  // so the table is sorted); newer passages are looked up in the catalog.
  std::vector<std::pair<std::int64_t, std::int64_t>> content_of;
  std::shared_ptr<const index::Embedder> embedder;  // null: no search by meaning
  std::shared_ptr<const index::VectorIndex> vectors;
  std::string vectors_problem;  // why they are missing, for degraded answers
  Calibration calibration;
};

namespace {

// Two timed moments of one content that share over half of the shorter one are the same
// moment, read from two tracks (the subtitles and the slides of 0:00–0:24).
bool same_moment(const Moment& a, const Moment& b) {
  if (!a.start_ms || !a.end_ms || !b.start_ms || !b.end_ms) return false;
  const std::int64_t shared = std::min(*a.end_ms, *b.end_ms) - std::max(*a.start_ms, *b.start_ms);
  const std::int64_t shorter = std::min(*a.end_ms - *a.start_ms, *b.end_ms - *b.start_ms);
  return shared > 0 && shared * 2 > shorter;
}

// Two timed moments of one content that overlap or follow each other within a second: one
// moment, the topic going on (adjacent passages that both match).
bool adjacent_moments(const Moment& a, const Moment& b) {
  if (!a.start_ms || !a.end_ms || !b.start_ms || !b.end_ms) return false;
  return *b.start_ms <= *a.end_ms + 1000 && *a.start_ms <= *b.end_ms + 1000;
}

float quantile(std::vector<float> v, double q) {
  if (v.empty()) return 0;
  const auto at = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(at), v.end());
  return v[at];
}

constexpr int kCalibrationPassages = 200;
constexpr int kUnrelatedPerSample = 8;

// Measures the library's scale of similarities (see Calibration) on up to 200 passages spread
// over it: one embedding request per 64 texts for an endpoint, a few milliseconds otherwise.
Result<Calibration> calibrate(catalog::Database& db, const index::Embedder& embedder,
                              const index::VectorIndex& vectors,
                              const std::vector<std::pair<std::int64_t, std::int64_t>>& all) {
  Calibration out;
  if (all.size() < 20) return out;
  const std::size_t step = std::max<std::size_t>(1, all.size() / kCalibrationPassages);
  REPERE_ASSIGN_OR_RETURN(auto text_of, db.prepare("SELECT text FROM passage WHERE id = ?1"));
  struct Sample {
    std::int64_t passage = 0, content = 0;
    std::vector<std::string> words;  // meaningful words, in order
  };
  std::vector<Sample> samples;
  for (std::size_t i = 0; i < all.size(); i += step) {
    text_of.reset();
    text_of.bind(1, all[i].first);
    REPERE_ASSIGN_OR_RETURN(const bool row, text_of.step());
    if (!row) continue;
    Sample smp{all[i].first, all[i].second, {}};
    for (std::string& w : text::search_terms(text_of.text(0))) {
      if (w.size() >= 4 && !index::is_stopword(w)) smp.words.push_back(std::move(w));
    }
    if (smp.words.size() >= 4) samples.push_back(std::move(smp));
  }
  if (samples.size() < 20) return out;
  std::vector<std::string> queries;
  for (const Sample& smp : samples) {  // four words from the middle of the passage
    const std::size_t from = smp.words.size() / 2 - 2;
    queries.push_back(smp.words[from] + " " + smp.words[from + 1] + " " + smp.words[from + 2] +
                      " " + smp.words[from + 3]);
  }
  // Nonsense: the longest word of two passages that share no word (not two copies of one
  // text in two contents, not two passages of one topic).
  auto share_a_word = [](const Sample& a, const Sample& b) {
    for (const std::string& w : a.words) {
      if (std::find(b.words.begin(), b.words.end(), w) != b.words.end()) return true;
    }
    return false;
  };
  auto longest = [](const Sample& smp) {
    return *std::max_element(
        smp.words.begin(), smp.words.end(),
        [](const std::string& x, const std::string& y) { return x.size() < y.size(); });
  };
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const Sample& a = samples[i];
    const Sample* other = nullptr;
    for (std::size_t k = 1; k < 8 && other == nullptr; ++k) {
      const Sample& b = samples[(i * 7 + k * samples.size() / 8 + k) % samples.size()];
      if (b.content != a.content && !share_a_word(a, b)) other = &b;
    }
    if (other == nullptr) continue;
    const Sample& b = *other;
    queries.push_back(longest(a) + " " + longest(b));
  }
  REPERE_ASSIGN_OR_RETURN(const auto embedded, embedder.embed_batch(queries));
  std::vector<float> related, unrelated, nonsense;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    if (const auto sim = vectors.similarity(samples[i].passage, embedded[i]))
      related.push_back(*sim);
    for (int j = 1; j <= kUnrelatedPerSample; ++j) {
      const Sample& other = samples[(i + static_cast<std::size_t>(j) * 37) % samples.size()];
      if (other.content == samples[i].content) continue;
      if (const auto sim = vectors.similarity(other.passage, embedded[i]))
        unrelated.push_back(*sim);
    }
  }
  std::vector<std::int64_t> reference;
  for (const Sample& smp : samples) reference.push_back(smp.passage);
  std::vector<float> reference_vectors = vectors_of(reference, vectors);
  for (std::size_t i = samples.size(); i < embedded.size(); ++i) {
    const QueryScale scale = scale_of(reference_vectors, embedded[i]);
    const auto best = vectors.search(embedded[i], 1, nullptr);
    if (!best.empty() && scale.deviation > 0) nonsense.push_back(scale.z(best.front().similarity));
  }
  if (related.size() < 10 || unrelated.size() < 10 || nonsense.size() < 10) return out;
  out.samples = static_cast<int>(samples.size());
  out.zero = quantile(unrelated, 0.5);
  out.related = quantile(related, 0.5);
  out.reference_vectors = std::move(reference_vectors);
  out.z_floor = quantile(nonsense, 0.9);
  return out;
}

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
  // Without a calibration (an endpoint that is down, a tiny library) the meaning side still
  // orders what the words found but qualifies nothing by itself.
  if (auto measured = calibrate(db, *parts->embedder, *parts->vectors, parts->content_of);
      measured.is_ok()) {
    parts->calibration = *measured;
  }
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
  std::optional<catalog::Statement> line_stmt;  // the lines (cues) of a moment
  // Per language of the passages, what the searches met of its words.
  std::map<std::string, std::unique_ptr<index::Highlighter>> highlighters;

  index::Highlighter& highlighter(const std::string& language) {
    auto& h = highlighters[language];
    if (!h) h = std::make_unique<index::Highlighter>(language);
    return *h;
  }

  Status prepare() {
    REPERE_ASSIGN_OR_RETURN(content_stmt,
                            db->prepare("SELECT title, kind, duration_ms, source_url, "
                                        "json_extract(metadata, '$.partner'), "
                                        "json_extract(metadata, '$.harvested_from') FROM "
                                        "content WHERE id = ?1"));
    REPERE_ASSIGN_OR_RETURN(passage_stmt,
                            db->prepare("SELECT content_id FROM passage WHERE id = ?1"));
    REPERE_ASSIGN_OR_RETURN(moment_stmt, db->prepare("SELECT start_ms, end_ms, page, text, "
                                                     "language FROM passage WHERE id = ?1"));
    REPERE_ASSIGN_OR_RETURN(
        line_stmt, db->prepare("SELECT c.start_ms, c.text FROM passage p JOIN cue c ON "
                               "c.track_id = p.track_id AND c.start_ms >= p.start_ms AND "
                               "c.start_ms < p.end_ms WHERE p.id = ?1 ORDER BY c.seq LIMIT 64"));
    return Status::ok();
  }

  // Synonyms of the query's words that the library says, and that its own word vectors find
  // related (when they are local): a thesaurus is broad, the library is specific. Only words
  // the library has are expanded (its vectors cannot tell the sense of a word it lacks:
  // « Louis » would become « or »), never a function word or a very common one.
  std::vector<SynonymMatch> synonyms_for(const SearchRequest& r,
                                         const std::vector<index::QueryWord>& words) {
    std::vector<SynonymMatch> out;
    if (!thesaurus || !r.synonyms || r.language.substr(0, 2) != "fr") return out;
    const bool judge = embedder && !embedder->remote();
    int expanded = 0;
    for (const index::QueryWord& w : words) {
      const bool common = w.frequency > kCommonWord && w.passages >= 10;
      if (w.word.size() < 3 || !w.known || common) continue;
      if (index::is_stopword(w.word) || ++expanded > 8) continue;
      if (w.word.find_first_of("0123456789") != std::string::npos) continue;
      std::vector<float> word_vector;
      if (judge) word_vector = embedder->embed(w.word).value_or(std::vector<float>{});
      // The thesaurus wants the word as written (with its accents), the index folds it.
      const std::string written = written_form(r.query, w.word);
      int kept = 0;
      for (const std::string& s : thesaurus->synonyms(written, 8)) {
        if (kept >= 3 || s == w.word || index::is_stopword(s)) continue;
        if (!lexical->has_word(s, r.language)) continue;
        if (judge && !word_vector.empty()) {
          const auto v = embedder->embed(s);
          float cosine = 0;
          for (std::size_t i = 0; v.is_ok() && i < v->size(); ++i)
            cosine += (*v)[i] * word_vector[i];
          if (cosine < kSynonymRelatedness) continue;
        }
        out.push_back({w.word, s});
        ++kept;
      }
    }
    return out;
  }

  std::shared_ptr<const index::Dictionaries> dictionaries;  // null: none

  // The request's language; else, for a long query (a pasted paragraph), the one CLD2 tells;
  // else the one the dictionaries tell; else French.
  std::string language_of(const SearchRequest& r) const {
    if (!r.language.empty()) return r.language;
    if (std::string told = index::identify_language(r.query); !told.empty()) return told;
    if (!dictionaries) return "fr";
    std::vector<std::string> words;
    for (const text::Token& t : text::tokenize(r.query)) {
      if (t.kind == text::TokenKind::kWord && words.size() < 20)
        words.push_back(text::lower(t.text));
    }
    return dictionaries->language_of(words);
  }

  // An unknown word that the dictionary of the query's language has is a real word the
  // library lacks (« Révolution »): it keeps its full weight and gets no correction. One that
  // neither has, with a correction, is a misspelling: it weighs nothing (its correction is
  // offered) — unless it is short, as short words are the ones a correction most often gets
  // wrong (« crepes » → « crees »): then it weighs half.
  void judge_unknown_words(const SearchRequest& r, index::LexicalResult& found) const {
    const double rarest = index::rarest_weight(found.library_passages);
    for (index::QueryWord& w : found.words) {
      if (w.known || w.correction.empty()) continue;
      const std::string written = written_form(r.query, w.word);
      if (dictionaries && dictionaries->is_word(written, r.language)) {
        w.correction.clear();
        w.weight = rarest;
      } else if (w.word.size() < 7) {
        w.weight = rarest / 2;
      }
    }
  }

  // The passages nearest `query_vector` that the filters let through; none without a vector.
  Result<std::vector<index::VectorHit>> nearest(const std::vector<float>& query_vector,
                                                const index::Filters& filters, std::size_t k) {
    if (query_vector.empty() || !vectors) return std::vector<index::VectorHit>{};
    if (filters.empty()) return vectors->search(query_vector, k, nullptr);
    if (filters.only_statuses()) {
      // Usually few passages are not published: search them all, drop those, rather than
      // list every published one. When most are not, list the allowed ones instead.
      index::Filters others;
      for (const char* s : {"draft", "review", "published"}) {
        if (std::find(filters.statuses.begin(), filters.statuses.end(), s) ==
            filters.statuses.end())
          others.statuses.emplace_back(s);
      }
      if (others.statuses.empty()) return vectors->search(query_vector, k, nullptr);
      auto denied = lexical->passages_matching(others);
      if (!denied.is_ok()) return denied.status();
      if (denied->size() <= std::max<std::size_t>(1000, 4 * k)) {
        auto hits = vectors->search(query_vector, k + denied->size(), nullptr);
        std::erase_if(hits,
                      [&](const index::VectorHit& h) { return denied->count(h.passage_id) > 0; });
        if (hits.size() > k) hits.resize(k);
        return hits;
      }
    }
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

  // A moment's place and text, before its snippet is made (only kept moments get one).
  struct Read {
    Moment moment;
    std::string text;
    std::string language;
  };

  Status read_moment(const Candidate& c, Read& out) {
    auto& stmt = *moment_stmt;
    stmt.reset();
    stmt.bind(1, c.passage_id);
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) return Status::not_found("passage " + std::to_string(c.passage_id));
    Moment& m = out.moment;
    m.passage_id = c.passage_id;
    m.start_ms = stmt.optional_int64(0);
    m.end_ms = stmt.optional_int64(1);
    m.page = stmt.optional_int64(2);
    out.text = stmt.text(3);
    out.language = stmt.text(4);
    return Status::ok();
  }

  // The snippet of a kept moment, and where a timed one lands.
  Status finish_moment(Read& read, index::Highlighter& highlighter,
                       const index::Highlighter::Words& words) {
    Moment& m = read.moment;
    m.snippet = highlighter.highlight(read.text, words);
    if (m.start_ms && m.end_ms) {
      // The line that says the most of the query's words (the first of them on a tie): a
      // moment that reaches back into the end of the previous topic, where a word is said in
      // passing, lands where the topic is.
      m.at_ms = m.start_ms;
      auto& lines = *line_stmt;
      lines.reset();
      lines.bind(1, m.passage_id);
      std::size_t most = 0;
      while (true) {
        REPERE_ASSIGN_OR_RETURN(const bool line, lines.step());
        if (!line) break;
        const std::size_t said = highlighter.words_said(lines.text(1), words);
        if (said > most) {
          most = said;
          m.at_ms = lines.int64(0);
        }
      }
    }
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
    if (!stmt.is_null(5)) {
      h.external_url = stmt.text(3);
      h.partner = stmt.is_null(4) ? stmt.text(5) : stmt.text(4);
    }
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
  impl->dictionaries = options.dictionaries;
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

const index::Embedder* Searcher::embedder() const {
  return impl_->vectors ? impl_->embedder : nullptr;
}

Result<SearchResponse> Searcher::search(const SearchRequest& request) {
  SearchRequest r = request;
  r.language = impl_->language_of(r);
  if (r.limit < 1 || r.limit > 100) return Status::invalid_argument("limit must be 1 to 100");
  if (r.offset < 0 || r.offset > 10000)
    return Status::invalid_argument("offset must be 0 to 10000");
  if (!(r.semantic_ratio >= 0 && r.semantic_ratio <= 1))
    return Status::invalid_argument("semantic_ratio must be between 0 and 1");
  if (r.moments_per_content < 1 || r.moments_per_content > 20)
    return Status::invalid_argument("moments_per_content must be 1 to 20");
  // The one place search decides what a reader may see: published contents only, unless the
  // caller (a curator's request) asks for every status.
  if (!r.include_unpublished) r.filters.statuses = {"published"};
  SearchResponse out;
  out.query = r.query;
  out.language = r.language;
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
  // Words only (ratio 1) still give the terms to highlight, the words' weights and the
  // spelling suggestion.
  REPERE_ASSIGN_OR_RETURN(auto lexical, impl_->lexical->search(r.query, r.filters, 0,
                                                               by_words ? wanted : 0, r.language));
  impl_->judge_unknown_words(r, lexical);
  for (const index::QueryWord& w : lexical.words) {
    if (!w.known) out.unknown_words.push_back(written_form(r.query, w.word));  // « crêpes »
  }
  out.meaningful_words = static_cast<int>(lexical.words.size());
  out.words = lexical.words;
  // A query none of whose words the library has has no meaning to compare either, for
  // vectors learnt from the library (fastText would still make a vector of « xyzzy qwerty »
  // from its letters); pretrained vectors and endpoints know words the library lacks.
  const bool learnt = impl_->embedder && impl_->embedder->name().rfind("fasttext:trained", 0) == 0;
  if (learnt && std::none_of(lexical.words.begin(), lexical.words.end(),
                             [](const index::QueryWord& w) { return w.known; })) {
    query_vector.clear();
  }
  std::vector<double> coverage;
  for (const auto& h : lexical.hits) coverage.push_back(lexical.coverage(h));
  // Synonyms fill what the words leave of the page, after every exact match.
  index::LexicalResult by_synonyms;
  std::vector<SynonymMatch> synonyms;
  const std::size_t exact_hits = lexical.hits.size();
  if (by_words && static_cast<std::int64_t>(exact_hits) < wanted) {
    synonyms = impl_->synonyms_for(r, lexical.words);
    if (!synonyms.empty()) {
      std::vector<std::string> wanted_synonyms;
      for (const SynonymMatch& m : synonyms) wanted_synonyms.push_back(m.synonym);
      REPERE_ASSIGN_OR_RETURN(by_synonyms,
                              impl_->lexical->search_synonyms(
                                  r.query, wanted_synonyms, r.filters,
                                  wanted - static_cast<std::int64_t>(exact_hits), r.language));
      // Scores below the last exact match's, keeping their own order; a synonym counts for
      // the weight of the word it stands for.
      const double floor = exact_hits ? lexical.hits.back().score * 0.5 : 1.0;
      const double best = by_synonyms.hits.empty() ? 1.0 : by_synonyms.hits.front().score;
      double total = 0;
      for (const index::QueryWord& w : lexical.words) total += w.weight;
      for (const auto& h : by_synonyms.hits) {
        std::set<std::string> stood_for;
        for (const std::string& found : by_synonyms.matched_words(h)) {
          for (const SynonymMatch& m : synonyms) {
            if (m.synonym == found) stood_for.insert(m.word);
          }
        }
        double weight = 0;
        for (const index::QueryWord& w : lexical.words) {
          if (stood_for.count(w.word)) weight += w.weight;
        }
        lexical.hits.push_back({h.passage_id, floor * h.score / std::max(best, 1e-9), h.matched});
        coverage.push_back(total > 0 ? weight / total : 0);
      }
    }
  }
  // When the words found a full list, the meaning side adds to it the passages nearest the
  // query: as many as the page shows (the search beam is then 64 passages rather than 100; a
  // passage found by meaning alone ranks after those the words found). Else as many as the
  // words would have given.
  const std::int64_t nearest = by_words && static_cast<std::int64_t>(exact_hits) >= wanted
                                   ? (r.offset + r.limit) * r.moments_per_content
                                   : wanted;
  REPERE_ASSIGN_OR_RETURN(const auto vector, impl_->nearest(query_vector, r.filters,
                                                            static_cast<std::size_t>(nearest)));
  const QueryScale scale =
      impl_->vectors ? scale_of(impl_->shared->calibration.reference_vectors, query_vector)
                     : QueryScale{};
  auto candidates = fuse(lexical.hits, coverage, required_coverage(lexical.words.size()),
                         exact_hits, vector, r.semantic_ratio, impl_->shared->calibration, scale,
                         [&](std::int64_t id) -> std::optional<float> {
                           return impl_->vectors->similarity(id, query_vector);
                         });
  const ReadTransaction reading(*impl_->db);
  REPERE_RETURN_IF_ERROR(impl_->fill_content_ids(candidates));
  if (r.group_by_content) rank_by_neighbourhood(candidates);

  // Group by content, in the order of each content's best passage.
  std::vector<Hit> groups;
  std::unordered_map<std::int64_t, std::size_t> where;
  std::vector<std::vector<const Candidate*>> members;
  std::vector<const Candidate*> best;
  for (const Candidate& c : candidates) {
    const std::int64_t key = r.group_by_content ? c.content_id : -c.passage_id;
    auto [it, inserted] = where.emplace(key, groups.size());
    if (inserted) {
      Hit h;
      h.content_id = c.content_id;
      h.score = c.score;
      h.explain.lexical_rank = c.lexical_rank;
      h.explain.vector_rank = c.vector_rank;
      best.push_back(&c);
      groups.push_back(std::move(h));
      members.emplace_back();
    }
    // Twice as many as shown: a moment that repeats a better one (the slide text of the
    // seconds the subtitles already cover) gives way to the next.
    auto& list = members[it->second];
    if (static_cast<int>(list.size()) < 2 * r.moments_per_content) list.push_back(&c);
  }
  out.total = static_cast<std::int64_t>(groups.size());
  // Only unknown words that are not words of the language are corrected; and not when the
  // words that are known already found what the page can show.
  out.suggestion = lexical.corrected_query();
  if (groups.size() >= 3 && out.unknown_words.size() * 2 < lexical.words.size())
    out.suggestion.clear();
  std::vector<std::string> highlighted = lexical.query_terms;
  for (const std::string& w : by_synonyms.query_terms) highlighted.push_back(w);
  const Calibration& calibration = impl_->shared->calibration;
  // The words to mark, per language of the passages shown, with or without the synonyms.
  std::map<std::pair<std::string, bool>, index::Highlighter::Words> marked;
  auto marker = [&](const std::string& language, bool with_synonyms) {
    index::Highlighter& h = impl_->highlighter(language);
    const auto key = std::make_pair(language, with_synonyms);
    auto at = marked.find(key);
    if (at == marked.end())
      at = marked.emplace(key, h.words_of(with_synonyms ? highlighted : lexical.query_terms)).first;
    return std::make_pair(&h, &at->second);
  };
  for (std::size_t i = static_cast<std::size_t>(r.offset);
       i < groups.size() && out.hits.size() < static_cast<std::size_t>(r.limit); ++i) {
    Hit h = std::move(groups[i]);
    REPERE_RETURN_IF_ERROR(impl_->fill_content(h));
    const Candidate& top = *best[i];
    h.explain.similarity = top.similarity;
    h.explain.by_meaning = qualifies_by_meaning(calibration, scale, top.similarity);
    if (top.similarity && scale.deviation > 0) h.explain.meaning_z = scale.z(*top.similarity);
    h.explain.by_words = top.qualifies_by_words;
    if (top.lexical_rank && top.by_synonym) {
      const index::LexicalHit found{top.passage_id, 0, top.matched};
      for (const std::string& s : by_synonyms.matched_words(found)) {
        for (const SynonymMatch& m : synonyms) {
          if (m.synonym == s) h.explain.synonyms.push_back(m);
        }
      }
    } else if (top.lexical_rank) {
      h.explain.matched_terms = lexical.matched_words({top.passage_id, 0, top.matched});
    }
    for (const Candidate* c : members[i]) {
      const bool full = static_cast<int>(h.moments.size()) == r.moments_per_content;
      Impl::Read read;
      REPERE_RETURN_IF_ERROR(impl_->read_moment(*c, read));
      const Moment& m = read.moment;
      // The same seconds read from another track add nothing; an adjacent passage that also
      // matches widens the moment it continues (its link and snippet stay the better one's).
      const auto kept = std::find_if(h.moments.begin(), h.moments.end(), [&](const Moment& k) {
        return same_moment(k, m) || adjacent_moments(k, m);
      });
      if (kept == h.moments.end()) {
        if (full) continue;
        // A synonym is marked only where it stood in for the query's words.
        const auto [highlighter, words] = marker(read.language, c->by_synonym);
        REPERE_RETURN_IF_ERROR(impl_->finish_moment(read, *highlighter, *words));
        h.moments.push_back(std::move(read.moment));
      } else if (!same_moment(*kept, m)) {
        kept->start_ms = std::min(*kept->start_ms, *m.start_ms);
        kept->end_ms = std::max(*kept->end_ms, *m.end_ms);
      }
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
                         {"at_ms", optional_json(m.at_ms)},
                         {"end_ms", optional_json(m.end_ms)},
                         {"page", optional_json(m.page)},
                         {"snippet", m.snippet}});
    }
    json synonyms = json::array();
    for (const SynonymMatch& m : h.explain.synonyms)
      synonyms.push_back({{"word", m.word}, {"synonym", m.synonym}});
    json explain = {
        {"lexical_rank", h.explain.lexical_rank ? json(*h.explain.lexical_rank) : json(nullptr)},
        {"vector_rank", h.explain.vector_rank ? json(*h.explain.vector_rank) : json(nullptr)},
        {"matched_terms", h.explain.matched_terms},
        {"synonyms", synonyms},
        {"by_words", h.explain.by_words},
        {"by_meaning", h.explain.by_meaning},
        {"similarity", h.explain.similarity ? json(*h.explain.similarity) : json(nullptr)},
        {"meaning_z", h.explain.meaning_z ? json(*h.explain.meaning_z) : json(nullptr)}};
    hits.push_back(
        {{"content",
          {{"id", h.content_id},
           {"title", h.title},
           {"kind", h.kind},
           {"duration_ms", optional_json(h.duration_ms)},
           {"external_url", h.external_url.empty() ? json(nullptr) : json(h.external_url)},
           {"partner", h.partner.empty() ? json(nullptr) : json(h.partner)}}},
         {"score", h.score},
         {"moments", std::move(moments)},
         {"explain", std::move(explain)}});
  }
  json out = {{"query", r.query},
              {"total", r.total},
              {"degraded", r.degraded},
              {"suggestion", r.suggestion.empty() ? json(nullptr) : json(r.suggestion)},
              {"unknown_words", r.unknown_words},
              {"language", r.language},
              {"hits", std::move(hits)}};
  if (r.degraded) out["degraded_reason"] = r.degraded_reason;
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace repere::search
