#include "repere/catalog/types.h"

#include <array>
#include <utility>

namespace repere::catalog {
namespace {

template <typename E, std::size_t N>
using Names = std::array<std::pair<E, std::string_view>, N>;

constexpr Names<ContentKind, 6> kContentKinds = {{{ContentKind::kVideo, "video"},
                                                  {ContentKind::kAudio, "audio"},
                                                  {ContentKind::kDocument, "document"},
                                                  {ContentKind::kImage, "image"},
                                                  {ContentKind::kWebpage, "webpage"},
                                                  {ContentKind::kText, "text"}}};
constexpr Names<EditorialStatus, 4> kStatuses = {{{EditorialStatus::kDraft, "draft"},
                                                  {EditorialStatus::kReview, "review"},
                                                  {EditorialStatus::kPublished, "published"},
                                                  {EditorialStatus::kRetired, "retired"}}};
constexpr Names<TrackKind, 6> kTrackKinds = {{{TrackKind::kSubtitles, "subtitles"},
                                              {TrackKind::kAsr, "asr"},
                                              {TrackKind::kPdfText, "pdf_text"},
                                              {TrackKind::kOcrScan, "ocr_scan"},
                                              {TrackKind::kOcrFrames, "ocr_frames"},
                                              {TrackKind::kText, "text"}}};
constexpr Names<ReviewState, 3> kReviews = {{{ReviewState::kUnreviewed, "unreviewed"},
                                             {ReviewState::kApproved, "approved"},
                                             {ReviewState::kRejected, "rejected"}}};
constexpr Names<JobState, 4> kJobStates = {{{JobState::kPending, "pending"},
                                            {JobState::kRunning, "running"},
                                            {JobState::kDone, "done"},
                                            {JobState::kFailed, "failed"}}};

template <typename E, std::size_t N>
std::string_view name_of(const Names<E, N>& names, E value) {
  for (const auto& [v, name] : names) {
    if (v == value) return name;
  }
  return "unknown";
}

template <typename E, std::size_t N>
Result<E> parse(const Names<E, N>& names, std::string_view s, std::string_view what) {
  for (const auto& [v, name] : names) {
    if (name == s) return v;
  }
  std::string expected;
  for (const auto& [v, name] : names) {
    if (!expected.empty()) expected += ", ";
    expected += name;
  }
  return Status::invalid_argument("unknown " + std::string(what) + " '" + std::string(s) +
                                  "', expected one of " + expected);
}

}  // namespace

std::string_view to_string(ContentKind v) { return name_of(kContentKinds, v); }
std::string_view to_string(EditorialStatus v) { return name_of(kStatuses, v); }
std::string_view to_string(TrackKind v) { return name_of(kTrackKinds, v); }
std::string_view to_string(ReviewState v) { return name_of(kReviews, v); }
std::string_view to_string(JobState v) { return name_of(kJobStates, v); }

Result<ContentKind> parse_content_kind(std::string_view s) {
  return parse(kContentKinds, s, "content kind");
}
Result<EditorialStatus> parse_editorial_status(std::string_view s) {
  return parse(kStatuses, s, "editorial status");
}
Result<TrackKind> parse_track_kind(std::string_view s) {
  return parse(kTrackKinds, s, "track kind");
}
Result<ReviewState> parse_review_state(std::string_view s) {
  return parse(kReviews, s, "review state");
}
Result<JobState> parse_job_state(std::string_view s) { return parse(kJobStates, s, "job state"); }

bool is_valid_origin(std::string_view origin) {
  if (origin == "human") return true;
  if (origin.rfind("ai:", 0) != 0) return false;
  const std::size_t at = origin.find('@', 3);
  return at != std::string_view::npos && at > 3 && at + 1 < origin.size();
}

}  // namespace repere::catalog
