// Repositories of the text of contents: tracks, their cues, and the passages search uses.
// Each holds a reference to a Database, which must outlive it; one thread at a time.
#pragma once

#include <vector>

#include "repere/catalog/database.h"
#include "repere/catalog/types.h"

namespace repere::catalog {

class TrackRepository {
 public:
  explicit TrackRepository(Database& db) : db_(db) {}
  // Returns the new id. Errors: invalid_argument (unknown content, origin not "human" nor
  // "ai:<engine>@<version>").
  Result<Id> insert(const Track& track);
  Result<Track> get(Id id);
  Result<std::vector<Track>> list_for_content(Id content_id);
  // Deletes the track and its cues. Errors: not_found.
  Status remove(Id id);
  // Deletes every track of a content, with their cues.
  Status remove_for_content(Id content_id);

 private:
  Database& db_;
};

class CueRepository {
 public:
  explicit CueRepository(Database& db) : db_(db) {}
  // Replaces every cue of `track_id` with `cues` (their track_id is ignored; seq is their
  // index), in one transaction: readers see the old cues or the new ones, never a mix.
  Status replace_for_track(Id track_id, const std::vector<Cue>& cues);
  Result<std::vector<Cue>> list_for_track(Id track_id);
  Result<std::int64_t> count_for_track(Id track_id);

 private:
  Database& db_;
};

class PassageRepository {
 public:
  explicit PassageRepository(Database& db) : db_(db) {}
  // Replaces every passage of `content_id` with `passages` (content_id ignored; seq is their
  // index), in one transaction. Errors: invalid_argument for an empty text (naming its index).
  Status replace_for_content(Id content_id, const std::vector<Passage>& passages);
  Result<Passage> get(Id id);
  Result<std::vector<Passage>> list_for_content(Id content_id);

 private:
  Database& db_;
};

}  // namespace repere::catalog
