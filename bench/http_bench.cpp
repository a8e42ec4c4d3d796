// bench/http: `repere serve` under load. For each data folder given, starts the server on a
// free port, sends search requests from 2 client threads over keep-alive connections for 10
// seconds, and prints requests per second, latency p50/p95/p99 and the server's resident
// memory; then opens 1,000 connections at once and counts the answers. Never fails on time.
// Usage: http_bench REPERE_BINARY DATA_DIR...
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using Clock = std::chrono::steady_clock;

namespace {

const char* const kQuestions[] = {"comment les plantes fabriquent leur matière",
                                  "pourquoi le ciel est bleu",
                                  "le théorème de Pythagore",
                                  "les séismes et les volcans",
                                  "la vitesse de la lumière",
                                  "circulation du sang",
                                  "fractions égales",
                                  "la digestion des aliments",
                                  "énergie et puissance électrique",
                                  "les microbes et l'hygiène",
                                  "probabilité d'un événement",
                                  "masse volumique de l'eau"};

std::string encode(const std::string& s) {
  std::string out;
  for (const unsigned char c : s) {
    if (std::isalnum(c)) {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

long rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return 0;
}

struct Served {
  pid_t pid = -1;
  int port = 0;
};

// Starts `repere serve --port 0` and reads the port from its first line.
Served start(const std::string& repere, const std::string& data) {
  int out[2];
  if (pipe(out) != 0) return {};
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    close(out[0]);
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, 2);  // no access log: it would weigh on the measure
    execl(repere.c_str(), repere.c_str(), "serve", "--data", data.c_str(), "--port", "0",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  std::string line;
  char c;
  while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
  close(out[0]);
  const auto at = line.rfind(':');
  return {pid, at == std::string::npos ? 0 : std::atoi(line.c_str() + at + 1)};
}

struct Figures {
  double rps = 0, p50 = 0, p99 = 0;
};

Figures measure(const std::string& repere, const std::string& data) {
  const Served s = start(repere, data);
  if (s.port <= 0) {
    std::printf("%s: the server did not start\n", data.c_str());
    return {};
  }
  {
    httplib::Client warm("127.0.0.1", s.port);
    for (int i = 0; i < 48; ++i)
      warm.Get("/api/v1/search?q=" + encode(kQuestions[i % std::size(kQuestions)]));
  }
  std::mutex mutex;
  std::vector<double> ms;
  std::atomic<long> errors{0};
  const auto until = Clock::now() + std::chrono::seconds(10);
  const auto t0 = Clock::now();
  std::vector<std::thread> clients;
  for (int t = 0; t < 2; ++t) {
    clients.emplace_back([&, t] {
      httplib::Client c("127.0.0.1", s.port);
      c.set_keep_alive(true);
      c.set_tcp_nodelay(true);
      std::vector<double> mine;
      for (std::size_t i = t; Clock::now() < until; i += 2) {
        const auto q = Clock::now();
        auto r = c.Get("/api/v1/search?q=" + encode(kQuestions[i % std::size(kQuestions)]));
        if (!r || r->status != 200) ++errors;
        mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - q).count());
      }
      const std::lock_guard lock(mutex);
      ms.insert(ms.end(), mine.begin(), mine.end());
    });
  }
  for (auto& c : clients) c.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  std::sort(ms.begin(), ms.end());
  const long rss = rss_kib(s.pid);
  std::printf(
      "%s\n  search: %.0f requests/s with 2 keep-alive clients, p50 %.2f ms, p95 %.2f ms, "
      "p99 %.2f ms, %ld errors\n  server resident memory: %.0f MiB\n",
      data.c_str(), static_cast<double>(ms.size()) / seconds, ms[ms.size() / 2],
      ms[ms.size() * 95 / 100], ms[ms.size() * 99 / 100], errors.load(), rss / 1024.0);
  // 1,000 connections at once, each asking the health route then closing, from four loopback
  // addresses (as four schools: one address may hold 256 connections at once).
  std::atomic<int> answered{0};
  std::vector<std::thread> crowd;
  const auto c0 = Clock::now();
  for (int i = 0; i < 1000; ++i) {
    crowd.emplace_back([&, i] {
      httplib::Client c("127.0.0.1", s.port);
      const std::string from = "127.0.0." + std::to_string(1 + i % 4);
      c.set_interface(from.c_str());
      c.set_connection_timeout(30);
      c.set_read_timeout(60);
      auto r = c.Get("/api/v1/health");
      if (r && r->status == 200) ++answered;
    });
  }
  for (auto& t : crowd) t.join();
  std::printf("  1,000 connections at once: %d answered 200 in %.1f s\n", answered.load(),
              std::chrono::duration<double>(Clock::now() - c0).count());
  kill(s.pid, SIGTERM);
  int status = 0;
  waitpid(s.pid, &status, 0);
  return {static_cast<double>(ms.size()) / seconds, ms[ms.size() / 2], ms[ms.size() * 99 / 100]};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: http_bench REPERE_BINARY [--baseline OTHER_BINARY] DATA_DIR...\n");
    return 2;
  }
  std::string baseline;
  int first = 2;
  if (argc > 4 && std::string(argv[2]) == "--baseline") {
    baseline = argv[3];
    first = 4;
  }
  std::printf(
      "bench/http: repere serve with 8 worker threads, this machine's 2 cores shared with the "
      "clients\n");
  for (int i = first; i < argc; ++i) {
    const Figures now = measure(argv[1], argv[i]);
    if (baseline.empty()) continue;
    std::printf("  baseline (%s):\n", baseline.c_str());
    const Figures before = measure(baseline, argv[i]);
    if (before.rps > 0 && before.p50 > 0) {
      std::printf("  ratio this/baseline: requests/s %.2f, p50 %.2f, p99 %.2f\n",
                  now.rps / before.rps, now.p50 / before.p50, now.p99 / before.p99);
    }
  }
  return 0;
}
