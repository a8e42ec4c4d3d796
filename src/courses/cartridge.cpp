#include "repere/courses/cartridge.h"

#include <nlohmann/json.hpp>

#include "repere/core/text.h"
#include "repere/courses/markdown.h"
#include "repere/learn/activity.h"
#include "repere/learn/json.h"

namespace repere::courses {

namespace {

// Text for XML: control characters are not XML (dropped; lines kept), and the characters XML
// gives a meaning to as entities.
std::string xml(std::string_view s) {
  return text::escape_html(text::strip_control(s, /*keep_lines=*/true));
}

std::string clock(std::int64_t ms) { return learn::clock(ms); }

struct Item {
  std::string id, title, resource;  // resource: its identifier, "" for a chapter
  std::vector<Item> children;
};

void write_item(const Item& i, std::string& out, int depth) {
  const std::string pad(static_cast<std::size_t>(depth) * 2, ' ');
  out += pad + "<item identifier=\"" + i.id + "\"" +
         (i.resource.empty() ? "" : " identifierref=\"" + i.resource + "\"") + ">\n";
  out += pad + "  <title>" + xml(i.title) + "</title>\n";
  for (const Item& c : i.children) write_item(c, out, depth + 1);
  out += pad + "</item>\n";
}

// A chapter's texts, key ideas and questions as one page of HTML.
std::string page_html(const std::string& title, const std::vector<const Block*>& blocks) {
  std::string body;
  for (const Block* b : blocks) {
    switch (b->kind) {
      case BlockKind::kText: body += markdown_to_html(b->body); break;
      case BlockKind::kKeyIdea:
        body += "<p><strong>À retenir :</strong> " + xml(b->body) + "</p>\n";
        break;
      case BlockKind::kQuiz: {
        const auto q = learn::interaction_from_json(nlohmann::json::parse(b->body, nullptr, false));
        if (!q.is_ok()) break;
        body += "<p><strong>Question :</strong> " +
                xml(q->question.empty() ? q->text : q->question) + "</p>\n";
        if (!q->choices.empty()) {
          body += "<ul>";
          for (const auto& c : q->choices) body += "<li>" + xml(c.text) + "</li>";
          body += "</ul>\n";
        }
        break;
      }
      default: break;
    }
  }
  return "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"><title>" + xml(title) +
         "</title></head><body>\n<h1>" + xml(title) + "</h1>\n" + body + "</body></html>\n";
}

}  // namespace

std::vector<std::pair<std::string, std::string>> cartridge_files(const Course& course,
                                                                 const std::string& base_url,
                                                                 const ContentLookup& lookup,
                                                                 const VideoLookup& videos) {
  std::vector<std::pair<std::string, std::string>> files;
  std::string resources;
  Item root{"racine", course.title, "", {}};
  int next = 0;
  for (std::size_t c = 0; c < course.chapters.size(); ++c) {
    const Chapter& ch = course.chapters[c];
    Item chapter{"chapitre-" + std::to_string(c + 1), ch.title, "", {}};
    std::vector<const Block*> run;  // texts, key ideas, questions waiting for their page
    auto flush = [&] {
      if (run.empty()) return;
      const std::string id = "ressource-" + std::to_string(++next);
      const std::string href = "pages/" + id + ".html";
      files.emplace_back(href, page_html(ch.title, run));
      resources += "    <resource identifier=\"" + id + "\" type=\"webcontent\" href=\"" + href +
                   "\">\n      <file href=\"" + href + "\"/>\n    </resource>\n";
      chapter.children.push_back(
          {"element-" + std::to_string(next), ch.title + " : à lire", id, {}});
      run.clear();
    };
    for (const Block& b : ch.blocks) {
      if (b.kind == BlockKind::kVideo) {
        flush();
        const auto video = b.activity_id && videos ? videos(*b.activity_id) : std::nullopt;
        if (!video) continue;
        const std::string id = "ressource-" + std::to_string(++next);
        const std::string href = "h5p/" + id + ".h5p";
        files.emplace_back(href, video->h5p);
        resources += "    <resource identifier=\"" + id + "\" type=\"webcontent\" href=\"" + href +
                     "\">\n      <file href=\"" + href + "\"/>\n    </resource>\n";
        chapter.children.push_back(
            {"element-" + std::to_string(next), "Vidéo interactive : " + video->title, id, {}});
        continue;
      }
      if (b.kind != BlockKind::kMoment && b.kind != BlockKind::kPage) {
        run.push_back(&b);
        continue;
      }
      flush();
      if (!b.content_id) continue;
      const auto content = lookup(*b.content_id);
      if (!content) continue;  // gone, or not for pupils: not linked
      const std::string base = base_url + "/contenus/" + std::to_string(*b.content_id);
      std::string url, title;
      if (b.kind == BlockKind::kMoment) {
        url = base + "?t=" + std::to_string(*b.start_ms / 1000);
        title = content->title + ", de " + clock(*b.start_ms) + " à " + clock(*b.end_ms);
      } else {
        url = base + "?page=" + std::to_string(*b.page) + "#page-" + std::to_string(*b.page);
        title = content->title + ", page " + std::to_string(*b.page);
      }
      const std::string id = "ressource-" + std::to_string(++next);
      const std::string href = "liens/" + id + ".xml";
      files.emplace_back(href,
                         "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<webLink "
                         "xmlns=\"http://www.imsglobal.org/xsd/imsccv1p3/imswl_v1p3\">\n  <title>" +
                             xml(title) + "</title>\n  <url href=\"" + xml(url) +
                             "\" target=\"_blank\"/>\n</webLink>\n");
      resources += "    <resource identifier=\"" + id +
                   "\" type=\"imswl_xmlv1p3\">\n      <file href=\"" + href +
                   "\"/>\n    </resource>\n";
      chapter.children.push_back({"element-" + std::to_string(next), title, id, {}});
    }
    flush();
    root.children.push_back(std::move(chapter));
  }
  std::string items;
  write_item(root, items, 3);
  std::string manifest =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<manifest identifier=\"repere-cours-" +
      std::to_string(course.id) +
      "\"\n"
      "  xmlns=\"http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1\"\n"
      "  xmlns:lomimscc=\"http://ltsc.ieee.org/xsd/imsccv1p3/LOM/manifest\"\n"
      "  xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
      "  xsi:schemaLocation=\"http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1 "
      "http://www.imsglobal.org/profile/cc/ccv1p3/ccv1p3_imscp_v1p2_v1p0.xsd "
      "http://ltsc.ieee.org/xsd/imsccv1p3/LOM/manifest "
      "http://www.imsglobal.org/profile/cc/ccv1p3/LOM/ccv1p3_lommanifest_v1p0.xsd\">\n"
      "  <metadata>\n    <schema>IMS Common Cartridge</schema>\n"
      "    <schemaversion>1.3.0</schemaversion>\n    <lomimscc:lom>\n"
      "      <lomimscc:general>\n        <lomimscc:title><lomimscc:string language=\"fr\">" +
      xml(course.title) +
      "</lomimscc:string></lomimscc:title>\n"
      "        <lomimscc:language>fr</lomimscc:language>\n      </lomimscc:general>\n"
      "    </lomimscc:lom>\n  </metadata>\n"
      "  <organizations>\n    <organization identifier=\"organisation\" "
      "structure=\"rooted-hierarchy\">\n" +
      items + "    </organization>\n  </organizations>\n  <resources>\n" + resources +
      "  </resources>\n</manifest>\n";
  files.insert(files.begin(), {"imsmanifest.xml", manifest});
  return files;
}

}  // namespace repere::courses
