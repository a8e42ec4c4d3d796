// Repositories of collections and contents. Each holds a reference to a Database, which must
// outlive it; like the Database, a repository is used by one thread at a time.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "repere/catalog/database.h"
#include "repere/catalog/types.h"

namespace repere::catalog {

class CollectionRepository {
 public:
  explicit CollectionRepository(Database& db) : db_(db) {}
  // Returns the new id. Errors: invalid_argument (empty or duplicate slug).
  Result<Id> insert(const Collection& collection);
  // Errors: not_found.
  Result<Collection> get(Id id);
  Result<std::optional<Collection>> find_by_slug(std::string_view slug);
  Result<std::vector<Collection>> list();

 private:
  Database& db_;
};

struct ContentQuery {
  std::optional<ContentKind> kind;        // none: every kind
  std::optional<EditorialStatus> status;  // none: every status
  std::optional<Id> collection_id;        // none: every collection
  int limit = 100;                        // at most this many, ordered by id
  int offset = 0;
};

class ContentRepository {
 public:
  explicit ContentRepository(Database& db) : db_(db) {}
  // Returns the new id. Errors: invalid_argument (a JSON field is not valid JSON, a duplicate
  // external id in the collection, an unknown collection).
  Result<Id> insert(const Content& content);
  // Replaces every field of the content with id `content.id` but its editorial status.
  // Errors: not_found, as insert.
  Status update(const Content& content);
  // Moves a content to `status`, recording who (`by`: "user:camille", "cli", "ingest") and
  // when. Errors: not_found.
  Status set_status(Id id, EditorialStatus status, std::string_view by);
  // Deletes the content with its tracks, cues, passages and jobs. Errors: not_found.
  Status remove(Id id);
  Result<Content> get(Id id);
  // Contents whose media file has this digest (usually zero or one).
  Result<std::vector<Content>> find_by_sha256(std::string_view sha256);
  Result<std::optional<Content>> find_by_external_id(std::optional<Id> collection_id,
                                                     std::string_view external_id);
  Result<std::optional<Content>> find_by_media_path(std::string_view media_path);
  Result<std::vector<Content>> list(const ContentQuery& query = {});
  // The distinct values of a metadata field ("subject", "level": letters and '_' only) over the
  // contents (with this status), sorted, at most 50: the facets of the home page.
  Result<std::vector<std::string>> metadata_values(std::string_view field,
                                                   std::optional<EditorialStatus> status);
  // How many contents (with this status).
  Result<std::int64_t> count(std::optional<EditorialStatus> status = std::nullopt);

 private:
  Database& db_;
};

}  // namespace repere::catalog
