// Text files (.txt, .md): paragraphs, with their encoding detected. Pure, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace repere::extract {

struct TextDocument {
  std::string title;                    // a Markdown file's first heading, else ""
  std::vector<std::string> paragraphs;  // non-empty, NFC, in order
  std::string encoding;                 // "UTF-8", "windows-1252", ...
  std::string encoding_doubt;           // why it may be wrong; "" when sure
};

// Splits `bytes` (any encoding decode_to_utf8 knows) into paragraphs at blank lines; lines
// of a paragraph are joined with spaces. With `markdown`, headings, list bullets, emphasis,
// inline code marks, images and link targets are removed, keeping the words people read.
TextDocument read_text_document(std::string_view bytes, bool markdown);

}  // namespace repere::extract
