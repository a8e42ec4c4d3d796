// Hybrid search over a library: a request in, contents with their best moments out.
// Thread safety: a Searcher is used by one thread at a time; open one per thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "repere/core/data_dir.h"
#include "repere/core/result.h"
#include "repere/index/embedder.h"
#include "repere/index/lexical.h"

namespace repere::index {
class Dictionaries;
}

namespace repere::search {

struct SearchRequest {
  std::string query;
  double semantic_ratio = 0.5;  // 0: words only; 1: meaning only
  index::Filters filters;
  std::int64_t limit = 10;  // contents per page
  std::int64_t offset = 0;
  bool group_by_content = true;
  int moments_per_content = 3;
  // Of the query: picks the stemmer and the function words. "": told by CLD2 for a long query
  // (60 bytes or more), else by the dictionaries (English when most words are English), else "fr".
  std::string language;
  // French queries: passages that say a synonym of a query word (from the thesaurus) come
  // after those that say the words themselves.
  bool synonyms = true;
  // Contents of every editorial status (for curators). Otherwise only published contents
  // are searched, whatever filters.statuses says.
  bool include_unpublished = false;
};

struct Moment {
  std::int64_t passage_id = 0;
  std::optional<std::int64_t> start_ms;
  std::optional<std::int64_t> end_ms;
  std::optional<std::int64_t> page;
  // Timed media: the start of the first line (cue) of the moment that says a word of the
  // query, where a teacher wants to land; the moment's start when no line does.
  std::optional<std::int64_t> at_ms;
  std::string snippet;  // HTML-escaped, matches in <mark></mark>
};

// A synonym that stood in for a word of the query: « respirer → inspirer ».
struct SynonymMatch {
  std::string word;     // of the query, folded
  std::string synonym;  // found in the passage, folded
};

// Why a content is listed, from its best passage: by the query's words (the words found), by
// a synonym of one (which), by meaning (a similarity above what the library's unrelated pairs
// reach), or several.
struct Explain {
  std::optional<int> lexical_rank;  // 1-based rank of the best passage on each side
  std::optional<int> vector_rank;
  std::vector<std::string> matched_terms;
  std::vector<SynonymMatch> synonyms;  // found instead of the query's words, when it is so
  bool by_words = false;               // enough of the query's weight is in the passage's words
  bool by_meaning = false;             // its similarity passed the library's calibrated threshold
  std::optional<float> similarity;  // cosine of the query and the passage, when there are vectors
  // How far above the query's usual similarity that is, in deviations (see search.cpp).
  std::optional<float> meaning_z;
};

struct Hit {
  std::int64_t content_id = 0;
  std::string title;
  std::string kind;
  std::optional<std::int64_t> duration_ms;
  // A content harvested from another catalogue (docs/oai.md): its page there and the
  // partner's name (« chez … »); both "" for the library's own.
  std::string external_url;
  std::string partner;
  double score = 0;
  std::vector<Moment> moments;
  Explain explain;
};

struct SearchResponse {
  std::string query;
  // Contents that qualify among the passages looked at (up to 1,000 on each side): a content
  // is listed only when its best passage has enough of the query's meaningful words
  // (required_coverage() of their weight), a synonym of them, or a meaning similarity above the
  // library's calibrated threshold. Nothing qualifies: no hits, total 0.
  std::int64_t total = 0;
  bool degraded = false;  // the meaning side was wanted but is not available
  std::string degraded_reason;
  std::string suggestion;                  // « Vouliez-vous dire … », "" when none
  std::string language;                    // of the query, as given or told
  std::vector<std::string> unknown_words;  // words of the query no passage has, as written
  int meaningful_words = 0;                // words of the query that are not function words
  // Those words with their weights in this library (what answers weigh sentences by).
  std::vector<index::QueryWord> words;
  std::vector<Hit> hits;
};

// The share of the query's weight (see index::QueryWord) that a passage's words must have to
// qualify by words: half for a query of up to three meaningful words (« Louis XIV », « la
// Révolution française » find nothing in a science library that has « révolution »); less
// for a longer question, whose answer seldom repeats most of its words: 1.5 words' worth of
// its n words, and at least a fifth.
double required_coverage(std::size_t meaningful_words);

struct SharedParts;  // defined in search.cpp

// Lets the searchers of one process share what is read-only and big: the passage -> content
// table, the embedder and the vector index of the live generation (a 1M-passage graph is
// 550 MB). The first Searcher::open of a generation loads them; the next ones reuse them.
struct SearcherCache {
  std::mutex mutex;
  int generation = -1;
  std::shared_ptr<const SharedParts> parts;
};

struct SearcherOptions {
  // The key of an embeddings endpoint, when the vectors come from one.
  index::EmbeddingSettings embeddings;
  // A MyThes thesaurus (search.thesaurus: Debian's mythes-fr); empty: no synonyms.
  std::filesystem::path thesaurus;
  // The languages' word lists (search.dictionaries); null: unknown words that have a
  // correction are taken for misspellings, and queries are French unless told.
  std::shared_ptr<const index::Dictionaries> dictionaries;
  // Shared with the other searchers of this process; null: this searcher loads its own.
  std::shared_ptr<SearcherCache> cache;
};

class Searcher {
 public:
  // Opens the live index generation and the catalog of `dir`. Errors: not_found when nothing
  // was indexed yet (run `repere reindex`).
  // Errors: not_found as above; the thesaurus's errors when one is named but cannot be read.
  static Result<std::unique_ptr<Searcher>> open(const DataDir& dir,
                                                const SearcherOptions& options = {});
  ~Searcher();
  Searcher(const Searcher&) = delete;
  Searcher& operator=(const Searcher&) = delete;

  // Errors: invalid_argument for a request out of range (limit, ratio).
  Result<SearchResponse> search(const SearchRequest& request);
  int generation() const;
  // What turns texts into vectors for the meaning side, to compare other texts with a query
  // the same way (answers weigh sentences by it); null when the generation has no vectors.
  const index::Embedder* embedder() const;

 private:
  struct Impl;
  explicit Searcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The JSON of a response, as `repere search --json` prints it and the web API serves it.
std::string to_json(const SearchResponse& response);

}  // namespace repere::search
