#include "repere/learn/xapi.h"

#include <sodium.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <nlohmann/json.hpp>

namespace repere::learn {

using json = nlohmann::json;

namespace {

constexpr const char* kVideoProfile = "https://w3id.org/xapi/video";
constexpr const char* kExt = "https://w3id.org/xapi/video/extensions/";

std::string uuid4() {
  if (sodium_init() < 0) std::abort();
  unsigned char b[16];
  randombytes_buf(b, sizeof b);
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return out;
}

std::string now_iso() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[96];
  std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d.%03lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(ms));
  return out;
}

double seconds(double s) { return std::round(s * 1000) / 1000; }

std::string french(const std::string& verb) {
  if (verb == "played") return "a lancé la lecture";
  if (verb == "paused") return "a mis en pause";
  if (verb == "seeked") return "s'est déplacé dans la vidéo";
  if (verb == "completed") return "a terminé";
  if (verb == "answered") return "a répondu";
  return verb;
}

std::string activity_iri(const XapiWho& who) {
  return who.base_url + "/activites/" + std::to_string(who.activity->id);
}

json actor(const XapiWho& who) {
  return {{"objectType", "Agent"},
          {"name", who.pupil->pseudonym},
          {"account",
           {{"homePage", who.base_url},
            {"name", "classe-" + who.share->code + "/eleve-" + std::to_string(who.pupil->id)}}}};
}

json video_object(const XapiWho& who) {
  return {{"objectType", "Activity"},
          {"id", activity_iri(who)},
          {"definition",
           {{"type", "https://w3id.org/xapi/video/activity-type/video"},
            {"name", {{"fr-FR", who.activity->title}}}}}};
}

json statement(const XapiWho& who, const std::string& verb_id, const std::string& verb_name,
               json object, json result, json context) {
  context["contextActivities"]["category"] = json::array({{{"id", kVideoProfile}}});
  if (!who.session_id.empty())
    context["extensions"][std::string(kExt) + "session-id"] = who.session_id;
  context["extensions"][std::string(kExt) + "length"] =
      seconds(static_cast<double>(who.activity->end_ms - who.activity->start_ms) / 1000.0);
  context["language"] = "fr-FR";
  json s = {{"id", uuid4()},
            {"actor", actor(who)},
            {"verb",
             {{"id", verb_id}, {"display", {{"en-US", verb_name}, {"fr-FR", french(verb_name)}}}}},
            {"object", std::move(object)},
            {"context", std::move(context)},
            {"timestamp", now_iso()},
            {"version", "1.0.3"}};
  if (!result.is_null()) s["result"] = std::move(result);
  return s;
}

}  // namespace

std::string iso_duration(std::int64_t ms) {
  char out[40];
  std::snprintf(out, sizeof out, "PT%lld.%02lldS", static_cast<long long>(ms / 1000),
                static_cast<long long>(ms % 1000 / 10));
  return out;
}

Result<json> video_statement(const XapiWho& who, const VideoEvent& e) {
  const auto bad = [](double t) { return !(t >= 0 && t <= 36000); };
  if (bad(e.time) || bad(e.time_from) || !(e.progress >= 0 && e.progress <= 1)) {
    return Status::invalid_argument("time: seconds between 0 and 36000, progress between 0 and 1");
  }
  json result;
  const std::string ext = kExt;
  if (e.verb == "played" || e.verb == "paused") {
    result["extensions"][ext + "time"] = seconds(e.time);
    if (e.verb == "paused") result["extensions"][ext + "progress"] = seconds(e.progress);
    const std::string id = "https://w3id.org/xapi/video/verbs/" + e.verb;
    return statement(who, id, e.verb, video_object(who), result, json::object());
  }
  if (e.verb == "seeked") {
    result["extensions"][ext + "time-from"] = seconds(e.time_from);
    result["extensions"][ext + "time-to"] = seconds(e.time);
    return statement(who, "https://w3id.org/xapi/video/verbs/seeked", "seeked", video_object(who),
                     result, json::object());
  }
  if (e.verb == "completed") {
    result["completion"] = true;
    result["extensions"][ext + "time"] = seconds(e.time);
    result["extensions"][ext + "progress"] = seconds(e.progress);
    return statement(who, "http://adlnet.gov/expapi/verbs/completed", "completed",
                     video_object(who), result, json::object());
  }
  return Status::invalid_argument("verb: one of played, paused, seeked, completed");
}

json answered_statement(const XapiWho& who, const Interaction& q, const Response& r, const Grade& g,
                        std::int64_t elapsed_ms) {
  json definition = {{"type", "http://adlnet.gov/expapi/activities/cmi.interaction"}};
  std::string response;
  auto join = [](const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : "[,]") + p;
    return out;
  };
  switch (q.type) {
    case InteractionType::kChoice: {
      definition["interactionType"] = "choice";
      definition["description"] = {{"fr-FR", q.question}};
      json choices = json::array();
      std::vector<std::string> right, chosen;
      for (std::size_t i = 0; i < q.choices.size(); ++i) {
        choices.push_back({{"id", "choix-" + std::to_string(i)},
                           {"description", {{"fr-FR", q.choices[i].text}}}});
        if (q.choices[i].correct) right.push_back("choix-" + std::to_string(i));
      }
      for (const int c : r.chosen) chosen.push_back("choix-" + std::to_string(c));
      definition["choices"] = choices;
      definition["correctResponsesPattern"] = json::array({join(right)});
      response = join(chosen);
      break;
    }
    case InteractionType::kTrueFalse:
      definition["interactionType"] = "true-false";
      definition["description"] = {{"fr-FR", q.question}};
      definition["correctResponsesPattern"] = json::array({q.answer_true ? "true" : "false"});
      response = r.answer.value_or(false) ? "true" : "false";
      break;
    case InteractionType::kBlanks: {
      definition["interactionType"] = "fill-in";
      definition["description"] = {{"fr-FR", q.text}};
      std::vector<std::string> first;
      for (const auto& accepted : blanks_of(q.text))
        first.push_back(accepted.empty() ? "" : accepted[0]);
      definition["correctResponsesPattern"] = json::array({join(first)});
      response = join(r.blanks);
      break;
    }
    default:
      definition["interactionType"] = "long-fill-in";
      definition["description"] = {{"fr-FR", q.question}};
      response = r.text;
      break;
  }
  json object = {{"objectType", "Activity"},
                 {"id", activity_iri(who) + "/interactions/" + std::to_string(q.id)},
                 {"definition", definition}};
  json result = {{"response", response}, {"duration", iso_duration(elapsed_ms)}};
  if (g.correct) {
    result["success"] = *g.correct;
    result["score"] = {{"raw", g.score},
                       {"min", 0},
                       {"max", g.max_score},
                       {"scaled", g.max_score > 0 ? g.score / g.max_score : 0.0}};
  }
  json context;
  context["contextActivities"]["parent"] = json::array({{{"id", activity_iri(who)}}});
  context["extensions"][std::string(kExt) + "time"] = seconds(static_cast<double>(q.at_ms) / 1000);
  return statement(who, "http://adlnet.gov/expapi/verbs/answered", "answered", object, result,
                   context);
}

}  // namespace repere::learn
