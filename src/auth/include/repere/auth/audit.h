// The audit log: who created, edited, published, retired, corrected what, and when. Actors
// and objects are named by text ("user:camille", "content:12 « La photosynthèse »"), so an
// event outlives the account or the content it names.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "repere/catalog/database.h"

namespace repere::auth {

struct AuditEvent {
  std::int64_t id = 0;
  std::string at;      // ISO 8601 UTC, milliseconds
  std::string actor;   // "user:camille", "cli:root", "ingest"
  std::string action;  // "content.publish", "user.add", "login.failed", ...
  std::string object;  // "content:12", "user:camille", "activity:3"
  std::string detail;  // free text: a title, the old and new values
};

class AuditLog {
 public:
  explicit AuditLog(catalog::Database& db) : db_(db) {}
  Status record(std::string_view actor, std::string_view action, std::string_view object,
                std::string_view detail = "");
  // Newest first; `object` "" for every object.
  Result<std::vector<AuditEvent>> list(int limit, int offset = 0, std::string_view object = "");
  // Every event, oldest first, as CSV (RFC 4180; cells that a spreadsheet would run as a
  // formula are prefixed with an apostrophe).
  Result<std::string> csv();

 private:
  catalog::Database& db_;
};

}  // namespace repere::auth
