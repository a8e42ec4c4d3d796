// Curators review and correct text (review_pages.cpp): each track of a content with its
// provenance, its lines (cues) edited in plain forms — text, start and end — kept as a new
// revision, the content's passages cut again and search updated at once; the track marked
// reviewed; the content's record (title, description, subject, level, licence, authors); and
// the queue of machine text not yet reviewed, least sure first. Internal to src/web.
#pragma once

namespace repere::web::http {
struct Request;
struct Response;
}  // namespace repere::web::http

namespace repere::web {

struct Context;

void page_text(Context& ctx, const http::Request& req, http::Response& res);
void page_correct_track(Context& ctx, const http::Request& req, http::Response& res);
void page_edit_record(Context& ctx, const http::Request& req, http::Response& res);
void page_review_queue(Context& ctx, const http::Request& req, http::Response& res);

}  // namespace repere::web
