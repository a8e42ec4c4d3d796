// A partner's OAI-PMH answer read into plain values: what the harvester stores, and what the
// answer fuzz target feeds. Parsed by libxml2 without the network and without entities (a
// DOCTYPE is refused); every text bounded. Internal to src/oai.
#pragma once

#include <string>
#include <vector>

#include "repere/catalog/types.h"
#include "repere/core/result.h"

namespace repere::oai {

struct HarvestedRecord {
  std::string identifier, datestamp;
  bool deleted = false;
  std::string problem;  // why the record cannot be taken ("" : it can)
  catalog::Content content;
  std::vector<catalog::Passage> passages;  // never empty for a record that can be taken
  bool machine_text = false;
};

struct PartnerAnswer {
  std::string response_date;
  std::string error_code, error_message;  // an OAI error the partner answered
  bool identify = false;                  // an Identify answer: its repositoryName
  std::string repository_name;
  bool list = false;  // a ListRecords answer: its records and resumption token
  std::vector<HarvestedRecord> records;
  std::string token;
};

// Errors: corruption for what is not an OAI-PMH answer, or has a DOCTYPE.
Result<PartnerAnswer> read_answer(const std::string& body, const std::string& prefix);

}  // namespace repere::oai
