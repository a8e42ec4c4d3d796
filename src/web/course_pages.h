// The course pages (course_pages.cpp), in French, server-rendered, working without JavaScript:
//
//   GET  /cours                        the teacher's courses, the models (« cours types »), a new
//   one POST /cours                        make one (title; a concept with notion=ID); 303 to its
//   editor GET  /cours/ID                     the course as a pupil reads it (drafts: its owner,
//   curators) POST /cours/ID/quiz                answer a quiz block: checked, shown, not kept GET
//   /cours/ID/modifier            the editor (its owner) POST /cours/ID/modifier
//   action=champs|chapitre|renommer|supprimer-chapitre|
//                                      deplacer-chapitre|bloc|supprimer-bloc|deplacer-bloc|
//                                      notion|retirer-notion
//   POST /cours/ID/dupliquer           a teacher's own draft copy of a course she may see
//   GET  /cours/ajouter?contenu=ID&t=S&fin=E | &page=N   « Ajouter au cours »: choose the course
//   POST /cours/ajouter                add the moment or the page to the course's last chapter
// Internal to src/web.
#pragma once

#include <string>

#include "render.h"
#include "repere/courses/course.h"

namespace repere::web::http {
struct Request;
struct Response;
}  // namespace repere::web::http

namespace repere::catalog {
class Database;
}

namespace repere::web {

struct Context;
struct Viewer;

void page_courses(Context& ctx, const http::Request& req, http::Response& res);
void page_create_course(Context& ctx, const http::Request& req, http::Response& res);
void page_course(Context& ctx, const http::Request& req, http::Response& res);
void page_course_quiz(Context& ctx, const http::Request& req, http::Response& res);
// GET /cours/ID/imprimer: the course on paper — « À retenir » (its key ideas), then each
// chapter's texts, transcript extracts, pages' text and questions with room to answer.
void page_course_print(Context& ctx, const http::Request& req, http::Response& res);
// GET /cours/ID/export.imscc: the course as an IMS Common Cartridge 1.3 for Moodle (web links to
// its moments and pages, a page per run of texts and questions); to whoever may read it.
void page_course_cartridge(Context& ctx, const http::Request& req, http::Response& res);
void page_course_editor(Context& ctx, const http::Request& req, http::Response& res);
void page_course_editor_post(Context& ctx, const http::Request& req, http::Response& res);
void page_duplicate_course(Context& ctx, const http::Request& req, http::Response& res);
void page_add_to_course(Context& ctx, const http::Request& req, http::Response& res);
void page_add_to_course_post(Context& ctx, const http::Request& req, http::Response& res);

// The pupils' side of a course shared with a class, at /classe/CODE (the interactive videos'
// routes ask these first): the pseudonym, then one chapter at a time (?chapitre=N, else the
// first not finished), the questions' answers kept, « À voir ensuite » after a chapter. Each
// returns false, answering nothing, when CODE is no course's class.
bool course_class_page(Context& ctx, const http::Request& req, http::Response& res);
bool course_class_join(Context& ctx, const http::Request& req, http::Response& res);
bool course_class_answer(Context& ctx, const http::Request& req, http::Response& res);
// POST /classe/CODE/chapitre: the pupil finished a chapter; on to the next.
void page_course_chapter_done(Context& ctx, const http::Request& req, http::Response& res);
// GET /cours/ID/progression?classe=K (its owner): per pupil, the chapters finished and the
// questions answered and right; per question, how many answered and were right.
void page_course_progress(Context& ctx, const http::Request& req, http::Response& res);
// What a course's block says aloud: a key idea (« À retenir : … »), a text without its Markdown
// marks; "" for other blocks. Pure.
std::string spoken_block(const courses::Block& b);
// GET /classe/CODE/blocs/BID/voix.ogg: a text or key idea of the class's course read aloud;
// 404 when the course is not published or has no such block.
void page_block_voice(Context& ctx, const http::Request& req, http::Response& res);
// POST /cours/ID/classes/CID/lecture (mode=adaptee|standard): the class's default reading view.
void page_course_reading_view(Context& ctx, const http::Request& req, http::Response& res);

// The published courses aligned with a concept or one under it ({{#courses}}: link, title), for
// the concept's page.
list courses_of_concept(catalog::Database& db, const std::string& uri);

}  // namespace repere::web
