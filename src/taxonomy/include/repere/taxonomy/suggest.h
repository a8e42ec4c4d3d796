// Machine suggestions of programme concepts for a text (a content, a passage): which parts of
// the programme trees (ScoLOMFR voc-015) it speaks of, with a score and the words that support
// it. The method is lexical: a concept is the weighted stems of its labels (preferred,
// alternative), its note, and its descendants' labels (halved at each level down), each stem
// weighed by how few concepts name it; a text is the stems it says, log-weighted by how often;
// the score is the cosine of the two. The « compétences travaillées » subtrees (skills every
// part of a programme shares) and deprecated concepts are never suggested.
// A Suggester is built once from the catalog, then is immutable: suggest() is const and safe
// from several threads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "repere/core/result.h"

namespace repere::catalog {
class Database;
}

namespace repere::index {
class Embedder;
}

namespace repere::taxonomy {

struct Suggestion {
  std::string uri;
  std::string pref_label;
  double score = 0;  // 0 to 1
  // The concept's words the text says, as the concept writes them, strongest first (6 at most).
  std::vector<std::string> words;
};

struct SuggestOptions {
  int count = 3;                   // at most this many, best first
  double min_score = 0.04;         // below it a concept is not suggested
  std::set<std::string> roots;     // only concepts under one of these (all the programmes if empty)
  std::set<std::string> excluded;  // never these (a curator rejected them)
};

class Suggester {
 public:
  // Reads the teaching domains' concepts from the catalog. An empty suggester (no vocabulary
  // imported) suggests nothing.
  static Result<std::unique_ptr<Suggester>> load(catalog::Database& db);
  ~Suggester();

  std::vector<Suggestion> suggest(std::string_view text, const std::string& language,
                                  const SuggestOptions& options) const;
  // Whether `uri` is `ancestor` or lies under it.
  bool is_under(const std::string& uri, const std::string& ancestor) const;
  // Each concept that may be suggested, with its text as the suggester reads it: its labels,
  // its note, and its descendants' labels (for a comparison by meaning).
  std::vector<std::pair<std::string, std::string>> profile_texts() const;
  std::size_t size() const;  // concepts that may be suggested

 private:
  struct Impl;
  explicit Suggester(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// What suggest_library() did.
struct IndexingReport {
  int contents = 0;     // contents read
  int suggestions = 0;  // content-level suggestions kept
  int passages = 0;     // passages given a concept
};

// Called after each content: (done, total).
using IndexingProgress = std::function<void(int done, int total)>;

// Suggests concepts for each content (all when `content_ids` is empty) from its title,
// description and passages, and for each of its passages, under the content's confirmed
// disciplines when it has some; stores them as machine suggestions (state « suggested »),
// replacing the content's previous machine suggestions. Confirmed and rejected concepts are
// kept as they are, and a concept rejected for a content is never suggested for it again (nor
// for its passages).
Result<IndexingReport> suggest_library(catalog::Database& db, const Suggester& suggester,
                                       const std::vector<std::int64_t>& content_ids = {},
                                       const IndexingProgress& progress = {});

// After contents were added or changed: their catalogue's subject, level and programme become
// concepts (ConceptStore::map_free_text), then every content gets the machine's suggestions
// again. Nothing is done (and nothing reported) when no programme is imported.
Result<IndexingReport> refresh_library(catalog::Database& db);

// How well the suggestions match what people confirmed: for each content with a confirmed
// programme concept (the gold), the suggestions made from its text alone (never from its
// tags); a suggestion is right when it is a gold concept or lies under one.
struct IndexingQuality {
  int contents = 0;           // contents with a gold concept
  double precision_at_1 = 0;  // share whose first suggestion is right
  double recall_at_3 = 0;     // mean share of gold concepts found by the first three
  double no_suggestion = 0;   // share given no suggestion at all
  struct Miss {
    std::int64_t content_id = 0;
    std::string title, expected, suggested;
  };
  std::vector<Miss> misses;  // contents whose first suggestion is wrong
};
Result<IndexingQuality> evaluate_suggestions(catalog::Database& db, const Suggester& suggester);

// The supervised alternative (index/classifier.h, fastText), measured the only honest way on a
// small library, leaving one out: for each content with a gold concept, a classifier trained on
// every other content's text and confirmed concept names it; its labels are kept under the
// content's disciplines, as the suggester's are, and judged as evaluate_suggestions() judges.
// `reachable`: the share of contents whose gold concept some other content has — a classifier
// never names a concept it was not shown. `work`: a folder for the training files.
// The meaning side: each content's text and each concept's profile text embedded by the
// library's own embedder (index/embedder.h), the concepts ranked by cosine under the content's
// disciplines, judged as evaluate_suggestions() judges.
Result<IndexingQuality> evaluate_meaning(catalog::Database& db, const Suggester& suggester,
                                         const index::Embedder& embedder);

struct SupervisedQuality {
  IndexingQuality quality;
  double reachable = 0;
};
Result<SupervisedQuality> evaluate_supervised(catalog::Database& db, const Suggester& suggester,
                                              const std::filesystem::path& work);

}  // namespace repere::taxonomy
