// The provider's items: published contents and deleted records, in id order, with their
// datestamps and sets. Internal to src/oai.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "repere/catalog/database.h"
#include "repere/core/result.h"

namespace repere::oai {

struct Item {
  std::int64_t id = 0;
  std::string datestamp;  // "2026-12-01T10:00:00Z"
  bool deleted = false;
  std::vector<std::string> sets;  // setSpecs, each level of a hierarchy a set of its own
};

struct ItemQuery {
  std::int64_t after_id = 0;  // items with a greater id
  std::string from, until;    // inclusive, "YYYY-MM-DDThh:mm:ssZ"; "" no bound
  std::string set;            // "" every item
  std::optional<std::int64_t> only_id;
};

// A set the repository has: its spec and its name.
struct SetInfo {
  std::string spec, name;
};

class Items {
 public:
  explicit Items(catalog::Database& db) : db_(db) {}
  // Up to `limit` items matching `q` in id order; `more` tells whether some follow.
  Result<std::vector<Item>> list(const ItemQuery& q, int limit, bool& more);
  // How many items match (for completeListSize).
  Result<std::int64_t> count(const ItemQuery& q);
  // The earliest datestamp, or "" for an empty repository.
  Result<std::string> earliest();
  // Every set an item is in (with the levels above), by spec.
  Result<std::vector<SetInfo>> sets();
  // For a published content harvested from a partner (not an item of this repository, whose
  // metadata its own repository disseminates): the partner's name and address.
  struct Harvested {
    std::string partner, url;
  };
  Result<std::optional<Harvested>> harvested(std::int64_t id);

 private:
  Result<std::vector<std::string>> sets_of(std::int64_t id, const std::string& stored);
  Result<std::string> programme_spec(const std::string& uri);
  catalog::Database& db_;
  // Read once per request: a list reads every item's sets (11,115 contents: 1.2 s when each
  // item prepared its statements and walked its concepts' ancestors; see docs/oai.md).
  std::optional<catalog::Statement> kind_stmt_, concepts_stmt_;
  std::map<std::string, std::string> programme_specs_;  // concept URI -> its setSpec
};

// Whether an item whose sets are `sets` is in `set` (or in a set under it).
bool in_set(const std::vector<std::string>& sets, const std::string& set);

}  // namespace repere::oai
