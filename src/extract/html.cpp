#include "repere/extract/html.h"

#include <algorithm>
#include <array>
#include <cstdlib>

#include "repere/core/text.h"

namespace repere::extract {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool one_of(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

void append_code_point(std::string& out, unsigned long cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  char buf[4];
  int n = 0;
  if (cp < 0x80) {
    buf[n++] = static_cast<char>(cp);
  } else if (cp < 0x800) {
    buf[n++] = static_cast<char>(0xC0 | (cp >> 6));
    buf[n++] = static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    buf[n++] = static_cast<char>(0xE0 | (cp >> 12));
    buf[n++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    buf[n++] = static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    buf[n++] = static_cast<char>(0xF0 | (cp >> 18));
    buf[n++] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    buf[n++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    buf[n++] = static_cast<char>(0x80 | (cp & 0x3F));
  }
  out.append(buf, static_cast<std::size_t>(n));
}

// The named character references French pages use, and the structural ones.
unsigned long named_entity(std::string_view name) {
  static constexpr std::pair<std::string_view, unsigned long> kNames[] = {
      {"amp", '&'},      {"lt", '<'},        {"gt", '>'},        {"quot", '"'},
      {"apos", '\''},    {"nbsp", 0xA0},     {"thinsp", 0x2009}, {"ensp", 0x2002},
      {"emsp", 0x2003},  {"laquo", 0xAB},    {"raquo", 0xBB},    {"lsquo", 0x2018},
      {"rsquo", 0x2019}, {"ldquo", 0x201C},  {"rdquo", 0x201D},  {"ndash", 0x2013},
      {"mdash", 0x2014}, {"hellip", 0x2026}, {"middot", 0xB7},   {"bull", 0x2022},
      {"deg", 0xB0},     {"copy", 0xA9},     {"reg", 0xAE},      {"euro", 0x20AC},
      {"times", 0xD7},   {"divide", 0xF7},   {"sup2", 0xB2},     {"sup3", 0xB3},
      {"frac12", 0xBD},  {"micro", 0xB5},    {"sect", 0xA7},     {"agrave", 0xE0},
      {"aacute", 0xE1},  {"acirc", 0xE2},    {"auml", 0xE4},     {"aelig", 0xE6},
      {"ccedil", 0xE7},  {"egrave", 0xE8},   {"eacute", 0xE9},   {"ecirc", 0xEA},
      {"euml", 0xEB},    {"icirc", 0xEE},    {"iuml", 0xEF},     {"ocirc", 0xF4},
      {"ouml", 0xF6},    {"ugrave", 0xF9},   {"ucirc", 0xFB},    {"uuml", 0xFC},
      {"yuml", 0xFF},    {"oelig", 0x153},   {"Agrave", 0xC0},   {"Aacute", 0xC1},
      {"Acirc", 0xC2},   {"Auml", 0xC4},     {"AElig", 0xC6},    {"Ccedil", 0xC7},
      {"Egrave", 0xC8},  {"Eacute", 0xC9},   {"Ecirc", 0xCA},    {"Euml", 0xCB},
      {"Icirc", 0xCE},   {"Iuml", 0xCF},     {"Ocirc", 0xD4},    {"Ouml", 0xD6},
      {"Ugrave", 0xD9},  {"Ucirc", 0xDB},    {"Uuml", 0xDC},     {"Yuml", 0x178},
      {"OElig", 0x152}};
  for (const auto& [n, cp] : kNames) {
    if (n == name) return cp;
  }
  return 0;
}

// Text between tags as people read it: character references decoded, white space collapsed.
std::string visible_text(std::string_view raw) {
  std::string out;
  bool space = false;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = true;
      continue;
    }
    if (space) out += ' ';  // kept even at the start: it separates from the previous tag's text
    space = false;
    const std::size_t semi = c == '&' ? raw.find(';', i) : std::string_view::npos;
    if (semi != std::string_view::npos && semi - i <= 10) {
      const std::string_view name = raw.substr(i + 1, semi - i - 1);
      unsigned long cp = 0;
      if (name.size() > 1 && name[0] == '#') {
        const bool hex = name[1] == 'x' || name[1] == 'X';
        const std::string digits(name.substr(hex ? 2 : 1));
        char* end = nullptr;
        cp = digits.empty() ? 0 : std::strtoul(digits.c_str(), &end, hex ? 16 : 10);
        if (end == nullptr || *end != '\0') cp = 0;
      } else {
        cp = named_entity(name);
      }
      if (cp != 0) {
        append_code_point(out, cp);
        i = semi;
        continue;
      }
    }
    out += c;
  }
  if (space) out += ' ';
  return out;
}

bool is_hidden(std::string_view tag) {
  return one_of(tag, {"script", "style", "noscript", "template", "svg", "nav", "header", "footer",
                      "iframe", "object", "select", "button"});
}

bool is_block(std::string_view tag) {
  return one_of(
      tag,
      {"p",    "div",      "br",         "li",      "ul",      "ol",    "dl",      "dt",
       "dd",   "h1",       "h2",         "h3",      "h4",      "h5",    "h6",      "tr",
       "td",   "th",       "table",      "section", "article", "main",  "aside",   "blockquote",
       "pre",  "figure",   "figcaption", "hr",      "body",    "title", "caption", "address",
       "form", "fieldset", "legend",     "details", "summary"});
}

// The value of attribute `name` in a tag's text ("meta charset=utf-8", "html lang='fr'").
std::string attribute(std::string_view tag, std::string_view name) {
  const std::string t = lower(tag);
  std::size_t pos = 0;
  while ((pos = t.find(name, pos)) != std::string::npos) {
    const bool starts = pos == 0 || std::isspace(static_cast<unsigned char>(t[pos - 1]));
    std::size_t i = pos + name.size();
    while (i < t.size() && t[i] == ' ') ++i;
    if (!starts || i >= t.size() || t[i] != '=') {
      pos += name.size();
      continue;
    }
    ++i;
    while (i < t.size() && t[i] == ' ') ++i;
    const char quote = i < t.size() && (t[i] == '"' || t[i] == '\'') ? t[i] : 0;
    if (quote != 0) ++i;
    std::size_t end = i;
    while (end < t.size() && (quote != 0 ? t[end] != quote
                                         : !std::isspace(static_cast<unsigned char>(t[end])) &&
                                               t[end] != '>' && t[end] != '/' && t[end] != ';'))
      ++end;
    return std::string(tag.substr(i, end - i));
  }
  return {};
}

// The charset a page declares in its first 2 KB, lowercased, or "".
std::string declared_charset(std::string_view bytes) {
  const std::string head = lower(bytes.substr(0, 2048));
  std::size_t pos = head.find("charset");
  if (pos == std::string::npos) return {};
  pos += 7;
  while (pos < head.size() &&
         (head[pos] == ' ' || head[pos] == '=' || head[pos] == '"' || head[pos] == '\''))
    ++pos;
  std::size_t end = pos;
  while (end < head.size() && (std::isalnum(static_cast<unsigned char>(head[end])) ||
                               head[end] == '-' || head[end] == '_'))
    ++end;
  return head.substr(pos, end - pos);
}

// A page's declared charset wins over detection when its bytes are not UTF-8 (and carry no
// byte-order mark): the author said it.
std::string decode(std::string_view bytes, std::string& encoding, std::string& doubt) {
  const std::string charset = declared_charset(bytes);
  if (!charset.empty() && bytes.rfind("\xEF\xBB\xBF", 0) != 0 && !text::is_valid_utf8(bytes)) {
    const bool latin =
        one_of(charset, {"iso-8859-1", "iso-8859-15", "windows-1252", "latin1", "cp1252"});
    // Windows-1252 is a superset of Latin-1's text.
    if (auto declared = text::decode_as(bytes, latin ? "windows-1252" : charset)) {
      encoding = latin ? "windows-1252" : charset;
      return *declared;
    }
  }
  text::DecodedText d = text::decode_to_utf8(bytes);
  encoding = d.encoding;
  doubt = d.doubt;
  return d.utf8;
}

class HtmlReader {
 public:
  explicit HtmlReader(std::string_view html) : html_(html) {}

  HtmlDocument run() {
    std::size_t i = 0;
    while (i < html_.size()) {
      const bool markup = html_[i] == '<' && i + 1 < html_.size() &&
                          (std::isalpha(static_cast<unsigned char>(html_[i + 1])) ||
                           html_[i + 1] == '/' || html_[i + 1] == '!');
      if (markup) {
        i = tag(i);
      } else if (html_[i] == '<') {
        append_text("<");  // "3 < 4": a lone '<' is text
        ++i;
      } else {
        const std::size_t next = std::min(html_.find('<', i), html_.size());
        // Text between tags; cue_plain_text below decodes its character references.
        text(html_.substr(i, next - i));
        i = next;
      }
    }
    flush();
    if (doc_.title.empty()) doc_.title = first_h1_;
    return std::move(doc_);
  }

 private:
  std::size_t tag(std::size_t i) {
    if (html_.compare(i, 4, "<!--") == 0) {
      const std::size_t end = html_.find("-->", i + 4);
      return end == std::string_view::npos ? html_.size() : end + 3;
    }
    const std::size_t end = html_.find('>', i);
    if (end == std::string_view::npos) return html_.size();
    const std::string_view inside = html_.substr(i + 1, end - i - 1);
    const bool closing = !inside.empty() && inside[0] == '/';
    std::size_t n = closing ? 1 : 0;
    while (n < inside.size() &&
           (std::isalnum(static_cast<unsigned char>(inside[n])) || inside[n] == '-'))
      ++n;
    const std::string name = lower(inside.substr(closing ? 1 : 0, n - (closing ? 1 : 0)));
    if (name == "html" && !closing) doc_.language = lower(attribute(inside, "lang")).substr(0, 2);
    if (is_hidden(name) && !closing && inside.back() != '/') {
      // Skip to the matching close tag: hidden content is never shown.
      const std::string close = "</" + name;
      std::size_t j = end + 1;
      while (true) {
        const std::size_t found = lower(html_.substr(j, 4096)).find(close);
        if (found != std::string::npos) return skip_to_gt(j + found);
        if (j + 4096 >= html_.size()) return html_.size();
        j += 4096 - close.size();
      }
    }
    if (name == "title") in_title_ = !closing;
    if (name == "h1") in_h1_ = !closing && !in_h1_done_;
    if (name == "head") in_head_ = !closing;
    if (name == "img" && !closing) append_text(" " + visible_text(attribute(inside, "alt")) + " ");
    if (is_block(name)) flush();
    return end + 1;
  }

  std::size_t skip_to_gt(std::size_t from) const {
    const std::size_t gt = html_.find('>', from);
    return gt == std::string_view::npos ? html_.size() : gt + 1;
  }

  void text(std::string_view raw) { append_text(visible_text(raw)); }

  void append_text(std::string t) {
    const bool leading_space = !t.empty() && t.front() == ' ';
    const bool trailing_space = !t.empty() && t.back() == ' ';
    while (!t.empty() && t.front() == ' ') t.erase(0, 1);
    while (!t.empty() && t.back() == ' ') t.pop_back();
    if (t.empty()) {
      pending_space_ = pending_space_ || leading_space || trailing_space;
      return;
    }
    if (in_title_) {
      doc_.title += (doc_.title.empty() ? "" : " ") + t;
      return;
    }
    if (in_head_) return;
    if (in_h1_)
      first_h1_ += (first_h1_.empty() || !(pending_space_ || leading_space) ? "" : " ") + t;
    // Inline tags do not separate words ("<b>cell</b>ule"); spaces in the text do.
    if (!paragraph_.empty() && (pending_space_ || leading_space)) paragraph_ += ' ';
    paragraph_ += t;
    pending_space_ = trailing_space;
  }

  void flush() {
    if (!paragraph_.empty()) doc_.paragraphs.push_back(text::nfc(paragraph_));
    paragraph_.clear();
    pending_space_ = false;
    in_h1_done_ = !first_h1_.empty();
  }

  std::string_view html_;
  HtmlDocument doc_;
  std::string paragraph_;
  std::string first_h1_;
  bool in_title_ = false;
  bool in_h1_ = false;
  bool in_head_ = false;
  bool pending_space_ = false;
  bool in_h1_done_ = false;
};

}  // namespace

HtmlDocument read_html(std::string_view bytes) {
  std::string encoding, doubt;
  const std::string utf8 = decode(bytes, encoding, doubt);
  HtmlDocument doc = HtmlReader(utf8).run();
  doc.encoding = encoding;
  doc.encoding_doubt = doubt;
  return doc;
}

}  // namespace repere::extract
