// LTI Assignment and Grade Services 2.0, the tool's side: a pupil who came by LTI with a line
// item gets her score queued after each answer, and a sender posts the queue to the platform
// (an access token by client credentials with a signed JWT assertion, then the score to
// LINEITEM/scores). A score that cannot be sent stays queued and is tried again later, with
// a growing delay (30 s, 1 min, 2 min… at most an hour): it is never lost. A newer score of
// the same pupil and line item supersedes an unsent older one.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "repere/catalog/database.h"
#include "repere/lti/jose.h"
#include "repere/lti/services.h"

namespace repere::lti {

// Queues the pupil's score when she is an LTI pupil with a line item (false: she is not, and
// nothing is queued). `completed`: every graded question answered. `kind`: "activite" (a pupil
// of an interactive video's class) or "cours" (of a course's class).
Result<bool> queue_score(catalog::Database& db, std::int64_t pupil_id, double given, double maximum,
                         bool completed, std::int64_t now, std::string_view kind = "activite");

struct SendReport {
  int sent = 0;
  int failed = 0;                   // tried and left queued
  std::vector<std::string> errors;  // one line per failure, for the log
};

// Sends the queued scores that are due at `now` (at most `limit`), signing token requests
// with `key`.
Result<SendReport> send_scores(catalog::Database& db, const KeyPair& key, std::int64_t now,
                               const Poster& post, int limit = 50);

struct QueueState {
  std::int64_t waiting = 0, sent = 0;
  std::string last_error;
};
Result<QueueState> score_queue(catalog::Database& db);

// The scores URL of a line item: "/scores" added to its path, before any query.
std::string scores_url(const std::string& lineitem);

}  // namespace repere::lti
