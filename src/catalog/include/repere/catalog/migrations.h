// Versioned schema migrations of the catalog.
//
// Migration N takes a catalog at version N-1 to version N, in one transaction, and records N
// in the schema_version table. Migrations are append-only: a released one is never edited.
#pragma once

#include "repere/catalog/database.h"

namespace repere::catalog {

// The schema version this binary writes.
int latest_schema_version();

// Upgrades `db` from its current version to `target` (<= latest), one migration at a time.
// Errors: unsupported if the database is newer than `target`; the failing migration's error.
Status migrate(Database& db, int target);

}  // namespace repere::catalog
