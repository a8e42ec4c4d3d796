// Uploads in the browser (upload_pages.cpp): curators send files (and a manifest) from a page;
// the body is streamed to disk (HttpOptions::body_file, never held in memory), split into its
// files, then ingested by a thread of the server through the same jobs as `repere ingest`,
// with its progress on the page. Internal to src/web.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace repere::web::http {
struct Request;
struct Response;
}  // namespace repere::web::http

namespace repere::web {

struct Context;

// One upload and its ingest, as the page shows it.
struct UploadState {
  int id = 0;
  std::string by;       // "user:camille"
  std::string started;  // ISO 8601 UTC
  std::vector<std::string> files;
  bool running = true;
  int done = 0, total = 0;  // contents read (passages written, or failed) of the files found
  int added = 0, failed = 0;
  int unchanged = 0, skipped = 0;  // files already in the library; files that are no content
  std::vector<std::string> notes;  // skipped files, failures (the last 100)
  std::string error;               // the ingest could not run at all
  // serve.heavy_hours ("20:00-07:00") while the upload waits for them; "" otherwise.
  std::string waiting_for;
};

// The uploads of this server's life, and the threads that ingest them. Thread-safe.
class Uploads {
 public:
  ~Uploads();  // asks the ingests to stop, and waits for them
  int next_id();
  void put(const UploadState& s);
  template <typename F>
  void update(int id, F&& f) {
    const std::lock_guard lock(mutex_);
    auto found = states_.find(id);
    if (found != states_.end()) f(found->second);
  }
  std::vector<UploadState> newest_first() const;
  void run(std::thread t);
  const std::atomic<bool>& stop() const { return stop_; }

 private:
  mutable std::mutex mutex_;
  std::map<int, UploadState> states_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stop_{false};
  int last_ = 0;
};

void page_upload(Context& ctx, const http::Request& req, http::Response& res);
void page_upload_post(Context& ctx, const http::Request& req, http::Response& res);

}  // namespace repere::web
