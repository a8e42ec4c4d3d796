// Answers from the library: to a question, the sentences of the best passages that answer it,
// each cited with its source and the second or page where it is said (« dit à 12:34 dans … »).
// Nothing is written by a machine: every sentence is the library's own, as said or printed.
// When the passages do not support an answer, there is none, and the reason says so.
//
// How (measured by `repere eval --answers`, see docs/answers.md): search finds the passages
// (hybrid, published contents only, unless asked otherwise); each passage is cut into sentences
// (timed by the cue each begins in); a sentence weighs the share of the query's weight its
// words say (the library's IDF, stems compared as search compares them), how near its words are
// to the query's by meaning (the library's own vectors), and its passage's rank. The best
// sentence, with the short one before it (« Non. ») or the one after it when it announces more
// (« : »), is the answer; a second source is cited when it supports the question as well.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "repere/catalog/database.h"
#include "repere/core/result.h"
#include "repere/index/lexical.h"

namespace repere::search {
class Searcher;
struct SearchResponse;
}  // namespace repere::search

namespace repere::answer {

// Whether a query reads as a question, to answer above the results: a question mark, or a
// first word that asks (« comment », « pourquoi », « qu'est-ce », « quel », « est-ce que »,
// « peut-on », « how », « what »…).
bool is_question(std::string_view query);

// The sentences of a text, as answers cut it (after « . », « ! », « ? », « … », not after
// « M. » or « J.-C. »), for the reading view's one idea per line. Pure.
std::vector<std::string> sentences_of(std::string_view text);

// Where a sentence is said.
struct Source {
  std::int64_t content_id = 0;
  std::string title;
  std::string kind;
  std::string external_url;  // harvested from a partner: its page there; "" for the library's
  std::string partner;
  std::int64_t passage_id = 0;
  std::optional<std::int64_t> at_ms;  // timed media: the start of the line it begins in
  std::optional<int> page;            // documents
};

struct Sentence {
  std::string text;  // as the library has it (plain text, not escaped); a model's, if generated
  Source source;
  double score = 0;
  double coverage = 0;  // share of the query's weight its words say
};

// A passage the answer quotes, whole: what an operator's model may rephrase from, and nothing
// else (generate.h).
struct Evidence {
  Source source;  // where its first quoted sentence is said
  std::string text;
};

struct Answer {
  std::string query;
  std::string language;
  bool answered = false;
  std::vector<Sentence> sentences;  // source by source, in reading order within each
  // When not answered: why, in French, for the page (« Je n'ai pas trouvé de réponse … »).
  std::string reason;
  std::vector<Evidence> evidence;  // the quoted passages, in the order first quoted
  // Set when an operator's model rephrased the sentences (generate.h): its name,
  // « mistral-small@llm.example.fr », and how many of its sentences were dropped because no
  // cited passage said them.
  std::string generated_by;
  int dropped = 0;
  // Why the library's own sentences are shown although a model is configured ("" otherwise):
  // the endpoint down, or none of its sentences supported by the passages.
  std::string generation_problem;
};

struct AnswerOptions {
  index::Filters filters;
  bool include_unpublished = false;  // curators only
  double semantic_ratio = 0.5;
  int passages = 8;             // passages read, best first
  int max_sentences = 4;        // in all
  int max_sources = 2;          // contents (or moments of one) cited
  std::size_t max_bytes = 700;  // of answer text
  // The least share of the query's weight the best sentence must say (or, for a sentence found
  // by meaning, the least coverage with a strong similarity) to answer at all.
  double min_coverage = 0.25;
  std::size_t min_words = 2;  // distinct words of the query it must say (all, when fewer)
  std::string language;       // of the query; "" as search tells it
  // What a sentence's score adds to its coverage: its similarity to the query (cosine), its
  // passage's rank (weight / (1 + rank)), its place in its passage (weight / (1 + index)).
  // Measured on cnil-fr (docs/answers.md): the library's own word vectors lower F1 there
  // (0.4250 at 0, 0.4191 at 0.1, 0.4155 at 0.25), so meaning is off unless an operator's
  // embeddings earn it.
  double similarity_weight = 0.0;
  double rank_weight = 0.3;
  double position_weight = 0.2;
  double short_penalty = 0.2;  // taken from a sentence of three or four meaningful words
  // To a question that asks what a thing is (« qu'est-ce que », « c'est quoi »): what a
  // sentence that defines one of its words (« la masse volumique d'une substance est … »)
  // adds to its score. On cnil-fr's 47 such questions: F1 0.4249 at 0, 0.4260 at 0.2, 0.4271
  // at 0.4.
  double definition_weight = 0.4;
  // A second source is cited when its best sentence says this share of the first one's
  // coverage, and scores this share of its score. Lower cites more and covers more of the spans
  // but says more beside them (cnil-fr: F1 0.4271 / half 0.4141 at 0.8, 0.4169 / 0.4466 at 0.6).
  double second_share = 0.8;
};

// Whether a question asks what a thing is: « qu'est-ce que », « c'est quoi », « que
// signifie », « que veut dire », « qu'appelle-t-on », « définition », « what is ».
bool asks_definition(std::string_view query);

// Whether a sentence defines one of `stems` (the query's, stemmed for `language`): one of them
// among its first words, then a verb that defines (« est », « sont », « désigne », « signifie »,
// « correspond », « consiste », « c'est », « on appelle », « il s'agit »).
bool defines(std::string_view sentence, const std::set<std::string>& stems,
             const std::string& language);

class Answerer {
 public:
  // `db` reads the passages and their lines; both are used by one thread at a time.
  Answerer(search::Searcher& searcher, catalog::Database& db) : searcher_(searcher), db_(db) {}
  // Errors: those of search (a request out of range) and of the catalog.
  Result<Answer> answer(const std::string& query, const AnswerOptions& options = {});
  // The answer from a search already made (the results page's): its passages, best first.
  // `options`' filters and ratio are those the search was made with.
  Result<Answer> answer_from(const search::SearchResponse& found, const AnswerOptions& options);

 private:
  search::Searcher& searcher_;
  catalog::Database& db_;
};

// The answer as `/api/v1/answer` serves it.
std::string to_json(const Answer& answer);

}  // namespace repere::answer
