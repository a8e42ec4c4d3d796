// The HTTP server: the JSON API under /api/v1, the server-rendered French pages and their
// static files, over one data folder (an event loop that reads and writes every connection,
// and a pool of worker threads that compute the answers: see src/web/http_server.h).
// Thread safety: a Server is started and stopped from one thread; stop() may be called from
// another (a signal watcher) while serve() runs.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "repere/answer/generate.h"
#include "repere/core/data_dir.h"
#include "repere/core/result.h"
#include "repere/ingest/pipeline.h"
#include "repere/search/search.h"

namespace repere::web {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                            // 0: any free port (see Server::port())
  int threads = 0;                            // workers that compute answers; 0: 8
  std::size_t max_request_bytes = 64 * 1024;  // a request's body, chunked or not
  int timeout_seconds = 30;                   // to read a request's body; to write each chunk
  int header_timeout_seconds = 10;            // to read a request line and its headers
  int keep_alive_seconds = 5;                 // an idle connection between requests
  // Connections from one address (a school's NAT holds many pupils: keep it generous).
  std::size_t max_connections_per_address = 256;
  // Reverse proxies (their addresses, "127.0.0.1") whose X-Forwarded-For and
  // X-Forwarded-Proto are believed; nobody else's are.
  std::vector<std::string> trusted_proxies;
  // Origins ("https://ent.example.fr", "https://*.example.org") that may frame the pupil and
  // reading pages (web.frame_ancestors); staff pages (sign-in, management, the editor) never
  // are. Empty: no page may be framed.
  std::vector<std::string> frame_ancestors;
  // The address people reach Repère at, "https://mediatheque.example.fr": links to copy and
  // xAPI identifiers are made from it, never from the request's Host header. Empty:
  // "http://localhost:PORT".
  std::string public_url;
  // The OAI-PMH endpoint /oai: its name, its administrator's address (oai.admin_email; empty:
  // webmaster@HOST) and how many records an answer carries before its resumption token.
  std::string oai_repository_name = "Repère";
  std::string oai_admin_email;
  int oai_page_size = 100;
  // Partners' OAI-PMH endpoints harvested by serve() (oai.partners: "URL" or "URL PREFIX"),
  // a few seconds after it starts and then every `oai_harvest_minutes`; a partner that fails is
  // tried again sooner (5 min, doubling, up to the period).
  std::vector<std::string> oai_partners;
  int oai_harvest_minutes = 1440;
  // Class-code look-ups and joins allowed per client address per minute (then 429).
  int code_attempts_per_minute = 30;
  search::SearcherOptions search;
  // One line per request: "127.0.0.1 GET /recherche?q=… 200 5123 B 4.2 ms"; null: none.
  std::function<void(const std::string&)> access_log;
  // A Learning Record Store (its xAPI endpoint, "https://lrs.example.org/xapi") that receives
  // the statements kept in the catalog, in batches, from a thread of serve(); empty: none. An
  // LRS that is down is tried again later (up to a minute apart); nothing is lost meanwhile.
  std::string lrs_endpoint, lrs_username, lrs_password;
  // Staff sessions end after this many minutes without a request (auth.session_idle_minutes).
  int session_idle_minutes = 120;
  // The session cookie's Secure flag: "auto" (when the request came over HTTPS), "always",
  // "never" (web.secure_cookies).
  std::string secure_cookies = "auto";
  // Uploads from the browser (/gestion/depot): their size limit (web.max_upload_bytes), and
  // how their files are ingested (the configuration's OCR, speech and ingest settings).
  std::uint64_t max_upload_bytes = std::uint64_t{4} << 30;
  ingest::IngestOptions ingest;
  // Frugality (serve.heavy_hours): "HH:MM-HH:MM", local time, when uploads are read; an upload
  // sent outside waits for the window. "": any time.
  std::string heavy_hours;
  // An operator's chat endpoint that rephrases answers from their passages (answers.generation_*);
  // an empty base_url (the default): answers are the library's own sentences.
  answer::GenerationOptions generation;
  // Problems worth an operator's eye (the LRS refusing statements); null: none.
  std::function<void(const std::string&)> warn;
};

class Server {
 public:
  // Errors: not_found when `dir` holds no catalog (`repere init`); invalid_argument for an
  // lrs_endpoint or a generation endpoint that is not an http(s) URL, or a generation endpoint
  // without its model.
  static Result<std::unique_ptr<Server>> create(const DataDir& dir, const ServerOptions& options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the address. Errors: unavailable naming the address when it cannot be bound.
  Status bind();
  int port() const;
  // Serves until stop(); requests in flight finish first.
  Status serve();
  void stop();

  struct Impl;  // the server's state, defined in server.cpp

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The HTTP status of a Status code: the one table between the two.
int http_status(StatusCode code);

}  // namespace repere::web
