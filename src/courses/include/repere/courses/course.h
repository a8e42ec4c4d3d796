// A course as teachers build it: chapters of blocks. Pure types and rules; the store keeps
// them (store.h), the web module shows them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "repere/core/result.h"

namespace repere::courses {

using Id = std::int64_t;

enum class BlockKind {
  kText,     // a short text, limited Markdown (markdown.h)
  kMoment,   // a clip of a video or an audio: content, start, end
  kPage,     // a page of a document, or an image: content, page
  kKeyIdea,  // the sentence the pupil must keep
  kQuiz,     // one question of the interactive videos' kinds, as their JSON (learn/json.h)
  kVideo,    // an interactive video (learn/activity.h): activity_id
};
// "text", "moment", "page", "key_idea", "quiz", "video"
std::string_view to_string(BlockKind k);
Result<BlockKind> parse_block_kind(std::string_view s);

enum class CourseState { kDraft, kPublished };
std::string_view to_string(CourseState s);  // "draft", "published"
Result<CourseState> parse_course_state(std::string_view s);

inline constexpr std::size_t kMaxTitle = 200;        // bytes, of a course or a chapter
inline constexpr std::size_t kMaxText = 4000;        // bytes, of a text block
inline constexpr std::size_t kMaxKeyIdea = 400;      // bytes, of a key idea
inline constexpr std::int64_t kMaxClipMs = 3600000;  // a moment of an hour at most
inline constexpr int kMaxChapters = 50;
inline constexpr int kMaxBlocks = 200;  // in a course

struct Block {
  Id id = 0;  // assigned when stored
  BlockKind kind = BlockKind::kText;
  std::optional<Id> content_id;  // moment, page (none once the content is removed)
  std::optional<std::int64_t> start_ms, end_ms;
  std::optional<int> page;
  std::string body;  // text, key idea, quiz JSON
  // An interactive video: the activity, owned by the course's owner (none once it is removed).
  std::optional<Id> activity_id;
};

struct Chapter {
  Id id = 0;
  std::string title;
  std::vector<Block> blocks;  // in order
};

struct Course {
  Id id = 0;
  std::string title;
  std::string level_uri;              // a concept of the levels' vocabulary, or ""
  std::vector<std::string> concepts;  // programme concepts (URIs), sorted
  std::optional<Id> owner_id;         // a staff account
  CourseState state = CourseState::kDraft;
  bool model = false;          // a « cours type » teachers copy
  std::optional<Id> model_id;  // the model it was copied from
  std::string created_at, updated_at;
  std::vector<Chapter> chapters;  // in order
  int block_count() const;
};

// Whether a block can be kept: invalid_argument naming what is wrong, in French, for the
// teacher (« Le moment doit finir après son début. »). A quiz's body must be one question
// (choice, true_false, blanks or open) that the interactive videos would accept.
Status validate(const Block& b);
// A title of 1 to kMaxTitle bytes, once trimmed; invalid_argument otherwise.
Status validate_title(std::string_view title, std::string_view what);

}  // namespace repere::courses
