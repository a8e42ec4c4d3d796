// Activities as JSON, as the API sends and receives them (docs/api.md):
//   {"id", "content_id", "title", "start_ms", "end_ms",
//    "settings": {"skipping", "must_answer", "captions_on"},
//    "interactions": [{"id", "at_ms", "type", "pause", "wrong_goto_ms", and the type's fields:
//       "term", "definition" | "question", "choices": [{"text", "correct", "feedback"}] |
//       "question", "answer_true" | "text" | "question" | "title";
//       "feedback_right", "feedback_wrong"}]}
// For pupils (`for_pupil`), what would give the answers away is left out: right choices,
// feedback, the true/false answer, and the answers of blanks ("text" becomes "La ___ capte…",
// with "blanks": 2).
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "repere/core/result.h"
#include "repere/learn/activity.h"
#include "repere/learn/store.h"

namespace repere::learn {

nlohmann::json to_json(const Activity& a, bool for_pupil = false);
// Reads an activity; errors are invalid_argument naming the field ("interactions[1].at_ms:
// a number of milliseconds is expected"). Unknown fields are ignored.
Result<Activity> activity_from_json(const nlohmann::json& j);
// One interaction, as in "interactions" (a course's quiz block keeps one so).
nlohmann::json interaction_to_json(const Interaction& x, bool for_pupil = false);
Result<Interaction> interaction_from_json(const nlohmann::json& j);
// {"chosen": [0, 2]} | {"answer": true} | {"blanks": ["…"]} | {"text": "…"}.
Result<Response> response_from_json(const nlohmann::json& j);
nlohmann::json to_json(const Grade& g);
nlohmann::json to_json(const Results& r, const Activity& a);
// A pupil's end screen: score out of every graded question, and each question's counted
// answer and attempts left. Never the right answers.
nlohmann::json to_json(const PupilProgress& p);

// A stored response (the JSON of response_from_json) as a teacher reads it: the choices'
// texts joined by " + ", « vrai » / « faux », the words typed in the blanks, the text.
std::string response_text(const Interaction& q, const std::string& stored_json);

}  // namespace repere::learn
