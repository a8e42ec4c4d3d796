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
  std::vector<std::string> unmatched;  // « SVT 6e » texts no concept has, kept as text
};

// A concept given to a content.
struct ContentConcept {
  std::int64_t content_id = 0;
  std::string uri, pref_label, purpose, origin, state;
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
  // only. Mapped concepts are confirmed: a person wrote them. Mapping again changes nothing.
  Result<MapReport> map_free_text();
  // The concepts given to a content, by purpose then label (rejected ones left out).
  Result<std::vector<ContentConcept>> of_content(std::int64_t content_id);
  // Every confirmed concept of every content, in one read (the programme's index page).
  Result<std::vector<ContentConcept>> all_confirmed();
  // The contents given `uri` or a concept under it (confirmed), in id order.
  Result<std::vector<std::int64_t>> contents_under(const std::string& uri);
  // The concept's row id (the browse pages' /programme/ID) and back.
  Result<std::optional<std::int64_t>> id_of(const std::string& uri);
  Result<std::optional<std::string>> uri_of(std::int64_t id);

 private:
  catalog::Database& db_;
};

}  // namespace repere::taxonomy
