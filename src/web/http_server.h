// An HTTP/1.1 server that one client cannot stop: connections are read and written by one
// event loop (Boost.Beast on Asio), so a slow or idle client holds a few kilobytes, not a
// thread; complete requests go to a pool of worker threads. Internal to src/web.
//
// Why not cpp-httplib (used before): it gives each connection a pool thread for as long as
// the connection lives and its timeouts are per recv(), so eight clients sending one byte every
// few seconds stopped the server, and it bounded neither chunked bodies nor the header count.
//
// Thread safety: create, bind and serve from one thread; stop() from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "http.h"
#include "repere/core/status.h"

namespace repere::web::http {

struct HttpOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                           // 0: any free port (see port())
  int workers = 8;                           // threads that run the handlers
  std::size_t max_body_bytes = 64 * 1024;    // also as chunks arrive
  std::size_t max_header_bytes = 32 * 1024;  // request line and header fields, all together
  std::size_t max_header_count = 100;        // header fields
  std::size_t max_target_bytes = 8 * 1024;   // the request line's target
  // Deadlines for a whole phase, not for each read: an idle keep-alive connection, then the
  // request line and headers (from the request's first byte), then the body, then each chunk
  // of the answer written.
  std::chrono::milliseconds keep_alive_timeout{5000};
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds body_timeout{30000};
  std::chrono::milliseconds write_timeout{30000};
  std::size_t max_connections = 4000;
  // Per client address; a school behind one address needs many (30 pupils × 6 connections).
  std::size_t max_connections_per_address = 256;
  // Addresses of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed,
  // and which no per-address cap applies to. Others' such headers are ignored.
  std::vector<std::string> trusted_proxies;
  // Answers of text types over 1 KiB are gzip-compressed for clients that accept it.
  bool compress = true;
  // Requests whose body goes to a file, not to memory (uploads): called on the event loop with
  // the request line and headers (no body yet, no viewer); a path makes the body stream into
  // that file, up to max_file_body_bytes within file_body_timeout, and the handler finds it in
  // Request::body_file (and removes it). nullopt: the usual limits. May be null.
  std::function<std::optional<std::filesystem::path>(const Request&)> body_file;
  std::uint64_t max_file_body_bytes = std::uint64_t{4} << 30;
  std::chrono::milliseconds file_body_timeout{std::chrono::hours(2)};
  // Told of each request refused before a handler saw it (408, 413, 414, 431, 503): the
  // client's address, the status and why. Called on the event loop; may be null.
  std::function<void(const std::string& address, int status, const std::string& why)> refused;
};

// Called on a worker thread for each complete request. The request is the server's until the
// handler returns; the response is written after.
using Handler = std::function<void(Request&, Response&)>;

class HttpServer {
 public:
  HttpServer(HttpOptions options, Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Errors: unavailable naming the address when it cannot be bound.
  Status bind();
  int port() const;
  // Serves until stop(); answers being computed are written before it returns.
  Status serve();
  void stop();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace repere::web::http
