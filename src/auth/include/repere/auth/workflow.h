// The editorial workflow: contents move draft -> review -> published -> retired (and back to
// draft or review when they need work), by a named actor, each move in the audit log.
// Who may move them is the caller's check (curators and admins: see User::can).
#pragma once

#include <string>
#include <vector>

#include "repere/catalog/database.h"
#include "repere/catalog/types.h"

namespace repere::auth {

struct StatusChange {
  int changed = 0;                   // contents that took the new status
  int unchanged = 0;                 // already there
  std::vector<catalog::Id> missing;  // ids of no content
};

// Sets `status` on each content of `ids` in one transaction, recording one audit event per
// content that changed ("content.published", object "content:ID", detail its title).
// The search index follows when it is next updated (update_index sees the status change).
Result<StatusChange> set_status(catalog::Database& db, const std::vector<catalog::Id>& ids,
                                catalog::EditorialStatus status, const std::string& actor);

// The ids of the contents of a collection (by slug), or of every content with `from` status.
// Errors: not_found for an unknown collection.
Result<std::vector<catalog::Id>> contents_of_collection(catalog::Database& db,
                                                        const std::string& slug);
Result<std::vector<catalog::Id>> contents_with_status(catalog::Database& db,
                                                      catalog::EditorialStatus from);

}  // namespace repere::auth
