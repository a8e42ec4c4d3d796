// The lexical index (Xapian): one document per passage, with its content's title and
// description, stemmed by the passage's language after the same folding as the core text
// utilities (accents, case, ligatures, French elisions), and boolean filter terms.
// Thread safety: a LexicalIndex is used by one thread at a time (Xapian databases are not
// shared between threads); open one per thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "repere/core/result.h"

namespace repere::index {

using Id = std::int64_t;

// What the index holds for one passage.
struct PassageDoc {
  Id passage_id = 0;
  Id content_id = 0;
  std::string text;
  std::string language;  // "fr", "en": chooses the stemmer; others are indexed unstemmed
  std::string title;     // of the content, searchable with titre:/title:
  std::string description;
  // Filters, matched exactly (after folding).
  std::string kind;  // "video", "document", ...
  std::string collection;
  std::string licence;
  std::string subject;
  std::string level;
  std::string status;  // editorial: "draft", "review", "published" (retired are not indexed)
};

struct Filters {
  std::vector<std::string> kinds;
  std::vector<std::string> collections;
  std::vector<std::string> languages;
  std::vector<std::string> licences;
  std::vector<std::string> subjects;
  std::vector<std::string> levels;
  std::vector<Id> contents;
  // Editorial statuses; {"published"} for everyone but curators (search sets it).
  std::vector<std::string> statuses;
  bool empty() const {
    return kinds.empty() && collections.empty() && languages.empty() && licences.empty() &&
           subjects.empty() && levels.empty() && contents.empty() && statuses.empty();
  }
  // Only the statuses filter is set.
  bool only_statuses() const {
    return !statuses.empty() && kinds.empty() && collections.empty() && languages.empty() &&
           licences.empty() && subjects.empty() && levels.empty() && contents.empty();
  }
};

struct LexicalHit {
  Id passage_id = 0;
  double score = 0;
  // Which of LexicalResult::words the passage has (bit i for words[i]; the first 64 words).
  std::uint64_t matched = 0;
};

// A word of the query, as the precision rule weighs it.
struct QueryWord {
  std::string word;  // folded, as typed
  // Its inverse document frequency in the library, log(1 + (N - df + 0.5) / (df + 0.5)):
  // « corps » in a tenth of the passages weighs half a word found in two. A word the library
  // lacks weighs as the rarest, unless it looks misspelt (it has a spelling correction): then
  // it weighs 0, as nobody knows what it stands for.
  double weight = 0;
  bool known = false;         // some passage has the word or its stem
  double frequency = 0;       // the share of passages that have it (or its stem)
  std::int64_t passages = 0;  // how many have it
  std::string correction;     // for an unknown word: the nearest word the library has, or ""
};

struct LexicalResult {
  std::vector<LexicalHit> hits;  // best first
  std::int64_t estimated_total = 0;
  // A corrected query when some words are unknown to the library, else "". Never for a query
  // of more than kMaxSuggestedWords words (a paste is not a misspelling).
  std::string suggestion;
  std::vector<std::string> query_terms;  // the words the query looked for, as typed (folded)
  // Each index term the query looked for (a stem, a word), and the query's word it came from.
  std::vector<std::pair<std::string, std::string>> term_words;
  // The distinct words the query looked for (not the excluded ones), in query order.
  std::vector<QueryWord> words;
  // Every word of the query as search compares them (folded, function words too), in order.
  std::vector<std::string> typed;
  std::int64_t library_passages = 0;  // passages in the index
  // The share of the query's weight that a hit's matched words make (0 to 1).
  double coverage(const LexicalHit& h) const;
  // The query with each unknown word's correction in place; "" when none has one.
  std::string corrected_query() const;
  // The words of `words` that a hit has, in query order.
  std::vector<std::string> matched_words(const LexicalHit& h) const;
};

constexpr int kMaxSuggestedWords = 8;

// The weight of a word no passage has, in a library of `passages`: that of the rarest.
double rarest_weight(std::int64_t passages);

// A passage is the Xapian document whose docid is the passage's id (so a search reads no
// document to know what it found): ids must be 1 to 4,294,967,295.
// Builds a new index in `folder` (which must not exist). Errors: io_error naming the folder.
class LexicalWriter {
 public:
  // Passages are buffered in memory and written 100,000 at a time (Xapian's
  // XAPIAN_FLUSH_THRESHOLD, when the environment does not set it), not Xapian's 10,000.
  // `typical_length`: the average size in bytes of a passage with its content's title and
  // description, by which BM25 normalises lengths (computed by a full build; 0 = 400). It is
  // kept in the index, and passages added later are weighed by it.
  static Result<std::unique_ptr<LexicalWriter>> create(const std::filesystem::path& folder,
                                                       std::int64_t typical_length = 0);
  // Opens an existing index to add, replace and remove passages. Errors: unsupported
  // for an index of an older layout (it must be rebuilt).
  static Result<std::unique_ptr<LexicalWriter>> open(const std::filesystem::path& folder);
  ~LexicalWriter();
  LexicalWriter(const LexicalWriter&) = delete;
  LexicalWriter& operator=(const LexicalWriter&) = delete;

  // Adds or replaces the passage with this passage_id.
  Status put(const PassageDoc& doc);
  // Removes every passage of a content, and its signature.
  Status remove_content(Id content_id);
  // A short text that says which version of a content's passages is indexed, so that an
  // update re-indexes only the contents whose passages changed.
  Status set_signature(Id content_id, const std::string& signature);
  Result<std::map<Id, std::string>> signatures();
  // The passages indexed for a content (as committed or put since).
  Result<std::vector<Id>> passages_of(Id content_id);
  // Makes the changes durable. Nothing is visible to readers before.
  Status commit();
  // Writes a compacted copy of the committed index into `destination` (which must not exist),
  // with 64 KB blocks: a third smaller and faster to search (measured by bench/search at 1M
  // passages: lexical p50 8.3 -> 6.9 ms). Docids are kept, as they are passage ids.
  Status compact_into(const std::filesystem::path& destination);
  // Merges committed indexes whose passage ids are in disjoint ranges into one compacted
  // index at `destination` (as compact_into), keeping the ids. Their metadata is united.
  static Status merge_into(const std::vector<std::filesystem::path>& parts,
                           const std::filesystem::path& destination);

 private:
  struct Impl;
  explicit LexicalWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class LexicalIndex {
 public:
  // Errors: io_error; unsupported for an index of an older layout: run `repere reindex`.
  static Result<std::unique_ptr<LexicalIndex>> open(const std::filesystem::path& folder);
  ~LexicalIndex();
  LexicalIndex(const LexicalIndex&) = delete;
  LexicalIndex& operator=(const LexicalIndex&) = delete;

  // Passages matching `query`, best first. The query language: words (any of them may match,
  // more matches rank higher), "a phrase", -excluded, titre:word / title:word.
  // Any text is accepted: what Xapian's parser refuses is searched again as plain words.
  // `language` picks the stemmer for the query ("fr" by default). The query's words said close
  // together weigh more (see with_proximity in lexical.cpp).
  Result<LexicalResult> search(const std::string& query, const Filters& filters,
                               std::int64_t offset, std::int64_t limit,
                               const std::string& language = "fr");
  // Passages that match none of `query`'s words but some of `synonyms` (folded words), best
  // first: the optional expansion of a query, which never outranks an exact match (the caller
  // puts these after). The query's exclusions (-word) and `filters` apply.
  Result<LexicalResult> search_synonyms(const std::string& query,
                                        const std::vector<std::string>& synonyms,
                                        const Filters& filters, std::int64_t limit,
                                        const std::string& language = "fr");
  // Whether any passage has this folded word (or its stem in `language`).
  bool has_word(const std::string& folded_word, const std::string& language = "fr");
  // The query's words (LexicalResult::query_terms) found in a passage, in query order: the
  // explanation of a hit, asked only for the hits shown.
  Result<std::vector<std::string>> matched_terms(Id passage_id, const LexicalResult& result);
  // The content of an indexed passage; not_found when the passage is not indexed.
  Result<Id> content_of(Id passage_id);
  std::int64_t size() const;
  // Every passage the filters let through (for the vector side of a filtered search).
  Result<std::unordered_set<Id>> passages_matching(const Filters& filters);

 private:
  struct Impl;
  explicit LexicalIndex(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The text given to Xapian for indexing or querying: folded, elided articles removed ("l'ADN"
// -> "  adn"), control characters blanked, query syntax (quotes, leading '-', field prefixes)
// kept.
std::string prepare_for_xapian(std::string_view text);

// Whether a folded word is a function word that search ignores in `language` (« les »,
// « pourquoi » in French; « the », « why » in English; French for the other languages).
bool is_stopword(const std::string& folded_word, const std::string& language = "fr");

// A word of a text as the index compares it: its stem and the folded word it came from.
struct StemmedWord {
  std::string stem;  // « digestion », « digestif » -> « digest »
  std::string word;  // folded, as written: « digestion »
};
// The words of `text` in order, folded, function words of `language` left out, stemmed by its
// stemmer (French when empty; unstemmed for a language Xapian cannot stem). Pure, thread-safe.
std::vector<StemmedWord> stemmed_words(std::string_view text, const std::string& language = "fr");

}  // namespace repere::index

namespace repere::index {

// A snippet of `text` of about `max_bytes` around the words of `query_words` (compared after
// folding and stemming in `language`), HTML-escaped, the matches wrapped in <mark></mark>.
std::string highlight(std::string_view text, const std::string& language,
                      const std::vector<std::string>& query_words, std::size_t max_bytes = 240);

// Marks the words of queries in texts, as highlight() and words_said() do, for one language:
// each word it meets is folded and stemmed once and remembered (a search shows 30 snippets, and
// the words of a library repeat from one search to the next). Not thread-safe: one per searcher.
class Highlighter {
 public:
  explicit Highlighter(const std::string& language);
  ~Highlighter();
  Highlighter(const Highlighter&) = delete;
  Highlighter& operator=(const Highlighter&) = delete;

  // The stems of a query's words, to mark.
  struct Words {
    std::vector<std::string> stems;  // sorted, distinct
  };
  Words words_of(const std::vector<std::string>& query_words) const;

  std::string highlight(std::string_view text, const Words& words, std::size_t max_bytes = 240);
  std::size_t words_said(std::string_view text, const Words& words);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// How many of `query_words` (distinct stems, compared as highlight() compares them) `text`
// says: which line of a moment says the most of a query.
std::size_t words_said(std::string_view text, const std::string& language,
                       const std::vector<std::string>& query_words);

}  // namespace repere::index
