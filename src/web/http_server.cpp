// The event loop (one thread, the one that calls serve()) reads each request whole, within its
// deadlines and limits, before a worker sees it; it also writes every answer, a chunk at a time
// for streams. A connection is therefore never waiting on a worker, nor a worker on a client.
#include "http_server.h"

// Before Asio, whose awaitable.hpp uses std::exchange without including it.
#include <utility>

#include <sys/resource.h>
#include <zlib.h>

#include <atomic>
#include <limits>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstring>
#include <ctime>
#include <map>
#include <mutex>
#include <optional>

namespace repere::web::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

class Connection;

struct HttpServer::Impl {
  HttpOptions options;
  Handler handler;
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  asio::steady_timer retry{io};  // accept again after running out of descriptors
  std::optional<asio::thread_pool> workers;
  int port = 0;
  bool stopping = false;  // read and written on the event loop only
  std::mutex mutex;       // guards what follows: connections end on any thread
  std::map<std::string, std::size_t> per_address;
  std::size_t open = 0;
  std::map<Connection*, std::weak_ptr<Connection>> connections;

  void accept();
  void refuse(tcp::socket socket, const char* why);
  void release(const std::string& address, Connection* c);
  bool trusted(const std::string& address) const;
};

namespace {

std::string http_date() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char out[40];
  std::strftime(out, sizeof out, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return out;
}

bool compressible(const std::string& type) {
  return type.starts_with("text/") || type.starts_with("application/json") ||
         type.starts_with("application/problem+json") ||
         type.find("javascript") != std::string::npos || type.find("xml") != std::string::npos ||
         type == "font/otf";  // the reading view's font: 41 KB, 30 KB compressed
}

// gzip of `in`; empty if zlib fails (the answer then goes uncompressed).
std::string gzip(const std::string& in) {
  z_stream z{};
  if (deflateInit2(&z, 5, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out(deflateBound(&z, static_cast<uLong>(in.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return rc == Z_STREAM_END ? out : std::string();
}

void maybe_compress(const Request& req, Response& res) {
  if (res.stream || res.body.size() < 1024 || res.has_header("Content-Encoding")) return;
  if (!compressible(res.get_header_value("Content-Type"))) return;
  if (req.get_header_value("Accept-Encoding").find("gzip") == std::string::npos) return;
  std::string zipped = gzip(res.body);
  if (zipped.empty() || zipped.size() >= res.body.size()) return;
  res.body = std::move(zipped);
  res.set_header("Content-Encoding", "gzip");
  res.set_header("Vary", "Accept-Encoding");
}

// The one range of "bytes=A-B", "bytes=A-" or "bytes=-N" over `size` bytes. nullopt: no
// Range header, or one this server answers whole (several ranges). {0, 0} with *bad: past
// the end.
struct Span {
  std::uint64_t first = 0, length = 0;
};
std::optional<Span> parse_range(const std::string& header, std::uint64_t size, bool* bad) {
  *bad = false;
  if (!header.starts_with("bytes=") || header.find(',') != std::string::npos) return std::nullopt;
  const std::string spec = header.substr(6);
  const std::size_t dash = spec.find('-');
  if (dash == std::string::npos) return std::nullopt;
  const std::string a = spec.substr(0, dash), b = spec.substr(dash + 1);
  auto number = [](const std::string& s, std::uint64_t* n) {
    if (s.empty() || s.size() > 19 || s.find_first_not_of("0123456789") != std::string::npos)
      return false;
    *n = std::stoull(s);
    return true;
  };
  std::uint64_t first = 0, last = 0;
  if (a.empty()) {  // the last N bytes
    if (!number(b, &last) || last == 0 || size == 0) return *bad = true, Span{};
    const std::uint64_t n = std::min(last, size);
    return Span{size - n, n};
  }
  if (!number(a, &first)) return std::nullopt;
  if (first >= size) return *bad = true, Span{};
  if (b.empty()) return Span{first, size - first};
  if (!number(b, &last) || last < first) return std::nullopt;
  return Span{first, std::min(last, size - 1) - first + 1};
}

}  // namespace

// One client connection, from its first byte to its close. Every member function runs on the
// event loop, except that the handler runs on a worker.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(HttpServer::Impl& server, tcp::socket socket, std::string address, bool trusted)
      : server_(server),
        stream_(std::move(socket)),
        deadline_(stream_.get_executor()),
        buffer_(server.options.max_header_bytes + server.options.max_body_bytes + 64 * 1024),
        address_(std::move(address)),
        trusted_(trusted) {}
  ~Connection() { server_.release(address_, this); }

  void start() { wait_for_request(); }

  // Stopping: a connection between requests is closed now; one in a request finishes it.
  void close_if_idle() {
    if (idle_) stream_.cancel();
  }

 private:
  const HttpOptions& o() const { return server_.options; }

  // A deadline for the operations started next: when it passes they end (cancelled) with
  // timed_out_ set, and the socket stays open so that a 408 can still be written. (Beast's own
  // stream timeouts close the socket.)
  void arm(std::chrono::milliseconds d) {
    timed_out_ = false;
    deadline_.expires_after(d);
    deadline_.async_wait([weak = weak_from_this()](beast::error_code ec) {
      if (ec) return;  // re-armed or disarmed
      if (auto self = weak.lock()) {
        self->timed_out_ = true;
        beast::error_code ignored;
        self->stream_.socket().cancel(ignored);
      }
    });
  }
  void disarm() { deadline_.cancel(); }

  void wait_for_request() {
    idle_ = true;
    if (server_.stopping) return close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(o().max_header_bytes));
    // The body's limit is set once the headers say which request this is (an upload's is
    // larger); until then the largest (not boost::none: Beast 1.81 compares a Content-Length
    // with an empty optional as larger, and refuses every body).
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    if (buffer_.size() > 0) return read_header();  // pipelined: the next request is here
    arm(o().keep_alive_timeout);
    stream_.async_read_some(buffer_.prepare(8192),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              if (ec || n == 0) return self->close();
                              self->buffer_.commit(n);
                              self->read_header();
                            });
  }

  void read_header() {
    idle_ = false;
    arm(o().header_timeout);
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) return fail(413, body_too_large());
    if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow)
      return fail(431, "the request line and headers are over " +
                           std::to_string(o().max_header_bytes) + " bytes");
    if (ec && timed_out_)
      return fail(408, "the request's headers did not arrive within " +
                           std::to_string(o().header_timeout.count() / 1000) + " s");
    if (ec) return ended(ec) ? close() : fail(400, "this is not an HTTP/1.1 request");
    const auto& h = parser_->get();
    if (static_cast<std::size_t>(std::distance(h.begin(), h.end())) > o().max_header_count)
      return fail(
          431, "the request has over " + std::to_string(o().max_header_count) + " header fields");
    if (h.target().size() > o().max_target_bytes)
      return fail(
          414, "the request's target is over " + std::to_string(o().max_target_bytes) + " bytes");
    if (o().body_file && !parser_->is_done()) {
      Request head;
      fill_head(h, head);
      if (auto path = o().body_file(head)) return read_body_to_file(*path);
    }
    parser_->body_limit(o().max_body_bytes);
    if (const auto length = parser_->content_length(); length && *length > o().max_body_bytes)
      return fail(413, body_too_large());
    if (!parser_->is_done() && beast::iequals(h[bhttp::field::expect], "100-continue"))
      return continue_then([self = shared_from_this()] { self->read_body(); });
    read_body();
  }

  // Answers « 100 Continue » to a client that waits for it, then reads its body with `read`.
  template <typename Read>
  void continue_then(Read read) {
    static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    arm(o().write_timeout);
    asio::async_write(stream_, asio::buffer(kContinue),
                      [self = shared_from_this(), read](beast::error_code e, std::size_t) {
                        if (e) return self->close();
                        read();
                      });
  }

  void read_body() {
    if (parser_->is_done()) return dispatch();
    arm(o().body_timeout);
    bhttp::async_read(
        stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
          if (ec == bhttp::error::body_limit) return self->fail(413, self->body_too_large());
          if (ec && self->timed_out_)
            return self->fail(408, "the request's body did not arrive within " +
                                       std::to_string(self->o().body_timeout.count() / 1000) +
                                       " s");
          if (ec)
            return ended(ec) ? self->close() : self->fail(400, "the request's body is not valid");
          self->dispatch();
        });
  }

  // An upload: the parser becomes one that writes the body into `path` as it arrives.
  void read_body_to_file(const std::filesystem::path& path) {
    file_parser_.emplace(std::move(*parser_));
    parser_.reset();
    file_parser_->body_limit(o().max_file_body_bytes);
    const auto too_large = [this] {
      return "the upload is over " + std::to_string(o().max_file_body_bytes >> 20) + " MiB";
    };
    if (const auto length = file_parser_->content_length();
        length && *length > o().max_file_body_bytes)
      return fail(413, too_large());
    beast::error_code ec;
    file_parser_->get().body().open(path.c_str(), beast::file_mode::write, ec);
    if (ec) return fail(500, "cannot store the upload");
    body_path_ = path;
    auto read = [self = shared_from_this(), too_large] {
      self->arm(self->o().file_body_timeout);
      bhttp::async_read(self->stream_, self->buffer_, *self->file_parser_,
                        [self, too_large](beast::error_code e, std::size_t) {
                          if (!e) return self->dispatch();
                          self->file_parser_.reset();  // closes the file
                          std::error_code ignored;
                          std::filesystem::remove(self->body_path_, ignored);
                          if (e == bhttp::error::body_limit) return self->fail(413, too_large());
                          if (self->timed_out_)
                            return self->fail(408, "the upload did not arrive in time");
                          return ended(e) ? self->close()
                                          : self->fail(400, "the upload is not valid");
                        });
    };
    if (beast::iequals(file_parser_->get()[bhttp::field::expect], "100-continue"))
      return continue_then(read);
    read();
  }

  std::string body_too_large() const {
    return "the request's body is over " + std::to_string(o().max_body_bytes) + " bytes";
  }

  static bool ended(beast::error_code ec) {
    return ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
           ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
           ec == bhttp::error::partial_message;
  }

  // The request, whole: a worker computes its answer, the loop writes it.
  void dispatch() {
    disarm();
    auto req = std::make_shared<Request>();
    if (file_parser_) {  // an upload: the file holds the body
      auto msg = file_parser_->release();
      file_parser_.reset();
      msg.body().close();
      keep_alive_ = msg.keep_alive();
      fill_head(msg, *req);
      req->body_file = body_path_;
    } else {
      fill(parser_->release(), *req);
    }
    keep_alive_ = keep_alive_ && !server_.stopping;
    busy_.emplace(server_.io.get_executor());
    // The worker hands its reference on to the loop: a connection is only ever destroyed there.
    asio::post(*server_.workers, [self = shared_from_this(), req]() mutable {
      auto res = std::make_shared<Response>();
      try {
        self->server_.handler(*req, *res);
      } catch (...) {
        *res = Response();
        res->status = 500;
        res->set_content("{\"status\":500,\"title\":\"Internal Server Error\"}",
                         "application/problem+json");
      }
      if (self->o().compress) maybe_compress(*req, *res);
      auto executor = self->stream_.get_executor();
      asio::post(executor, [self = std::move(self), req = std::move(req), res = std::move(res)] {
        self->write(*req, res);
      });
    });
  }

  // The request line and headers.
  template <typename Header>
  void fill_head(const Header& msg, Request& req) {
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    const std::size_t q = req.target.find('?');
    req.path = decode(std::string_view(req.target).substr(0, q), false);
    if (q != std::string::npos) parse_query(std::string_view(req.target).substr(q + 1), req.params);
    for (const auto& field : msg) {
      req.headers.emplace(std::string(field.name_string()), std::string(field.value()));
    }
    req.remote_addr = address_;
    if (trusted_) forwarded(req);
  }

  void fill(bhttp::request<bhttp::string_body>&& msg, Request& req) {
    keep_alive_ = msg.keep_alive();
    fill_head(msg, req);
    req.body = std::move(msg.body());
    if (req.get_header_value("Content-Type").starts_with("application/x-www-form-urlencoded"))
      parse_query(req.body, req.params);
  }

  // Behind a trusted proxy: the client is the last address the proxy added.
  static void forwarded(Request& req) {
    std::string chain = req.get_header_value("X-Forwarded-For");
    const std::size_t comma = chain.rfind(',');
    std::string last = comma == std::string::npos ? chain : chain.substr(comma + 1);
    last.erase(0, last.find_first_not_of(' '));
    last.erase(last.find_last_not_of(' ') + 1);
    beast::error_code ec;
    const auto address = asio::ip::make_address(last, ec);
    if (!ec) req.remote_addr = address.to_string();
    req.secure = beast::iequals(req.get_header_value("X-Forwarded-Proto"), "https");
  }

  void write(const Request& req, std::shared_ptr<Response> res) {
    res_ = std::move(res);
    Response& r = *res_;
    offset_ = 0;
    remaining_ = 0;
    if (r.stream) {
      r.set_header("Accept-Ranges", "bytes");
      bool bad = false;
      const auto span = r.status == 200
                            ? parse_range(req.get_header_value("Range"), r.stream_size, &bad)
                            : std::nullopt;
      const std::string size = std::to_string(r.stream_size);
      if (bad) {
        r.status = 416;
        r.set_header("Content-Range", "bytes */" + size);
        r.stream.reset();
      } else if (span) {
        r.status = 206;
        r.set_header("Content-Range", "bytes " + std::to_string(span->first) + "-" +
                                          std::to_string(span->first + span->length - 1) + "/" +
                                          size);
        offset_ = span->first;
        remaining_ = span->length;
      } else {
        remaining_ = r.stream_size;
      }
    }
    const bool no_body = r.status == 204 || r.status == 304 || (r.status >= 100 && r.status < 200);
    const std::uint64_t length = r.stream ? remaining_ : r.body.size();
    head_ = "HTTP/1.1 " + std::to_string(r.status) + " " + reason_phrase(r.status) + "\r\n";
    for (const auto& [name, value] : r.headers) head_ += name + ": " + value + "\r\n";
    if (!no_body) head_ += "Content-Length: " + std::to_string(length) + "\r\n";
    head_ += "Date: " + http_date() + "\r\n";
    head_ += keep_alive_ ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
    if (req.method == "HEAD" || no_body) {
      r.body.clear();
      remaining_ = 0;
    }
    std::vector<asio::const_buffer> out{asio::buffer(head_)};
    if (!r.stream && !r.body.empty()) out.push_back(asio::buffer(r.body));
    arm(o().write_timeout);
    asio::async_write(stream_, out, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->close();
      self->write_stream();
    });
  }

  // The stream's bytes, 64 KiB at a time; each chunk has its own write deadline.
  void write_stream() {
    if (remaining_ == 0 || !res_->stream) return next();
    std::istream& in = *res_->stream;
    chunk_.resize(static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, 64 * 1024)));
    in.clear();
    in.seekg(static_cast<std::streamoff>(offset_));
    in.read(chunk_.data(), static_cast<std::streamsize>(chunk_.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got == 0) return close();  // the file shrank: the client sees a short answer
    chunk_.resize(got);
    offset_ += got;
    remaining_ -= got;
    arm(o().write_timeout);
    asio::async_write(stream_, asio::buffer(chunk_),
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec) return self->close();
                        self->write_stream();
                      });
  }

  void next() {
    res_.reset();
    busy_.reset();
    if (!keep_alive_) return close();
    wait_for_request();
  }

  // An answer to a request that cannot be read (too large, too slow, not HTTP), then the
  // connection's end. What the client still sends is read and dropped for a moment, so that
  // it sees the answer rather than a reset.
  void fail(int status, const std::string& detail) {
    if (o().refused) o().refused(address_, status, detail);
    std::string body =
        "{\"type\":\"about:blank\",\"title\":\"" + std::string(reason_phrase(status)) +
        "\",\"status\":" + std::to_string(status) + ",\"detail\":\"" + detail + "\"}";
    head_ = "HTTP/1.1 " + std::to_string(status) + " " + reason_phrase(status) +
            "\r\nContent-Type: application/problem+json\r\nContent-Length: " +
            std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    arm(std::chrono::seconds(2));
    asio::async_write(stream_, asio::buffer(head_),
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec) return self->close();
                        beast::error_code ignored;
                        self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
                        self->drained_ = 0;
                        self->drain();
                      });
  }

  void drain() {
    chunk_.resize(64 * 1024);
    arm(std::chrono::seconds(1));
    stream_.async_read_some(asio::buffer(chunk_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > 4 * 1024 * 1024) return self->close();
                              self->drain();
                            });
  }

  void close() {
    disarm();
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
    busy_.reset();
  }

  HttpServer::Impl& server_;
  beast::tcp_stream stream_;
  asio::steady_timer deadline_;
  bool timed_out_ = false;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::request_parser<bhttp::file_body>> file_parser_;  // an upload
  std::filesystem::path body_path_;
  std::string address_;
  bool trusted_ = false;
  bool idle_ = true;
  bool keep_alive_ = false;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> busy_;
  std::shared_ptr<Response> res_;
  std::string head_;
  std::vector<char> chunk_;
  std::uint64_t offset_ = 0, remaining_ = 0, drained_ = 0;

  friend struct HttpServer::Impl;
};

void HttpServer::Impl::accept() {
  acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (!acceptor.is_open()) return;
    if (ec) {  // out of descriptors, most likely: breathe, then go on
      retry.expires_after(std::chrono::milliseconds(50));
      retry.async_wait([this](beast::error_code) { accept(); });
      return;
    }
    beast::error_code e;
    const std::string address = socket.remote_endpoint(e).address().to_string();
    const bool proxy = trusted(address);
    bool full = false;
    {
      const std::lock_guard lock(mutex);
      full = open >= options.max_connections ||
             (!proxy && per_address[address] >= options.max_connections_per_address);
      if (!full) {
        ++open;
        ++per_address[address];
      }
    }
    if (stopping) {
      socket.close(e);
    } else if (full) {
      if (options.refused) options.refused(address, 503, "too many connections");
      refuse(std::move(socket), "too many connections from this address; try again in a moment");
    } else {
      auto c = std::make_shared<Connection>(*this, std::move(socket), address, proxy);
      {
        const std::lock_guard lock(mutex);
        connections.emplace(c.get(), c);
      }
      c->start();
    }
    accept();
  });
}

// 503 to a connection over the caps, then its end; it never holds a slot.
void HttpServer::Impl::refuse(tcp::socket socket, const char* why) {
  auto s = std::make_shared<beast::tcp_stream>(std::move(socket));
  auto text = std::make_shared<std::string>(
      std::string("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Type: "
                  "text/plain; charset=utf-8\r\nConnection: close\r\nContent-Length: ") +
      std::to_string(std::strlen(why)) + "\r\n\r\n" + why);
  s->expires_after(std::chrono::seconds(1));
  asio::async_write(*s, asio::buffer(*text), [s, text](beast::error_code, std::size_t) {
    beast::error_code ignored;
    s->socket().shutdown(tcp::socket::shutdown_both, ignored);
    s->close();
  });
}

void HttpServer::Impl::release(const std::string& address, Connection* c) {
  const std::lock_guard lock(mutex);
  connections.erase(c);
  --open;
  const auto found = per_address.find(address);
  if (found != per_address.end() && --found->second == 0) per_address.erase(found);
}

bool HttpServer::Impl::trusted(const std::string& address) const {
  for (const std::string& p : options.trusted_proxies) {
    if (p == address) return true;
  }
  return false;
}

HttpServer::HttpServer(HttpOptions options, Handler handler) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->handler = std::move(handler);
}

HttpServer::~HttpServer() {
  if (impl_->workers) impl_->workers->join();
}

namespace {

// Each connection is a descriptor: the usual soft limit of 1,024 would refuse a crowd.
void raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

}  // namespace

Status HttpServer::bind() {
  raise_descriptor_limit();
  Impl& s = *impl_;
  const std::string where = s.options.host + ":" + std::to_string(s.options.port);
  beast::error_code ec;
  tcp::resolver resolver(s.io);
  const auto found = resolver.resolve(s.options.host, std::to_string(s.options.port),
                                      tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || found.empty())
    return Status::unavailable("cannot listen on " + where + ": " + ec.message());
  const tcp::endpoint endpoint = found.begin()->endpoint();
  s.acceptor.open(endpoint.protocol(), ec);
  // SO_REUSEADDR (restart at once after a stop), never SO_REUSEPORT: a second server must
  // not share the port silently.
  if (!ec) s.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(endpoint, ec);
  if (!ec) s.acceptor.listen(4096, ec);
  if (ec) {
    s.acceptor.close();
    return Status::unavailable("cannot listen on " + where + ": is another server using it? " +
                               "(--port chooses another)");
  }
  s.port = s.acceptor.local_endpoint().port();
  return Status::ok();
}

int HttpServer::port() const { return impl_->port; }

Status HttpServer::serve() {
  Impl& s = *impl_;
  if (!s.acceptor.is_open()) return Status::invalid_argument("serve() before bind()");
  s.workers.emplace(static_cast<std::size_t>(std::max(1, s.options.workers)));
  s.accept();
  s.io.run();
  s.workers->join();
  return Status::ok();
}

void HttpServer::stop() {
  Impl& s = *impl_;
  asio::post(s.io, [&s] {
    s.stopping = true;
    beast::error_code ignored;
    s.acceptor.close(ignored);
    s.retry.cancel();
    std::vector<std::shared_ptr<Connection>> all;
    {
      const std::lock_guard lock(s.mutex);
      for (const auto& [raw, weak] : s.connections) {
        if (auto c = weak.lock()) all.push_back(std::move(c));
      }
    }
    for (const auto& c : all) c->close_if_idle();
  });
}

}  // namespace repere::web::http
