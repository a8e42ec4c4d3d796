// Web pages: the title and the visible text, as paragraphs. Pure, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace repere::extract {

struct HtmlDocument {
  std::string title;                    // <title>, else the first <h1>, else ""
  std::string language;                 // <html lang="fr-FR"> -> "fr"; "" if absent
  std::vector<std::string> paragraphs;  // visible text split at block elements, NFC
  std::string encoding;                 // as decoded
  std::string encoding_doubt;           // why it may be wrong; "" when sure
};

// Never fails: malformed HTML gives what text can be found. Text in <script>, <style>,
// <noscript>, <template>, <svg>, <head> (but the title), and in comments is not visible and
// is skipped; <nav>, <header>, <footer> are kept out too, being site chrome, not content.
// The encoding comes from a byte-order mark, else <meta charset>, else detection.
HtmlDocument read_html(std::string_view bytes);

}  // namespace repere::extract
