// A read-only summary of a catalog, for `repere status` and the health endpoint.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "repere/catalog/database.h"
#include "repere/catalog/types.h"

namespace repere::catalog {

using Counts = std::vector<std::pair<std::string, std::int64_t>>;  // name -> count, by name

struct Failure {
  std::optional<Id> content_id;
  std::string title;  // the content's title, "" when the file never became a content
  std::string path;
  std::string stage;
  std::string error;
  int attempts = 0;
};

// A warning kept from a content's extraction (metadata extract_warnings): a misread encoding,
// OCR noise left out of search, cues past the end of the media.
struct Warning {
  Id content_id = 0;
  std::string title;
  std::string message;  // "lecture.srt: uncertain encoding (...)": names the file
};

struct CatalogSummary {
  int schema_version = 0;
  std::int64_t collections = 0;
  std::int64_t contents = 0;
  std::int64_t tracks = 0;
  std::int64_t cues = 0;
  std::int64_t passages = 0;
  Counts contents_by_kind;
  Counts contents_by_status;
  Counts jobs_by_state;
  std::vector<Failure> failures;  // failed jobs, oldest first
  std::vector<Warning> warnings;  // by content, in order
};

// Reads the summary in one read transaction, so its numbers agree with each other.
Result<CatalogSummary> summarize(Database& db);

}  // namespace repere::catalog
