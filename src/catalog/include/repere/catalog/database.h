// Database: one SQLite connection to the catalog, in WAL mode with foreign keys on.
//
// One connection per thread: a Database is not thread-safe, but any number of connections to
// the same file may be open at once (in this or other processes). In WAL mode readers never
// block the writer nor each other; writers are serialised by SQLite (busy timeout applies).
// Every multi-row change goes through a Transaction, so a crash leaves all or none of it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "repere/core/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace repere::catalog {

struct ModuleSchema;  // repere/catalog/migrations.h

struct OpenOptions {
  bool create_if_missing = true;  // create the file when absent (never in read_only mode)
  bool read_only = false;         // open for reading only; never migrates
  bool migrate = true;            // upgrade an older schema to the latest in place
  int busy_timeout_ms = 10000;    // how long a write waits for another writer
  int schema_target = 0;          // version to migrate to; 0 = latest. Older ones: tests only
  bool check_schema = true;       // false: open whatever version is there (to inspect it)
  // Modules whose own tables are brought up to date too (with migrate), in this order.
  std::vector<const ModuleSchema*> modules;
};

class Statement;

class Database {
 public:
  // Opens (and by default creates and migrates) the catalog at `path`.
  // Errors: not_found (absent and not created), unsupported (schema newer than this binary,
  // or older while read_only / migrate = false), corruption (not a database), io_error.
  static Result<std::unique_ptr<Database>> open(const std::filesystem::path& path,
                                                const OpenOptions& options = {});
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more SQL statements that return no rows.
  Status exec(std::string_view sql);
  // Compiles one statement. The Statement must not outlive this Database.
  Result<Statement> prepare(std::string_view sql);

  std::int64_t last_insert_id() const;
  bool in_transaction() const;
  int changes() const;  // rows changed by the last statement
  // The schema version stored in the file (0 for an empty file).
  Result<int> schema_version();
  // PRAGMA integrity_check; OK when the file is sound, corruption with SQLite's report if not.
  Status check_integrity();
  const std::filesystem::path& path() const { return path_; }

 private:
  Database(sqlite3* db, std::filesystem::path path) : db_(db), path_(std::move(path)) {}
  Status error(std::string_view what) const;

  sqlite3* db_;
  std::filesystem::path path_;
};

// A compiled statement. Parameters are numbered from 1, columns from 0.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const std::string& value) {
    return bind(index, std::string_view(value));
  }
  Statement& bind(int index, std::nullopt_t);
  template <typename T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind(index, std::nullopt);
  }

  // Advances to the next row: true when a row is available, false when done.
  Result<bool> step();
  // Steps until done; for statements that return no rows.
  Status run();
  // Makes the statement ready to run again with new bindings.
  void reset();

  bool is_null(int column) const;
  std::int64_t int64(int column) const;
  double real(int column) const;
  std::string text(int column) const;
  std::optional<std::int64_t> optional_int64(int column) const;
  std::optional<double> optional_real(int column) const;

 private:
  friend class Database;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  Status bind_status_;  // the first binding error, reported by step()
};

// A write transaction (BEGIN IMMEDIATE): rolled back on destruction unless committed.
// Nested inside another, it is a savepoint: its changes land only if the outer one commits.
class Transaction {
 public:
  static Result<Transaction> begin(Database& db);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  ~Transaction();
  Status commit();

 private:
  Transaction(Database* db, std::string savepoint) : db_(db), savepoint_(std::move(savepoint)) {}
  Database* db_;
  std::string savepoint_;  // empty for a top-level transaction
};

}  // namespace repere::catalog

namespace repere::catalog {
// The SQLite library version loaded at run time, e.g. "3.40.1".
std::string sqlite_version();
}  // namespace repere::catalog
