#include "http.h"

#include <algorithm>
#include <cctype>

namespace repere::web::http {

bool CaseLess::operator()(std::string_view a, std::string_view b) const {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) <
           std::tolower(static_cast<unsigned char>(y));
  });
}

bool Request::has_param(const std::string& name) const { return params.contains(name); }

std::string Request::get_param_value(const std::string& name, std::size_t i) const {
  auto [first, last] = params.equal_range(name);
  for (; first != last; ++first, --i) {
    if (i == 0) return first->second;
  }
  return {};
}

std::size_t Request::get_param_value_count(const std::string& name) const {
  return params.count(name);
}

bool Request::has_header(const std::string& name) const { return headers.contains(name); }

std::string Request::get_header_value(const std::string& name) const {
  const auto found = headers.find(name);
  return found == headers.end() ? std::string() : found->second;
}

namespace {

std::string clean(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    if (c != '\r' && c != '\n' && c != '\0') out += c;
  }
  return out;
}

}  // namespace

void Response::set_header(const std::string& name, const std::string& value) {
  headers.erase(name);
  add_header(name, value);
}

void Response::add_header(const std::string& name, const std::string& value) {
  headers.emplace(clean(name), clean(value));
}

bool Response::has_header(const std::string& name) const { return headers.contains(name); }

std::string Response::get_header_value(const std::string& name) const {
  const auto found = headers.find(name);
  return found == headers.end() ? std::string() : found->second;
}

void Response::set_content(std::string content, const std::string& type) {
  body = std::move(content);
  stream.reset();
  stream_size = 0;
  set_header("Content-Type", type);
}

void Response::set_stream(std::shared_ptr<std::istream> in, std::uint64_t size,
                          const std::string& type) {
  body.clear();
  stream = std::move(in);
  stream_size = size;
  set_header("Content-Type", type);
}

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%' && i + 2 < s.size()) {
      const int hi = hex_value(s[i + 1]);
      const int lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += plus_is_space && c == '+' ? ' ' : c;
  }
  return out;
}

void parse_query(std::string_view query, Params& out) {
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    const std::string key = decode(pair.substr(0, eq), true);
    if (key.empty()) continue;
    out.emplace(key,
                eq == std::string_view::npos ? std::string() : decode(pair.substr(eq + 1), true));
  }
}

const char* reason_phrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return status >= 500 ? "Internal Server Error" : "Error";
  }
}

}  // namespace repere::web::http
