// The limited Markdown of a course's text blocks, as HTML that cannot carry markup of its own:
// every character is escaped first, then only these are read — paragraphs (blank lines), lists
// (lines starting with « - » or « * »), **bold**, *italic*, and links [text](https://…) to
// http(s) addresses or to Repère's own paths (/contenus/…). Nothing else becomes HTML: no raw
// HTML, no images, no scripts, no javascript: links. Pure, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace repere::courses {

std::string markdown_to_html(std::string_view text);

}  // namespace repere::courses
