// Repositories of the text of contents: tracks, their cues, and the passages search uses.
// Each holds a reference to a Database, which must outlive it; one thread at a time.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "repere/catalog/database.h"
#include "repere/catalog/types.h"

namespace repere::catalog {

// A machine-made track no person has reviewed yet, as the review queue lists it.
struct ReviewItem {
  Id content_id = 0;
  std::string title;
  EditorialStatus status = EditorialStatus::kDraft;
  Id track_id = 0;
  std::string origin;
  std::int64_t cues = 0;
  std::optional<double> mean_confidence;  // of its cues, when the engine gives one
  std::int64_t doubtful = 0;              // cues read with a confidence under 0.6
};

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
  // Machine-made tracks not yet approved, the least sure first (mean confidence, then size).
  Result<std::vector<ReviewItem>> needing_review(int limit);
  // Records a person's review of a track (`by`: "user:camille"). Errors: not_found.
  Status set_review(Id id, ReviewState review, std::string_view by);

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

  // A person's correction: the track's current cues are kept as its next revision (made by
  // `by`), then replaced by `cues`, in one transaction. Returns the revision's number.
  Result<int> revise(Id track_id, const std::vector<Cue>& cues, std::string_view by);
  Result<std::vector<Revision>> revisions(Id track_id);  // newest first
  // The cues of revision `number` (as they were before that correction). Errors: not_found.
  Result<std::vector<Cue>> revision_cues(Id track_id, int number);

 private:
  Database& db_;
};

// The track that best says what a content says: subtitles, then a transcript of the speech,
// then text (a note's, a PDF's own layer), then OCR of scanned pages, the slides' OCR last.
// `said_only`: subtitles, transcripts and text only (the lines said over a clip). nullptr when
// there is none.
const Track* best_transcript(const std::vector<Track>& tracks, bool said_only = false);

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
