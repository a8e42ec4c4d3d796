// The OAI-PMH harvester: another catalogue's records become external contents of this library,
// searchable with the rest, each linking to its page at the partner (« chez <partenaire> »).
//
// A partner is one collection (slug « chez-HOST », named by the partner's repositoryName); each
// record is a published content of it whose external_id is the record's identifier, with
// metadata {"harvested_from": BASE_URL, "partner": NAME, "datestamp": …}. From another Repère
// (metadataPrefix « repere ») the passages come with their times, so a search here finds a
// moment inside the partner's video and links to it there; from « lom » or « oai_dc » the title
// and description make one passage. Deleted records remove their content. Each page of records
// is committed on its own: an interrupted harvest keeps what it took, and the next one starts
// from the last complete harvest (`from` = its responseDate), or from the start with `full`.
//
// Hostile answers are bounded: an answer over `max_answer_bytes` or slower than
// `answer_deadline`, a DOCTYPE (entities), a
// resumption token seen twice or more than `max_pages` answers end the harvest with an error;
// a bad record (no identifier, no title, nothing to search) is reported and skipped.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "repere/catalog/database.h"
#include "repere/core/result.h"

namespace repere::oai {

struct HarvestOptions {
  std::string base_url;           // the partner's endpoint, "https://host/oai"
  std::string prefix = "repere";  // "repere", "lom" or "oai_dc"
  std::string set;                // "" every record
  std::string from;               // "" since the last complete harvest (or everything)
  bool full = false;              // everything, whatever was harvested before
  int attempts = 4;               // per request, with the wait doubling between them
  std::chrono::milliseconds first_wait{1000};
  std::size_t max_answer_bytes = std::size_t{20} << 20;
  int max_pages = 10000;
  int timeout_seconds = 60;  // of silence while reading an answer
  // For a whole answer: a partner that drips bytes slowly is cut off after it.
  std::chrono::seconds answer_deadline{300};
  const std::atomic<bool>* stop = nullptr;           // set: stop after the current page
  std::function<void(const std::string&)> progress;  // one line per page
};

struct HarvestReport {
  std::string partner;  // its repositoryName
  std::int64_t collection_id = 0;
  int pages = 0;
  int added = 0, updated = 0, removed = 0, skipped = 0;
  std::vector<std::string> problems;  // one per skipped record, naming it
  bool complete = false;              // the list was followed to its end
};

// Harvests one partner into `db`. Errors: unavailable (the partner did not answer after every
// attempt: what earlier pages brought is kept), invalid_argument (a bad URL or prefix, a
// protocol error the partner answered), corruption (an answer refused as hostile).
Result<HarvestReport> harvest(catalog::Database& db, const HarvestOptions& options);

}  // namespace repere::oai
