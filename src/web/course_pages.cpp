// Courses: the teacher's list and editor, the pupil's reading, « Ajouter au cours ».
#include "course_pages.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "access.h"
#include "answers.h"
#include "context.h"
#include "course_videos.h"
#include "http.h"
#include "lti_pages.h"
#include "programme_pages.h"
#include "reading_pages.h"
#include "repere/catalog/contents.h"
#include "repere/catalog/texts.h"
#include "repere/courses/cartridge.h"
#include "repere/courses/classes.h"
#include "repere/courses/markdown.h"
#include "repere/courses/store.h"
#include "repere/h5p/zip.h"
#include "repere/learn/activity.h"
#include "repere/learn/json.h"
#include "repere/learn/store.h"
#include "repere/preview/speech.h"
#include "repere/taxonomy/store.h"

namespace repere::web {

namespace {

using courses::Block;
using courses::BlockKind;
using courses::Course;
using courses::CourseState;
using courses::CourseStore;
using nlohmann::json;

std::optional<auth::Id> user_id(const Viewer& v) {
  if (!v.session) return std::nullopt;
  return v.session->user.id;
}

bool owns(const Viewer& v, const Course& c) {
  return v.session && c.owner_id && *c.owner_id == v.session->user.id;
}

// Published courses are for everyone; a draft for its owner and curators.
bool may_read(const Viewer& v, const Course& c) {
  return c.state == CourseState::kPublished || owns(v, c) || v.sees_unpublished();
}

std::int64_t param_id(const http::Request& req, const char* name) {
  const std::string v = req.get_param_value(name);
  char* end = nullptr;
  const long long id = std::strtoll(v.c_str(), &end, 10);
  return v.empty() || *end != '\0' || id <= 0 ? 0 : id;
}

void redirect(http::Response& res, const std::string& to, const std::string& message = "",
              const std::string& anchor = "") {
  res.status = 303;
  std::string where = to;
  if (!message.empty())
    where += (where.find('?') == std::string::npos ? "?" : "&") + ("fait=" + url_encode(message));
  res.set_header("Location", where + anchor);
}

std::string course_path(courses::Id id) { return "/cours/" + std::to_string(id); }

std::string kind_name(BlockKind k) {
  switch (k) {
    case BlockKind::kText: return "Texte";
    case BlockKind::kMoment: return "Moment";
    case BlockKind::kPage: return "Page";
    case BlockKind::kKeyIdea: return "Idée clé";
    case BlockKind::kQuiz: return "Question";
    case BlockKind::kVideo: return "Vidéo interactive";
  }
  return "Bloc";
}

// The lines said during a clip: the content's subtitles (or transcript, or text) between its
// start and end.
std::string clip_lines(catalog::Database& db, catalog::Id content, std::int64_t start,
                       std::int64_t end) {
  const auto tracks = catalog::TrackRepository(db).list_for_content(content);
  if (!tracks.is_ok()) return "";
  const catalog::Track* best = catalog::best_transcript(*tracks, /*said_only=*/true);
  if (!best) return "";
  const auto cues = catalog::CueRepository(db).list_for_track(best->id);
  if (!cues.is_ok()) return "";
  std::string out;
  for (const auto& c : *cues) {
    if (!c.start_ms || *c.start_ms < start || *c.start_ms >= end) continue;
    out += (out.empty() ? "" : " ") + c.text;
  }
  return out;
}

std::string page_text(catalog::Database& db, catalog::Id content, int page) {
  const auto ps = catalog::PassageRepository(db).list_for_content(content);
  if (!ps.is_ok()) return "";
  std::string out;
  for (const auto& p : *ps) {
    if (p.page && *p.page == page) out += (out.empty() ? "" : "\n") + p.text;
  }
  return out;
}

struct QuizAnswer {
  courses::Id block = 0;
  bool correct = false;
  bool graded = true;
  std::string feedback;
};

// A quiz block's question as the form shows it (never its answers).
data quiz_view(const learn::Interaction& q, courses::Id block) {
  data d;
  d.set("question", q.type == learn::InteractionType::kBlanks ? std::string() : q.question);
  d.set("block", std::to_string(block));
  const int right = static_cast<int>(
      std::count_if(q.choices.begin(), q.choices.end(), [](const auto& c) { return c.correct; }));
  if (q.type == learn::InteractionType::kChoice) {
    list choices;
    for (std::size_t i = 0; i < q.choices.size(); ++i) {
      data c;
      c.set("index", std::to_string(i));
      c.set("text", q.choices[i].text);
      c.set("id", "q" + std::to_string(block) + "-" + std::to_string(i));
      choices.push_back(c);
    }
    d.set("choices", choices);
    d.set("input", right > 1 ? std::string("checkbox") : std::string("radio"));
  } else if (q.type == learn::InteractionType::kTrueFalse) {
    d.set("true_false", true);
  } else if (q.type == learn::InteractionType::kBlanks) {
    list blanks;
    const auto parts = learn::blanks_of(q.text);
    for (std::size_t i = 0; i < parts.size(); ++i) {
      data b;
      b.set("id", "q" + std::to_string(block) + "-t" + std::to_string(i));
      b.set("number", std::to_string(i + 1));
      blanks.push_back(b);
    }
    d.set("blanks_text", learn::hide_blanks(q.text));
    d.set("blanks", blanks);
  } else {
    d.set("open", true);
  }
  return d;
}

}  // namespace

std::string spoken_block(const Block& b) {
  if (b.kind == BlockKind::kKeyIdea) return "À retenir : " + b.body;
  if (b.kind != BlockKind::kText) return "";
  // The text without its Markdown marks: what a reader hears.
  std::string out;
  for (std::size_t i = 0; i < b.body.size(); ++i) {
    const char c = b.body[i];
    if (c == '*' || c == '_' || c == '#' || c == '`' || c == '[') continue;
    if (c == ']' && i + 1 < b.body.size() && b.body[i + 1] == '(') {  // a link: its text only
      const std::size_t close = b.body.find(')', i);
      if (close != std::string::npos) {
        i = close;
        continue;
      }
    }
    out += c;
  }
  return out.find_first_not_of(" \n\t-") == std::string::npos ? "" : out;
}

void page_block_voice(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog();
  if (!db.is_ok()) return problem(res, db.status());
  const auto k = courses::ClassStore(**db).class_by_code(req.matches[1].str());
  if (!k.is_ok()) {
    ctx.code_misses.note(req.remote_addr);
    return problem(res, 404, "Not Found", "no class has this code");
  }
  const auto course = CourseStore(**db).get(k->course_id);
  if (!course.is_ok() || course->state != CourseState::kPublished)
    return problem(res, 404, "Not Found", "this course is not open to its class");
  const std::int64_t wanted = path_id(req, 2);
  for (const auto& chapter : course->chapters) {
    for (const Block& b : chapter.blocks) {
      if (b.id != wanted || spoken_block(b).empty()) continue;
      return send_spoken(ctx, res, spoken_block(b).substr(0, preview::kMaxSpokenBytes), "fr",
                         "k" + std::to_string(course->id) + "-b" + std::to_string(b.id));
    }
  }
  problem(res, 404, "Not Found", "this course has no such text or key idea");
}

namespace {

data block_view(catalog::Database& db, const Viewer& viewer, const Block& b,
                const std::optional<QuizAnswer>& answer, const std::string& class_code,
                const courses::PupilCourseProgress* progress) {
  if (b.kind == BlockKind::kVideo) {
    data d = video_block_data(db, viewer, b, class_code, progress);
    d.set("id", std::to_string(b.id));
    d.set("kind", std::string(courses::to_string(b.kind)));
    return d;
  }
  data d;
  d.set("id", std::to_string(b.id));
  d.set("kind", std::string(courses::to_string(b.kind)));
  // A class's pupils may hear its texts and key ideas read aloud.
  if (!class_code.empty() && !spoken_block(b).empty())
    d.set("voice", "/classe/" + class_code + "/blocs/" + std::to_string(b.id) + "/voix.ogg");
  switch (b.kind) {
    case BlockKind::kVideo: break;  // above
    case BlockKind::kText: d.set("html", courses::markdown_to_html(b.body)); break;
    case BlockKind::kKeyIdea: d.set("key_idea", b.body); break;
    case BlockKind::kMoment:
    case BlockKind::kPage: {
      const auto c = b.content_id ? content_for(db, viewer, *b.content_id)
                                  : Result<catalog::Content>(Status::not_found("removed"));
      if (!c.is_ok()) {
        d.set("gone", true);
        break;
      }
      const std::string id = std::to_string(c->id);
      d.set("title", c->title);
      d.set("content_id", id);
      if (b.kind == BlockKind::kMoment) {
        d.set("moment", true);
        d.set("from", clock_time(*b.start_ms));
        d.set("to", clock_time(*b.end_ms));
        d.set("link", "/contenus/" + id + "?t=" + std::to_string(*b.start_ms / 1000));
        const std::string fragment =
            "#t=" + std::to_string(*b.start_ms / 1000) + "," + std::to_string(*b.end_ms / 1000);
        d.set("media", "/api/v1/media/" + id + fragment);
        d.set("video", c->kind == catalog::ContentKind::kVideo);
        d.set("lines", clip_lines(db, c->id, *b.start_ms, *b.end_ms));
      } else {
        const std::string n = std::to_string(*b.page);
        d.set("page_block", true);
        d.set("page", n);
        d.set("link", "/contenus/" + id + "?page=" + n + "#page-" + n);
        if (c->kind == catalog::ContentKind::kDocument || c->kind == catalog::ContentKind::kImage)
          d.set("image", "/contenus/" + id + "/pages/" + n + ".webp?l=800");
        d.set("text", page_text(db, c->id, *b.page));
      }
      break;
    }
    case BlockKind::kQuiz: {
      const auto q = learn::interaction_from_json(json::parse(b.body, nullptr, false));
      if (!q.is_ok()) {
        d.set("gone", true);
        break;
      }
      data quiz = quiz_view(*q, b.id);
      if (answer && answer->block == b.id) {
        quiz.set("answered", true);
        quiz.set("verdict", !answer->graded   ? std::string("Réponse enregistrée pour toi.")
                            : answer->correct ? std::string("Juste !")
                                              : std::string("Pas tout à fait."));
        quiz.set("right", answer->graded && answer->correct);
        if (!answer->feedback.empty()) quiz.set("feedback", answer->feedback);
      }
      d.set("quiz", quiz);
      break;
    }
  }
  return d;
}

// A pupil of a class reading the course: one chapter at a time.
struct ClassMode {
  courses::CourseClass share;
  courses::CoursePupil pupil;
  courses::PupilCourseProgress progress;
  std::size_t chapter = 0;  // the index shown
};

void send_course(catalog::Database& db, const http::Request& req, http::Response& res,
                 const Course& c, const std::optional<QuizAnswer>& answer,
                 const std::string& view = "cours", const ClassMode* mode = nullptr) {
  const Viewer& viewer = viewer_of(req);
  data page;
  page.set("title", c.title);
  page.set("id", std::to_string(c.id));
  page.set("course_id", std::to_string(c.id));
  page.set("draft", c.state == CourseState::kDraft);
  page.set("model", c.model);
  page.set("mine", owns(viewer, c));
  page.set("teacher", !mode && viewer.can(auth::Role::kTeacher));
  page.set("quiz_action",
           mode ? "/classe/" + mode->share.code + "/reponse" : course_path(c.id) + "/quiz");
  list chapters, toc;
  for (std::size_t i = 0; i < c.chapters.size(); ++i) {
    const auto& ch = c.chapters[i];
    data d;
    d.set("number", std::to_string(i + 1));
    d.set("title", ch.title);
    d.set("anchor", "chapitre-" + std::to_string(ch.id));
    data t = d;
    if (mode) {
      t.set("link", "/classe/" + mode->share.code + "?chapitre=" + std::to_string(i + 1));
      t.set("done", mode->progress.chapters_done.count(ch.id) > 0);
      t.set("current", i == mode->chapter);
    } else {
      t.set("link", "#chapitre-" + std::to_string(ch.id));
    }
    toc.push_back(t);
    if (mode && i != mode->chapter) continue;
    list blocks;
    for (const Block& b : ch.blocks) {
      data bd = block_view(db, viewer, b, answer, mode ? mode->share.code : std::string(),
                           mode ? &mode->progress : nullptr);
      // The pupil's earlier answer to a question.
      if (mode && b.kind == BlockKind::kQuiz && (!answer || answer->block != b.id)) {
        const auto it = mode->progress.answers.find(b.id);
        if (it != mode->progress.answers.end())
          bd.set("earlier", !it->second ? std::string("Tu as déjà répondu.")
                            : *it->second
                                ? std::string("Tu as déjà répondu juste.")
                                : std::string("Ta réponse précédente n'était pas juste."));
      }
      blocks.push_back(bd);
    }
    d.set("blocks", blocks);
    if (mode) {
      d.set("chapter_id", std::to_string(ch.id));
      d.set("finished", mode->progress.chapters_done.count(ch.id) > 0);
      if (i + 1 < c.chapters.size()) d.set("next", std::to_string(i + 2));
      if (i > 0) d.set("previous", std::to_string(i));
      // What to watch next: moments elsewhere on the same part as the chapter's first moment.
      for (const Block& b : ch.blocks) {
        if (b.kind != BlockKind::kMoment || !b.content_id) continue;
        list related = related_list(db, *b.content_id);
        d.set("related", related);
        d.set("has_related", !related.empty());
        break;
      }
    }
    chapters.push_back(d);
  }
  if (mode) {
    page.set("classe", true);
    page.set("code", mode->share.code);
    page.set("class_name", mode->share.name);
    page.set("pseudonym", mode->pupil.pseudonym);
  }
  page.set("chapters", chapters);
  page.set("has_chapters", !c.chapters.empty());
  page.set("toc", toc);
  taxonomy::ConceptStore concepts(db);
  list aligned;
  for (const std::string& uri : c.concepts) {
    const auto found = concepts.get(uri);
    const auto row = concepts.id_of(uri);
    if (!found.is_ok() || !*found) continue;
    data d;
    d.set("label", (*found)->pref_label);
    if (row.is_ok() && *row) d.set("link", "/programme/" + std::to_string(**row));
    aligned.push_back(d);
  }
  page.set("concepts", aligned);
  page.set("has_concepts", !aligned.empty());
  // The key ideas, gathered for the printed page's « À retenir ».
  list key_ideas;
  for (const auto& ch : c.chapters) {
    for (const Block& b : ch.blocks) {
      if (b.kind != BlockKind::kKeyIdea) continue;
      data d;
      d.set("text", b.body);
      key_ideas.push_back(d);
    }
  }
  page.set("key_ideas", key_ideas);
  page.set("has_key_ideas", !key_ideas.empty());
  if (req.has_param("fait")) page.set("done", req.get_param_value("fait").substr(0, 300));
  send_page(res, render(view, page, view == "cours" ? c.title : c.title + " (à imprimer)"));
  res.set_header("Cache-Control", "no-store");
}

Result<Course> course_for(catalog::Database& db, const Viewer& viewer, courses::Id id) {
  auto c = CourseStore(db).get(id);
  if (!c.is_ok()) return c.status();
  if (!may_read(viewer, *c)) return Status::not_found("no course " + std::to_string(id));
  return c;
}

void not_found_page(http::Response& res) {
  error_page(res, 404, "Cours introuvable",
             "Aucun cours publié ne porte ce numéro. Voyez « Mes cours » ou le programme.");
}

}  // namespace

list courses_of_concept(catalog::Database& db, const std::string& uri) {
  list out;
  std::vector<std::string> uris{uri};
  taxonomy::ConceptStore store(db);
  // The concept and every concept under it.
  for (std::size_t i = 0; i < uris.size() && uris.size() < 2000; ++i) {
    const auto under = store.narrower(uris[i]);
    if (!under.is_ok()) break;
    for (const auto& n : *under) uris.push_back(n.uri);
  }
  const auto found = CourseStore(db).published_with(uris);
  if (!found.is_ok()) return out;
  for (const auto& c : *found) {
    data d;
    d.set("link", course_path(c.id));
    d.set("title", c.title);
    d.set("model", c.model);
    out.push_back(d);
  }
  return out;
}

void page_courses(Context& ctx, const http::Request& req, http::Response& res) {
  if (!require_role(req, res, auth::Role::kTeacher, false)) return;
  auto db = ctx.catalog();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const Viewer& viewer = viewer_of(req);
  CourseStore store(**db);
  const auto mine = store.of_owner(*user_id(viewer));
  const auto models = store.models();
  if (!mine.is_ok() || !models.is_ok())
    return error_page(res, mine.is_ok() ? models.status() : mine.status(), "Cours indisponibles");
  auto rows = [](const std::vector<courses::CourseSummary>& from) {
    list out;
    for (const auto& c : from) {
      data d;
      d.set("id", std::to_string(c.id));
      d.set("title", c.title);
      d.set("state",
            c.state == CourseState::kPublished ? std::string("publié") : std::string("brouillon"));
      d.set("model", c.model);
      d.set("size", std::to_string(c.chapters) + (c.chapters > 1 ? " chapitres, " : " chapitre, ") +
                        std::to_string(c.blocks) + (c.blocks > 1 ? " blocs" : " bloc"));
      out.push_back(d);
    }
    return out;
  };
  data page;
  list m = rows(*mine), t = rows(*models);
  page.set("mine", m);
  page.set("has_mine", !m.empty());
  page.set("models", t);
  page.set("has_models", !t.empty());
  if (req.has_param("fait")) page.set("done", req.get_param_value("fait").substr(0, 300));
  send_page(res, render("mes_cours", page, "Mes cours"));
  res.set_header("Cache-Control", "no-store");
}

void page_create_course(Context& ctx, const http::Request& req, http::Response& res) {
  if (!require_role(req, res, auth::Role::kTeacher, false)) return;
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  CourseStore store(**db);
  const auto id = store.create(req.get_param_value("titre"), user_id(viewer_of(req)));
  if (!id.is_ok()) return error_page(res, 400, "Cours non créé", id.status().message());
  // Made from a concept's page: aligned with it, and its first chapter named after it.
  if (const std::int64_t notion = param_id(req, "notion"); notion > 0) {
    taxonomy::ConceptStore concepts(**db);
    const auto uri = concepts.uri_of(notion);
    if (uri.is_ok() && *uri) {
      const auto c = store.get(*id);
      if (c.is_ok())
        (void)store.update(*id, {c->title, c->level_uri, {**uri}, CourseState::kDraft, false});
    }
  }
  (void)store.add_chapter(*id, "Chapitre 1");
  redirect(res, course_path(*id) + "/modifier", "Cours créé : ajoutez-y des blocs.");
}

void page_course(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const auto c = course_for(**db, viewer_of(req), path_id(req));
  if (!c.is_ok()) return not_found_page(res);
  send_course(**db, req, res, *c, std::nullopt);
}

void page_course_print(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const auto c = course_for(**db, viewer_of(req), path_id(req));
  if (!c.is_ok()) return not_found_page(res);
  send_course(**db, req, res, *c, std::nullopt, "cours_imprimer");
}

namespace {

// A pupil's (or a reader's) answer to one of the course's questions, checked by the interactive
// videos' rules; with the response as stored. Errors: invalid_argument for people.
struct Checked {
  QuizAnswer answer;
  std::string response_json;
};

Result<Checked> check_quiz(const Course& c, const http::Request& req) {
  const courses::Id block = param_id(req, "bloc");
  const Block* found = nullptr;
  for (const auto& ch : c.chapters) {
    for (const auto& b : ch.blocks) {
      if (b.id == block && b.kind == BlockKind::kQuiz) found = &b;
    }
  }
  if (!found) return Status::invalid_argument("Ce cours n'a pas cette question.");
  const auto q = learn::interaction_from_json(json::parse(found->body, nullptr, false));
  if (!q.is_ok()) return Status::invalid_argument(q.status().message());
  json r = json::object();
  if (q->type == learn::InteractionType::kChoice) {
    r["chosen"] = json::array();
    for (std::size_t i = 0; i < req.get_param_value_count("choix"); ++i) {
      const std::string v = req.get_param_value("choix", i);
      char* end = nullptr;
      const long n = std::strtol(v.c_str(), &end, 10);
      if (!v.empty() && *end == '\0' && n >= 0 && n < 100) r["chosen"].push_back(n);
    }
  } else if (q->type == learn::InteractionType::kTrueFalse) {
    if (req.has_param("reponse")) r["answer"] = req.get_param_value("reponse") == "vrai";
  } else if (q->type == learn::InteractionType::kBlanks) {
    r["blanks"] = json::array();
    for (std::size_t i = 0; i < req.get_param_value_count("trou"); ++i)
      r["blanks"].push_back(req.get_param_value("trou", i).substr(0, 200));
  } else {
    r["text"] = req.get_param_value("texte").substr(0, 2000);
  }
  const auto response = learn::response_from_json(r);
  if (!response.is_ok())
    return Status::invalid_argument("Choisis ou écris une réponse, puis vérifie.");
  const auto grade = learn::grade(*q, *response);
  if (!grade.is_ok())
    return Status::invalid_argument("Choisis ou écris une réponse, puis vérifie.");
  Checked out;
  out.answer.block = block;
  out.answer.graded = learn::is_graded(q->type);
  out.answer.correct = grade->correct.value_or(false);
  for (const std::string& f : grade->feedback)
    out.answer.feedback += (out.answer.feedback.empty() ? "" : " ") + f;
  out.response_json = r.dump();
  return out;
}

}  // namespace

void page_course_cartridge(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const auto c = course_for(**db, viewer_of(req), path_id(req));
  if (!c.is_ok()) return not_found_page(res);
  // The links are followed by pupils of another platform: published contents only.
  const Viewer nobody;
  const auto files = courses::cartridge_files(
      *c, base_url(ctx),
      [&](courses::Id id) -> std::optional<courses::LinkedContent> {
        const auto content = content_for(**db, nobody, id);
        if (!content.is_ok()) return std::nullopt;
        return courses::LinkedContent{content->title};
      },
      [&](courses::Id activity) -> std::optional<courses::LinkedVideo> {
        const auto a = learn::ActivityStore(**db).get(activity);
        auto bytes = a.is_ok() ? video_h5p(ctx, **db, activity) : std::nullopt;
        if (!bytes) return std::nullopt;
        return courses::LinkedVideo{a->title, std::move(*bytes)};
      });
  std::error_code ec;
  const std::filesystem::path folder = ctx.dir.root / "tmp";
  std::filesystem::create_directories(folder, ec);
  const std::filesystem::path file =
      folder /
      ("cours-" + std::to_string(c->id) + "-" +
       std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id())) + ".imscc");
  auto zip = h5p::ZipWriter::create(file);
  if (!zip.is_ok()) return error_page(res, zip.status(), "Export impossible");
  for (const auto& [name, bytes] : files) {
    if (const Status s = zip->add(name, bytes); !s.is_ok())
      return error_page(res, s, "Export impossible");
  }
  if (const Status s = zip->finish(); !s.is_ok()) return error_page(res, s, "Export impossible");
  auto in = std::make_shared<std::ifstream>(file, std::ios::binary);
  const auto size = std::filesystem::file_size(file, ec);
  std::filesystem::remove(file, ec);  // the open stream keeps the bytes until it is closed
  if (!*in || size == 0) return error_page(res, 500, "Export impossible", "Réessayez.");
  res.set_header("Content-Disposition",
                 "attachment; filename=\"cours-" + std::to_string(c->id) + ".imscc\"");
  res.set_header("Cache-Control", "no-store");
  res.set_stream(std::move(in), static_cast<std::uint64_t>(size), "application/zip");
}

void page_course_quiz(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const auto c = course_for(**db, viewer_of(req), path_id(req));
  if (!c.is_ok()) return not_found_page(res);
  const auto checked = check_quiz(*c, req);
  if (!checked.is_ok()) return error_page(res, 400, "Réponse à revoir", checked.status().message());
  send_course(**db, req, res, *c, checked->answer);
}

namespace {

// The course class a /classe/CODE request names, its course (published, else not shown to
// pupils) and the pupil of its cookie. None when CODE is no course's class.
struct PupilSide {
  courses::CourseClass share;
  Course course;
  std::optional<courses::CoursePupil> pupil;
};

std::optional<PupilSide> pupil_side(catalog::Database& db, const http::Request& req) {
  courses::ClassStore classes(db);
  auto share = classes.class_by_code(req.matches[1].str());
  if (!share.is_ok()) return std::nullopt;
  auto course = CourseStore(db).get(share->course_id);
  if (!course.is_ok()) return std::nullopt;
  PupilSide side{std::move(*share), std::move(*course), std::nullopt};
  if (auto p = classes.pupil_by_token(cookie(req, "repere_eleve"));
      p.is_ok() && p->class_id == side.share.id)
    side.pupil = *p;
  return side;
}

void render_pupil_side(catalog::Database& db, const http::Request& req, http::Response& res,
                       const PupilSide& side, const std::optional<QuizAnswer>& answer,
                       std::optional<courses::Id> chapter_of_block = std::nullopt) {
  if (side.course.state != CourseState::kPublished) {
    return error_page(res, 404, "Cours pas encore ouvert",
                      "Ton professeur n'a pas encore publié ce cours. Réessaie plus tard.");
  }
  if (!side.pupil) {
    data page;
    page.set("title", side.course.title);
    page.set("class_name", side.share.name);
    page.set("code", side.share.code);
    page.set("code_shown", side.share.code);
    return send_page(res, render("pseudonyme", page, side.course.title));
  }
  ClassMode mode{side.share, *side.pupil, {}, 0};
  if (auto p = courses::ClassStore(db).progress(*side.pupil); p.is_ok()) mode.progress = *p;
  const auto& chapters = side.course.chapters;
  if (chapter_of_block) {
    for (std::size_t i = 0; i < chapters.size(); ++i) {
      for (const auto& b : chapters[i].blocks) {
        if (b.id == *chapter_of_block) mode.chapter = i;
      }
    }
  } else if (req.has_param("chapitre")) {
    const std::int64_t n = param_id(req, "chapitre");
    if (n >= 1 && n <= static_cast<std::int64_t>(chapters.size()))
      mode.chapter = static_cast<std::size_t>(n - 1);
  } else {  // the first chapter not finished yet
    while (mode.chapter + 1 < chapters.size() &&
           mode.progress.chapters_done.count(chapters[mode.chapter].id))
      ++mode.chapter;
  }
  send_course(db, req, res, side.course, answer, "cours", &mode);
}

}  // namespace

bool course_class_page(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog();
  if (!db.is_ok()) return false;
  const auto side = pupil_side(**db, req);
  if (!side) return false;
  render_pupil_side(**db, req, res, *side, std::nullopt);
  return true;
}

bool course_class_join(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return false;
  const auto side = pupil_side(**db, req);
  if (!side) return false;
  if (side->course.state != CourseState::kPublished) {
    render_pupil_side(**db, req, res, *side, std::nullopt);
    return true;
  }
  if (const int wait = ctx.joins.wait_seconds(req.remote_addr); wait > 0) {
    res.set_header("Retry-After", std::to_string(wait));
    error_page(
        res, 429, "Trop d'arrivées",
        "Beaucoup d'élèves viennent de rejoindre la classe depuis ce réseau. Réessaie dans " +
            std::to_string(wait) + " secondes.");
    return true;
  }
  ctx.joins.note(req.remote_addr);
  const auto pupil =
      courses::ClassStore(**db).join(side->share.code, req.get_param_value("pseudonyme"));
  if (!pupil.is_ok()) {
    error_page(res, 400, "Pseudonyme à choisir",
               "Choisis un pseudonyme de 1 à 40 caractères (pas ton vrai nom), puis recommence.");
    return true;
  }
  res.set_header("Set-Cookie", "repere_eleve=" + pupil->token + "; Path=/classe/" +
                                   side->share.code + "; Max-Age=31536000; HttpOnly; SameSite=Lax");
  redirect(res, "/classe/" + side->share.code);
  return true;
}

bool course_class_answer(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return false;
  const auto side = pupil_side(**db, req);
  if (!side) return false;
  if (!side->pupil || side->course.state != CourseState::kPublished) {
    render_pupil_side(**db, req, res, *side, std::nullopt);
    return true;
  }
  const auto checked = check_quiz(side->course, req);
  if (!checked.is_ok()) {
    error_page(res, 400, "Réponse à revoir", checked.status().message());
    return true;
  }
  const Status kept = courses::ClassStore(**db).answer(
      *side->pupil, checked->answer.block, checked->response_json,
      checked->answer.graded ? std::optional<bool>(checked->answer.correct) : std::nullopt);
  if (!kept.is_ok()) {
    error_page(res, kept, "Réponse non enregistrée");
    return true;
  }
  queue_lti_course_score(ctx, **db, side->course, *side->pupil);
  render_pupil_side(**db, req, res, *side, checked->answer, checked->answer.block);
  return true;
}

void page_course_chapter_done(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const auto side = pupil_side(**db, req);
  if (!side) {
    return error_page(res, 404, "Code inconnu",
                      "Aucune classe n'a ce code. Vérifie-le auprès de ton professeur.");
  }
  if (!side->pupil) return redirect(res, "/classe/" + side->share.code);
  const courses::Id chapter = param_id(req, "chapitre");
  if (!courses::ClassStore(**db).finish_chapter(*side->pupil, chapter).is_ok())
    return error_page(res, 400, "Chapitre inconnu", "Ce chapitre n'est pas dans ce cours.");
  queue_lti_course_score(ctx, **db, side->course, *side->pupil);
  const auto& chapters = side->course.chapters;
  std::size_t at = 0;
  while (at < chapters.size() && chapters[at].id != chapter) ++at;
  if (at + 1 < chapters.size())
    return redirect(res, "/classe/" + side->share.code + "?chapitre=" + std::to_string(at + 2));
  redirect(res, "/classe/" + side->share.code + "?chapitre=" + std::to_string(at + 1),
           "Bravo, tu as fini le cours !");
}

namespace {

// The editor's data: the course's fields, its chapters and blocks with their controls.
data editor_data(catalog::Database& db, const Viewer& viewer, const Course& c) {
  data page;
  page.set("id", std::to_string(c.id));
  page.set("course_id", std::to_string(c.id));
  page.set("title", c.title);
  page.set("published", c.state == CourseState::kPublished);
  page.set("model", c.model);
  page.set("may_model", viewer.sees_unpublished());  // models are the institution's: curators
  if (c.model_id) page.set("model_link", course_path(*c.model_id));
  list chapters;
  std::set<catalog::Id> contents;
  for (std::size_t i = 0; i < c.chapters.size(); ++i) {
    const auto& ch = c.chapters[i];
    data d;
    d.set("id", std::to_string(ch.id));
    d.set("number", std::to_string(i + 1));
    d.set("title", ch.title);
    d.set("first", i == 0);
    d.set("last", i + 1 == c.chapters.size());
    list blocks;
    for (const Block& b : ch.blocks) {
      data bd;
      bd.set("id", std::to_string(b.id));
      bd.set("kind", kind_name(b.kind));
      std::string summary = b.body;
      if (b.kind == BlockKind::kQuiz) {
        const auto q = learn::interaction_from_json(json::parse(b.body, nullptr, false));
        summary = q.is_ok() ? (q->question.empty() ? q->text : q->question) : "";
      }
      if (b.kind == BlockKind::kVideo) {
        const auto a = b.activity_id ? learn::ActivityStore(db).get(*b.activity_id)
                                     : Result<learn::Activity>(Status::not_found("gone"));
        summary = a.is_ok() ? a->title : "(vidéo interactive supprimée)";
      }
      if (b.content_id) {
        contents.insert(*b.content_id);
        const auto content = content_for(db, viewer, *b.content_id);
        summary = content.is_ok() ? content->title : "(contenu retiré)";
        if (b.kind == BlockKind::kMoment)
          summary += ", " + clock_time(*b.start_ms) + " – " + clock_time(*b.end_ms);
        if (b.kind == BlockKind::kPage) summary += ", page " + std::to_string(*b.page);
      }
      if (summary.size() > 140) {
        std::size_t cut = summary.rfind(' ', 140);
        summary = summary.substr(0, cut == std::string::npos ? 140 : cut) + " …";
      }
      bd.set("summary", summary);
      blocks.push_back(bd);
    }
    d.set("blocks", blocks);
    d.set("has_blocks", !blocks.empty());
    chapters.push_back(d);
  }
  page.set("chapters", chapters);
  page.set("has_chapters", !chapters.empty());
  // Its concepts, and those its contents are given that it has not yet.
  taxonomy::ConceptStore store(db);
  list aligned, offered;
  for (const std::string& uri : c.concepts) {
    const auto found = store.get(uri);
    data d;
    d.set("uri", uri);
    d.set("label", found.is_ok() && *found ? (*found)->pref_label : uri);
    aligned.push_back(d);
  }
  std::set<std::string> seen(c.concepts.begin(), c.concepts.end());
  for (const catalog::Id id : contents) {
    const auto given = store.of_content(id);
    if (!given.is_ok()) continue;
    for (const auto& g : *given) {
      if (g.purpose != "programme" || g.state != "confirmed" || !seen.insert(g.uri).second)
        continue;
      data d;
      d.set("uri", g.uri);
      d.set("label", g.pref_label);
      offered.push_back(d);
    }
  }
  page.set("concepts", aligned);
  page.set("has_concepts", !aligned.empty());
  page.set("offered", offered);
  page.set("has_offered", !offered.empty());
  // The classes it is shared with, each with its code and its progress.
  list shared;
  if (const auto classes = courses::ClassStore(db).classes(c.id); classes.is_ok()) {
    for (const auto& k : *classes) {
      data d;
      d.set("name", k.name);
      d.set("code", k.code);
      d.set("code_shown", k.code.size() == 9 ? k.code.substr(0, 3) + "-" + k.code.substr(3, 3) +
                                                   "-" + k.code.substr(6)
                                             : k.code);
      d.set("class_id", std::to_string(k.id));
      shared.push_back(d);
    }
  }
  page.set("classes", shared);
  page.set("has_classes", !shared.empty());
  // The interactive videos she may put in it.
  if (viewer.session) {
    list videos = videos_for_editor(db, viewer.session->user.id);
    page.set("has_videos", !videos.empty());
    page.set("videos", videos);
  }
  return page;
}

Result<Course> owned_course(Context& ctx, const http::Request& req, http::Response& res,
                            catalog::Database& db) {
  if (!require_role(req, res, auth::Role::kTeacher, false))
    return Status::permission_denied("not signed in");
  auto c = CourseStore(db).get(path_id(req));
  if (!c.is_ok() || !owns(viewer_of(req), *c)) {
    // Someone else's course: the same answer as none, so that drafts cannot be found.
    not_found_page(res);
    return Status::not_found("no course");
  }
  (void)ctx;
  return c;
}

// A block from the editor's form: its kind's fields. Errors: invalid_argument for the teacher.
Result<Block> block_from_form(const http::Request& req) {
  Block b;
  REPERE_ASSIGN_OR_RETURN(b.kind, courses::parse_block_kind(req.get_param_value("type")));
  switch (b.kind) {
    case BlockKind::kText:
    case BlockKind::kKeyIdea: b.body = req.get_param_value("texte"); break;
    case BlockKind::kMoment: {
      b.content_id = param_id(req, "contenu");
      const auto from = learn::parse_clock(req.get_param_value("debut"));
      const auto to = learn::parse_clock(req.get_param_value("fin"));
      if (!from || !to)
        return Status::invalid_argument("Début et fin s'écrivent 1:23 (minutes:secondes).");
      b.start_ms = *from;
      b.end_ms = *to;
      break;
    }
    case BlockKind::kPage: {
      b.content_id = param_id(req, "contenu");
      b.page = static_cast<int>(param_id(req, "page"));
      break;
    }
    case BlockKind::kVideo: {
      b.activity_id = param_id(req, "activite");
      if (*b.activity_id == 0) b.activity_id.reset();
      break;
    }
    case BlockKind::kQuiz: {
      // The question's kind (the interactive videos' four): choices, one per line, the right
      // ones starting with « * »; true or false; a text whose *words* are the blanks; open.
      const std::string genre = req.get_param_value("genre");
      if (genre == "true_false") {
        const std::string right = req.get_param_value("juste");
        if (right != "vrai" && right != "faux")
          return Status::invalid_argument("Dites si la bonne réponse est « vrai » ou « faux ».");
        b.body = json{{"type", "true_false"},
                      {"question", req.get_param_value("question")},
                      {"answer_true", right == "vrai"}}
                     .dump();
        break;
      }
      if (genre == "blanks") {
        b.body = json{{"type", "blanks"}, {"text", req.get_param_value("texte")}}.dump();
        break;
      }
      if (genre == "open") {
        b.body = json{{"type", "open"}, {"question", req.get_param_value("question")}}.dump();
        break;
      }
      json q = {{"type", "choice"},
                {"question", req.get_param_value("question")},
                {"choices", json::array()}};
      const std::string lines = req.get_param_value("choix");
      std::size_t start = 0;
      while (start <= lines.size()) {
        const std::size_t end = std::min(lines.find('\n', start), lines.size());
        std::string line = lines.substr(start, end - start);
        start = end + 1;
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        const bool right = !line.empty() && line[0] == '*';
        if (right) line.erase(0, 1);
        line.erase(0, line.find_first_not_of(' '));
        if (!line.empty()) q["choices"].push_back({{"text", line}, {"correct", right}});
      }
      b.body = q.dump();
      break;
    }
  }
  if (b.content_id && *b.content_id == 0) b.content_id.reset();
  return b;
}

}  // namespace

void page_course_editor(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const auto c = owned_course(ctx, req, res, **db);
  if (!c.is_ok()) return;
  data page = editor_data(**db, viewer_of(req), *c);
  if (req.has_param("fait")) page.set("done", req.get_param_value("fait").substr(0, 300));
  send_page(res, render("cours_editeur", page, "Modifier « " + c->title + " »"));
  res.set_header("Cache-Control", "no-store");
}

void page_course_editor_post(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const auto c = owned_course(ctx, req, res, **db);
  if (!c.is_ok()) return;
  CourseStore store(**db);
  const std::string action = req.get_param_value("action");
  const std::string editor = course_path(c->id) + "/modifier";
  // Chapters and blocks named by the form must be this course's.
  auto chapter_here = [&](courses::Id id) {
    const auto of = store.course_of_chapter(id);
    return of.is_ok() && *of == c->id;
  };
  auto block_here = [&](courses::Id id) {
    const auto of = store.course_of_block(id);
    return of.is_ok() && *of == c->id;
  };
  const courses::Id chapter = param_id(req, "chapitre");
  const courses::Id block = param_id(req, "bloc");
  const int delta = req.get_param_value("sens") == "haut" ? -1 : 1;
  Status done = Status::ok();
  std::string message, anchor;
  courses::CourseFields fields{c->title, c->level_uri, c->concepts, c->state, c->model};
  if (action == "champs") {
    fields.title = req.get_param_value("titre");
    fields.state =
        req.get_param_value("etat") == "published" ? CourseState::kPublished : CourseState::kDraft;
    if (viewer_of(req).sees_unpublished()) fields.model = req.get_param_value("type") == "1";
    done = store.update(c->id, fields);
    message = fields.state == CourseState::kPublished ? "Cours enregistré et publié."
                                                      : "Cours enregistré (brouillon).";
  } else if (action == "notion" || action == "retirer-notion") {
    const std::string uri = req.get_param_value("notion");
    auto& given = fields.concepts;
    if (action == "notion") {
      const auto known = taxonomy::ConceptStore(**db).get(uri);
      if (!known.is_ok() || !*known)
        return error_page(res, 400, "Notion inconnue", uri.substr(0, 200));
      if (std::find(given.begin(), given.end(), uri) == given.end()) given.push_back(uri);
    } else {
      given.erase(std::remove(given.begin(), given.end(), uri), given.end());
    }
    done = store.update(c->id, fields);
    message = action == "notion" ? "Notion ajoutée." : "Notion retirée.";
    anchor = "#notions";
  } else if (action == "classe") {
    const auto made = courses::ClassStore(**db).add_class(c->id, req.get_param_value("nom"));
    done = made.status();
    if (made.is_ok())
      message = "Classe « " + made->name + " » : les élèves entrent le code " + made->code +
                (c->state == CourseState::kPublished ? "." : " (publiez d'abord le cours).");
    anchor = "#classes";
  } else if (action == "chapitre") {
    const auto id = store.add_chapter(c->id, req.get_param_value("titre"));
    done = id.status();
    message = "Chapitre ajouté.";
    if (id.is_ok()) anchor = "#chapitre-" + std::to_string(*id);
  } else if (action == "renommer" && chapter_here(chapter)) {
    done = store.rename_chapter(chapter, req.get_param_value("titre"));
    message = "Chapitre renommé.";
    anchor = "#chapitre-" + std::to_string(chapter);
  } else if (action == "supprimer-chapitre" && chapter_here(chapter)) {
    done = store.remove_chapter(chapter);
    message = "Chapitre supprimé.";
  } else if (action == "deplacer-chapitre" && chapter_here(chapter)) {
    done = store.move_chapter(chapter, delta);
    message = delta < 0 ? "Chapitre monté." : "Chapitre descendu.";
    anchor = "#chapitre-" + std::to_string(chapter);
  } else if (action == "bloc" && chapter_here(chapter)) {
    auto b = block_from_form(req);
    if (b.is_ok() && b->content_id && !content_for(**db, viewer_of(req), *b->content_id).is_ok())
      b = Status::invalid_argument("Aucun contenu publié ne porte le numéro " +
                                   std::to_string(*b->content_id) + ".");
    // Her own interactive videos only: their classes and results are hers.
    if (b.is_ok() && b->activity_id &&
        !may_use_video(**db, viewer_of(req).session->user.id, *b->activity_id))
      b = Status::invalid_argument(
          "Cette vidéo interactive n'est pas la vôtre : dupliquez-la d'abord dans « Mes "
          "activités ».");
    const auto id = b.is_ok() ? store.add_block(chapter, *b) : Result<courses::Id>(b.status());
    done = id.status();
    message = "Bloc ajouté.";
    if (id.is_ok()) anchor = "#bloc-" + std::to_string(*id);
  } else if (action == "supprimer-bloc" && block_here(block)) {
    done = store.remove_block(block);
    message = "Bloc supprimé.";
  } else if (action == "deplacer-bloc" && block_here(block)) {
    done = store.move_block(block, delta);
    message = delta < 0 ? "Bloc monté." : "Bloc descendu.";
    anchor = "#bloc-" + std::to_string(block);
  } else {
    return error_page(res, 400, "Action inconnue",
                      "Ce formulaire ne correspond à rien dans ce cours. Rechargez l'éditeur.");
  }
  if (!done.is_ok()) {
    if (done.code() == StatusCode::kInvalidArgument)
      return redirect(res, editor, "Non enregistré : " + done.message());
    return error_page(res, done, "Enregistrement impossible");
  }
  redirect(res, editor, message, anchor);
}

void page_duplicate_course(Context& ctx, const http::Request& req, http::Response& res) {
  if (!require_role(req, res, auth::Role::kTeacher, false)) return;
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const Viewer& viewer = viewer_of(req);
  const auto c = course_for(**db, viewer, path_id(req));
  if (!c.is_ok()) return not_found_page(res);
  const auto copy = CourseStore(**db).duplicate(c->id, user_id(viewer));
  if (!copy.is_ok()) return error_page(res, copy.status(), "Copie impossible");
  redirect(
      res, course_path(*copy) + "/modifier",
      "Votre copie de « " + c->title + " » : changez-la à votre guise, le modèle reste tel quel.");
}

void page_add_to_course(Context& ctx, const http::Request& req, http::Response& res) {
  if (!require_role(req, res, auth::Role::kTeacher, false)) return;
  auto db = ctx.catalog();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const Viewer& viewer = viewer_of(req);
  const auto content = content_for(**db, viewer, param_id(req, "contenu"));
  if (!content.is_ok())
    return error_page(res, 404, "Contenu introuvable", "Ce moment n'est pas dans la médiathèque.");
  data page;
  page.set("content_id", std::to_string(content->id));
  page.set("content_title", content->title);
  const bool timed = content->duration_ms.has_value();
  std::int64_t from = std::max<std::int64_t>(0, param_id(req, "t")) * 1000;
  std::int64_t to = req.has_param("fin") ? param_id(req, "fin") * 1000 : from + 60000;
  if (timed) {
    to = std::min(to, *content->duration_ms);
    if (to <= from) to = std::min(from + 30000, *content->duration_ms);
    page.set("moment", true);
    page.set("from", learn::clock(from));
    page.set("to", learn::clock(to));
  } else {
    page.set("page", std::to_string(std::max<std::int64_t>(1, param_id(req, "page"))));
  }
  const auto mine = CourseStore(**db).of_owner(*user_id(viewer));
  list choices;
  if (mine.is_ok()) {
    for (const auto& c : *mine) {
      data d;
      d.set("id", std::to_string(c.id));
      d.set("title", c.title);
      choices.push_back(d);
    }
  }
  page.set("courses", choices);
  page.set("has_courses", !choices.empty());
  send_page(res, render("cours_ajouter", page, "Ajouter au cours"));
}

void page_add_to_course_post(Context& ctx, const http::Request& req, http::Response& res) {
  if (!require_role(req, res, auth::Role::kTeacher, false)) return;
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const Viewer& viewer = viewer_of(req);
  const auto content = content_for(**db, viewer, param_id(req, "contenu"));
  if (!content.is_ok())
    return error_page(res, 404, "Contenu introuvable", "Ce moment n'est pas dans la médiathèque.");
  CourseStore store(**db);
  courses::Id course = param_id(req, "cours");
  if (course == 0) {  // a new course, named by the teacher (or after the content)
    std::string title = req.get_param_value("nouveau");
    if (title.find_first_not_of(' ') == std::string::npos) title = content->title;
    const auto made = store.create(title.substr(0, courses::kMaxTitle), user_id(viewer));
    if (!made.is_ok()) return error_page(res, 400, "Cours non créé", made.status().message());
    course = *made;
  }
  auto c = store.get(course);
  if (!c.is_ok() || !owns(viewer, *c)) return not_found_page(res);
  if (c->chapters.empty()) {
    if (!store.add_chapter(course, "Chapitre 1").is_ok())
      return error_page(res, 500, "Chapitre non créé", "Réessayez.");
    c = store.get(course);
    if (!c.is_ok()) return error_page(res, c.status(), "Cours indisponible");
  }
  Block b;
  b.content_id = content->id;
  if (content->duration_ms) {
    b.kind = BlockKind::kMoment;
    const auto from = learn::parse_clock(req.get_param_value("debut"));
    const auto to = learn::parse_clock(req.get_param_value("fin"));
    if (!from || !to)
      return error_page(res, 400, "Moment illisible",
                        "Début et fin s'écrivent 1:23 (minutes:secondes).");
    b.start_ms = *from;
    b.end_ms = std::min(*to, *content->duration_ms);
  } else {
    b.kind = BlockKind::kPage;
    b.page = static_cast<int>(std::max<std::int64_t>(1, param_id(req, "page")));
  }
  const auto id = store.add_block(c->chapters.back().id, b);
  if (!id.is_ok()) return error_page(res, 400, "Bloc non ajouté", id.status().message());
  redirect(res, course_path(course) + "/modifier",
           kind_name(b.kind) + " de « " + content->title + " » ajouté au cours.",
           "#bloc-" + std::to_string(*id));
}

void page_course_reading_view(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const auto c = owned_course(ctx, req, res, **db);
  if (!c.is_ok()) return;
  const courses::Id class_id = path_id(req, 2);
  const bool on = req.get_param_value("mode") == "adaptee";
  if (const Status done = courses::ClassStore(**db).set_reading_view(c->id, class_id, on);
      !done.is_ok())
    return error_page(res, done, "Classe inconnue");
  redirect(res, course_path(c->id) + "/progression?classe=" + std::to_string(class_id));
}

void page_course_progress(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const auto c = owned_course(ctx, req, res, **db);
  if (!c.is_ok()) return;
  courses::ClassStore classes(**db);
  const auto all = classes.classes(c->id);
  if (!all.is_ok()) return error_page(res, all.status(), "Classes indisponibles");
  const courses::CourseClass* share = nullptr;
  const std::int64_t wanted = param_id(req, "classe");
  for (const auto& k : *all) {
    if (k.id == wanted || (!share && wanted == 0)) share = &k;
  }
  if (!share)
    return error_page(res, 404, "Classe inconnue", "Ce cours n'est pas partagé avec cette classe.");
  const auto progress = classes.class_progress(share->id, *c);
  if (!progress.is_ok()) return error_page(res, progress.status(), "Progression indisponible");
  data page;
  page.set("title", c->title);
  page.set("id", std::to_string(c->id));
  page.set("class_name", share->name);
  page.set("code", share->code);
  page.set("cid", std::to_string(share->id));
  page.set("reading_view", share->reading_view);
  list heads;
  for (std::size_t i = 0; i < c->chapters.size(); ++i) {
    data h;
    h.set("number", std::to_string(i + 1));
    h.set("title", c->chapters[i].title);
    heads.push_back(h);
  }
  page.set("chapters", heads);
  // The interactive videos, a column each: the pupil's answers as their own store grades them.
  std::vector<courses::Id> videos;
  list video_heads;
  const auto video_classes = classes.video_classes(share->id);
  for (const auto& ch : c->chapters) {
    for (const auto& b : ch.blocks) {
      if (b.kind != BlockKind::kVideo || !b.activity_id) continue;
      const auto a = learn::ActivityStore(**db).get(*b.activity_id);
      if (!a.is_ok()) continue;
      videos.push_back(b.id);
      data h;
      h.set("title", a->title);
      // The class's pupils answer the video in a class of its own: its dashboard.
      if (video_classes.is_ok()) {
        if (const auto v = video_classes->find(a->id); v != video_classes->end()) {
          h.set("dashboard", "/activites/" + std::to_string(a->id) +
                                 "/tableau?classe=" + std::to_string(v->second));
        }
      }
      video_heads.push_back(h);
    }
  }
  page.set("videos", video_heads);
  list rows;
  for (const auto& p : progress->pupils) {
    data r;
    r.set("number", std::to_string(p.number));
    r.set("pseudonym", p.pseudonym);
    list cells;
    for (const auto& ch : c->chapters) {
      data cell;
      cell.set("done", p.chapters.count(ch.id) > 0);
      cells.push_back(cell);
    }
    r.set("cells", cells);
    list video_cells;
    for (const courses::Id v : videos) {
      data cell;
      const auto it = p.videos.find(v);
      if (it != p.videos.end()) {
        const auto& m = it->second;
        cell.set("score", std::to_string(m.right) + " juste" + (m.right > 1 ? "s" : "") + " sur " +
                              std::to_string(m.graded) + " (" + std::to_string(m.answered) +
                              " répondue" + (m.answered > 1 ? "s" : "") + ")");
      }
      video_cells.push_back(cell);
    }
    r.set("video_cells", video_cells);
    r.set("questions", std::to_string(p.right) + " juste" + (p.right > 1 ? "s" : "") + " sur " +
                           std::to_string(p.answered) + " répondue" + (p.answered > 1 ? "s" : ""));
    rows.push_back(r);
  }
  page.set("pupils", rows);
  page.set("has_pupils", !rows.empty());
  list questions;
  int number = 0;
  for (const auto& q : progress->questions) {
    data d;
    d.set("number", std::to_string(++number));
    std::string label;
    for (const auto& ch : c->chapters) {
      for (const auto& b : ch.blocks) {
        if (b.id != q.block) continue;
        const auto x = learn::interaction_from_json(json::parse(b.body, nullptr, false));
        if (x.is_ok()) label = x->question.empty() ? x->text : x->question;
      }
    }
    d.set("label", label);
    d.set("answered", std::to_string(q.answered));
    d.set("right", std::to_string(q.right));
    questions.push_back(d);
  }
  page.set("questions", questions);
  page.set("has_questions", !questions.empty());
  send_page(res, render("cours_progression", page, "Progression : " + c->title));
  res.set_header("Cache-Control", "no-store");
}

}  // namespace repere::web
