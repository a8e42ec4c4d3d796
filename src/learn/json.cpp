#include "repere/learn/json.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace repere::learn {

using nlohmann::json;

namespace {

json interaction_json(const Interaction& x, bool for_pupil) {
  json j = {{"id", x.id},
            {"at_ms", x.at_ms},
            {"type", to_string(x.type)},
            {"pause", x.pause},
            {"wrong_goto_ms", x.wrong_goto_ms ? json(*x.wrong_goto_ms) : json(nullptr)}};
  switch (x.type) {
    case InteractionType::kDefinition:
      j["term"] = x.term;
      j["definition"] = x.definition;
      break;
    case InteractionType::kChoice:
      j["question"] = x.question;
      j["choices"] = json::array();
      for (const Choice& c : x.choices) {
        if (for_pupil) {
          j["choices"].push_back({{"text", c.text}});
        } else {
          j["choices"].push_back(
              {{"text", c.text}, {"correct", c.correct}, {"feedback", c.feedback}});
        }
      }
      if (for_pupil) {
        int right = 0;
        for (const Choice& c : x.choices) right += c.correct;
        j["several"] = right > 1;  // check boxes rather than radio buttons
      }
      break;
    case InteractionType::kTrueFalse:
      j["question"] = x.question;
      if (!for_pupil) j["answer_true"] = x.answer_true;
      break;
    case InteractionType::kBlanks:
      j["text"] = for_pupil ? hide_blanks(x.text) : x.text;
      if (for_pupil) j["blanks"] = blanks_of(x.text).size();
      break;
    case InteractionType::kOpen: j["question"] = x.question; break;
    case InteractionType::kChapter: j["title"] = x.title; break;
  }
  if (!for_pupil && x.type != InteractionType::kChoice && is_question(x.type)) {
    j["feedback_right"] = x.feedback_right;
    j["feedback_wrong"] = x.feedback_wrong;
  }
  if (for_pupil) j.erase("wrong_goto_ms");
  return j;
}

// Field readers that say which field is wrong.
struct Reader {
  const json& j;
  std::string where;  // "interactions[2]." or ""

  Status wrong(const char* field, const char* expected) const {
    return Status::invalid_argument(where + field + ": " + expected + " is expected");
  }
  Status text(const char* field, std::string& out) const {
    if (!j.contains(field) || j[field].is_null()) return Status::ok();
    if (!j[field].is_string()) return wrong(field, "a text");
    out = j[field].get<std::string>();
    return Status::ok();
  }
  Status boolean(const char* field, bool& out) const {
    if (!j.contains(field) || j[field].is_null()) return Status::ok();
    if (!j[field].is_boolean()) return wrong(field, "true or false");
    out = j[field].get<bool>();
    return Status::ok();
  }
  Status millis(const char* field, std::int64_t& out) const {
    return whole(field, out, "a whole number of milliseconds");
  }
  Status whole(const char* field, std::int64_t& out,
               const char* expected = "a whole number") const {
    if (!j.contains(field) || j[field].is_null()) return Status::ok();
    if (!j[field].is_number_integer()) return wrong(field, expected);
    out = j[field].get<std::int64_t>();
    return Status::ok();
  }
};

Result<Interaction> interaction_from(const json& j, std::size_t i) {
  const std::string where = "interactions[" + std::to_string(i) + "].";
  if (!j.is_object())
    return Status::invalid_argument(where.substr(0, where.size() - 1) + ": an object is expected");
  const Reader r{j, where};
  Interaction x;
  std::string type;
  REPERE_RETURN_IF_ERROR(r.text("type", type));
  auto parsed = parse_interaction_type(type);
  if (!parsed.is_ok()) return parsed.status().with_context(where.substr(0, where.size() - 1));
  x.type = *parsed;
  REPERE_RETURN_IF_ERROR(r.millis("id", x.id));
  REPERE_RETURN_IF_ERROR(r.millis("at_ms", x.at_ms));
  REPERE_RETURN_IF_ERROR(r.boolean("pause", x.pause));
  if (j.contains("wrong_goto_ms") && !j["wrong_goto_ms"].is_null()) {
    std::int64_t t = 0;
    REPERE_RETURN_IF_ERROR(r.millis("wrong_goto_ms", t));
    x.wrong_goto_ms = t;
  }
  REPERE_RETURN_IF_ERROR(r.text("term", x.term));
  REPERE_RETURN_IF_ERROR(r.text("definition", x.definition));
  REPERE_RETURN_IF_ERROR(r.text("question", x.question));
  REPERE_RETURN_IF_ERROR(r.boolean("answer_true", x.answer_true));
  REPERE_RETURN_IF_ERROR(r.text("text", x.text));
  REPERE_RETURN_IF_ERROR(r.text("title", x.title));
  REPERE_RETURN_IF_ERROR(r.text("feedback_right", x.feedback_right));
  REPERE_RETURN_IF_ERROR(r.text("feedback_wrong", x.feedback_wrong));
  if (j.contains("choices") && !j["choices"].is_null()) {
    if (!j["choices"].is_array()) return r.wrong("choices", "a list");
    for (std::size_t c = 0; c < j["choices"].size(); ++c) {
      const json& cj = j["choices"][c];
      const Reader cr{cj, where + "choices[" + std::to_string(c) + "]."};
      if (!cj.is_object()) return r.wrong("choices", "a list of objects");
      Choice choice;
      REPERE_RETURN_IF_ERROR(cr.text("text", choice.text));
      REPERE_RETURN_IF_ERROR(cr.boolean("correct", choice.correct));
      REPERE_RETURN_IF_ERROR(cr.text("feedback", choice.feedback));
      x.choices.push_back(std::move(choice));
    }
  }
  return x;
}

}  // namespace

json interaction_to_json(const Interaction& x, bool for_pupil) {
  return interaction_json(x, for_pupil);
}

Result<Interaction> interaction_from_json(const json& j) {
  auto x = interaction_from(j, 0);
  if (!x.is_ok()) {
    std::string m = x.status().message();
    if (m.rfind("interactions[0].", 0) == 0) m = m.substr(16);
    return Status::invalid_argument(m);
  }
  return x;
}

json to_json(const Activity& a, bool for_pupil) {
  json j = {{"id", a.id},
            {"content_id", a.content_id},
            {"title", a.title},
            {"start_ms", a.start_ms},
            {"end_ms", a.end_ms},
            {"settings",
             {{"skipping", to_string(a.settings.skipping)},
              {"must_answer", a.settings.must_answer},
              {"captions_on", a.settings.captions_on},
              {"attempts", a.settings.attempts},
              {"counting", to_string(a.settings.counting)}}},
            {"interactions", json::array()}};
  if (!for_pupil) {
    j["created_at"] = a.created_at;
    j["updated_at"] = a.updated_at;
  }
  for (const Interaction& x : a.interactions)
    j["interactions"].push_back(interaction_json(x, for_pupil));
  return j;
}

Result<Activity> activity_from_json(const json& j) {
  if (!j.is_object()) return Status::invalid_argument("an activity object is expected");
  const Reader r{j, ""};
  Activity a;
  REPERE_RETURN_IF_ERROR(r.millis("id", a.id));
  REPERE_RETURN_IF_ERROR(r.millis("content_id", a.content_id));
  REPERE_RETURN_IF_ERROR(r.text("title", a.title));
  REPERE_RETURN_IF_ERROR(r.millis("start_ms", a.start_ms));
  REPERE_RETURN_IF_ERROR(r.millis("end_ms", a.end_ms));
  if (j.contains("settings") && !j["settings"].is_null()) {
    if (!j["settings"].is_object()) return r.wrong("settings", "an object");
    const Reader s{j["settings"], "settings."};
    std::string skipping = "allowed";
    REPERE_RETURN_IF_ERROR(s.text("skipping", skipping));
    REPERE_ASSIGN_OR_RETURN(a.settings.skipping, parse_skipping(skipping));
    REPERE_RETURN_IF_ERROR(s.boolean("must_answer", a.settings.must_answer));
    REPERE_RETURN_IF_ERROR(s.boolean("captions_on", a.settings.captions_on));
    std::int64_t attempts = 0;
    REPERE_RETURN_IF_ERROR(s.whole("attempts", attempts));
    a.settings.attempts = static_cast<int>(std::clamp<std::int64_t>(attempts, -1, 1000));
    std::string counting = "first";
    REPERE_RETURN_IF_ERROR(s.text("counting", counting));
    REPERE_ASSIGN_OR_RETURN(a.settings.counting, parse_counting(counting));
  }
  if (j.contains("interactions") && !j["interactions"].is_null()) {
    if (!j["interactions"].is_array()) return r.wrong("interactions", "a list");
    for (std::size_t i = 0; i < j["interactions"].size(); ++i) {
      REPERE_ASSIGN_OR_RETURN(Interaction x, interaction_from(j["interactions"][i], i));
      a.interactions.push_back(std::move(x));
    }
  }
  return a;
}

Result<Response> response_from_json(const json& j) {
  if (!j.is_object()) return Status::invalid_argument("a response object is expected");
  Response r;
  if (j.contains("chosen")) {
    if (!j["chosen"].is_array()) return Status::invalid_argument("chosen: a list is expected");
    for (const json& c : j["chosen"]) {
      if (!c.is_number_integer() || c.get<std::int64_t>() < 0 || c.get<std::int64_t>() > 1000) {
        return Status::invalid_argument("chosen: choice numbers are expected");
      }
      r.chosen.push_back(c.get<int>());
    }
  }
  if (j.contains("answer")) {
    if (!j["answer"].is_boolean()) return Status::invalid_argument("answer: true or false");
    r.answer = j["answer"].get<bool>();
  }
  if (j.contains("blanks")) {
    if (!j["blanks"].is_array()) return Status::invalid_argument("blanks: a list is expected");
    for (const json& b : j["blanks"]) {
      if (!b.is_string()) return Status::invalid_argument("blanks: texts are expected");
      r.blanks.push_back(b.get<std::string>());
    }
  }
  if (j.contains("text")) {
    if (!j["text"].is_string()) return Status::invalid_argument("text: a text is expected");
    r.text = j["text"].get<std::string>();
  }
  return r;
}

json to_json(const Grade& g) {
  return {{"correct", g.correct ? json(*g.correct) : json(nullptr)},
          {"score", g.score},
          {"max_score", g.max_score},
          {"feedback", g.feedback},
          {"goto_ms", g.goto_ms ? json(*g.goto_ms) : json(nullptr)},
          {"attempts_left", g.attempts_left ? json(*g.attempts_left) : json(nullptr)}};
}

json to_json(const Results& r, const Activity& a) {
  json pupils = json::array();
  for (const PupilResult& p : r.pupils) {
    json answers = json::array();
    for (const AnswerRecord& ans : p.answers) {
      answers.push_back({{"interaction_id", ans.interaction_id},
                         {"correct", ans.correct ? json(*ans.correct) : json(nullptr)},
                         {"score", ans.score},
                         {"max_score", ans.max_score},
                         {"response", json::parse(ans.response_json, nullptr, false)},
                         {"elapsed_ms", ans.elapsed_ms},
                         {"answered_at", ans.created_at},
                         {"attempt", ans.attempt},
                         {"attempts", ans.attempts}});
    }
    pupils.push_back({{"id", p.pupil_id},
                      {"number", p.number},
                      {"pseudonym", p.pseudonym},
                      {"score", p.score},
                      {"max_score", p.max_score},
                      {"time_ms", p.time_ms},
                      {"watched", p.watched},
                      {"answers", answers}});
  }
  json questions = json::array();
  for (const QuestionResult& q : r.questions) {
    json wrong = json::array();
    for (const auto& [text, count] : q.common_wrong)
      wrong.push_back({{"response", text}, {"count", count}});
    questions.push_back({{"interaction_id", q.interaction_id},
                         {"label", q.label},
                         {"graded", q.graded},
                         {"answered", q.answered},
                         {"right", q.right},
                         {"success_rate", q.success_rate},
                         {"common_wrong", wrong},
                         {"responses", q.responses}});
  }
  return {{"activity_id", a.id},
          {"class", {{"id", r.share.id}, {"code", r.share.code}, {"name", r.share.name}}},
          {"pupils", pupils},
          {"questions", questions}};
}

json to_json(const PupilProgress& p) {
  json questions = json::array();
  for (const QuestionProgress& q : p.questions) {
    questions.push_back(
        {{"interaction_id", q.interaction_id},
         {"graded", q.graded},
         {"max_score", q.max_score},
         {"attempts_used", q.attempts_used},
         {"attempts_left", q.attempts_left ? json(*q.attempts_left) : json(nullptr)},
         {"answered", q.counted.has_value()},
         {"correct", q.counted && q.counted->correct ? json(*q.counted->correct) : json(nullptr)},
         {"score", q.counted ? q.counted->score : 0.0}});
  }
  return {{"score", p.score},      {"max_score", p.max_score}, {"graded", p.graded},
          {"right", p.right},      {"answered", p.answered},   {"can_retry", p.can_retry},
          {"questions", questions}};
}

// A response as a teacher reads it: the choices' texts, « vrai » / « faux », the words typed.
std::string response_text(const Interaction& q, const std::string& stored) {
  const json r = json::parse(stored, nullptr, false);
  if (!r.is_object()) return "";
  std::string out;
  auto add = [&out](const std::string& s) { out += (out.empty() ? "" : " + ") + s; };
  switch (q.type) {
    case InteractionType::kChoice:
      for (const json& c : r.value("chosen", json::array())) {
        if (!c.is_number_integer()) continue;
        const auto i = c.get<std::int64_t>();
        if (i >= 0 && i < static_cast<std::int64_t>(q.choices.size())) {
          add(q.choices[static_cast<std::size_t>(i)].text);
        }
      }
      return out;
    case InteractionType::kTrueFalse: return r.value("answer", false) ? "vrai" : "faux";
    case InteractionType::kBlanks:
      for (const json& b : r.value("blanks", json::array())) {
        if (b.is_string()) out += (out.empty() ? "" : " / ") + b.get<std::string>();
      }
      return out;
    default: return r.value("text", "");
  }
}

}  // namespace repere::learn
