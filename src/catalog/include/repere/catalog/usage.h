// What the library's work costs, for frugality: counters that `repere serve` (searches and
// their CPU seconds) and ingest (contents read, seconds of audio and video, CPU seconds) add to,
// never reset, read by `repere status`. Several processes may add at once: each addition is
// one statement. One thread per repository object.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "repere/catalog/database.h"

namespace repere::catalog {

// The counters' names.
inline constexpr const char* kSearchRequests = "search.requests";
inline constexpr const char* kSearchCpuSeconds = "search.cpu_seconds";
inline constexpr const char* kIngestContents = "ingest.contents";
inline constexpr const char* kIngestMediaSeconds = "ingest.media_seconds";
inline constexpr const char* kIngestCpuSeconds = "ingest.cpu_seconds";

struct Counter {
  double value = 0;
  std::string since;  // ISO 8601 UTC: when it was first added to
};

class UsageRepository {
 public:
  explicit UsageRepository(Database& db) : db_(db) {}
  // Adds each amount to its counter (made at 0 when new), in one transaction.
  Status add(const std::vector<std::pair<std::string, double>>& amounts);
  // Every counter. A catalog older than the counters (opened read-only) has none: empty.
  Result<std::map<std::string, Counter>> all();

 private:
  Database& db_;
};

}  // namespace repere::catalog
