// HTTP requests and responses as the handlers see them. The server that reads and writes them
// is http_server.h; the route table is server.cpp. Internal to src/web.
#pragma once

#include <cstdint>
#include <filesystem>
#include <istream>
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <string_view>

namespace repere::web {
struct Viewer;  // access.h
}  // namespace repere::web

namespace repere::web::http {

// Header names compare without case (RFC 9110).
struct CaseLess {
  bool operator()(std::string_view a, std::string_view b) const;
  using is_transparent = void;
};
using Headers = std::multimap<std::string, std::string, CaseLess>;
using Params = std::multimap<std::string, std::string>;

struct Request {
  std::string method;  // "GET", "HEAD", "POST", "PUT", "DELETE"
  std::string target;  // as sent: "/recherche?q=l%27ADN"
  std::string path;    // percent-decoded, without the query string
  Params params;       // the query string's, then a urlencoded form body's, decoded
  Headers headers;
  std::string body;                // at most HttpOptions::max_body_bytes
  std::smatch matches;             // the route pattern's groups, matched against `path`
  std::string remote_addr;         // the client's address (X-Forwarded-For from a trusted proxy)
  bool secure = false;             // reached over HTTPS (a trusted proxy's X-Forwarded-Proto)
  const Viewer* viewer = nullptr;  // who is asking (set by the server before the handler)
  // The body, when HttpOptions::body_file sent it to a file (`body` is then empty).
  std::filesystem::path body_file;

  bool has_param(const std::string& name) const;
  // The i-th value of a parameter, "" when it has fewer.
  std::string get_param_value(const std::string& name, std::size_t i = 0) const;
  std::size_t get_param_value_count(const std::string& name) const;
  bool has_header(const std::string& name) const;
  // The first value of a header, "" when absent.
  std::string get_header_value(const std::string& name) const;
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  // A body read when the answer is written (media files, packages): `stream_size` bytes from
  // the stream's start. Range requests are answered from it (206, or 416 past its end).
  std::shared_ptr<std::istream> stream;
  std::uint64_t stream_size = 0;

  // Replaces the header's values. CR, LF and NUL are removed from both: a value can never
  // start another header.
  void set_header(const std::string& name, const std::string& value);
  // Adds one more value (Set-Cookie).
  void add_header(const std::string& name, const std::string& value);
  bool has_header(const std::string& name) const;
  std::string get_header_value(const std::string& name) const;
  void set_content(std::string content, const std::string& type);
  void set_stream(std::shared_ptr<std::istream> in, std::uint64_t size, const std::string& type);
};

// Percent-decoding; `plus_is_space` for query strings and forms. Bad escapes are kept as sent.
std::string decode(std::string_view s, bool plus_is_space);
// "a=1&b=x+y" into `out`, decoded.
void parse_query(std::string_view query, Params& out);
// The reason phrase of a status ("Not Found").
const char* reason_phrase(int status);

}  // namespace repere::web::http
