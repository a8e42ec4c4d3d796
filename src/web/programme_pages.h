// The programme pages (programme_pages.cpp): the disciplines the library's contents are given,
// and a page per concept — where it sits in its programme, its sub-concepts with how many
// contents each holds, and the contents given it or a concept under it (what the viewer may
// see only). Internal to src/web.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "render.h"

namespace repere::web::http {
struct Request;
struct Response;
}  // namespace repere::web::http

namespace repere::catalog {
class Database;
}
namespace repere::search {
struct SearchRequest;
}
namespace repere {
class Status;
}

namespace repere::web {

struct Context;
struct Viewer;

// GET /programme: the disciplines and levels contents are given, each with its count.
void page_programmes(Context& ctx, const http::Request& req, http::Response& res);
// GET /programme/ID: one concept.
void page_concept(Context& ctx, const http::Request& req, http::Response& res);
// A search narrowed to a concept (?notion=ID, the id of /programme/ID): to the contents given
// it or a concept under it — none when none are. Sets `label` to the concept's name for the
// page. Errors: invalid_argument naming the parameter for an unknown or malformed id.
Status narrow_to_concept(Context& ctx, const http::Request& req, search::SearchRequest& request,
                         std::string* label = nullptr);

// The concepts of a content as the content page lists them ({{#concepts}}: purpose, label,
// link), with the path of a programme's part.
list content_concepts(catalog::Database& db, std::int64_t content_id);

// The curator's part of a content page ({{#programme}}): its confirmed programme parts, each
// with « Retirer », and the machine's suggestions, labelled, with their score and supporting
// words, each with « Confirmer » and « Rejeter ».
data programme_review(catalog::Database& db, std::int64_t content_id);
// POST /contenus/ID/notions (curators): notion=URI, decision=confirmer|rejeter; audited.
void page_decide_concept(Context& ctx, const http::Request& req, http::Response& res);
// « Dans la médiathèque, on en parle aussi » ({{#related}}: link, where, title, excerpt): up to
// five moments of other published contents on the same part of the programme, saying similar
// things — about the passage when one is given.
list related_list(catalog::Database& db, std::int64_t content_id,
                  std::optional<std::int64_t> passage_id = std::nullopt);
// The review queue's part ({{#suggestions}}): contents with suggestions nobody decided on.
list pending_suggestions(catalog::Database& db);

}  // namespace repere::web
