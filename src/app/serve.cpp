// repere serve: the web server over a data folder, until SIGINT or SIGTERM (requests in flight
// finish first).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <regex>
#include <sstream>
#include <thread>

#include "commands.h"
#include "repere/core/hours.h"
#include "repere/web/server.h"

namespace repere::app {
namespace {

std::atomic<bool> g_serve_stop{false};
extern "C" void on_serve_signal(int) { g_serve_stop = true; }

// web.* settings into the server's options. Errors: invalid_argument naming the setting.
Status web_settings(const Config& config, web::ServerOptions& o) {
  o.public_url = config.web_public_url;
  if (!o.public_url.empty() && !o.public_url.starts_with("http://") &&
      !o.public_url.starts_with("https://")) {
    return Status::invalid_argument("web.public_url must start with http:// or https:// (it is '" +
                                    o.public_url + "')");
  }
  std::string list = config.web_trusted_proxies;
  for (std::size_t start = 0; start < list.size();) {
    std::size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    std::string one = list.substr(start, comma - start);
    one.erase(0, one.find_first_not_of(' '));
    one.erase(one.find_last_not_of(' ') + 1);
    if (!one.empty()) o.trusted_proxies.push_back(one);
    start = comma + 1;
  }
  // Origins that may frame pages: scheme, host (a leading "*." allowed) and port, nothing else,
  // since each goes into a Content-Security-Policy header as it is.
  static const std::regex kOrigin(
      R"(https?://(\*\.)?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?)");
  std::string origins = config.web_frame_ancestors;
  std::replace(origins.begin(), origins.end(), ',', ' ');
  std::istringstream words(origins);
  for (std::string origin; words >> origin;) {
    if (!origin.empty() && origin.back() == '/') origin.pop_back();
    if (!std::regex_match(origin, kOrigin)) {
      return Status::invalid_argument("web.frame_ancestors: '" + origin.substr(0, 100) +
                                      "' is not an origin such as https://ent.example.fr");
    }
    o.frame_ancestors.push_back(origin);
  }
  char* end = nullptr;
  const long cap = std::strtol(config.web_max_connections_per_address.c_str(), &end, 10);
  if (config.web_max_connections_per_address.empty() || *end != '\0' || cap < 1 || cap > 100000) {
    return Status::invalid_argument(
        "web.max_connections_per_address must be a whole number from 1 to 100000");
  }
  o.max_connections_per_address = static_cast<std::size_t>(cap);
  const long idle = std::strtol(config.auth_session_idle_minutes.c_str(), &end, 10);
  if (config.auth_session_idle_minutes.empty() || *end != '\0' || idle < 5 || idle > 1440) {
    return Status::invalid_argument(
        "auth.session_idle_minutes must be a whole number from 5 to 1440");
  }
  o.session_idle_minutes = static_cast<int>(idle);
  const unsigned long long upload = std::strtoull(config.web_max_upload_bytes.c_str(), &end, 10);
  if (config.web_max_upload_bytes.empty() || *end != '\0' || upload < 1024 * 1024)
    return Status::invalid_argument(
        "web.max_upload_bytes must be a number of bytes, 1048576 or more");
  o.max_upload_bytes = upload;
  o.oai_repository_name = config.oai_repository_name;
  o.oai_admin_email = config.oai_admin_email;
  const long page = std::strtol(config.oai_page_size.c_str(), &end, 10);
  if (config.oai_page_size.empty() || *end != '\0' || page < 1 || page > 1000)
    return Status::invalid_argument("oai.page_size must be a number from 1 to 1000 (it is '" +
                                    config.oai_page_size + "')");
  o.oai_page_size = static_cast<int>(page);
  const long every = std::strtol(config.oai_harvest_minutes.c_str(), &end, 10);
  if (config.oai_harvest_minutes.empty() || *end != '\0' || every < 1 || every > 525600)
    return Status::invalid_argument(
        "oai.harvest_minutes must be a number from 1 to 525600 (it is '" +
        config.oai_harvest_minutes + "')");
  o.oai_harvest_minutes = static_cast<int>(every);
  for (std::size_t start = 0; start < config.oai_partners.size();) {
    std::size_t comma = config.oai_partners.find(',', start);
    if (comma == std::string::npos) comma = config.oai_partners.size();
    std::string one = config.oai_partners.substr(start, comma - start);
    one.erase(0, one.find_first_not_of(' '));
    one.erase(one.find_last_not_of(' ') + 1);
    start = comma + 1;
    if (one.empty()) continue;
    if (!one.starts_with("http://") && !one.starts_with("https://"))
      return Status::invalid_argument(
          "oai.partners: each partner is \"URL\" or \"URL PREFIX\" with "
          "an http:// or https:// URL (not '" +
          one + "')");
    const std::string prefix =
        one.find(' ') == std::string::npos ? "repere" : one.substr(one.find_last_of(' ') + 1);
    if (prefix != "repere" && prefix != "lom" && prefix != "oai_dc")
      return Status::invalid_argument("oai.partners: the format of '" + one +
                                      "' must be repere, lom or oai_dc");
    o.oai_partners.push_back(one);
  }
  o.ingest = ingest_settings(config);
  o.secure_cookies = config.web_secure_cookies;
  REPERE_RETURN_IF_ERROR(parse_hours(config.serve_heavy_hours, "serve.heavy_hours").status());
  o.heavy_hours = config.serve_heavy_hours;
  o.generation.base_url = config.answers_generation_endpoint;
  o.generation.model = config.answers_generation_model;
  o.generation.api_key = config.answers_generation_key;
  const long wait = std::strtol(config.answers_generation_timeout_seconds.c_str(), &end, 10);
  if (config.answers_generation_timeout_seconds.empty() || *end != '\0' || wait < 1 || wait > 300)
    return Status::invalid_argument(
        "answers.generation_timeout_seconds must be a number from 1 to 300 (it is '" +
        config.answers_generation_timeout_seconds + "')");
  o.generation.timeout_seconds = static_cast<int>(wait);
  return Status::ok();
}

}  // namespace

int run_serve(const ServeCommandOptions& options, Io io) {
  const auto config = load_config({.data_dir = options.common.data_dir,
                                   .env = repere_environment(),
                                   .overrides = options.common.settings});
  if (!config.is_ok()) {
    io.err << "repere serve: " << config.status().message() << "\n";
    return kExitFailure;
  }
  std::mutex log_mutex;
  web::ServerOptions server_options{.host = options.host,
                                    .port = options.port,
                                    .threads = options.threads,
                                    .search = searcher_options(*config)};
  server_options.lrs_endpoint = config->xapi_lrs_endpoint;
  server_options.lrs_username = config->xapi_lrs_username;
  server_options.lrs_password = config->xapi_lrs_password;
  if (const Status web = web_settings(*config, server_options); !web.is_ok()) {
    io.err << "repere serve: " << web.message() << "\n";
    return kExitFailure;
  }
  server_options.warn = [&io, &log_mutex](const std::string& line) {
    const std::lock_guard lock(log_mutex);
    io.err << "repere serve: " << line << "\n";
    io.err.flush();
  };
  server_options.access_log = [&io, &log_mutex](const std::string& line) {
    const std::lock_guard lock(log_mutex);
    io.err << line << "\n";
    io.err.flush();
  };
  auto server = web::Server::create(DataDir{options.common.data_dir}, server_options);
  if (!server.is_ok()) {
    io.err << "repere serve: " << server.status().message() << "\n";
    return kExitFailure;
  }
  if (const Status bound = (*server)->bind(); !bound.is_ok()) {
    io.err << "repere serve: " << bound.message() << "\n";
    return kExitFailure;
  }
  std::signal(SIGINT, on_serve_signal);
  std::signal(SIGTERM, on_serve_signal);
  // A signal only sets a flag; this thread stops the server, which lets requests finish.
  std::thread watcher([&server] {
    while (!g_serve_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    (*server)->stop();
  });
  const bool local = options.host == "0.0.0.0" || options.host == "127.0.0.1";
  const std::string host = local ? "localhost" : options.host;
  io.out << "Repère serves " << options.common.data_dir.string() << " on http://" << host << ":"
         << (*server)->port() << "/ (Ctrl+C stops it)\n";
  io.out.flush();
  const Status served = (*server)->serve();
  g_serve_stop = true;
  watcher.join();
  if (!served.is_ok()) {
    io.err << "repere serve: " << served.message() << "\n";
    return kExitFailure;
  }
  io.out << "Stopped.\n";
  return kExitOk;
}

}  // namespace repere::app
