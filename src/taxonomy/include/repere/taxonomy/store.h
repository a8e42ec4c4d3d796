// The concepts of imported vocabularies, in the catalog: imported (again) in one transaction,
// read by URI, by their place in the tree (narrower, broader up to the root) and by label.
#pragma once

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

 private:
  catalog::Database& db_;
};

}  // namespace repere::taxonomy
