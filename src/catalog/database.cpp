#include "repere/catalog/database.h"

#include <sqlite3.h>

#include "repere/catalog/migrations.h"

namespace repere::catalog {
namespace {

Status sqlite_status(sqlite3* db, int rc, std::string_view what) {
  std::string msg(what);
  msg += ": ";
  msg += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT: return Status::corruption(std::move(msg));
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return Status::unavailable(std::move(msg));
    case SQLITE_CONSTRAINT: return Status::invalid_argument(std::move(msg));
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_PERM: return Status::io_error(std::move(msg));
    default: return Status::internal(std::move(msg));
  }
}

Status configure(Database& db, const OpenOptions& options) {
  REPERE_RETURN_IF_ERROR(db.exec("PRAGMA foreign_keys = ON"));
  if (options.read_only) return Status::ok();
  // WAL: readers run beside the one writer. synchronous = NORMAL in WAL mode survives a crash
  // of the process (SIGKILL included) with every committed transaction; a power cut may lose
  // the last ones but never corrupts the file.
  REPERE_RETURN_IF_ERROR(db.exec("PRAGMA journal_mode = WAL"));
  return db.exec("PRAGMA synchronous = NORMAL");
}

Status check_version(Database& db, const OpenOptions& options) {
  REPERE_ASSIGN_OR_RETURN(const int version, db.schema_version());
  const int latest = latest_schema_version();
  const int target = options.schema_target > 0 ? options.schema_target : latest;
  const std::string where = db.path().string();
  if (version > latest) {
    return Status::unsupported("catalog " + where + " has schema version " +
                               std::to_string(version) + ", newer than this repere knows (" +
                               std::to_string(latest) +
                               "): upgrade repere, or restore a backup made by this version");
  }
  if (version >= target) return Status::ok();
  if (options.read_only || !options.migrate) {
    return Status::unsupported("catalog " + where + " has schema version " +
                               std::to_string(version) + " and needs upgrading to " +
                               std::to_string(target) +
                               ": run `repere init` on its data folder to upgrade it");
  }
  return migrate(db, target).with_context("upgrading catalog " + where);
}

Status migrate_modules(Database& db, const OpenOptions& options) {
  if (options.read_only || !options.migrate || options.modules.empty()) return Status::ok();
  for (const ModuleSchema* schema : options.modules) {
    REPERE_RETURN_IF_ERROR(
        migrate_module(db, *schema).with_context("upgrading catalog " + db.path().string()));
  }
  return Status::ok();
}

}  // namespace

Result<std::unique_ptr<Database>> Database::open(const std::filesystem::path& path,
                                                 const OpenOptions& options) {
  std::error_code ec;
  const bool exists = std::filesystem::exists(path, ec);
  if (!exists && (options.read_only || !options.create_if_missing)) {
    return Status::not_found("no catalog at " + path.string() +
                             ": run `repere init` on its data folder first");
  }
  const int flags =
      SQLITE_OPEN_NOMUTEX |
      (options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  sqlite3* handle = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &handle, flags, nullptr);
  std::unique_ptr<Database> db(new Database(handle, path));
  if (rc != SQLITE_OK) return sqlite_status(handle, rc, "cannot open catalog " + path.string());
  sqlite3_busy_timeout(handle, options.busy_timeout_ms);
  sqlite3_extended_result_codes(handle, 1);
  Status status = configure(*db, options);
  if (status.is_ok() && options.check_schema) status = check_version(*db, options);
  if (status.is_ok() && options.check_schema && options.schema_target == 0)
    status = migrate_modules(*db, options);
  if (!status.is_ok()) {
    if (status.code() == StatusCode::kCorruption || status.code() == StatusCode::kInternal) {
      return status.with_context(path.string() + " is not a readable Repère catalog");
    }
    return status;
  }
  return db;
}

Database::~Database() { sqlite3_close_v2(db_); }

Status Database::error(std::string_view what) const {
  return sqlite_status(db_, sqlite3_errcode(db_), what);
}

Status Database::exec(std::string_view sql) {
  const std::string text(sql);
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return Status::ok();
  std::string what = "SQL failed";
  if (message != nullptr) {
    what = message;
    sqlite3_free(message);
  }
  return sqlite_status(nullptr, rc, what);
}

Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    return sqlite_status(db_, rc, "cannot prepare '" + std::string(sql.substr(0, 60)) + "'");
  }
  return Statement(db_, stmt);
}

std::int64_t Database::last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
bool Database::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }
int Database::changes() const { return sqlite3_changes(db_); }

Result<int> Database::schema_version() {
  REPERE_ASSIGN_OR_RETURN(Statement has_table,
                          prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                                  "AND name = 'schema_version'"));
  REPERE_ASSIGN_OR_RETURN(const bool row, has_table.step());
  if (!row || has_table.int64(0) == 0) return 0;
  REPERE_ASSIGN_OR_RETURN(Statement version,
                          prepare("SELECT coalesce(max(version), 0) FROM schema_version"));
  REPERE_ASSIGN_OR_RETURN(const bool has_row, version.step());
  return has_row ? static_cast<int>(version.int64(0)) : 0;
}

Status Database::check_integrity() {
  REPERE_ASSIGN_OR_RETURN(Statement check, prepare("PRAGMA integrity_check"));
  std::string report;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, check.step());
    if (!row) break;
    const std::string line = check.text(0);
    if (line != "ok") report += line + "\n";
  }
  if (report.empty()) return Status::ok();
  return Status::corruption("integrity check of " + path_.string() + " failed: " + report);
}

// ---- Statement ----

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(other.stmt_), bind_status_(std::move(other.bind_status_)) {
  other.stmt_ = nullptr;
}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = other.stmt_;
    bind_status_ = std::move(other.bind_status_);
    other.stmt_ = nullptr;
  }
  return *this;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

namespace {
void keep_first_error(Status& status, sqlite3* db, int rc, int index) {
  if (rc != SQLITE_OK && status.is_ok()) {
    status = sqlite_status(db, rc, "cannot bind parameter " + std::to_string(index));
  }
}
}  // namespace

Statement& Statement::bind(int index, std::int64_t value) {
  keep_first_error(bind_status_, db_, sqlite3_bind_int64(stmt_, index, value), index);
  return *this;
}

Statement& Statement::bind(int index, double value) {
  keep_first_error(bind_status_, db_, sqlite3_bind_double(stmt_, index, value), index);
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  keep_first_error(
      bind_status_, db_,
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
      index);
  return *this;
}

Statement& Statement::bind(int index, std::nullopt_t) {
  keep_first_error(bind_status_, db_, sqlite3_bind_null(stmt_, index), index);
  return *this;
}

Result<bool> Statement::step() {
  if (!bind_status_.is_ok()) return bind_status_;
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return sqlite_status(db_, rc, "SQL step failed");
}

Status Statement::run() {
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, step());
    if (!row) return Status::ok();
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_status_ = Status::ok();
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}
std::int64_t Statement::int64(int column) const { return sqlite3_column_int64(stmt_, column); }
double Statement::real(int column) const { return sqlite3_column_double(stmt_, column); }

std::string Statement::text(int column) const {
  const auto* data = sqlite3_column_text(stmt_, column);
  if (data == nullptr) return {};
  return {reinterpret_cast<const char*>(data),
          static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
}

std::optional<std::int64_t> Statement::optional_int64(int column) const {
  if (is_null(column)) return std::nullopt;
  return int64(column);
}

std::optional<double> Statement::optional_real(int column) const {
  if (is_null(column)) return std::nullopt;
  return real(column);
}

// ---- Transaction ----

Result<Transaction> Transaction::begin(Database& db) {
  if (db.in_transaction()) {
    static thread_local int counter = 0;
    std::string name = "repere_sp" + std::to_string(++counter);
    REPERE_RETURN_IF_ERROR(db.exec("SAVEPOINT " + name));
    return Transaction(&db, std::move(name));
  }
  REPERE_RETURN_IF_ERROR(db.exec("BEGIN IMMEDIATE"));
  return Transaction(&db, "");
}

Transaction::Transaction(Transaction&& other) noexcept
    : db_(other.db_), savepoint_(std::move(other.savepoint_)) {
  other.db_ = nullptr;
}

Transaction::~Transaction() {
  if (db_ == nullptr) return;
  if (savepoint_.empty()) {
    (void)db_->exec("ROLLBACK");
  } else {
    (void)db_->exec("ROLLBACK TO " + savepoint_ + "; RELEASE " + savepoint_);
  }
}

Status Transaction::commit() {
  if (db_ == nullptr) return Status::internal("transaction already finished");
  Status status = db_->exec(savepoint_.empty() ? std::string("COMMIT") : "RELEASE " + savepoint_);
  if (status.is_ok()) db_ = nullptr;
  return status;
}

}  // namespace repere::catalog

namespace repere::catalog {
std::string sqlite_version() { return sqlite3_libversion(); }
}  // namespace repere::catalog
