// repere user add|list|disable|enable|reset-password, and repere publish|retire.
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <ostream>
#include <string>

#include "commands.h"
#include "repere/auth/accounts.h"
#include "repere/auth/audit.h"
#include "repere/auth/schema.h"
#include "repere/auth/workflow.h"
#include "repere/catalog/migrations.h"
#include "repere/core/files.h"
#include "repere/courses/schema.h"
#include "repere/index/library.h"
#include "repere/learn/schema.h"
#include "repere/lti/schema.h"
#include "repere/oai/schema.h"
#include "repere/sso/schema.h"
#include "repere/taxonomy/schema.h"

namespace repere::app {
namespace {

// Who ran the command, as the audit log names them: "cli:camille".
std::string cli_actor() {
  const char* user = std::getenv("SUDO_USER");
  if (user == nullptr || *user == '\0') user = std::getenv("USER");
  return std::string("cli:") + (user != nullptr && *user != '\0' ? user : "unknown");
}

// The password: one line of standard input, or a new random one that is printed once.
Result<std::string> password_for(const UserCommandOptions& o, std::ostream& out, bool& made) {
  made = !o.password_stdin;
  if (made) return auth::random_token().substr(0, 20);
  std::string line;
  if (!std::getline(std::cin, line)) {
    return Status::invalid_argument("--password-stdin: standard input is empty");
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  (void)out;
  return line;
}

Result<auth::User> find_user(auth::UserStore& users, const std::string& login) {
  REPERE_ASSIGN_OR_RETURN(const auto found, users.find(login));
  if (!found) return Status::not_found("no account '" + login + "' (see `repere user list`)");
  return *found;
}

Status user_command(const UserCommandOptions& o, std::ostream& out) {
  REPERE_ASSIGN_OR_RETURN(auto db, open_library(DataDir{o.common.data_dir}));
  auth::UserStore users(*db);
  auth::AuditLog audit(*db);
  const std::string actor = cli_actor();
  if (o.action == "list") {
    REPERE_ASSIGN_OR_RETURN(const auto all, users.list());
    if (all.empty()) out << "No accounts yet: `repere user add LOGIN --role admin`\n";
    for (const auth::User& u : all) {
      out << u.login << "\t" << auth::to_string(u.role) << "\t"
          << (u.disabled ? "disabled" : "enabled") << "\t" << u.name << "\t" << u.created_at
          << "\n";
    }
    return Status::ok();
  }
  if (o.action == "add") {
    REPERE_ASSIGN_OR_RETURN(const auth::Role role, auth::parse_role(o.role));
    bool made = false;
    REPERE_ASSIGN_OR_RETURN(const std::string password, password_for(o, out, made));
    REPERE_ASSIGN_OR_RETURN(const auth::User u, users.add(o.login, o.name, role, password));
    REPERE_RETURN_IF_ERROR(audit.record(actor, "user.add", "user:" + u.login,
                                        "role " + std::string(auth::to_string(role))));
    out << "Account '" << u.login << "' created (" << auth::to_string(role) << ")\n";
    if (made) out << "Password (shown once): " << password << "\n";
    return Status::ok();
  }
  REPERE_ASSIGN_OR_RETURN(const auth::User u, find_user(users, o.login));
  if (o.action == "disable" || o.action == "enable") {
    const bool disable = o.action == "disable";
    if (disable && u.role == auth::Role::kAdmin) {
      REPERE_ASSIGN_OR_RETURN(const auto admins, users.count(auth::Role::kAdmin));
      if (admins <= 1 && !u.disabled)
        return Status::invalid_argument("'" + u.login +
                                        "' is the last enabled admin: add another one first");
    }
    REPERE_RETURN_IF_ERROR(users.set_disabled(u.id, disable));
    REPERE_RETURN_IF_ERROR(audit.record(actor, "user." + o.action, "user:" + u.login));
    out << "Account '" << u.login << "' " << (disable ? "disabled" : "enabled") << "\n";
    return Status::ok();
  }
  bool made = false;
  REPERE_ASSIGN_OR_RETURN(const std::string password, password_for(o, out, made));
  REPERE_RETURN_IF_ERROR(users.set_password(u.id, password));
  REPERE_RETURN_IF_ERROR(audit.record(actor, "user.reset-password", "user:" + u.login));
  out << "New password for '" << u.login << "'; their sessions are ended\n";
  if (made) out << "Password (shown once): " << password << "\n";
  return Status::ok();
}

Status publish_command(const PublishOptions& o, std::ostream& out) {
  const DataDir dir{o.common.data_dir};
  REPERE_ASSIGN_OR_RETURN(const auto status, catalog::parse_editorial_status(o.status));
  REPERE_ASSIGN_OR_RETURN(auto db, open_library(dir));
  std::vector<catalog::Id> ids(o.ids.begin(), o.ids.end());
  if (!o.collection.empty()) {
    REPERE_ASSIGN_OR_RETURN(const auto more, auth::contents_of_collection(*db, o.collection));
    ids.insert(ids.end(), more.begin(), more.end());
  }
  if (o.all) {
    for (const auto from : {catalog::EditorialStatus::kDraft, catalog::EditorialStatus::kReview}) {
      REPERE_ASSIGN_OR_RETURN(const auto more, auth::contents_with_status(*db, from));
      ids.insert(ids.end(), more.begin(), more.end());
    }
  }
  if (ids.empty() && !o.all) {
    return Status::invalid_argument(
        "name the contents: ID..., --collection SLUG" +
        std::string(status == catalog::EditorialStatus::kPublished ? " or --all" : ""));
  }
  REPERE_ASSIGN_OR_RETURN(const auto change, auth::set_status(*db, ids, status, cli_actor()));
  out << change.changed << " contents " << o.status << ", " << change.unchanged
      << " already were\n";
  for (const catalog::Id id : change.missing) out << "No content " << id << "\n";
  if (change.changed > 0) {
    // The search index follows at once, unless an ingest holds it (it updates it at its end).
    auto lock = FileLock::acquire(dir.root / "ingest.lock", "an ingest is running");
    if (lock.is_ok()) {
      REPERE_ASSIGN_OR_RETURN(const Config config, load_config({.data_dir = dir.root,
                                                                .env = repere_environment(),
                                                                .overrides = o.common.settings}));
      REPERE_ASSIGN_OR_RETURN(const auto report,
                              index::update_index(*db, dir.index(), embedding_settings(config)));
      out << "Search index: " << report.contents_indexed + report.contents_removed
          << " contents updated\n";
    } else {
      out << "Search index: an ingest is running and will update it when it ends\n";
    }
  }
  if (!change.missing.empty()) return Status::not_found("some contents do not exist");
  return Status::ok();
}

}  // namespace

Result<std::unique_ptr<catalog::Database>> open_library(const DataDir& dir) {
  REPERE_RETURN_IF_ERROR(check_data_dir(dir));
  catalog::OpenOptions options{.create_if_missing = false};
  options.modules = {&learn::schema(), &auth::schema(), &taxonomy::schema(), &courses::schema(),
                     &oai::schema(),   &lti::schema(),  &sso::schema()};
  return catalog::Database::open(dir.catalog(), options);
}

int run_user(const UserCommandOptions& options, Io io) {
  const Status s = user_command(options, io.out);
  if (s.is_ok()) return kExitOk;
  io.err << "repere user " << options.action << ": " << s.message() << "\n";
  return kExitFailure;
}

int run_publish(const PublishOptions& options, Io io) {
  const Status s = publish_command(options, io.out);
  if (s.is_ok()) return kExitOk;
  io.err << "repere " << (options.status == "published" ? "publish" : "retire") << ": "
         << s.message() << "\n";
  return kExitFailure;
}

}  // namespace repere::app
