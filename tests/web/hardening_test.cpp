// One client must not be able to stop the server, fill its memory, or corrupt its logs and
// exports. One test per finding of the outside probe (the hardening issue's table), named after
// it, against a real server on 127.0.0.1 driven by raw sockets where an HTTP client would be
// too polite. Every loop is bounded in count and time; nothing is timed.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "repere/catalog/contents.h"
#include "repere/catalog/database.h"
#include "repere/catalog/texts.h"
#include "repere/index/library.h"
#include "repere/web/server.h"
#include "support/temp_dir.h"

namespace repere::web {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Raw sockets

// A TCP connection to 127.0.0.1:port from `source` (another loopback address is another
// client as far as per-address caps go). -1 on failure.
int connect_from(const char* source, int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in from{};
  from.sin_family = AF_INET;
  ::inet_pton(AF_INET, source, &from.sin_addr);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool send_all(int fd, const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

// What the server sends until it closes or `ms` pass without a byte.
std::string receive(int fd, int ms = 3000) {
  std::string out;
  char buf[16384];
  while (true) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, ms) <= 0) break;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

// The status of the first answer in `raw` ("HTTP/1.1 413 ..."), 0 if none.
int status_of(const std::string& raw) {
  if (raw.rfind("HTTP/1.1 ", 0) != 0 || raw.size() < 12) return 0;
  return std::atoi(raw.c_str() + 9);
}

int count_answers(const std::string& raw) {
  int n = 0;
  for (std::size_t at = raw.find("HTTP/1.1 "); at != std::string::npos;
       at = raw.find("HTTP/1.1 ", at + 1))
    ++n;
  return n;
}

// ---------------------------------------------------------------------------------------------
// A small library with an interactive video and a class, served on a free port.

class Hardening : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir;
    const DataDir data{dir_->path()};
    auto db = std::move(catalog::Database::open(data.catalog())).value();
    std::ofstream(dir_->path() / "cours.mp4", std::ios::binary) << std::string(5000, 'v');
    catalog::Content video;
    video.kind = catalog::ContentKind::kVideo;
    video.status = catalog::EditorialStatus::kPublished;
    video.title = "La photosynthèse";
    video.language = "fr";
    video.media_path = "cours.mp4";
    video.duration_ms = 90000;
    video.metadata_json = R"({"source_path":"/srv/fonds/secret/cours.mp4","year":2024})";
    video_ = *catalog::ContentRepository(*db).insert(video);
    catalog::Track track;
    track.content_id = video_;
    track.kind = catalog::TrackKind::kSubtitles;
    track.language = "fr";
    const auto track_id = *catalog::TrackRepository(*db).insert(track);
    std::vector<catalog::Passage> passages;
    const char* texts[] = {
        "La chlorophylle capte la lumière du soleil.",
        "Les feuilles fabriquent du glucose avec l'eau et le dioxyde de carbone.",
        "Le dioxygène est rejeté dans l'air par les stomates."};
    for (int i = 0; i < 3; ++i) {
      catalog::Passage p;
      p.track_id = track_id;
      p.seq = i;
      p.start_ms = i * 30000;
      p.end_ms = i * 30000 + 29000;
      p.language = "fr";
      p.text = texts[i];
      passages.push_back(p);
    }
    ASSERT_TRUE(catalog::PassageRepository(*db).replace_for_content(video_, passages).is_ok());
    std::atomic<bool> stop{false};
    ASSERT_TRUE(index::reindex(*db, data.index(), nullptr, stop).is_ok());

    ServerOptions options{.port = 0, .threads = 4};
    options.public_url = "https://mediatheque.example.fr/";
    options.access_log = [](const std::string& line) {
      const std::lock_guard lock(log_mutex_);
      log_ += line + "\n";
    };
    auto server = Server::create(data, options);
    ASSERT_TRUE(server.is_ok()) << server.status().to_string();
    server_ = server->release();
    ASSERT_TRUE(server_->bind().is_ok());
    thread_ = new std::thread([] { (void)server_->serve(); });
    MakeActivity();
  }
  static void TearDownTestSuite() {
    server_->stop();
    thread_->join();
    delete thread_;
    delete server_;
    delete dir_;
  }

  static void MakeActivity() {
    httplib::Client c("127.0.0.1", server_->port());
    const json activity = {
        {"content_id", video_},
        {"title", "La chlorophylle"},
        {"start_ms", 0},
        {"end_ms", 80000},
        {"interactions",
         {{{"type", "true_false"},
           {"at_ms", 20000},
           {"question", "Le glucose est un sucre."},
           {"answer_true", true}},
          {{"type", "open"}, {"at_ms", 40000}, {"question", "Que fait la chlorophylle ?"}}}}};
    auto made = c.Post("/api/v1/activities", activity.dump(), "application/json");
    ASSERT_TRUE(made);
    ASSERT_EQ(made->status, 201) << made->body;
    const json created = json::parse(made->body);
    key_ = created["edit_key"];
    activity_ = created["id"].get<std::int64_t>();
    true_false_ = created["interactions"][0]["id"].get<std::int64_t>();
    open_ = created["interactions"][1]["id"].get<std::int64_t>();
    auto share = c.Post("/api/v1/activities/" + std::to_string(activity_) + "/classes",
                        {{"X-Edit-Key", key_}}, R"({"name":"5e A"})", "application/json");
    ASSERT_TRUE(share);
    ASSERT_EQ(share->status, 201) << share->body;
    const json s = json::parse(share->body);
    code_ = s["code"];
    class_ = s["id"].get<std::int64_t>();
  }

  static httplib::Client client() {
    httplib::Client c("127.0.0.1", server_->port());
    c.set_read_timeout(10, 0);
    return c;
  }

  // A pupil of the class: its token.
  static std::string Join(const std::string& pseudonym) {
    auto c = client();
    auto joined = c.Post("/api/v1/classes/" + code_ + "/pupils",
                         json{{"pseudonym", pseudonym}}.dump(), "application/json");
    if (!joined || joined->status != 201) return "";
    return json::parse(joined->body)["token"];
  }

  static std::string Log() {
    const std::lock_guard lock(log_mutex_);
    return log_;
  }

  static testing::TempDir* dir_;
  static Server* server_;
  static std::thread* thread_;
  static std::int64_t video_, activity_, true_false_, open_, class_;
  static std::string key_, code_;
  static std::mutex log_mutex_;
  static std::string log_;
};

testing::TempDir* Hardening::dir_ = nullptr;
Server* Hardening::server_ = nullptr;
std::thread* Hardening::thread_ = nullptr;
std::int64_t Hardening::video_ = 0, Hardening::activity_ = 0, Hardening::true_false_ = 0,
             Hardening::open_ = 0, Hardening::class_ = 0;
std::string Hardening::key_, Hardening::code_;
std::mutex Hardening::log_mutex_;
std::string Hardening::log_;

// Row 1: the 64 KB body limit was not applied to chunked bodies (9.8 GB resident).
TEST_F(Hardening, ChunkedBodyPastTheLimitIsRefusedAsItArrives) {
  const int fd = connect_from("127.0.0.1", server_->port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(send_all(fd,
                       "POST /api/v1/activities HTTP/1.1\r\nHost: x\r\nContent-Type: "
                       "application/json\r\nTransfer-Encoding: chunked\r\n\r\n"));
  const std::string chunk = "4000\r\n" + std::string(0x4000, 'a') + "\r\n";  // 16 KiB
  int sent = 0;
  for (; sent < 64; ++sent) {  // at most 1 MiB; the server stops reading at 64 KiB
    if (!send_all(fd, chunk)) break;
  }
  const std::string answer = receive(fd);
  ::close(fd);
  EXPECT_EQ(status_of(answer), 413) << answer.substr(0, 200);
  EXPECT_NE(answer.find("65536 bytes"), std::string::npos);
}

// Row 2: eight connections sending a header line, then a byte every few seconds, stopped the
// server (a thread each); 200 did too; so did bodies that never came.
TEST_F(Hardening, SlowlorisOf200ConnectionsDoesNotStopANormalRequest) {
  std::vector<int> slow;
  for (int i = 0; i < 200; ++i) {
    const int fd = connect_from("127.0.0.1", server_->port());
    ASSERT_GE(fd, 0);
    // Half send a header line and stop; half promise a body that never comes.
    const std::string start = i % 2 == 0 ? "GET / HTTP/1.1\r\nHost: x\r\nX-a: b"
                                         : "POST /api/v1/activities HTTP/1.1\r\nHost: x\r\n"
                                           "Content-Type: application/json\r\n"
                                           "Content-Length: 60000\r\n\r\n{";
    ASSERT_TRUE(send_all(fd, start));
    slow.push_back(fd);
  }
  // A normal request, with one second to be answered (a bound, not a measure).
  for (const char* from : {"127.0.0.1", "127.0.0.2"}) {
    const int fd = connect_from(from, server_->port());
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(
        send_all(fd, "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    const std::string answer = receive(fd, 1000);
    ::close(fd);
    EXPECT_EQ(status_of(answer), 200) << from << ": " << answer.substr(0, 200);
  }
  auto c = client();
  auto search = c.Get("/api/v1/search?q=chlorophylle");
  ASSERT_TRUE(search);
  EXPECT_EQ(search->status, 200);
  for (const int fd : slow) ::close(fd);
}

// Row 2, the deadline: a request whose headers take longer than the header deadline is
// answered 408 and closed, however often its bytes trickle in.
TEST(HardeningDeadlines, HeadersThatTrickleInAreCutAtTheDeadline) {
  testing::TempDir dir;
  {
    auto db = catalog::Database::open(DataDir{dir.path()}.catalog());
    ASSERT_TRUE(db.is_ok());
  }
  auto server =
      Server::create(DataDir{dir.path()}, {.port = 0, .threads = 2, .header_timeout_seconds = 1});
  ASSERT_TRUE(server.is_ok());
  ASSERT_TRUE((*server)->bind().is_ok());
  std::thread serving([&] { (void)(*server)->serve(); });
  const int fd = connect_from("127.0.0.1", (*server)->port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(send_all(fd, "GET / HTTP/1.1\r\n"));
  std::string answer;
  for (int i = 0; i < 40 && answer.empty(); ++i) {  // a byte every 100 ms, 4 s at most
    if (!send_all(fd, "X")) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) > 0) answer = receive(fd, 500);
  }
  ::close(fd);
  EXPECT_EQ(status_of(answer), 408) << "[" << answer.substr(0, 200) << "]";
  (*server)->stop();
  serving.join();
}

// Row 4: four million header lines (196 MB) were read and answered 200.
TEST_F(Hardening, AFloodOfHeaderLinesIsRefused) {
  const int fd = connect_from("127.0.0.1", server_->port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(send_all(fd, "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n"));
  std::string lines;
  for (int i = 0; i < 2000; ++i) lines += "X-" + std::to_string(i) + ": y\r\n";
  for (int round = 0; round < 50; ++round) {  // at most 50 × 2,000 lines
    if (!send_all(fd, lines)) break;
  }
  const std::string answer = receive(fd);
  ::close(fd);
  EXPECT_EQ(status_of(answer), 431) << answer.substr(0, 200);
  // Many short fields under the byte limit are refused by their count.
  const int few = connect_from("127.0.0.1", server_->port());
  ASSERT_GE(few, 0);
  std::string many = "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 150; ++i) many += "A" + std::to_string(i) + ": b\r\n";
  ASSERT_TRUE(send_all(few, many + "\r\n"));
  const std::string counted = receive(few);
  ::close(few);
  EXPECT_EQ(status_of(counted), 431) << counted.substr(0, 200);
}

// Row 5: "elapsed_ms":"5" (or null, true, [], {}) made a 500 with the JSON library's message.
TEST_F(Hardening, AnAnswerFieldOfTheWrongTypeIsA400NamingTheField) {
  const std::string token = Join("Typage");
  ASSERT_FALSE(token.empty());
  auto c = client();
  for (const char* wrong : {"\"5\"", "null", "true", "[]", "{}", "1.5"}) {
    const std::string body = R"({"interaction_id":)" + std::to_string(true_false_) +
                             R"(,"response":{"answer":true},"elapsed_ms":)" + wrong + "}";
    auto r = c.Post("/api/v1/classes/" + code_ + "/answers", {{"X-Pupil-Token", token}}, body,
                    "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << wrong << ": " << r->body;
    EXPECT_NE(r->body.find("elapsed_ms"), std::string::npos) << r->body;
    EXPECT_EQ(r->body.find("type_error"), std::string::npos) << r->body;
  }
  auto response =
      c.Post("/api/v1/classes/" + code_ + "/answers", {{"X-Pupil-Token", token}},
             R"({"interaction_id":)" + std::to_string(true_false_) + R"(,"response":"vrai"})",
             "application/json");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_NE(response->body.find("response"), std::string::npos);
}

// Row 6: codes of 6 characters of 31 (30 bits), and 69,814 guesses in 10 s all answered.
TEST_F(Hardening, ClassCodesHaveFortyBitsAndGuessesAreThrottled) {
  ASSERT_EQ(code_.size(), 9u);
  EXPECT_GE(9 * std::log2(31.0), 40.0);
  // From another client address, so that the other tests' pupils are not throttled.
  int refused = 0, unknown = 0;
  std::string retry_after;
  for (int i = 0; i < 30; ++i) {
    const int fd = connect_from("127.0.0.3", server_->port());
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(send_all(fd, "GET /api/v1/classes/ZZZZZZZZ" + std::string(1, 'A' + i % 20) +
                                 " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    const std::string answer = receive(fd);
    ::close(fd);
    if (status_of(answer) == 404) ++unknown;
    if (status_of(answer) == 429) {
      ++refused;
      const auto at = answer.find("Retry-After: ");
      if (at != std::string::npos)
        retry_after = answer.substr(at + 13, answer.find('\r', at) - at - 13);
    }
  }
  EXPECT_EQ(unknown, 10);
  EXPECT_EQ(refused, 20);
  EXPECT_GE(std::atoi(retry_after.c_str()), 1);
  // Even the right code is refused to that address for a while; others are not slowed.
  const int fd = connect_from("127.0.0.3", server_->port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(
      send_all(fd, "GET /classe/" + code_ + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  EXPECT_EQ(status_of(receive(fd)), 429);
  ::close(fd);
  auto c = client();
  auto page = c.Get("/classe/" + code_);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
}

// Row 7: an answer sent with "Host: evil.example" stored xAPI statements and a share link
// pointing at http://evil.example/.
TEST_F(Hardening, TheHostHeaderNeverBuildsAUrl) {
  const std::string token = Join("Hôte");
  ASSERT_FALSE(token.empty());
  auto c = client();
  auto r = c.Post("/api/v1/classes/" + code_ + "/answers",
                  {{"X-Pupil-Token", token}, {"Host", "evil.example"}},
                  R"({"interaction_id":)" + std::to_string(true_false_) +
                      R"(,"response":{"answer":true},"elapsed_ms":1200})",
                  "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  auto statements = c.Get("/api/v1/activities/" + std::to_string(activity_) + "/xapi",
                          {{"X-Edit-Key", key_}, {"Host", "evil.example"}});
  ASSERT_TRUE(statements);
  ASSERT_EQ(statements->status, 200);
  EXPECT_EQ(statements->body.find("evil.example"), std::string::npos);
  EXPECT_NE(statements->body.find("https://mediatheque.example.fr/"), std::string::npos);
  auto editor = c.Get("/activites/" + std::to_string(activity_) + "/modifier?cle=" + key_,
                      {{"Host", "evil.example"}});
  ASSERT_TRUE(editor);
  EXPECT_EQ(editor->body.find("evil.example"), std::string::npos);
  EXPECT_NE(editor->body.find("https://mediatheque.example.fr/classe/" + code_), std::string::npos);
}

// Row 8 and row 11: a pseudonym "=1+2" and an open answer "=HYPERLINK(…)" were written as is
// into results.csv; a NUL byte in a name reached the HTML and the CSV.
TEST_F(Hardening, CsvCellsThatLookLikeFormulasAndControlCharactersAreDefused) {
  const std::string formula = Join("=1+2");
  const std::string nul = Join(std::string("a\0b\x1b[31m", 9));
  ASSERT_FALSE(formula.empty());
  ASSERT_FALSE(nul.empty());
  auto c = client();
  auto answered = c.Post("/api/v1/classes/" + code_ + "/answers", {{"X-Pupil-Token", formula}},
                         R"({"interaction_id":)" + std::to_string(open_) +
                             R"(,"response":{"text":"=HYPERLINK(\"http://x\";\"y\")\u0000"}})",
                         "application/json");
  ASSERT_TRUE(answered);
  ASSERT_EQ(answered->status, 200) << answered->body;
  auto other = c.Post(
      "/api/v1/classes/" + code_ + "/answers", {{"X-Pupil-Token", nul}},
      R"({"interaction_id":)" + std::to_string(true_false_) + R"(,"response":{"answer":false}})",
      "application/json");
  ASSERT_TRUE(other);
  ASSERT_EQ(other->status, 200) << other->body;
  auto csv = c.Get("/api/v1/activities/" + std::to_string(activity_) + "/classes/" +
                       std::to_string(class_) + "/results.csv",
                   {{"X-Edit-Key", key_}});
  ASSERT_TRUE(csv);
  ASSERT_EQ(csv->status, 200);
  EXPECT_NE(csv->body.find("\"'=1+2\""), std::string::npos) << csv->body;
  EXPECT_NE(csv->body.find("\"'=HYPERLINK("), std::string::npos) << csv->body;
  EXPECT_EQ(csv->body.find(";=1+2"), std::string::npos);
  EXPECT_EQ(csv->body.find('\0'), std::string::npos);
  EXPECT_EQ(csv->body.find('\x1b'), std::string::npos);
  EXPECT_NE(csv->body.find("ab[31m"), std::string::npos);
  auto page = c.Get("/activites/" + std::to_string(activity_) + "/resultats?cle=" + key_ +
                    "&classe=" + std::to_string(class_));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->body.find('\0'), std::string::npos);
}

// Row 9: GET /%0a127.0.0.1%20GET%20/forged%20200 wrote a forged line in the access log.
TEST_F(Hardening, AControlCharacterInThePathCannotForgeALogLine) {
  auto c = client();
  auto r = c.Get("/%0a127.0.0.1%20GET%20/forged%20200%1b[2J");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  const std::string log = Log();
  const auto at = log.find("forged");
  ASSERT_NE(at, std::string::npos) << log;
  const auto line_start = log.rfind('\n', at);
  EXPECT_NE(log.substr(line_start == std::string::npos ? 0 : line_start + 1, 40).find("GET /\\x0a"),
            std::string::npos)
      << log;
  EXPECT_EQ(log.find('\x1b'), std::string::npos);
  EXPECT_EQ(log.find("\n127.0.0.1 GET /forged"), std::string::npos);
}

// Row 10: two requests pipelined in one write; only the first was answered.
TEST_F(Hardening, PipelinedRequestsAreAllAnswered) {
  const int fd = connect_from("127.0.0.1", server_->port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(send_all(fd,
                       "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n"
                       "GET /api/v1/search?q=glucose HTTP/1.1\r\nHost: x\r\n\r\n"
                       "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  const std::string answers = receive(fd);
  ::close(fd);
  EXPECT_EQ(count_answers(answers), 3) << answers.substr(0, 400);
  EXPECT_NE(answers.find("glucose"), std::string::npos);
}

// The last row: a server path was public in /api/v1/contents/{id}; answers behind a key lacked
// Cache-Control: no-store.
TEST_F(Hardening, NoServerPathInTheApiAndNoStoreBehindKeys) {
  auto c = client();
  auto content = c.Get("/api/v1/contents/" + std::to_string(video_));
  ASSERT_TRUE(content);
  ASSERT_EQ(content->status, 200);
  EXPECT_EQ(content->body.find("/srv/fonds"), std::string::npos) << content->body;
  EXPECT_EQ(json::parse(content->body)["metadata"]["year"], 2024);
  for (const std::string& path : {"/api/v1/activities/" + std::to_string(activity_),
                                  "/api/v1/activities/" + std::to_string(activity_) + "/classes"}) {
    auto r = c.Get(path, {{"X-Edit-Key", key_}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << path;
    EXPECT_EQ(r->get_header_value("Cache-Control"), "no-store") << path;
  }
  auto editor = c.Get("/activites/" + std::to_string(activity_) + "/modifier?cle=" + key_);
  ASSERT_TRUE(editor);
  EXPECT_EQ(editor->get_header_value("Cache-Control"), "no-store");
}

// Keep-alive, HEAD and methods: what a browser and a proxy rely on.
TEST_F(Hardening, KeepAliveHeadAndUnknownMethods) {
  const int fd = connect_from("127.0.0.1", server_->port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(send_all(fd, "HEAD /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n"));
  const std::string head = receive(fd, 500);
  EXPECT_EQ(status_of(head), 200);
  EXPECT_EQ(head.find("\"status\""), std::string::npos);  // no body for HEAD
  ASSERT_TRUE(send_all(fd, "DELETE /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n"));
  const std::string wrong = receive(fd, 500);
  EXPECT_EQ(status_of(wrong), 405);
  EXPECT_NE(wrong.find("Allow: GET, HEAD"), std::string::npos);
  ASSERT_TRUE(send_all(fd, "BREW /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  EXPECT_EQ(status_of(receive(fd)), 405);
  ::close(fd);
}

// Row 3: a segfault in libxapian under 4 clients of mixed searches and result pages. Run under
// ThreadSanitizer by `make tsan`; here it must at least answer every request.
TEST_F(Hardening, ConcurrentSearchesAndPagesAllAnswer) {
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      auto c = client();
      const char* queries[] = {"chlorophylle", "glucose", "stomates", "lumi%C3%A8re", "eau"};
      for (int i = 0; i < 60; ++i) {
        const std::string q = queries[(i + t) % 5];
        auto r = (i + t) % 2 == 0 ? c.Get("/api/v1/search?q=" + q) : c.Get("/recherche?q=" + q);
        (r && r->status == 200 ? ok : failed)++;
      }
    });
  }
  for (auto& c : clients) c.join();
  EXPECT_EQ(ok, 240);
  EXPECT_EQ(failed, 0);
}

}  // namespace
}  // namespace repere::web
