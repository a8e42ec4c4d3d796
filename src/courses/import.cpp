#include "repere/courses/import.h"

#include <nlohmann/json.hpp>

namespace repere::courses {

namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return std::string(s);
}

std::vector<std::string> fields(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const std::size_t end = std::min(s.find('|', start), s.size());
    out.push_back(trim(s.substr(start, end - start)));
    start = end + 1;
  }
  return out;
}

Status at(int line, const std::string& what) {
  return Status::invalid_argument(std::to_string(line) + ": " + what);
}

}  // namespace

Result<std::vector<CourseSpec>> parse_courses(std::string_view text) {
  std::vector<CourseSpec> out;
  int number = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    const std::string line = trim(text.substr(start, end - start));
    start = end + 1;
    ++number;
    if (line.empty() || line.rfind("//", 0) == 0) continue;
    if (line.rfind("## ", 0) == 0) {
      if (out.empty()) return at(number, "a chapter before any course (« # Title » first)");
      out.back().chapters.push_back({number, trim(line.substr(3)), {}});
      continue;
    }
    if (line.rfind("# ", 0) == 0) {
      out.push_back({number, trim(line.substr(2)), {}, "", {}});
      continue;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) return at(number, "expected « key: value »");
    const std::string key = trim(line.substr(0, colon));
    const std::string value = trim(line.substr(colon + 1));
    if (out.empty()) return at(number, "« " + key + " » before any course");
    CourseSpec& course = out.back();
    if (key == "programme") {
      for (const std::string& v : fields(value)) {
        if (!v.empty()) course.concepts.push_back(v);
      }
      continue;
    }
    if (key == "niveau") {
      course.level = value;
      continue;
    }
    if (course.chapters.empty()) return at(number, "a block before any chapter (« ## Title »)");
    BlockSpec b;
    b.line = number;
    if (key == "texte" || key == "idee") {
      b.kind = key == "texte" ? BlockKind::kText : BlockKind::kKeyIdea;
      b.body = value;
    } else if (key == "moment" || key == "page") {
      const auto f = fields(value);
      if (f.size() != 2 || f[0].empty() || f[1].empty())
        return at(number, key + ": « CONTENT | " + (key == "moment" ? "words" : "page") + " »");
      b.content = f[0];
      if (key == "moment") {
        b.kind = BlockKind::kMoment;
        b.words = f[1];
      } else {
        b.kind = BlockKind::kPage;
        char* e = nullptr;
        const long n = std::strtol(f[1].c_str(), &e, 10);
        if (*e != '\0' || n < 1 || n > 100000) return at(number, "page: a page number is expected");
        b.page = static_cast<int>(n);
      }
    } else if (key == "question" || key == "video") {
      // video: the clip of a moment, then the question the video stops on at its end.
      auto f = fields(value);
      const std::size_t first = key == "video" ? 2 : 0;
      if (f.size() < first + 3)
        return at(number, key == "video"
                              ? "video: « CONTENT | words | Question ? | *right | wrong… »"
                              : "question: « Question ? | *right | wrong… »");
      if (key == "video") {
        if (f[0].empty() || f[1].empty()) return at(number, "video: a content and words");
        b.content = f[0];
        b.words = f[1];
      }
      nlohmann::json q = {
          {"type", "choice"}, {"question", f[first]}, {"choices", nlohmann::json::array()}};
      bool right = false;
      for (std::size_t i = first + 1; i < f.size(); ++i) {
        const bool star = !f[i].empty() && f[i][0] == '*';
        right = right || star;
        q["choices"].push_back({{"text", trim(star ? f[i].substr(1) : f[i])}, {"correct", star}});
      }
      if (!right) return at(number, key + ": star the right answer (« *… »)");
      b.kind = key == "video" ? BlockKind::kVideo : BlockKind::kQuiz;
      b.body = q.dump();
    } else {
      return at(number, "unknown key « " + key.substr(0, 40) +
                            " » (programme, niveau, texte, moment, page, idee, question, video)");
    }
    course.chapters.back().blocks.push_back(std::move(b));
  }
  return out;
}

}  // namespace repere::courses
