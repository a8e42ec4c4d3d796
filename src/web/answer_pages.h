// Answers from the library on the web: `/api/v1/answer`, and the answer above the results of
// a question (« Réponse tirée de la médiathèque »). Internal to src/web.
#pragma once

#include "render.h"
#include "repere/search/search.h"

namespace repere::web::http {
struct Request;
struct Response;
}  // namespace repere::web::http

namespace repere::web {

struct Context;

void api_library_answer(Context& ctx, const http::Request& req, http::Response& res);

// Sets the results page's answer (`answer`: its sources with their sentences and links, or
// `no_answer`) when the query reads as a question and this is the first page of results.
Status add_answer(Context& ctx, const search::SearchResponse& found,
                  const search::SearchRequest& request, data& page);

}  // namespace repere::web
