// repere init: creates a data folder with its configuration, catalog and sub-folders.
#include <ostream>

#include "commands.h"
#include "repere/auth/accounts.h"
#include "repere/catalog/database.h"
#include "repere/catalog/migrations.h"
#include "repere/core/config.h"
#include "repere/core/data_dir.h"
#include "repere/core/files.h"

namespace repere::app {
namespace {

Status make_folders(const DataDir& dir) {
  for (const auto& path : {dir.root, dir.media(), dir.index()}) {
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec) return Status::io_error("cannot create folder " + path.string() + ": " + ec.message());
  }
  return Status::ok();
}

// Writes a commented repere.toml unless the operator already has one, which is never touched.
Result<bool> write_config_if_absent(const DataDir& dir) {
  std::error_code ec;
  if (std::filesystem::exists(dir.config(), ec)) return false;
  REPERE_RETURN_IF_ERROR(write_file_atomic(dir.config(), default_config_toml()));
  return true;
}

Status init(const InitOptions& options, std::ostream& out) {
  const DataDir dir{options.common.data_dir};
  REPERE_RETURN_IF_ERROR(make_folders(dir));
  REPERE_ASSIGN_OR_RETURN(const bool wrote_config, write_config_if_absent(dir));
  // An existing repere.toml must still be valid: say so now rather than at the next command.
  REPERE_RETURN_IF_ERROR(
      load_config(
          {.data_dir = dir.root, .env = repere_environment(), .overrides = options.common.settings})
          .status());
  int before = 0;
  if (std::error_code ec; std::filesystem::exists(dir.catalog(), ec)) {
    REPERE_ASSIGN_OR_RETURN(auto existing,
                            catalog::Database::open(dir.catalog(), {.check_schema = false}));
    REPERE_ASSIGN_OR_RETURN(before, existing->schema_version());
  }
  REPERE_RETURN_IF_ERROR(catalog::Database::open(dir.catalog()).status());
  REPERE_ASSIGN_OR_RETURN(auto db, open_library(dir));
  REPERE_ASSIGN_OR_RETURN(const int after, db->schema_version());
  REPERE_ASSIGN_OR_RETURN(const auto admins, auth::UserStore(*db).count(auth::Role::kAdmin));

  out << "Library " << (before == 0 ? "created" : "already present") << " at "
      << std::filesystem::absolute(dir.root).string() << "\n";
  if (before != 0 && before != after) {
    out << "  catalog upgraded from schema " << before << " to " << after << "\n";
  }
  out << "  catalog  " << dir.catalog().string() << " (schema " << after << ")\n";
  out << "  config   " << dir.config().string() << (wrote_config ? " (new)" : " (kept)") << "\n";
  if (!options.admin.empty() && admins == 0) {
    REPERE_RETURN_IF_ERROR(run_user({.common = options.common,
                                     .action = "add",
                                     .login = options.admin,
                                     .role = "admin",
                                     .password_stdin = options.password_stdin},
                                    {out, out}) == kExitOk
                               ? Status::ok()
                               : Status::invalid_argument("the administrator was not created"));
  } else if (!options.admin.empty()) {
    out << "  an administrator exists already: --admin " << options.admin << " is ignored\n";
  } else if (admins == 0) {
    out << "No administrator yet: create one with `repere user add LOGIN --role admin --data "
        << dir.root.string() << "` (or `repere init --admin LOGIN`)\n";
  }
  out << "Next: `repere status --data " << dir.root.string() << "`\n";
  return Status::ok();
}

}  // namespace

int run_init(const InitOptions& options, Io io) {
  const Status status = init(options, io.out);
  if (!status.is_ok()) {
    io.err << "repere init: " << status.message() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace repere::app
