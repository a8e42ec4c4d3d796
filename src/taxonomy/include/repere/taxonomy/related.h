// « Dans la médiathèque, on en parle aussi »: moments of other published contents on the same
// part of the programme as a content (or one of its passages) and saying similar things.
// The part: the content's confirmed programme concepts and the passage's own, else the machine's
// (the two concepts most of its passages are placed on, else its first suggestion), each taken
// with the concept just above it (« système digestif » brings
// « alimentation et digestion »). The candidates: passages of other published contents that a
// machine placed there, or whose content is confirmed there. The order: the cosine of their
// stems with the source's (idf over the candidates); below kMinSimilarity, none. One moment per
// content, best first.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "repere/core/result.h"

namespace repere::catalog {
class Database;
}

namespace repere::taxonomy {

struct RelatedMoment {
  std::int64_t passage_id = 0, content_id = 0;
  std::string title;  // of its content
  std::optional<std::int64_t> start_ms;
  std::optional<int> page;
  std::string text;
  double similarity = 0;  // 0 to 1
};

struct RelatedOptions {
  std::optional<std::int64_t> passage_id;  // related to this passage of the content
  int limit = 5;
  // Use people's confirmed tags (true), or only the machine's suggestions (to measure them).
  bool confirmed_tags = true;
};

inline constexpr double kMinSimilarity = 0.08;

Result<std::vector<RelatedMoment>> related_moments(catalog::Database& db, std::int64_t content_id,
                                                   const RelatedOptions& options = {});

// The share of the related moments whose content shares a confirmed programme part with the
// source (one is the other, or lies under it), over every content with a confirmed part; the
// moments chosen with the machine's suggestions only, so that the gold is not used to choose.
struct RelatedQuality {
  int contents = 0;        // contents with a confirmed programme part
  int moments = 0;         // related moments found for them
  double same_part = 0;    // share of those moments in a content of the same part
  double same_branch = 0;  // share in a content whose part meets the source's below the
                           // discipline (the same part of the programme, « le corps humain »)
  double without_any = 0;  // share of contents given no related moment
};
Result<RelatedQuality> evaluate_related(catalog::Database& db);

}  // namespace repere::taxonomy
