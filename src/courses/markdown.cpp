#include "repere/courses/markdown.h"

#include <vector>

#include "repere/core/text.h"

namespace repere::courses {

namespace {

// Every character HTML gives a meaning to, as an entity (« ' » needs none: attributes are
// written between double quotes).
std::string escape(std::string_view s) { return text::escape_html(s); }

bool safe_link(std::string_view url) {
  if (url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0) return url.size() > 8;
  return url.size() > 1 && url[0] == '/' && url[1] != '/';
}

// Wraps what lies between pairs of `mark` in <tag>; an unpaired mark stays as written.
std::string pairs(const std::string& s, const std::string& mark, const char* tag) {
  std::string out;
  std::size_t at = 0;
  while (true) {
    const std::size_t open = s.find(mark, at);
    if (open == std::string::npos) break;
    const std::size_t close = s.find(mark, open + mark.size());
    if (close == std::string::npos || close == open + mark.size()) break;
    out += s.substr(at, open - at);
    out += std::string("<") + tag + ">" + s.substr(open + mark.size(), close - open - mark.size()) +
           "</" + tag + ">";
    at = close + mark.size();
  }
  return out + s.substr(at);
}

// [text](address), on escaped text.
std::string links(const std::string& s) {
  std::string out;
  std::size_t at = 0;
  while (true) {
    const std::size_t open = s.find('[', at);
    if (open == std::string::npos) break;
    const std::size_t mid = s.find("](", open);
    const std::size_t close = mid == std::string::npos ? mid : s.find(')', mid + 2);
    if (mid == std::string::npos || close == std::string::npos) break;
    const std::string text = s.substr(open + 1, mid - open - 1);
    const std::string url = s.substr(mid + 2, close - mid - 2);
    out += s.substr(at, open - at);
    if (!text.empty() && safe_link(url) && url.find(' ') == std::string::npos) {
      out += "<a href=\"" + url + "\">" + text + "</a>";
    } else {
      out += s.substr(open, close + 1 - open);
    }
    at = close + 1;
  }
  return out + s.substr(at);
}

std::string inline_html(std::string_view line) {
  return pairs(pairs(links(escape(line)), "**", "strong"), "*", "em");
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

}  // namespace

std::string markdown_to_html(std::string_view text) {
  std::string out;
  std::vector<std::string> paragraph, items;
  auto flush = [&] {
    if (!paragraph.empty()) {
      out += "<p>";
      for (std::size_t i = 0; i < paragraph.size(); ++i) out += (i ? " " : "") + paragraph[i];
      out += "</p>\n";
      paragraph.clear();
    }
    if (!items.empty()) {
      out += "<ul>";
      for (const std::string& i : items) out += "<li>" + i + "</li>";
      out += "</ul>\n";
      items.clear();
    }
  };
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    const std::string_view line = trim(text.substr(start, end - start));
    start = end + 1;
    if (line.empty()) {
      flush();
      continue;
    }
    const bool item = line.size() > 2 && (line[0] == '-' || line[0] == '*') && line[1] == ' ';
    if (item) {
      if (!paragraph.empty()) flush();  // (items are empty here: a paragraph line flushed them)
      items.push_back(inline_html(trim(line.substr(2))));
    } else {
      if (!items.empty()) flush();
      paragraph.push_back(inline_html(line));
    }
  }
  flush();
  return out;
}

}  // namespace repere::courses
