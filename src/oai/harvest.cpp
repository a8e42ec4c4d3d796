#include "repere/oai/harvest.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "answer.h"
#include "repere/catalog/contents.h"
#include "repere/catalog/texts.h"

namespace repere::oai {

namespace {

struct Url {
  std::string origin;  // "http://host:port"
  std::string path;    // "/oai"
  std::string host;
};

Result<Url> split_url(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos ||
      (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0))
    return Status::invalid_argument(
        "the partner's address must start with http:// or https:// (it is '" + url + "')");
  const auto slash = url.find('/', scheme + 3);
  Url u;
  u.origin = url.substr(0, slash);
  u.path = slash == std::string::npos ? "/" : url.substr(slash);
  if (u.path.find('?') != std::string::npos)
    return Status::invalid_argument("the partner's address must not carry a query ('" + url + "')");
  u.host = url.substr(scheme + 3, (slash == std::string::npos ? url.size() : slash) - scheme - 3);
  if (u.host.empty())
    return Status::invalid_argument("the partner's address has no host ('" + url + "')");
  return u;
}

std::string query_string(const std::vector<std::pair<std::string, std::string>>& args) {
  std::string out;
  for (const auto& [k, v] : args) {
    if (!out.empty()) out += '&';
    out += k + "=" + httplib::detail::encode_query_param(v);
  }
  return out;
}

// One answer of the partner, with attempts: a connection that fails or a 5xx / 429 is tried
// again after a wait that doubles (or the partner's Retry-After, up to a minute).
Result<std::string> fetch(const Url& url, const std::string& query, const HarvestOptions& o) {
  auto wait = o.first_wait;
  std::string last;
  for (int attempt = 1; attempt <= std::max(1, o.attempts); ++attempt) {
    httplib::Client client(url.origin);
    client.set_connection_timeout(10, 0);
    client.set_read_timeout(o.timeout_seconds, 0);
    client.set_follow_location(false);
    std::string body;
    bool too_big = false, too_slow = false;
    const auto deadline = std::chrono::steady_clock::now() + o.answer_deadline;
    const auto res = client.Get(url.path + "?" + query, [&](const char* data, std::size_t size) {
      if (body.size() + size > o.max_answer_bytes) {
        too_big = true;
        return false;
      }
      if (std::chrono::steady_clock::now() > deadline) {
        too_slow = true;
        return false;
      }
      body.append(data, size);
      return true;
    });
    if (too_big) {
      return Status::corruption("the partner's answer is over " +
                                std::to_string(o.max_answer_bytes >> 20) + " MB: refused");
    }
    if (too_slow) {
      return Status::corruption("the partner's answer took over " +
                                std::to_string(o.answer_deadline.count()) +
                                " s to arrive (a partner dripping bytes): refused");
    }
    if (res && res->status == 200) return body;
    const bool again = !res || res->status >= 500 || res->status == 429;
    last = res ? "HTTP " + std::to_string(res->status) : httplib::to_string(res.error());
    if (!again) return Status::invalid_argument(url.origin + url.path + " answered " + last);
    if (attempt == o.attempts) break;
    auto pause = wait;
    if (res && res->has_header("Retry-After")) {
      const long s = std::strtol(res->get_header_value("Retry-After").c_str(), nullptr, 10);
      if (s > 0) pause = std::chrono::milliseconds(std::min<long>(s, 60) * 1000);
    }
    if (o.progress) {
      o.progress("the partner did not answer (" + last + "); trying again in " +
                 std::to_string(pause.count()) + " ms");
    }
    std::this_thread::sleep_for(pause);
    wait *= 2;
  }
  return Status::unavailable(url.origin + url.path + " did not answer after " +
                             std::to_string(o.attempts) + " attempts (" + last +
                             "): what was harvested is kept; run the harvest again later");
}

class Harvest {
 public:
  Harvest(catalog::Database& db, const HarvestOptions& o, Url url)
      : db_(db), o_(o), url_(std::move(url)) {}

  Result<HarvestReport> run() {
    REPERE_RETURN_IF_ERROR(identify());
    std::string from = o_.from;
    if (from.empty() && !o_.full) {
      REPERE_ASSIGN_OR_RETURN(from, last_complete());
    }
    std::vector<std::pair<std::string, std::string>> args = {{"verb", "ListRecords"},
                                                             {"metadataPrefix", o_.prefix}};
    if (!from.empty()) args.emplace_back("from", from);
    if (!o_.set.empty()) args.emplace_back("set", o_.set);
    std::set<std::string> tokens;
    std::string started;  // the partner's responseDate of the first answer
    const auto t0 = std::chrono::steady_clock::now();
    int records = 0;
    while (true) {
      if (report_.pages >= o_.max_pages) {
        return Status::corruption("the partner's list goes past " + std::to_string(o_.max_pages) +
                                  " answers: stopped (what came is kept)");
      }
      REPERE_ASSIGN_OR_RETURN(const std::string body, fetch(url_, query_string(args), o_));
      REPERE_ASSIGN_OR_RETURN(const PartnerAnswer answer, read_answer(body, o_.prefix));
      if (started.empty()) started = answer.response_date;
      if (!answer.error_code.empty()) {
        if (answer.error_code == "noRecordsMatch") break;  // nothing new
        return Status::invalid_argument("the partner answered " + answer.error_code + ": " +
                                        answer.error_message);
      }
      if (!answer.list) return Status::corruption("the partner's answer has no ListRecords");
      ++report_.pages;
      {
        REPERE_ASSIGN_OR_RETURN(catalog::Transaction txn, catalog::Transaction::begin(db_));
        for (const HarvestedRecord& record : answer.records) {
          ++records;
          REPERE_RETURN_IF_ERROR(take(record));
        }
        REPERE_RETURN_IF_ERROR(txn.commit());
      }
      if (o_.progress) {
        const double s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        o_.progress("page " + std::to_string(report_.pages) + ": " + std::to_string(records) +
                    " records so far (" + std::to_string(report_.added) + " added, " +
                    std::to_string(report_.updated) + " updated, " +
                    std::to_string(report_.removed) + " removed, " +
                    std::to_string(report_.skipped) + " skipped), " +
                    std::to_string(static_cast<int>(records / std::max(s, 1e-3))) + " records/s");
      }
      const std::string& token = answer.token;
      if (token.empty()) break;
      if (!tokens.insert(token).second)
        return Status::corruption(
            "the partner gave the same resumption token twice (a loop): "
            "stopped (what came is kept)");
      if (o_.stop && o_.stop->load()) return report_;
      args = {{"verb", "ListRecords"}, {"resumptionToken", token}};
    }
    report_.complete = true;
    REPERE_RETURN_IF_ERROR(remember(started));
    return report_;
  }

 private:
  Status identify() {
    REPERE_ASSIGN_OR_RETURN(const std::string body, fetch(url_, "verb=Identify", o_));
    auto answer = read_answer(body, o_.prefix);
    if (!answer.is_ok() || !answer->identify)
      return Status::corruption(url_.origin + url_.path + " is not an OAI-PMH repository");
    report_.partner = answer->repository_name;
    if (report_.partner.empty()) report_.partner = url_.host;
    std::string slug = "chez-";
    for (const char c : url_.host)
      slug +=
          std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '-';
    catalog::CollectionRepository collections(db_);
    REPERE_ASSIGN_OR_RETURN(const auto found, collections.find_by_slug(slug));
    if (found) {
      report_.collection_id = found->id;
    } else {
      REPERE_ASSIGN_OR_RETURN(
          report_.collection_id,
          collections.insert({.id = 0, .slug = slug, .name = report_.partner, .licence = ""}));
    }
    return Status::ok();
  }

  std::string key() const { return url_.origin + url_.path + " " + o_.prefix + " " + o_.set; }

  Result<std::string> last_complete() {
    REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("SELECT last_complete FROM oai_partner WHERE "
                                                   "harvest = ?1"));
    stmt.bind(1, key());
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    return row ? stmt.text(0) : std::string();
  }

  Status remember(const std::string& started) {
    if (started.size() < 10) return Status::ok();
    REPERE_ASSIGN_OR_RETURN(
        auto stmt, db_.prepare("INSERT INTO oai_partner(harvest, name, last_complete) VALUES "
                               "(?1, ?2, ?3) ON CONFLICT(harvest) DO UPDATE SET name = ?2, "
                               "last_complete = ?3"));
    return stmt.bind(1, key()).bind(2, report_.partner).bind(3, started).run();
  }

  void skip(const std::string& identifier, const std::string& why) {
    ++report_.skipped;
    report_.problems.push_back("record « " + identifier.substr(0, 200) + " »: " + why +
                               " (skipped)");
  }

  Status take(const HarvestedRecord& record) {
    const std::string& identifier = record.identifier;
    if (!record.problem.empty()) {
      skip(identifier.empty() ? "?" : identifier, record.problem);
      return Status::ok();
    }
    catalog::ContentRepository contents(db_);
    REPERE_ASSIGN_OR_RETURN(const auto existing,
                            contents.find_by_external_id(report_.collection_id, identifier));
    if (record.deleted) {
      if (existing) {
        REPERE_RETURN_IF_ERROR(contents.remove(existing->id));
        ++report_.removed;
      }
      return Status::ok();
    }
    catalog::Content c = record.content;
    c.collection_id = report_.collection_id;
    c.external_id = identifier;
    c.metadata_json = nlohmann::json{{"harvested_from", url_.origin + url_.path},
                                     {"partner", report_.partner},
                                     {"datestamp", record.datestamp},
                                     {"machine_text", record.machine_text}}
                          .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    catalog::Id id = 0;
    if (existing) {
      c.id = existing->id;
      REPERE_RETURN_IF_ERROR(contents.update(c));
      id = existing->id;
      ++report_.updated;
    } else {
      REPERE_ASSIGN_OR_RETURN(id, contents.insert(c));
      ++report_.added;
    }
    if (!existing || existing->status != catalog::EditorialStatus::kPublished) {
      REPERE_RETURN_IF_ERROR(
          contents.set_status(id, catalog::EditorialStatus::kPublished, "harvest:" + url_.host));
    }
    return catalog::PassageRepository(db_).replace_for_content(id, record.passages);
  }

  catalog::Database& db_;
  const HarvestOptions& o_;
  Url url_;
  HarvestReport report_;
};

}  // namespace

Result<HarvestReport> harvest(catalog::Database& db, const HarvestOptions& options) {
  if (options.prefix != "repere" && options.prefix != "lom" && options.prefix != "oai_dc")
    return Status::invalid_argument("the format must be repere, lom or oai_dc (it is '" +
                                    options.prefix + "')");
  REPERE_ASSIGN_OR_RETURN(Url url, split_url(options.base_url));
  Harvest h(db, options, std::move(url));
  return h.run();
}

}  // namespace repere::oai
