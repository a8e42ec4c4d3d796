// A Repère web server on a free port of a data folder, serving from a thread of the test and
// stopped when it goes out of scope. For the web tests.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <memory>
#include <thread>

#include "repere/core/data_dir.h"
#include "repere/web/server.h"

namespace repere::testing {

class RunningServer {
 public:
  explicit RunningServer(const std::filesystem::path& data,
                         web::ServerOptions options = {.port = 0, .threads = 4}) {
    auto made = web::Server::create(DataDir{data}, options);
    EXPECT_TRUE(made.is_ok()) << made.status().to_string();
    if (!made.is_ok()) return;
    server_ = std::move(*made);
    EXPECT_TRUE(server_->bind().is_ok());
    thread_ = std::thread([this] { (void)server_->serve(); });
  }
  ~RunningServer() {
    if (!server_) return;
    server_->stop();
    thread_.join();
  }
  RunningServer(const RunningServer&) = delete;
  RunningServer& operator=(const RunningServer&) = delete;

  httplib::Client client() const {
    httplib::Client c("127.0.0.1", server_->port());
    c.set_read_timeout(30, 0);
    return c;
  }

 private:
  std::unique_ptr<web::Server> server_;
  std::thread thread_;
};

}  // namespace repere::testing
