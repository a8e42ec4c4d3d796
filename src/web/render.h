// Rendering the French pages: a template of web/templates inside the layout, sent as HTML.
// Internal to src/web (pages.cpp defines them).
#pragma once

#include <cstdint>
#include <kainjow/mustache.hpp>
#include <string>
#include <vector>

#include "repere/catalog/types.h"
#include "repere/core/status.h"

namespace repere::web::http {
struct Response;
}  // namespace repere::web::http

namespace repere::web {

using kainjow::mustache::data;
using kainjow::mustache::list;

// The page `name` (web/templates/NAME.html) rendered with `page`, inside the layout; `script`
// names a second script of web/static for the page ("activite.js").
std::string render(const std::string& name, data& page, const std::string& title,
                   const std::string& query = "", const std::string& script = "");
// The template `name` alone, a whole HTML document (the embedded player).
std::string render_bare(const std::string& name, data& page);
// 200 (or `status`), no-cache, text/html.
void send_page(http::Response& res, const std::string& html, int status = 200);
// The error page: a title and what to do.
void error_page(http::Response& res, int status, const std::string& title,
                const std::string& detail);
// The error page of a Status: its HTTP status from the one table (http_status), its message.
void error_page(http::Response& res, const Status& status, const std::string& title);

// The captions of a player: the human subtitles, then automatic transcriptions (the first
// one on when `default_on`), as the content template's {{#tracks}}.
list caption_list(const std::vector<catalog::Track>& tracks, std::int64_t content_id,
                  bool default_on);

}  // namespace repere::web
