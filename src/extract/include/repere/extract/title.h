// Titles that files carry (a PDF's metadata, a video's "title" tag, a page's <title>): what
// makes one worth showing. Pure, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace repere::extract {

// `candidate` with its white space collapsed, trimmed and cut to 200 bytes at a character
// boundary; "" when it is no title: empty, a word processor's or a tool's default
// (« Microsoft Word - cours.docx », « untitled », « Sans titre », « Document1 »), a file name
// (« cours_v2.pdf »), or no letter at all.
std::string clean_title(std::string_view candidate);

}  // namespace repere::extract
