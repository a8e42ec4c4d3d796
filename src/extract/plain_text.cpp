#include <regex>

#include "repere/core/text.h"
#include "repere/extract/plain_text.h"

namespace repere::extract {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// Inline Markdown reduced to its words: ![alt](src) -> alt, [text](url) -> text, `code`,
// **bold**, *em*, _em_ -> their text.
std::string markdown_inline(std::string line) {
  static const std::regex kImage(R"(!\[([^\]]*)\]\([^)]*\))");
  static const std::regex kLink(R"(\[([^\]]*)\]\([^)]*\))");
  static const std::regex kEmphasis(R"((\*\*|__|\*|`))");
  line = std::regex_replace(line, kImage, "$1");
  line = std::regex_replace(line, kLink, "$1");
  return std::regex_replace(line, kEmphasis, "");
}

// A Markdown line's block marks removed: "## Titre" -> "Titre", "- item" -> "item".
std::string_view markdown_block(std::string_view line, bool& heading) {
  heading = false;
  std::size_t hashes = 0;
  while (hashes < line.size() && line[hashes] == '#') ++hashes;
  if (hashes > 0 && hashes <= 6 && hashes < line.size() && line[hashes] == ' ') {
    heading = true;
    return trim(line.substr(hashes));
  }
  if (line.size() > 2 && (line[0] == '-' || line[0] == '*' || line[0] == '+') && line[1] == ' ') {
    return trim(line.substr(2));
  }
  if (!line.empty() && line[0] == '>') return trim(line.substr(1));
  return line;
}

}  // namespace

TextDocument read_text_document(std::string_view bytes, bool markdown) {
  const text::DecodedText decoded = text::decode_to_utf8(bytes);
  TextDocument doc;
  doc.encoding = decoded.encoding;
  doc.encoding_doubt = decoded.doubt;
  const std::string utf8 = text::nfc(decoded.utf8);
  std::string paragraph;
  auto flush = [&] {
    if (!paragraph.empty()) doc.paragraphs.push_back(std::move(paragraph));
    paragraph.clear();
  };
  std::string_view rest(utf8);
  bool in_code_fence = false;
  while (!rest.empty()) {
    const std::size_t lf = rest.find('\n');
    std::string_view line = trim(rest.substr(0, lf));
    rest = lf == std::string_view::npos ? std::string_view() : rest.substr(lf + 1);
    if (markdown && line.rfind("```", 0) == 0) {
      in_code_fence = !in_code_fence;
      continue;
    }
    if (line.empty() || (markdown && (line == "---" || line == "***"))) {
      flush();
      continue;
    }
    std::string words(line);
    if (markdown && !in_code_fence) {
      bool heading = false;
      words = markdown_inline(std::string(markdown_block(line, heading)));
      if (heading) {
        flush();
        if (doc.title.empty()) doc.title = words;
        doc.paragraphs.push_back(words);
        continue;
      }
    }
    if (!paragraph.empty()) paragraph += ' ';
    paragraph += words;
  }
  flush();
  return doc;
}

}  // namespace repere::extract
