#include "document_pages.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "access.h"
#include "answers.h"
#include "context.h"
#include "http.h"
#include "reading_pages.h"
#include "repere/answer/answer.h"
#include "repere/index/lexical.h"
#include "repere/preview/pages.h"

namespace repere::web {

namespace fs = std::filesystem;

namespace {

constexpr int kWindow = 10;       // pages shown at once
constexpr int kShownWidth = 800;  // the image's width attribute (CSS scales it down)

preview::Source source_of(const catalog::Content& c) {
  return c.kind == catalog::ContentKind::kImage ? preview::Source::kImage : preview::Source::kPdf;
}

bool has_box(const catalog::Cue& c) { return c.box_x && c.box_y && c.box_w && c.box_h; }

// A list item's line: a bullet or a dash, or « 1) » / « 2. ».
bool starts_item(const std::string& line) {
  for (const char* bullet : {"\u2022", "\u2013", "\u25AA", "- ", "* "}) {
    if (line.rfind(bullet, 0) == 0) return true;
  }
  std::size_t digits = 0;
  while (digits < line.size() && digits < 3 &&
         std::isdigit(static_cast<unsigned char>(line[digits])))
    ++digits;
  return digits > 0 && digits + 1 < line.size() && (line[digits] == ')' || line[digits] == '.') &&
         line[digits + 1] == ' ';
}

std::string number(double v) {
  std::ostringstream out;
  out << std::lround(v * 1000.0);
  return out.str();
}

void send_webp(http::Response& res, const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Private: a page of a draft is a curator's, never a shared cache's.
  res.set_header("Cache-Control", "private, max-age=86400");
  res.set_content(std::move(bytes), "image/webp");
}

}  // namespace

void page_image(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog();
  if (!db.is_ok()) return problem(res, db.status());
  const auto c = content_for(**db, viewer_of(req), path_id(req));
  if (!c.is_ok()) return problem(res, c.status());
  if (c->kind != catalog::ContentKind::kDocument && c->kind != catalog::ContentKind::kImage)
    return problem(res, 404, "Not Found", "content " + std::to_string(c->id) + " has no pages");
  const fs::path file = media_path(ctx.dir, c->media_path);
  const int page = static_cast<int>(path_id(req, 2));
  const int width = std::atoi(req.get_param_value("l").c_str());
  const auto made = preview::page_image(file, source_of(*c), page, width > 0 ? width : kShownWidth,
                                        ctx.dir.root / "cache" / "pages",
                                        std::to_string(c->id) + "-" + preview::file_key(file));
  if (!made.is_ok()) {
    const int status = made.status().code() == StatusCode::kInvalidArgument ? 404 : 500;
    return problem(res, status, status == 404 ? "Not Found" : "Internal Server Error",
                   made.status().message());
  }
  send_webp(res, *made);
}

void moment_image(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog();
  if (!db.is_ok()) return problem(res, db.status());
  const auto c = content_for(**db, viewer_of(req), path_id(req));
  if (!c.is_ok()) return problem(res, c.status());
  if (c->kind != catalog::ContentKind::kVideo)
    return problem(res, 404, "Not Found", "content " + std::to_string(c->id) + " is no video");
  const std::int64_t at_ms = path_id(req, 2) * 1000;
  if (c->duration_ms && at_ms > *c->duration_ms)
    return problem(res, 404, "Not Found", "the video ends before that moment");
  const fs::path file = media_path(ctx.dir, c->media_path);
  const auto made = preview::moment_image(file, at_ms, ctx.dir.root / "cache" / "images",
                                          std::to_string(c->id) + "-" + preview::file_key(file));
  if (!made.is_ok()) {
    const bool missing = made.status().code() == StatusCode::kInvalidArgument ||
                         made.status().code() == StatusCode::kNotFound;
    return problem(res, missing ? 404 : 500, missing ? "Not Found" : "Internal Server Error",
                   "no picture at that moment");
  }
  send_webp(res, *made);
}

std::string moment_image_url(std::int64_t content_id, std::int64_t at_ms) {
  return "/contenus/" + std::to_string(content_id) + "/images/" +
         std::to_string(std::max<std::int64_t>(at_ms, 0) / 1000) + ".webp";
}

std::string moment_image_alt(std::int64_t at_ms, const std::string& said_html) {
  // The snippet's text without its marks and entities, its first ten words.
  std::string plain;
  bool tag = false;
  for (std::size_t i = 0; i < said_html.size(); ++i) {
    const char ch = said_html[i];
    if (ch == '<') tag = true;
    if (!tag && ch == '&') {
      const std::size_t end = said_html.find(';', i);
      const std::string entity = end == std::string::npos ? "" : said_html.substr(i, end - i + 1);
      const char* as = entity == "&amp;"    ? "&"
                       : entity == "&lt;"   ? "<"
                       : entity == "&gt;"   ? ">"
                       : entity == "&quot;" ? "\""
                       : entity == "&#39;"  ? "'"
                                            : nullptr;
      if (as) {
        plain += as;
        i = end;
        continue;
      }
    }
    if (!tag) plain += ch;
    if (ch == '>') tag = false;
  }
  std::istringstream words(plain);
  std::string out, w;
  for (int n = 0; n < 10 && words >> w; ++n) out += (out.empty() ? "" : " ") + w;
  return "Image de la vidéo à " + clock_time(at_ms) + (out.empty() ? "" : " : « " + out + "… »");
}

std::vector<std::string> page_paragraphs(const std::vector<const catalog::Cue*>& cues) {
  struct Line {
    double top = 0, bottom = 0;
    std::string text;
  };
  std::vector<std::string> out;
  std::vector<Line> lines;
  auto flush_lines = [&] {
    std::string paragraph;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (i > 0) {
        const double height = lines[i - 1].bottom - lines[i - 1].top;
        const double gap = lines[i].top - lines[i - 1].bottom;
        const double size = lines[i].bottom - lines[i].top;
        // A heading is set larger (or bolder, hence wider-boxed) than the text under it.
        const bool new_size = height > 0 && std::abs(size - height) > 0.15 * height;
        if (gap > height || new_size || gap < -height || starts_item(lines[i].text)) {
          out.push_back(paragraph);
          paragraph.clear();
        }
      }
      paragraph += (paragraph.empty() ? "" : " ") + lines[i].text;
    }
    if (!paragraph.empty()) out.push_back(paragraph);
    lines.clear();
  };
  for (const catalog::Cue* cue : cues) {
    if (cue->text.find_first_not_of(" \n\t") == std::string::npos) continue;
    if (!has_box(*cue)) {
      flush_lines();
      out.push_back(cue->text);
      continue;
    }
    const double top = *cue->box_y, bottom = *cue->box_y + *cue->box_h;
    const double middle = (top + bottom) / 2;
    if (!lines.empty() && middle >= lines.back().top && middle <= lines.back().bottom) {
      Line& l = lines.back();
      l.text += " " + cue->text;
      l.top = std::min(l.top, top);
      l.bottom = std::max(l.bottom, bottom);
    } else {
      lines.push_back({top, bottom, cue->text});
    }
  }
  flush_lines();
  return out;
}

data document_view(Context& ctx, const catalog::Content& c, const std::vector<catalog::Cue>& cues,
                   const std::vector<std::string>& words, const std::string& query,
                   int page_asked) {
  const std::string lang = c.language.empty() ? "fr" : c.language;
  std::map<int, std::vector<const catalog::Cue*>> by_page;
  for (const catalog::Cue& cue : cues) by_page[cue.page.value_or(1)].push_back(&cue);
  const fs::path file = media_path(ctx.dir, c.media_path);
  const auto sizes = preview::page_sizes(file, source_of(c));
  int count = sizes.is_ok() ? static_cast<int>(sizes->size()) : 0;
  if (!by_page.empty()) count = std::max(count, by_page.rbegin()->first);
  count = std::max(count, static_cast<int>(c.page_count.value_or(0)));
  // Which cues say a word of the query (judged once each), and how many per page.
  std::set<const catalog::Cue*> saying;
  std::map<int, int> found;
  if (!words.empty()) {
    for (const auto& [n, on_page] : by_page) {
      for (const catalog::Cue* cue : on_page) {
        if (index::words_said(cue->text, lang, words) == 0) continue;
        saying.insert(cue);
        ++found[n];
      }
    }
  }
  int current = page_asked;
  if (current < 1) current = found.empty() ? 1 : found.begin()->first;
  current = std::clamp(current, 1, std::max(count, 1));
  const int first = (current - 1) / kWindow * kWindow + 1;
  const int last = std::min(std::max(count, 1), first + kWindow - 1);
  const std::string q = query.empty() ? "" : "&q=" + url_encode(query);
  const std::string id = std::to_string(c.id);
  auto link_to = [&](int n) {
    // Within the window an anchor is enough; beyond it, the window that holds the page.
    if (n >= first && n <= last) return "#page-" + std::to_string(n);
    return "?page=" + std::to_string(n) + q + "#page-" + std::to_string(n);
  };
  list pages;
  for (int n = first; n <= last; ++n) {
    data p;
    p.set("n", std::to_string(n));
    if (sizes.is_ok()) {
      const std::string src = "/contenus/" + id + "/pages/" + std::to_string(n) + ".webp";
      p.set("src", src + "?l=800");
      p.set("srcset", src + "?l=480 480w, " + src + "?l=800 800w, " + src + "?l=1200 1200w");
      const auto& s = (*sizes)[static_cast<std::size_t>(std::min(n, count) - 1)];
      p.set("w", std::to_string(kShownWidth));
      p.set("h", std::to_string(std::lround(kShownWidth * s.height / std::max(s.width, 1.0))));
      p.set("has_image", true);
    }
    const auto it = by_page.find(n);
    list boxes, paragraphs;
    if (it != by_page.end()) {
      for (const catalog::Cue* cue : it->second) {
        if (!has_box(*cue) || !saying.count(cue)) continue;
        data b;
        b.set("x", number(*cue->box_x));
        b.set("y", number(*cue->box_y));
        b.set("w", number(*cue->box_w));
        b.set("h", number(*cue->box_h));
        boxes.push_back(b);
      }
      const std::vector<std::string> texts = page_paragraphs(it->second);
      for (const std::string& text : texts) {
        // One idea per line in the reading view: each sentence its own span.
        std::string html;
        for (const std::string& sentence : answer::sentences_of(text)) {
          html += (html.empty() ? "" : " ") + std::string("<span class=\"idee\">") +
                  index::highlight(sentence, lang, words, sentence.size() + 64) + "</span>";
        }
        data para;
        para.set("html", html);
        paragraphs.push_back(para);
      }
      list voice = voice_parts("/contenus/" + id + "/pages/" + std::to_string(n), texts, {});
      p.set("has_voice", !voice.empty());
      p.set("voice", voice);
    }
    p.set("has_boxes", !boxes.empty());
    p.set("boxes", boxes);
    p.set("paragraphs", paragraphs);
    p.set("has_text", !paragraphs.empty());
    if (const auto f = found.find(n); f != found.end())
      p.set("matches", f->second == 1 ? std::string("1 mot trouvé")
                                      : std::to_string(f->second) + " mots trouvés");
    if (n > 1) p.set("prev", link_to(n - 1));
    if (n < count) p.set("next", link_to(n + 1));
    p.set("current", n == current);
    pages.push_back(p);
  }
  data view;
  view.set("pages", pages);
  view.set("count", std::to_string(std::max(count, 1)));
  view.set("first", std::to_string(first));
  view.set("last", std::to_string(last));
  view.set("current", std::to_string(current));
  view.set("several", count > 1);
  view.set("is_image", c.kind == catalog::ContentKind::kImage);
  view.set("windowed", count > kWindow);
  view.set("query", query);
  if (first > 1) view.set("prev_window", link_to(first - 1));
  if (last < count) view.set("next_window", link_to(last + 1));
  // The reason (a path, a library's message) is the operator's, not the reader's.
  if (!sizes.is_ok())
    view.set("no_image",
             std::string("Les images des pages ne sont pas disponibles : voici leur texte."));
  return view;
}

}  // namespace repere::web
