// The pages of interactive videos, in French, server-rendered so that they work without
// JavaScript (web/static/activite.js adds the timed pauses): the teacher's creation page,
// editor (behind the secret edit link), preview and results; the pupil's class page
// (pseudonym, then the player). Internal to src/web.
//
//   GET  /activites/nouvelle?contenu=ID&t=S   choose a title and the clip's first/last lines
//   POST /activites                           create; 303 to the editor with the key
//   GET  /activites/ID/modifier?cle=K         the editor      POST: save, add, delete
//   POST /activites/ID/classes                a share code for a class
//   GET  /activites/ID/resultats?cle=K&classe=C   results per pupil and per question
//   GET  /activites/ID/apercu?cle=K           play as a pupil (answers checked, not kept)
//   GET  /classe?code=X                       to /classe/X
//   GET  /classe/X                            pseudonym form, then the player
//   POST /classe/X                            join with a pseudonym (a cookie keeps the token)
//   POST /classe/X/reponse                    an answer (HTML, or JSON for the script)
//   POST /classe/X/evenement                  a video event for xAPI (played, paused, ...)
#pragma once

#include <cstdint>
#include <kainjow/mustache.hpp>
#include <string>
#include <vector>

#include "repere/learn/activity.h"

namespace repere::learn {
struct Editor;
struct ClassShare;
}  // namespace repere::learn

namespace repere::web::http {
struct Request;
struct Response;
}  // namespace repere::web::http

namespace repere::web {

struct Context;

// The edit key of a page: `cle` in the query string or the form.
std::string key_of(const http::Request& req);
// Who edits: the edit link's key, and the signed-in teacher if any (owner or given rights).
learn::Editor editor_of(const http::Request& req);
// A share code as people read and type it: "K7M-PQ4-XZ9" (older 6-letter codes as they are).
std::string shown_code(const std::string& code);

// The classes of an activity as its results and dashboard list them ({{#classes}}: id, name,
// code, current, id_activity), `chosen` the one shown.
kainjow::mustache::list class_links(const std::vector<learn::ClassShare>& shares,
                                    std::int64_t chosen, std::int64_t activity_id);

// « Définition », « Question à choix », « Vrai ou faux »… as the pages name a card's kind.
std::string interaction_type_label(learn::InteractionType t);

void page_new_activity(Context& ctx, const http::Request& req, http::Response& res);
void page_create_activity(Context& ctx, const http::Request& req, http::Response& res);
void page_editor(Context& ctx, const http::Request& req, http::Response& res);
void page_editor_post(Context& ctx, const http::Request& req, http::Response& res);
void page_add_class(Context& ctx, const http::Request& req, http::Response& res);
void page_results_of(Context& ctx, const http::Request& req, http::Response& res);
// What a card says aloud: a definition's term and text, a chapter's title, a question with its
// choices; a text with blanks says « blanc » where each blank is, never its answer; "" for a
// card with nothing to say. Pure.
std::string spoken_card(const learn::Interaction& x);
// GET /classe/CODE/voix/IID.ogg: card IID of the class's activity read aloud (its term and
// definition, its question and choices; never a blank's answer). 404: no such class or card.
void page_card_voice(Context& ctx, const http::Request& req, http::Response& res);
// POST /activites/ID/classes/CID/lecture (cle, mode=adaptee|standard): the class's default
// reading view.
void page_class_reading_view(Context& ctx, const http::Request& req, http::Response& res);
// « Mes activités »; claiming an old edit link's activity; giving rights to a colleague.
void page_my_activities(Context& ctx, const http::Request& req, http::Response& res);
void page_claim(Context& ctx, const http::Request& req, http::Response& res);
void page_share(Context& ctx, const http::Request& req, http::Response& res);
void page_preview(Context& ctx, const http::Request& req, http::Response& res);
void page_class_code(Context& ctx, const http::Request& req, http::Response& res);
void page_class(Context& ctx, const http::Request& req, http::Response& res);
void page_join(Context& ctx, const http::Request& req, http::Response& res);
void page_answer(Context& ctx, const http::Request& req, http::Response& res);
void page_event(Context& ctx, const http::Request& req, http::Response& res);
// POST /activites/ID/dupliquer (the edit key, or its owner's session): a copy without classes
// nor answers, then its editor with its own key.
void page_duplicate(Context& ctx, const http::Request& req, http::Response& res);
// GET /classe/CODE/bilan: the pupil's score out of every graded question (JSON for the
// player's end screen; the page's « Ton bilan » otherwise).
void page_summary(Context& ctx, const http::Request& req, http::Response& res);

}  // namespace repere::web
