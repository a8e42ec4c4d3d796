// Versioned schema migrations of the catalog.
//
// Migration N takes a catalog at version N-1 to version N, in one transaction, and records N
// in the schema_version table. Migrations are append-only: a released one is never edited.
#pragma once

#include <string_view>
#include <vector>

#include "repere/catalog/database.h"

namespace repere::catalog {

// The tables of one module above the catalog (learn, auth): its own migrations, numbered from
// 1, recorded in the catalog's module_schema table. The module defines it (learn::schema());
// whoever opens the catalog for writing names the modules it needs in OpenOptions::modules.
struct ModuleMigration {
  int version;
  std::string_view description;
  std::string_view sql;
  // The migration rebuilds a table (SQLite cannot change a CHECK constraint in place): it runs
  // with foreign keys off, as SQLite's documented table-rebuild procedure asks, so that dropping
  // the old table neither cascades to the rows that point at it nor fails; before it commits,
  // `PRAGMA foreign_key_check` must find nothing broken.
  bool rebuilds_tables = false;
};
struct ModuleSchema {
  std::string_view module;  // "learn"
  std::vector<ModuleMigration> migrations;
};

// The schema version this binary writes.
int latest_schema_version();

// Upgrades `db` from its current version to `target` (<= latest), one migration at a time.
// Errors: unsupported if the database is newer than `target`; the failing migration's error.
Status migrate(Database& db, int target);

// The version of `module`'s tables in `db` (0: none yet).
Result<int> module_version(Database& db, std::string_view module);
// Brings `schema`'s tables to its latest migration, one transaction per migration.
// Errors: unsupported if the catalog has a newer version of them than this binary.
Status migrate_module(Database& db, const ModuleSchema& schema);

}  // namespace repere::catalog
