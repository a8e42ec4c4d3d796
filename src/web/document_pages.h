// Documents and pictures you can read (document_pages.cpp): each page of a PDF or a scan shown
// as an image rendered on the server (repere/preview), the searched words highlighted from
// their boxes, and the page's text below it as paragraphs (for screen readers and copy), with
// previous / next links and #page-N anchors. Internal to src/web.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "render.h"
#include "repere/catalog/types.h"

namespace repere::web::http {
struct Request;
struct Response;
}  // namespace repere::web::http

namespace repere::web {

struct Context;

// GET /contenus/ID/pages/N.webp?l=800: page N of a document (or the picture, N = 1), WebP,
// to whoever may see the content. Errors: 404 (no such content or page, or not visible).
void page_image(Context& ctx, const http::Request& req, http::Response& res);
// GET /contenus/ID/images/S.webp: the video's picture at second S, a thumbnail of a few KB for
// the moments of the results and the chapters of the content page. Errors: as page_image.
void moment_image(Context& ctx, const http::Request& req, http::Response& res);
// The address of that thumbnail, and its text alternative from what is said there.
std::string moment_image_url(std::int64_t content_id, std::int64_t at_ms);
std::string moment_image_alt(std::int64_t at_ms, const std::string& said_html);

// The paragraphs of one page from its cues (words or lines with their boxes, in reading
// order): a new line where a word stands below the last one, a new paragraph where the gap
// between two lines is larger than a line, or the text size changes. Cues without a box are
// each a paragraph.
std::vector<std::string> page_paragraphs(const std::vector<const catalog::Cue*>& cues);

// What the content page shows of a document or picture with `cues` (its text track): a
// window of up to 10 pages around the one asked (?page=N; without it, the first page that
// says a word of the query), each as {{#pages}}: the image, the highlighted boxes, the
// paragraphs with the query's `words` marked. `ocr`: the text was read by a machine.
data document_view(Context& ctx, const catalog::Content& c, const std::vector<catalog::Cue>& cues,
                   const std::vector<std::string>& words, const std::string& query, int page_asked);

}  // namespace repere::web
