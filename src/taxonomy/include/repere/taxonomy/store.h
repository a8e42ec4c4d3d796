// The concepts of imported vocabularies, in the catalog: imported (again) in one transaction,
// read by URI, by their place in the tree (narrower, broader up to the root) and by label.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "repere/core/result.h"
#include "repere/taxonomy/skos.h"

namespace repere::catalog {
class Database;
}

namespace repere::taxonomy {

struct ImportReport {
  int added = 0, updated = 0;
  int links = 0;  // broader links kept
};

struct StoredConcept {
  std::string uri;
  std::string pref_label;
  std::string scheme;
  std::string note;
  std::vector<std::string> alt_labels;
};

// What mapping the catalog's free text found.
struct MapReport {
  int contents = 0;                    // contents with a subject or a level
  int disciplines = 0, levels = 0;     // concepts given
  int programme = 0;                   // programme parts given (the « programme » column)
  std::vector<std::string> unmatched;  // « SVT 6e » texts no concept has, kept as text
};

// A concept given to a content.
struct ContentConcept {
  std::int64_t content_id = 0;
  std::string uri, pref_label, purpose, origin, state;
  std::optional<double> score;  // a machine's suggestion: its score (0 to 1)
  std::string evidence;         // the words that support it, or the text a person wrote
  bool suggested() const { return state == "suggested"; }
};

// A passage a machine found on a concept (passage_concept).
struct ConceptMoment {
  std::int64_t passage_id = 0, content_id = 0;
  std::optional<std::int64_t> start_ms;
  std::optional<int> page;
  std::string text, uri;
  double score = 0;
};

// A curator's decision on a content's programme concept.
enum class Decision { kConfirm, kReject };

// A content with machine suggestions nobody has decided on yet (the review queue).
struct PendingSuggestions {
  std::int64_t content_id = 0;
  std::string title;
  int suggestions = 0;
  double best = 0;  // the highest score
};

class ConceptStore {
 public:
  explicit ConceptStore(catalog::Database& db) : db_(db) {}

  // Adds the vocabulary's concepts, or updates those already there (labels and links are
  // replaced by the file's), in one transaction: a failed import changes nothing.
  Result<ImportReport> import(const Vocabulary& v, const std::string& source);
  Result<std::optional<StoredConcept>> get(const std::string& uri);
  // The concepts right under `uri`, by label.
  Result<std::vector<StoredConcept>> narrower(const std::string& uri);
  // From `uri`'s parent up to its root (first broader link each time), nearest first.
  Result<std::vector<StoredConcept>> ancestors(const std::string& uri);
  // How many concepts lie under `uri`, at any depth.
  Result<int> descendant_count(const std::string& uri);
  // The concept whose preferred or alternative label is `label` (compared without case and
  // accents), preferring one in `scheme` when given. None when no label matches.
  Result<std::optional<StoredConcept>> by_label(const std::string& label,
                                                const std::string& scheme = "");
  Result<int> count();

  // Gives each content the concepts its free-text « subject » and « level » name: the level by
  // its label in the levels' vocabulary (ScoLOMFR voc-022, « 5e »), the subject as the teaching
  // domain « <discipline> (cycle N) » of voc-015, N from the level (6e: cycle 3; 5e, 4e, 3e:
  // cycle 4), the usual short names spelt out (SVT). What matches no concept stays as text
  // only. A « programme » column names programme parts, by URI or by label (« ; » between
  // several). Mapped concepts are confirmed: a person wrote them. Mapping again changes
  // nothing, and never brings back a concept a curator rejected.
  Result<MapReport> map_free_text();
  // The concepts given to a content, by purpose then label (rejected ones left out);
  // suggestions after the confirmed concepts, best first.
  Result<std::vector<ContentConcept>> of_content(std::int64_t content_id);
  // A curator confirms a programme concept of a content (a suggestion, or one she adds:
  // origin « person ») or rejects it (a rejected concept is never suggested again for that
  // content, and leaves the filters). Errors: not_found when no imported concept has `uri`.
  Status decide(std::int64_t content_id, const std::string& uri, Decision decision);
  // Contents with suggestions to decide on, the most suggested first.
  Result<std::vector<PendingSuggestions>> pending(int limit = 100);
  // Every confirmed concept of every content, in one read (the programme's index page).
  Result<std::vector<ContentConcept>> all_confirmed();
  // The contents given `uri` or a concept under it (confirmed), in id order.
  Result<std::vector<std::int64_t>> contents_under(const std::string& uri);
  // The passages suggested for `uri` or a concept under it, best first (machine suggestions:
  // label them so), the concepts rejected for their content left out.
  Result<std::vector<ConceptMoment>> moments_under(const std::string& uri, int limit = 40);
  // The concept's row id (the browse pages' /programme/ID) and back.
  Result<std::optional<std::int64_t>> id_of(const std::string& uri);
  Result<std::optional<std::string>> uri_of(std::int64_t id);

 private:
  catalog::Database& db_;
};

}  // namespace repere::taxonomy
