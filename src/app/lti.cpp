// `repere lti …`: the platforms that launch Repère (LTI 1.3), the tool's keys and addresses,
// and the queue of scores sent back to platforms.
#include <ostream>

#include "commands.h"
#include "repere/lti/registry.h"
#include "repere/lti/scores.h"

namespace repere::app {

namespace {

Status add_platform(catalog::Database& db, const LtiCommandOptions& o, std::ostream& out) {
  lti::Platform p;
  p.issuer = o.issuer;
  p.client_id = o.client_id;
  p.name = o.name;
  p.auth_url = o.auth_url;
  p.token_url = o.token_url;
  p.jwks_url = o.jwks_url;
  p.deployments = o.deployments;
  REPERE_ASSIGN_OR_RETURN(const lti::Platform stored, lti::PlatformStore(db).put(p));
  out << "Platform " << stored.id << " « " << (stored.name.empty() ? stored.issuer : stored.name)
      << " » registered: issuer " << stored.issuer << ", client id " << stored.client_id << ", "
      << stored.deployments.size() << " deployment(s)\n";
  return Status::ok();
}

Status list_platforms(catalog::Database& db, std::ostream& out) {
  REPERE_ASSIGN_OR_RETURN(const auto all, lti::PlatformStore(db).list());
  if (all.empty()) out << "No LTI platform is registered (repere lti add-platform).\n";
  for (const lti::Platform& p : all) {
    out << p.id << "\t" << (p.name.empty() ? p.issuer : p.name) << "\n  issuer     " << p.issuer
        << "\n  client id  " << p.client_id << "\n  auth URL   " << p.auth_url << "\n  token URL  "
        << (p.token_url.empty() ? "(none: no grades)" : p.token_url) << "\n  JWKS URL   "
        << p.jwks_url << "\n  deployments";
    for (const std::string& d : p.deployments) out << " " << d;
    out << "\n";
  }
  return Status::ok();
}

Status tool_addresses(const LtiCommandOptions& o, catalog::Database& db, std::ostream& out) {
  REPERE_ASSIGN_OR_RETURN(const Config config, load_config({.data_dir = o.common.data_dir,
                                                            .env = repere_environment(),
                                                            .overrides = o.common.settings}));
  const std::string base =
      config.web_public_url.empty() ? std::string("http://localhost:8080") : config.web_public_url;
  REPERE_ASSIGN_OR_RETURN(const lti::KeyPair key, lti::ToolKeys(db).current(lti::unix_now()));
  out << "Tool URL / redirection URI:  " << base << "/lti/launch\n"
      << "Initiate login URL:          " << base << "/lti/login\n"
      << "Deep linking URL:            " << base << "/lti/launch\n"
      << "Public keyset URL:           " << base << "/lti/jwks.json\n"
      << "Signing key id (kid):        " << key.kid << "\n";
  if (config.web_public_url.empty())
    out << "(web.public_url is not set: set it to the address platforms reach Repère at)\n";
  return Status::ok();
}

Status send_scores(catalog::Database& db, std::ostream& out) {
  const std::int64_t now = lti::unix_now();
  REPERE_ASSIGN_OR_RETURN(const lti::KeyPair key, lti::ToolKeys(db).current(now));
  REPERE_ASSIGN_OR_RETURN(const lti::SendReport r, lti::send_scores(db, key, now, lti::http_post));
  for (const std::string& e : r.errors) out << "kept to send again: " << e << "\n";
  REPERE_ASSIGN_OR_RETURN(const lti::QueueState q, lti::score_queue(db));
  out << r.sent << " score(s) sent now; " << q.waiting << " waiting, " << q.sent
      << " sent in all\n";
  return Status::ok();
}

Status lti_command(const LtiCommandOptions& o, std::ostream& out) {
  REPERE_ASSIGN_OR_RETURN(auto db, open_library(DataDir{o.common.data_dir}));
  if (o.action == "add") return add_platform(*db, o, out);
  if (o.action == "list") return list_platforms(*db, out);
  if (o.action == "remove") {
    REPERE_RETURN_IF_ERROR(lti::PlatformStore(*db).remove(o.id));
    out << "Platform " << o.id << " removed: its launches are refused from now on\n";
    return Status::ok();
  }
  if (o.action == "rotate-key") {
    REPERE_ASSIGN_OR_RETURN(const lti::KeyPair key, lti::ToolKeys(*db).rotate(lti::unix_now()));
    out << "New signing key " << key.kid
        << "; the previous one stays in /lti/jwks.json for a day\n";
    return Status::ok();
  }
  if (o.action == "tool") return tool_addresses(o, *db, out);
  return send_scores(*db, out);
}

}  // namespace

int run_lti(const LtiCommandOptions& options, Io io) {
  const Status s = lti_command(options, io.out);
  if (s.is_ok()) return kExitOk;
  io.err << "repere lti " << options.action << ": " << s.message() << "\n";
  return s.code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailure;
}

}  // namespace repere::app
