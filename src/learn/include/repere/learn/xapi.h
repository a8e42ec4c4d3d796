// xAPI statements (1.0.3) of what pupils do in an interactive video: the ADL video profile's
// played, paused, seeked and completed (https://w3id.org/xapi/video), and answered with its
// result for each question (a cmi.interaction). Built here, kept by ActivityStore
// (record_statement), exported per activity and sent to an LRS by the web server.
//
// The actor is the pupil's pseudonym with an account on the server ("classe-CODE/eleve-ID"):
// no e-mail, no real name.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>

#include "repere/learn/activity.h"
#include "repere/learn/store.h"

namespace repere::learn {

struct XapiWho {
  std::string base_url;  // "http://localhost:8080": the home of accounts and activity ids
  const Activity* activity = nullptr;
  const ClassShare* share = nullptr;
  const Pupil* pupil = nullptr;
  std::string session_id;  // one per page load (the player makes it), may be empty
};

// A video event as the player reports it. Times are seconds in the video.
struct VideoEvent {
  std::string verb;  // "played", "paused", "seeked", "completed"
  double time = 0;   // played, paused, completed: where; seeked: time_to
  double time_from = 0;
  double progress = 0;  // 0..1 of the clip watched
};

// Errors: invalid_argument for an unknown verb or times outside 0..10 h.
Result<nlohmann::json> video_statement(const XapiWho& who, const VideoEvent& e);
nlohmann::json answered_statement(const XapiWho& who, const Interaction& q, const Response& r,
                                  const Grade& g, std::int64_t elapsed_ms);

// "PT12.5S": an ISO 8601 duration.
std::string iso_duration(std::int64_t ms);

}  // namespace repere::learn
