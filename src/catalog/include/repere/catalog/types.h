// The records of the catalog, as plain values. Field comments give each default.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "repere/core/result.h"

namespace repere::catalog {

using Id = std::int64_t;

enum class ContentKind { kVideo, kAudio, kDocument, kImage, kWebpage, kText };
enum class EditorialStatus { kDraft, kReview, kPublished, kRetired };
enum class TrackKind { kSubtitles, kAsr, kPdfText, kOcrScan, kOcrFrames, kText };
enum class ReviewState { kUnreviewed, kApproved, kRejected };
enum class JobState { kPending, kRunning, kDone, kFailed };

// Stable lowercase names, as stored in the database and shown in the API: "video", "draft",
// "ocr_frames", "unreviewed", "failed". Parsing errors are invalid_argument naming the value.
std::string_view to_string(ContentKind v);
std::string_view to_string(EditorialStatus v);
std::string_view to_string(TrackKind v);
std::string_view to_string(ReviewState v);
std::string_view to_string(JobState v);
Result<ContentKind> parse_content_kind(std::string_view s);
Result<EditorialStatus> parse_editorial_status(std::string_view s);
Result<TrackKind> parse_track_kind(std::string_view s);
Result<ReviewState> parse_review_state(std::string_view s);
Result<JobState> parse_job_state(std::string_view s);

struct Collection {
  Id id = 0;            // assigned on insert
  std::string slug;     // unique short name, e.g. "cite-sciences"
  std::string name;     // display name
  std::string licence;  // default licence of its contents, e.g. "CC-BY-SA-4.0"
};

struct Content {
  Id id = 0;                               // assigned on insert
  std::optional<Id> collection_id;         // none: not part of a collection
  std::optional<std::string> external_id;  // the institution's own identifier
  ContentKind kind = ContentKind::kText;
  std::string title;
  std::string description;
  std::string language;  // BCP 47, e.g. "fr"; "" when unknown
  std::string licence;
  std::string authors_json = "[]";  // JSON array of names
  std::string source_url;
  std::string media_path;                   // absolute, or relative to the data folder
  std::string sha256;                       // hex digest of the media file; "" for none
  std::optional<std::int64_t> duration_ms;  // timed media only
  std::optional<std::int64_t> page_count;   // documents only
  // Only published contents reach teachers, pupils and anonymous calls (see DESIGN.md).
  EditorialStatus status = EditorialStatus::kDraft;
  std::string status_by;             // who set it: "user:camille", "cli", "ingest", "upgrade"
  std::string status_at;             // when, ISO 8601 UTC; "" before version 4
  std::string metadata_json = "{}";  // JSON object of other fields (subject, level, ...)
};

struct Track {
  Id id = 0;
  Id content_id = 0;
  TrackKind kind = TrackKind::kText;
  std::string language;
  std::string origin = "human";  // "human" or "ai:<engine>@<version>"
  ReviewState review = ReviewState::kUnreviewed;
  std::string label;        // e.g. "Français (sous-titres)"
  std::string reviewed_by;  // who reviewed it ("user:camille"); "" before anyone did
  std::string reviewed_at;
  // Made by a machine and not yet reviewed by a person: pages label it as such.
  bool machine_unreviewed() const {
    return origin.rfind("ai:", 0) == 0 && review != ReviewState::kApproved;
  }
};

// An earlier state of a track, kept when someone saved a correction.
struct Revision {
  int number = 0;
  std::string made_by;
  std::string made_at;
  int cues = 0;
};

// Atomic positioned text: times for timed media, a page and a box for documents and images.
struct Cue {
  Id id = 0;
  Id track_id = 0;
  int seq = 0;  // order within its track, from 0
  std::optional<std::int64_t> start_ms;
  std::optional<std::int64_t> end_ms;
  std::optional<int> page;                           // from 1
  std::optional<double> box_x, box_y, box_w, box_h;  // fractions of the page or frame
  std::optional<double> confidence;                  // 0..1, machine-made text only
  std::string text;
};

// The unit of search: a window of cues with its position.
struct Passage {
  Id id = 0;
  Id content_id = 0;
  std::optional<Id> track_id;
  int seq = 0;
  std::optional<std::int64_t> start_ms;
  std::optional<std::int64_t> end_ms;
  std::optional<int> page;
  std::string language;
  std::string text;  // never empty
};

// One stage of the processing of one content (or of a file that never became one).
struct Job {
  Id id = 0;
  std::optional<Id> content_id;
  std::string path;   // the file concerned, for messages
  std::string stage;  // "extract", "segment", "index", ...
  JobState state = JobState::kPending;
  int attempts = 0;
  std::string error;    // the last failure's message
  double progress = 0;  // 0..1
};

// True when `origin` is "human" or of the form "ai:<engine>@<version>".
bool is_valid_origin(std::string_view origin);

}  // namespace repere::catalog
