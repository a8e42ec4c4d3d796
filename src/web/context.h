// What the web module's handlers share: the data folder, pools of searchers and catalog
// connections (each used by one thread at a time), and small helpers. Internal to src/web.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "repere/auth/sessions.h"
#include "repere/catalog/database.h"
#include "repere/core/data_dir.h"
#include "repere/core/hours.h"
#include "repere/ingest/pipeline.h"
#include "repere/search/search.h"
#include "throttle.h"

namespace repere::web::http {
struct Request;
}  // namespace repere::web::http

namespace repere::answer {
class Rephraser;
}  // namespace repere::answer

namespace repere::web {

class Uploads;  // upload_pages.h

// Objects that one thread uses at a time, lent to a request and given back.
template <typename T>
class Pool {
 public:
  class Lease {
   public:
    Lease(Pool* pool, std::unique_ptr<T> item) : pool_(pool), item_(std::move(item)) {}
    Lease(Lease&&) noexcept = default;
    Lease(const Lease&) = delete;
    ~Lease() {
      if (item_) pool_->give_back(std::move(item_));
    }
    T& operator*() { return *item_; }
    T* operator->() { return item_.get(); }
    void discard() { item_.reset(); }  // broken or stale: not lent again

   private:
    Pool* pool_;
    std::unique_ptr<T> item_;
  };

  template <typename Open>
  Result<Lease> lend(const Open& open) {
    {
      const std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        auto item = std::move(idle_.back());
        idle_.pop_back();
        return Lease(this, std::move(item));
      }
    }
    REPERE_ASSIGN_OR_RETURN(auto item, open());
    return Lease(this, std::move(item));
  }

  void clear() {
    const std::lock_guard lock(mutex_);
    idle_.clear();
  }

 private:
  void give_back(std::unique_ptr<T> item) {
    const std::lock_guard lock(mutex_);
    idle_.push_back(std::move(item));
  }
  std::mutex mutex_;
  std::vector<std::unique_ptr<T>> idle_;
};

struct Context {
  DataDir dir;
  search::SearcherOptions search_options;
  Pool<search::Searcher> searchers;
  Pool<catalog::Database> catalogs;  // read-only
  Pool<catalog::Database> writers;   // for activities, classes and answers
  std::string public_url;            // "https://host", without a final slash
  struct {
    std::string repository_name = "Repère";
    std::string admin_email;
    int page_size = 100;
  } oai;                     // the OAI-PMH endpoint (oai.* settings)
  Throttle code_misses{10};  // unknown class codes asked, per address per minute
  Throttle joins{60};        // pupils joining a class, per address per minute
  // Failed logins: 10 at once, then one a minute per address; 10 per account per 15 minutes.
  Throttle login_failures_by_address{10};
  Throttle login_failures_by_account{10, std::chrono::minutes(15)};
  auth::SessionLimits session_limits;
  std::string secure_cookies = "auto";  // web.secure_cookies: auto, always, never
  // Uploads (upload_pages.h): how large, how they are ingested, and their progress.
  std::uint64_t max_upload_bytes = std::uint64_t{4} << 30;
  ingest::IngestOptions ingest;
  std::shared_ptr<Uploads> uploads;
  std::mutex index_mutex;                  // one in-process index update at a time
  std::atomic<bool> index_pending{false};  // an update waits for an ingest to end
  std::mutex generation_mutex;
  int generation = -1;  // of the searchers in the pool
  // Problems worth an operator's eye (a refused LTI launch); null: none.
  std::function<void(const std::string&)> warn;
  // An operator's model that rephrases answers (answers.generation_*); null: none, the default.
  std::shared_ptr<const answer::Rephraser> rephraser;
  // LTI launches on their way to their page (lti_pages.cpp): for five minutes, the cookies a
  // launch set, so that a browser that refused them in the platform's frame gets them again
  // in a window of its own. Keyed by the SHA-256 of a one-time token.
  struct LtiHandoff {
    std::vector<std::string> cookies;  // Set-Cookie values
    std::string path;                  // where the launch goes
    std::chrono::steady_clock::time_point expires;
  };
  std::mutex lti_mutex;
  std::map<std::string, LtiHandoff> lti_handoffs;
  // The registered platforms' origins, which may frame what their launches open; read from the
  // catalog at most once a minute.
  std::vector<std::string> lti_origins;
  std::chrono::steady_clock::time_point lti_origins_read{};
  std::vector<std::string> framing_platforms();

  // A searcher on the live index generation (pooled searchers of an older one are dropped).
  Result<Pool<search::Searcher>::Lease> searcher();
  Result<Pool<catalog::Database>::Lease> catalog();
  Result<Pool<catalog::Database>::Lease> catalog_for_writing();
  // After a curator changed what search must show (a status, a text): brings the live index
  // generation up to date now and drops the pooled searchers, so the next search sees it.
  // When an ingest holds the index, the update is left to it and to the server's updater
  // thread (index_pending), and this returns false.
  Result<bool> refresh_index();
  // What searches cost, counted by the request loop (server.cpp) and added to the catalog's
  // usage counters by flush_usage() (every minute, and when the server stops).
  std::atomic<std::int64_t> searches{0};
  std::atomic<std::int64_t> search_cpu_ns{0};
  Status flush_usage();
  // serve.heavy_hours: when uploads are read (OCR, speech, learning vectors).
  HourWindow heavy_hours;
};

// The number a route's pattern matched (its `match`-th group: routes take 1 to 18 digits).
std::int64_t path_id(const http::Request& req, int match = 1);
// "2:07" or "1:02:03".
std::string clock_time(std::int64_t ms);
// "12:34" as a screen reader should say it: "12 min 34 s".
std::string spoken_time(std::int64_t ms);
// Percent-encodes a query string value.
std::string url_encode(const std::string& s);
// The French name of a content kind ("Vidéo").
std::string kind_label(const std::string& kind);
// The media file of a content: its path, absolute or relative to the data folder.
std::string media_path(const DataDir& dir, const std::string& stored);
// Class codes cannot be guessed: after 10 unknown codes in a minute from one address, every
// code route answers that address 429 with Retry-After (true: answered). `api`: a problem
// rather than a page.
bool refuse_guessing(Context& ctx, const http::Request& req, http::Response& res, bool api);
// Counts an unknown code asked by the request's address.
void count_miss(Context& ctx, const http::Request& req);

// The public base URL ("https://host", web.public_url) for links to copy and xAPI
// identifiers. Never made from a request's Host header, which a client chooses.
std::string base_url(const Context& ctx);

}  // namespace repere::web
