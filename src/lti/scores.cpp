#include "repere/lti/scores.h"

#include <map>
#include <nlohmann/json.hpp>

#include "repere/auth/accounts.h"
#include "repere/lti/registry.h"

namespace repere::lti {

using nlohmann::json;

namespace {

constexpr const char* kScoreScope = "https://purl.imsglobal.org/spec/lti-ags/scope/score";

std::string iso_time(std::int64_t seconds) {
  const std::time_t t = seconds;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::int64_t delay_after(int tries) {
  std::int64_t d = 30;
  for (int i = 1; i < tries && d < 3600; ++i) d *= 2;
  return std::min<std::int64_t>(d, 3600);
}

}  // namespace

std::string scores_url(const std::string& lineitem) {
  const auto q = lineitem.find('?');
  std::string path = lineitem.substr(0, q);
  while (!path.empty() && path.back() == '/') path.pop_back();
  return path + "/scores" + (q == std::string::npos ? "" : lineitem.substr(q));
}

Result<bool> queue_score(catalog::Database& db, std::int64_t pupil_id, double given, double maximum,
                         bool completed, std::int64_t now, std::string_view kind) {
  REPERE_ASSIGN_OR_RETURN(auto who,
                          db.prepare("SELECT platform_id, sub, lineitem FROM lti_pupil "
                                     "WHERE kind = ?2 AND pupil_id = ?1 AND lineitem != ''"));
  who.bind(1, pupil_id).bind(2, kind);
  REPERE_ASSIGN_OR_RETURN(const bool found, who.step());
  if (!found) return false;
  const Id platform_id = who.int64(0);
  const std::string sub = who.text(1), lineitem = who.text(2);
  const json body = {{"userId", sub},
                     {"scoreGiven", given},
                     {"scoreMaximum", maximum > 0 ? maximum : 1.0},
                     {"activityProgress", completed ? "Completed" : "InProgress"},
                     {"gradingProgress", completed ? "FullyGraded" : "Pending"},
                     {"timestamp", iso_time(now)}};
  REPERE_ASSIGN_OR_RETURN(auto tx, catalog::Transaction::begin(db));
  REPERE_ASSIGN_OR_RETURN(auto old, db.prepare("UPDATE lti_score SET superseded = 1 WHERE "
                                               "lineitem = ?1 AND json_extract(body, '$.userId') "
                                               "= ?2 AND sent_at IS NULL AND platform_id = ?3"));
  REPERE_RETURN_IF_ERROR(old.bind(1, lineitem).bind(2, sub).bind(3, platform_id).run());
  REPERE_ASSIGN_OR_RETURN(auto add,
                          db.prepare("INSERT INTO lti_score(platform_id, lineitem, body, "
                                     "created_at, next_try) VALUES (?1, ?2, ?3, ?4, ?4)"));
  REPERE_RETURN_IF_ERROR(
      add.bind(1, platform_id).bind(2, lineitem).bind(3, body.dump()).bind(4, now).run());
  REPERE_RETURN_IF_ERROR(tx.commit());
  return true;
}

Result<SendReport> send_scores(catalog::Database& db, const KeyPair& key, std::int64_t now,
                               const Poster& post, int limit) {
  struct Due {
    Id id, platform_id;
    std::string lineitem, body;
    int tries;
  };
  std::vector<Due> due;
  {
    REPERE_ASSIGN_OR_RETURN(auto st, db.prepare("SELECT id, platform_id, lineitem, body, tries "
                                                "FROM lti_score WHERE sent_at IS NULL AND "
                                                "superseded = 0 AND next_try <= ?1 ORDER BY id "
                                                "LIMIT ?2"));
    st.bind(1, now).bind(2, limit);
    while (true) {
      REPERE_ASSIGN_OR_RETURN(const bool row, st.step());
      if (!row) break;
      due.push_back(
          {st.int64(0), st.int64(1), st.text(2), st.text(3), static_cast<int>(st.int64(4))});
    }
  }
  SendReport report;
  PlatformStore platforms(db);
  std::map<Id, Result<std::string>> tokens;
  REPERE_ASSIGN_OR_RETURN(auto sent,
                          db.prepare("UPDATE lti_score SET sent_at = ?2, tries = tries + "
                                     "1, last_error = '' WHERE id = ?1"));
  REPERE_ASSIGN_OR_RETURN(auto failed,
                          db.prepare("UPDATE lti_score SET tries = tries + 1, next_try "
                                     "= ?2, last_error = ?3 WHERE id = ?1"));
  for (const Due& d : due) {
    std::string error;
    auto token = tokens.find(d.platform_id);
    if (token == tokens.end()) {
      auto p = platforms.get(d.platform_id);
      token = tokens
                  .emplace(d.platform_id, p.is_ok() ? access_token(*p, key, now, post, kScoreScope)
                                                    : Result<std::string>(p.status()))
                  .first;
    }
    if (!token->second.is_ok()) {
      error = token->second.status().message();
    } else {
      const HttpAnswer a = post(scores_url(d.lineitem), "application/vnd.ims.lis.v1.score+json",
                                d.body, *token->second);
      if (a.status >= 200 && a.status < 300) {
        sent.reset();
        REPERE_RETURN_IF_ERROR(sent.bind(1, d.id).bind(2, now).run());
        ++report.sent;
        continue;
      }
      error = a.status == 0 ? a.error
                            : "HTTP " + std::to_string(a.status) + ": " + a.body.substr(0, 200);
    }
    failed.reset();
    REPERE_RETURN_IF_ERROR(
        failed.bind(1, d.id).bind(2, now + delay_after(d.tries + 1)).bind(3, error).run());
    ++report.failed;
    report.errors.push_back("score " + std::to_string(d.id) + " to " + d.lineitem + ": " + error);
  }
  return report;
}

Result<QueueState> score_queue(catalog::Database& db) {
  REPERE_ASSIGN_OR_RETURN(
      auto st, db.prepare("SELECT count(*) FILTER (WHERE sent_at IS NULL AND superseded = 0), "
                          "count(*) FILTER (WHERE sent_at IS NOT NULL), (SELECT last_error FROM "
                          "lti_score WHERE last_error != '' AND sent_at IS NULL ORDER BY id DESC "
                          "LIMIT 1) FROM lti_score"));
  REPERE_ASSIGN_OR_RETURN(const bool row, st.step());
  QueueState q;
  if (row) {
    q.waiting = st.int64(0);
    q.sent = st.int64(1);
    q.last_error = st.is_null(2) ? "" : st.text(2);
  }
  return q;
}

}  // namespace repere::lti
