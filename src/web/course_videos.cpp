// The interactive videos inside courses: a block's view, the pupil's way in, the editor's list,
// the cartridge's packages.
#include "course_videos.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "access.h"
#include "context.h"
#include "http.h"
#include "learn_pages.h"
#include "repere/catalog/contents.h"
#include "repere/courses/classes.h"
#include "repere/courses/course.h"
#include "repere/h5p/h5p.h"
#include "repere/learn/store.h"

namespace repere::web {

namespace {

using learn::InteractionType;

// What a step says, its answers left out: the term and its definition, a chapter's title, a
// question (blanks as ___) with its choices.
std::string step_text(const learn::Interaction& x) {
  switch (x.type) {
    case InteractionType::kDefinition: return x.term + " : " + x.definition;
    case InteractionType::kChapter: return x.title;
    case InteractionType::kBlanks: return learn::hide_blanks(x.text);
    case InteractionType::kChoice: {
      std::string out = x.question;
      for (std::size_t i = 0; i < x.choices.size(); ++i)
        out += (i == 0 ? " (" : " ; ") + x.choices[i].text;
      return x.choices.empty() ? out : out + ")";
    }
    case InteractionType::kTrueFalse: return x.question + " (vrai ou faux)";
    case InteractionType::kOpen: return x.question;
  }
  return "";
}

std::string count_of(int n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n > 1 ? many : one);
}

}  // namespace

data video_block_data(catalog::Database& db, const Viewer& viewer, const courses::Block& b,
                      const std::string& class_code, const courses::PupilCourseProgress* progress) {
  data d;
  const auto a = b.activity_id ? learn::ActivityStore(db).get(*b.activity_id)
                               : Result<learn::Activity>(Status::not_found("removed"));
  const auto c =
      a.is_ok() ? content_for(db, viewer, a->content_id) : Result<catalog::Content>(a.status());
  if (!c.is_ok()) {
    d.set("gone", true);
    return d;
  }
  data v;
  const std::string id = std::to_string(c->id);
  v.set("title", a->title);
  v.set("content_title", c->title);
  v.set("from", clock_time(a->start_ms));
  v.set("to", clock_time(a->end_ms));
  v.set("link", "/contenus/" + id + "?t=" + std::to_string(a->start_ms / 1000));
  v.set("media", "/api/v1/media/" + id + "#t=" + std::to_string(a->start_ms / 1000) + "," +
                     std::to_string(a->end_ms / 1000));
  list steps;
  int questions = 0;
  for (const auto& x : a->interactions) {
    data s;
    s.set("at", clock_time(x.at_ms));
    s.set("kind", interaction_type_label(x.type));
    s.set("text", step_text(x));
    steps.push_back(s);
    if (learn::is_question(x.type)) ++questions;
  }
  v.set("steps", steps);
  v.set("has_steps", !steps.empty());
  v.set("size", count_of(static_cast<int>(a->interactions.size()), "étape", "étapes") +
                    (questions > 0 ? ", dont " + count_of(questions, "question", "questions")
                                   : std::string()));
  if (!class_code.empty()) {
    v.set("classe", true);
    v.set("code", class_code);
    v.set("block", std::to_string(b.id));
    const courses::VideoProgress* mine = nullptr;
    if (progress) {
      const auto it = progress->videos.find(b.id);
      if (it != progress->videos.end()) mine = &it->second;
    }
    if (mine) {
      const courses::VideoProgress& p = *mine;
      v.set("again", true);
      v.set("where", "Tu as répondu à " + std::to_string(p.answered) + " question" +
                         (p.answered > 1 ? "s" : "") + " sur " + std::to_string(questions) +
                         (p.graded > 0 ? ", dont " + std::to_string(p.right) + " juste" +
                                             (p.right > 1 ? "s" : "")
                                       : std::string()) +
                         ".");
    }
  } else {
    v.set("player", true);
  }
  d.set("interactive", v);
  return d;
}

list videos_for_editor(catalog::Database& db, std::int64_t user_id) {
  list out;
  const auto mine = learn::ActivityStore(db).editable_by(user_id);
  if (!mine.is_ok()) return out;
  for (const auto& a : *mine) {
    data d;
    d.set("id", std::to_string(a.id));
    d.set("title", a.title);
    out.push_back(d);
  }
  return out;
}

bool may_use_video(catalog::Database& db, std::int64_t user_id, std::int64_t id) {
  const auto mine = learn::ActivityStore(db).editable_by(user_id);
  if (!mine.is_ok()) return false;
  for (const auto& a : *mine) {
    if (a.id == id) return true;
  }
  return false;
}

std::optional<std::string> video_h5p(Context& ctx, catalog::Database& db, std::int64_t id) {
  const auto a = learn::ActivityStore(db).get(id);
  if (!a.is_ok()) return std::nullopt;
  // The package leaves Repère for another platform's pupils: published contents only.
  const Viewer nobody;
  if (!content_for(db, nobody, a->content_id).is_ok()) return std::nullopt;
  std::error_code ec;
  const std::filesystem::path folder = ctx.dir.root / "tmp";
  std::filesystem::create_directories(folder, ec);
  const std::filesystem::path file =
      folder / ("cours-video-" + std::to_string(id) + "-" +
                std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id())) + ".h5p");
  if (!h5p::export_activity(db, ctx.dir, id, file).is_ok()) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  in.close();
  std::filesystem::remove(file, ec);
  if (bytes.str().empty()) return std::nullopt;
  return bytes.str();
}

void page_course_video(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  courses::ClassStore classes(**db);
  const auto share = classes.class_by_code(req.matches[1].str());
  if (!share.is_ok()) {
    return error_page(res, 404, "Code inconnu",
                      "Aucune classe n'a ce code. Vérifie-le auprès de ton professeur.");
  }
  const auto pupil = classes.pupil_by_token(cookie(req, "repere_eleve"));
  if (!pupil.is_ok() || pupil->class_id != share->id) {
    res.status = 303;
    res.set_header("Location", "/classe/" + share->code);
    return;
  }
  const std::string block = req.get_param_value("bloc");
  const std::int64_t block_id = std::strtoll(block.c_str(), nullptr, 10);
  const auto pass = classes.video_pass(*pupil, block_id);
  if (!pass.is_ok()) {
    if (pass.status().code() == StatusCode::kNotFound) {
      return error_page(res, 404, "Vidéo interactive indisponible",
                        "Cette vidéo interactive n'est plus dans le cours. Continue le chapitre, "
                        "et dis-le à ton professeur.");
    }
    return error_page(res, pass.status(), "Vidéo interactive indisponible");
  }
  res.status = 303;
  res.set_header("Set-Cookie", "repere_eleve=" + pass->token + "; Path=/classe/" + pass->code +
                                   "; Max-Age=31536000; HttpOnly; SameSite=Lax");
  res.set_header("Location", "/classe/" + pass->code);
}

std::optional<std::string> course_link_of_video_class(catalog::Database& db,
                                                      std::int64_t share_id) {
  const auto k = courses::ClassStore(db).class_of_video_class(share_id);
  if (!k.is_ok()) return std::nullopt;
  return "/classe/" + k->code;
}

}  // namespace repere::web
