#include "learn_pages.h"

#include "http.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "access.h"
#include "answers.h"
#include "context.h"
#include "course_pages.h"
#include "course_videos.h"
#include "lti_pages.h"
#include "reading_pages.h"
#include "render.h"
#include "repere/auth/audit.h"
#include "repere/catalog/contents.h"
#include "repere/catalog/texts.h"
#include "repere/learn/json.h"
#include "repere/learn/store.h"
#include "repere/learn/xapi.h"

namespace repere::web {

std::string interaction_type_label(learn::InteractionType t) {
  using learn::InteractionType;
  switch (t) {
    case InteractionType::kDefinition: return "Définition";
    case InteractionType::kChoice: return "Question à choix";
    case InteractionType::kTrueFalse: return "Vrai ou faux";
    case InteractionType::kBlanks: return "Texte à trous";
    case InteractionType::kOpen: return "Question ouverte";
    case InteractionType::kChapter: return "Chapitre";
  }
  return "";
}

// The edit key of a page: `cle` in the query string or the form.
std::string key_of(const http::Request& req) { return req.get_param_value("cle"); }

// Who edits: the edit link's key, and the signed-in teacher if any (owner or given rights).
learn::Editor editor_of(const http::Request& req) {
  const Viewer& v = viewer_of(req);
  if (!v.signed_in()) return learn::Editor(key_of(req));
  return learn::Editor::user(v.session->user.id, key_of(req));
}

// A share code as people read and type it: "K7M-PQ4-XZ9" (older 6-letter codes as they are).
std::string shown_code(const std::string& code) {
  if (code.size() != 9) return code;
  return code.substr(0, 3) + "-" + code.substr(3, 3) + "-" + code.substr(6);
}

list class_links(const std::vector<learn::ClassShare>& shares, std::int64_t chosen,
                 std::int64_t activity_id) {
  list classes;
  for (const auto& s : shares) {
    data d;
    d.set("id", std::to_string(s.id));
    d.set("name", s.name);
    d.set("code", shown_code(s.code));
    d.set("current", s.id == chosen);
    d.set("id_activity", std::to_string(activity_id));
    classes.push_back(d);
  }
  return classes;
}

namespace {

using learn::InteractionType;

constexpr std::int64_t kWindowMs = 10 * 60 * 1000;  // transcript lines offered around the clip
constexpr int kChoiceRows = 6;

// ---------------------------------------------------------------------------------------------
// Small helpers

void redirect(http::Response& res, const std::string& to) {
  res.status = 303;
  res.set_header("Location", to);
}

// The validation messages of repere/learn (English, for the API) as the French pages say them,
// with the id of the form field they name.
struct PageError {
  std::string field;  // the form field's id, or ""
  std::string message;
};

// The French message of each problem that learn::find_problem reports, by its key.
const std::map<std::string, std::string>& french_messages() {
  static const std::map<std::string, std::string> kMessages = {
      {"title.missing", "la vidéo interactive a besoin d'un titre"},
      {"title.too_long", "200 caractères au plus"},
      {"attempts.out_of_range", "{0} essais : de 1 à {1}, ou illimités"},
      {"clip.before_zero", "l'extrait commence avant 00:00"},
      {"clip.ends_before_start", "l'extrait finit ({0}) avant de commencer ({1})"},
      {"clip.after_media", "l'extrait finit ({0}) après la fin de la vidéo ({1})"},
      {"interactions.too_many", "500 au plus par vidéo"},
      {"at.outside_clip", "{0} est hors de l'extrait {1}–{2}"},
      {"goto.not_graded", "seule une question notée peut renvoyer l'élève en arrière"},
      {"term.missing", "la définition a besoin de son terme"},
      {"definition.missing", "la définition est vide"},
      {"question.missing", "la question est vide"},
      {"choices.too_few", "donnez au moins deux choix"},
      {"choice.empty", "le choix est vide"},
      {"choices.none_right", "cochez au moins une bonne réponse"},
      {"blanks.none", "mettez chaque trou entre astérisques : La *chlorophylle*…"},
      {"blanks.empty", "un trou (**) n'a pas de réponse"},
      {"chapter.missing", "un chapitre a besoin d'un titre"},
      {"time.expected", "un instant est attendu, par exemple 01:23"},
  };
  return kMessages;
}

// A problem of the editor's form, in French, with the form field to point at.
PageError french_problem(const learn::Problem& problem) {
  PageError out;
  const auto found = french_messages().find(problem.key);
  std::string detail = learn::fill_message(
      found == french_messages().end() ? problem.english() : found->second, problem.args);
  const std::string& field = problem.field;
  std::string label;
  if (field == "title") {
    out.field = "titre", label = "Titre";
  } else if (field == "start_ms") {
    out.field = "debut", label = "Début de l'extrait";
  } else if (field == "end_ms") {
    out.field = "fin", label = "Fin de l'extrait";
  } else if (field == "settings.attempts") {
    out.field = "essais", label = "Essais par question";
  } else if (field.rfind("interactions[", 0) == 0) {
    const int n = std::atoi(field.c_str() + 13);
    const std::size_t dot = field.find("].");
    const std::string what = dot == std::string::npos ? "" : field.substr(dot + 2);
    const std::string p = "i" + std::to_string(n) + "_";
    label = "Interaction " + std::to_string(n + 1);
    if (what == "at_ms") out.field = p + "at";
    if (what == "wrong_goto_ms") out.field = p + "goto";
    if (what == "term" || what == "definition" || what == "question" || what == "text" ||
        what == "title")
      out.field = p + what;
    if (what == "choices") out.field = p + "c0_text";
    if (what.rfind("choices[", 0) == 0)
      out.field = p + "c" + std::to_string(std::atoi(what.c_str() + 8)) + "_text";
  }
  if (!detail.empty())
    detail[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(detail[0])));
  out.message = label.empty() ? detail : label + " : " + detail;
  return out;
}

// Any other failure of the store, in French.
PageError french_error(const Status& s) {
  if (s.code() == StatusCode::kNotFound) return {"", "Ce lien de modification n'est pas valable."};
  return {"", "L'enregistrement a échoué : " + s.message()};
}

// ---------------------------------------------------------------------------------------------
// The transcript lines among which a clip's first and last lines are chosen

using Line = learn::TimedLine;

std::vector<Line> spoken_lines(catalog::Database& db, const catalog::Content& c) {
  std::vector<Line> out;
  auto tracks = catalog::TrackRepository(db).list_for_content(c.id);
  if (tracks.is_ok()) {
    const catalog::Track* best = nullptr;
    for (const auto& t : *tracks) {
      const bool spoken =
          t.kind == catalog::TrackKind::kSubtitles || t.kind == catalog::TrackKind::kAsr;
      if (spoken && (!best || (t.kind == catalog::TrackKind::kSubtitles &&
                               best->kind != catalog::TrackKind::kSubtitles)))
        best = &t;
    }
    if (best) {
      const auto cues = catalog::CueRepository(db).list_for_track(best->id);
      if (cues.is_ok()) {
        for (const auto& cue : *cues) {
          if (!cue.start_ms) continue;
          out.push_back({*cue.start_ms, cue.end_ms.value_or(*cue.start_ms), cue.text});
        }
      }
    }
  }
  if (out.empty() && c.duration_ms) {  // nothing said: every 10 seconds
    for (std::int64_t t = 0; t < *c.duration_ms; t += 10000) {
      out.push_back({t, std::min(t + 10000, *c.duration_ms), ""});
    }
  }
  return out;
}

std::string line_label(std::int64_t ms, const std::string& text) {
  std::string shown = text.substr(0, 70);
  while (!shown.empty() && (static_cast<unsigned char>(shown.back()) & 0xC0) == 0x80)
    shown.pop_back();
  if (!shown.empty() && (static_cast<unsigned char>(shown.back()) & 0x80)) shown.pop_back();
  if (shown.size() < text.size()) shown += "…";
  return learn::clock(ms) + (shown.empty() ? "" : " — " + shown);
}

// The options of the start (or end) select: the lines within kWindowMs of the clip, the
// clip's own time always among them.
list clip_options(const std::vector<Line>& lines, std::int64_t from, std::int64_t to,
                  std::int64_t selected, bool ends) {
  list out;
  bool found = false;
  for (const Line& l : lines) {
    const std::int64_t t = ends ? l.end_ms : l.start_ms;
    if (t < from - kWindowMs || t > to + kWindowMs) continue;
    if (!found && t > selected) {
      data d;
      d.set("value", std::to_string(selected));
      d.set("label", learn::clock(selected));
      d.set("selected", true);
      out.push_back(d);
      found = true;
    }
    data d;
    d.set("value", std::to_string(t));
    d.set("label", line_label(t, l.text));
    d.set("selected", t == selected);
    if (t == selected) found = true;
    out.push_back(d);
  }
  if (!found) {
    data d;
    d.set("value", std::to_string(selected));
    d.set("label", learn::clock(selected));
    d.set("selected", true);
    out.push_back(d);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The editor's form <-> an activity

std::string param(const http::Request& req, const std::string& name) {
  return req.get_param_value(name);
}

std::optional<learn::Problem> time_field(const http::Request& req, const std::string& name,
                                         std::size_t i, const std::string& field,
                                         std::optional<std::int64_t>& out) {
  const std::string typed = param(req, name);
  if (typed.find_first_not_of(' ') == std::string::npos) {
    out.reset();
    return std::nullopt;
  }
  out = learn::parse_clock(typed);
  if (!out)
    return learn::Problem{"interactions[" + std::to_string(i) + "]." + field, "time.expected", {}};
  return std::nullopt;
}

// Reads the editor's form over `a` (which keeps its id and content). A problem names the
// field as learn::find_problem does.
std::optional<learn::Problem> activity_from_form(const http::Request& req, learn::Activity& a) {
  a.title = param(req, "titre");
  a.start_ms = std::strtoll(param(req, "debut").c_str(), nullptr, 10);
  a.end_ms = std::strtoll(param(req, "fin").c_str(), nullptr, 10);
  const std::string skipping = param(req, "avance");
  if (auto s = learn::parse_skipping(skipping); s.is_ok()) a.settings.skipping = *s;
  a.settings.must_answer = req.has_param("obligatoire");
  a.settings.captions_on = req.has_param("soustitres");
  if (req.has_param("essais")) a.settings.attempts = std::atoi(param(req, "essais").c_str());
  if (auto c = learn::parse_counting(param(req, "compte")); c.is_ok()) a.settings.counting = *c;
  const int count = std::clamp(std::atoi(param(req, "nombre").c_str()), 0, 500);
  a.interactions.clear();
  for (int n = 0; n < count; ++n) {
    const std::string p = "i" + std::to_string(n) + "_";
    const auto i = static_cast<std::size_t>(n);
    learn::Interaction x;
    x.id = std::strtoll(param(req, p + "id").c_str(), nullptr, 10);
    auto type = learn::parse_interaction_type(param(req, p + "type"));
    if (!type.is_ok()) continue;
    x.type = *type;
    std::optional<std::int64_t> at;
    if (auto problem = time_field(req, p + "at", i, "at_ms", at)) return problem;
    if (!at)
      return learn::Problem{"interactions[" + std::to_string(i) + "].at_ms", "time.expected", {}};
    x.at_ms = *at;
    x.pause = req.has_param(p + "pause");
    if (auto problem = time_field(req, p + "goto", i, "wrong_goto_ms", x.wrong_goto_ms))
      return problem;
    x.term = param(req, p + "term");
    x.definition = param(req, p + "definition");
    x.question = param(req, p + "question");
    x.text = param(req, p + "text");
    x.title = param(req, p + "title");
    x.answer_true = param(req, p + "vrai") == "vrai";
    x.feedback_right = param(req, p + "bravo");
    x.feedback_wrong = param(req, p + "dommage");
    if (x.type == InteractionType::kChoice) {
      for (int k = 0; k < kChoiceRows; ++k) {
        const std::string c = p + "c" + std::to_string(k) + "_";
        learn::Choice choice{param(req, c + "text"), req.has_param(c + "correct"),
                             param(req, c + "feedback")};
        if (choice.text.find_first_not_of(' ') == std::string::npos) continue;
        x.choices.push_back(std::move(choice));
      }
    }
    a.interactions.push_back(std::move(x));
  }
  return std::nullopt;
}

// The duration of an activity's content, which bounds its clip.
std::optional<std::int64_t> duration_of(catalog::Database& db, std::int64_t content_id) {
  const auto c = catalog::ContentRepository(db).get(content_id);
  return c.is_ok() ? c->duration_ms : std::nullopt;
}

data interaction_data(const learn::Interaction& x, std::size_t n, bool fresh) {
  const std::string p = "i" + std::to_string(n) + "_";
  data d;
  d.set("n", std::to_string(n));
  d.set("number", std::to_string(n + 1));
  d.set("id", std::to_string(x.id));
  d.set("type", std::string(learn::to_string(x.type)));
  d.set("type_label", interaction_type_label(x.type));
  d.set("at", learn::clock_tenths(x.at_ms));
  d.set("pause", x.pause);
  d.set("new", fresh);
  d.set("is_definition", x.type == InteractionType::kDefinition);
  d.set("is_choice", x.type == InteractionType::kChoice);
  d.set("is_true_false", x.type == InteractionType::kTrueFalse);
  d.set("is_blanks", x.type == InteractionType::kBlanks);
  d.set("is_chapter", x.type == InteractionType::kChapter);
  d.set("has_question", x.type == InteractionType::kChoice ||
                            x.type == InteractionType::kTrueFalse ||
                            x.type == InteractionType::kOpen);
  d.set("graded", learn::is_question(x.type) && x.type != InteractionType::kOpen);
  d.set("has_feedback",
        x.type == InteractionType::kTrueFalse || x.type == InteractionType::kBlanks);
  d.set("term", x.term);
  d.set("definition", x.definition);
  d.set("question", x.question);
  d.set("text", x.text);
  d.set("title", x.title);
  d.set("answer_true", x.answer_true);
  d.set("bravo", x.feedback_right);
  d.set("dommage", x.feedback_wrong);
  d.set("goto", x.wrong_goto_ms ? learn::clock_tenths(*x.wrong_goto_ms) : "");
  list choices;  // the choices, and empty rows to add some (four at least, six at most)
  const int rows = std::clamp(static_cast<int>(x.choices.size()) + 2, 4, kChoiceRows);
  for (int k = 0; k < rows; ++k) {
    const auto ks = static_cast<std::size_t>(k);
    data c;
    c.set("n", std::to_string(n));
    c.set("k", std::to_string(k));
    c.set("number", std::to_string(k + 1));
    if (ks < x.choices.size()) {
      c.set("text", x.choices[ks].text);
      c.set("correct", x.choices[ks].correct);
      c.set("feedback", x.choices[ks].feedback);
    }
    choices.push_back(c);
  }
  d.set("choices", choices);
  return d;
}

list type_options() {
  list out;
  for (const auto t :
       {InteractionType::kDefinition, InteractionType::kChoice, InteractionType::kTrueFalse,
        InteractionType::kBlanks, InteractionType::kOpen, InteractionType::kChapter}) {
    data d;
    d.set("value", std::string(learn::to_string(t)));
    d.set("label", interaction_type_label(t));
    out.push_back(d);
  }
  return out;
}

struct EditorState {
  const learn::Activity* activity = nullptr;
  std::optional<PageError> error;
  std::optional<std::size_t> fresh;  // an interaction just added, not yet saved
  bool created = false, saved = false;
};

void render_editor(Context& ctx, const http::Request& req, http::Response& res,
                   const std::string& key, const EditorState& state, int status = 200) {
  const learn::Activity& a = *state.activity;
  auto db = ctx.catalog();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const auto c = catalog::ContentRepository(**db).get(a.content_id);
  if (!c.is_ok()) return error_page(res, c.status(), "Contenu introuvable");
  const auto lines = spoken_lines(**db, *c);
  const auto tracks = catalog::TrackRepository(**db).list_for_content(c->id);
  data page;
  page.set("id", std::to_string(a.id));
  page.set("key", key);
  page.set("edit_url",
           base_url(ctx) + "/activites/" + std::to_string(a.id) + "/modifier?cle=" + key);
  page.set("created", state.created);
  page.set("saved", state.saved);
  page.set("has_fresh", state.fresh.has_value());
  if (state.error) {
    data e;
    e.set("message", state.error->message);
    if (!state.error->field.empty()) e.set("field", state.error->field);
    page.set("error", e);
  }
  page.set("title", a.title);
  page.set("content_id", std::to_string(c->id));
  page.set("content_title", c->title);
  page.set("start_s", std::to_string(a.start_ms / 1000.0));
  page.set("end_s", std::to_string(a.end_ms / 1000.0));
  page.set("clip", learn::clock(a.start_ms) + " – " + learn::clock(a.end_ms));
  page.set("tracks",
           tracks.is_ok() ? caption_list(*tracks, c->id, a.settings.captions_on) : list{});
  page.set("start_options", clip_options(lines, a.start_ms, a.end_ms, a.start_ms, false));
  page.set("end_options", clip_options(lines, a.start_ms, a.end_ms, a.end_ms, true));
  const std::string_view skipping = learn::to_string(a.settings.skipping);
  page.set("skip_allowed", skipping == "allowed");
  page.set("skip_forward", skipping == "forward_blocked");
  page.set("skip_blocked", skipping == "blocked");
  page.set("must_answer", a.settings.must_answer);
  page.set("captions_on", a.settings.captions_on);
  list attempt_options;
  std::vector<int> offered = {1, 2, 3, 5, 0};
  if (std::find(offered.begin(), offered.end(), a.settings.attempts) == offered.end())
    offered.insert(offered.end() - 1, a.settings.attempts);  // one set through the API
  for (const int n : offered) {
    data o;
    o.set("value", std::to_string(n));
    o.set("label", n == 0 ? std::string("illimités") : std::to_string(n));
    o.set("selected", a.settings.attempts == n);
    attempt_options.push_back(o);
  }
  page.set("attempt_options", attempt_options);
  page.set("count_first", a.settings.counting == learn::Counting::kFirst);
  page.set("count_best", a.settings.counting == learn::Counting::kBest);
  list interactions;
  for (std::size_t n = 0; n < a.interactions.size(); ++n) {
    interactions.push_back(interaction_data(a.interactions[n], n, state.fresh == n));
  }
  page.set("count", std::to_string(a.interactions.size()));
  page.set("has_interactions", !a.interactions.empty());
  page.set("interactions", interactions);
  page.set("types", type_options());
  page.set("now", learn::clock(a.start_ms));
  learn::ActivityStore store(**db);
  list classes;
  if (const auto shares = store.classes(a.id, editor_of(req)); shares.is_ok()) {
    for (const auto& s : *shares) {
      data d;
      d.set("id", std::to_string(s.id));
      d.set("name", s.name);
      d.set("code", shown_code(s.code));
      d.set("share_url", base_url(ctx) + "/classe/" + s.code);
      d.set("id_activity", std::to_string(a.id));
      classes.push_back(d);
    }
  }
  page.set("has_classes", !classes.empty());
  page.set("classes", classes);
  const Viewer& viewer = viewer_of(req);
  if (viewer.signed_in()) {  // ownership: claim an old link's activity, give rights
    const auto owner = store.owner_of(a.id);
    const bool mine = owner.is_ok() && *owner && **owner == viewer.session->user.id;
    const bool editor =
        store.get_for_edit(a.id, learn::Editor::user(viewer.session->user.id)).is_ok();
    page.set("is_owner", mine);
    page.set("can_claim", !editor && !key.empty());
    if (req.has_param("partage")) page.set("shared", req.get_param_value("partage").substr(0, 200));
  } else {
    page.set("anonymous_key", true);
  }
  res.set_header("Cache-Control", "no-store");  // the page holds the key
  send_page(res, render("editeur", page, "Modifier « " + a.title + " »", "", "activite.js"),
            status);
}

// ---------------------------------------------------------------------------------------------
// The player (pupils and preview)

// "La *chlorophylle* capte la *lumière*." as « La … capte la …. »: the answers hidden.
std::string blanks_label(const std::string& text) { return learn::hide_blanks(text, "…"); }

// "La *chlorophylle* capte la *lumière*." as text and blanks, without the answers.
list blank_parts(const std::string& text, const std::string& id) {
  list out;
  std::size_t at = 0;
  int k = 0;
  while (true) {
    const std::size_t open = text.find('*', at);
    const std::size_t close = open == std::string::npos ? open : text.find('*', open + 1);
    data d;
    d.set("text", text.substr(at, open == std::string::npos || close == std::string::npos
                                      ? std::string::npos
                                      : open - at));
    if (open == std::string::npos || close == std::string::npos) {
      out.push_back(d);
      break;
    }
    data blank;
    blank.set("id", id);
    blank.set("k", std::to_string(k));
    blank.set("number", std::to_string(k + 1));
    d.set("blank", blank);
    out.push_back(d);
    ++k;
    at = close + 1;
  }
  return out;
}

struct Shown {  // the feedback of an answer just given (without JavaScript)
  learn::Id interaction_id = 0;
  learn::Grade grade;
};

data feedback_data(const learn::Grade& g) {
  data d;
  d.set("verdict", !g.correct   ? "Réponse enregistrée."
                   : *g.correct ? "Juste !"
                                : "Pas tout à fait.");
  d.set("right", g.correct && *g.correct);
  list lines;
  for (const auto& f : g.feedback) lines.push_back(data(f));
  d.set("lines", lines);
  if (g.goto_ms) {
    d.set("goto", learn::clock(*g.goto_ms));
    d.set("goto_s", std::to_string(*g.goto_ms / 1000));
  }
  return d;
}

struct PlayerSetup {
  const learn::Activity* activity = nullptr;
  std::string answer_url;  // where the cards' forms post
  std::string events_url;  // "" in preview
  std::string class_name, pseudonym;
  bool preview = false;
  std::optional<Shown> shown;
  std::optional<learn::PupilProgress> progress;  // a pupil's answers so far (not in preview)
  std::string summary_url;                       // where the end screen reads them
  std::string back_url;   // a course's class the pupil came from, "" otherwise
  std::string voice_url;  // "/classe/CODE/voix": where the cards are read aloud; "" in preview
};

std::string score_text(double v) {
  char out[32];
  std::snprintf(out, sizeof out, v == static_cast<int>(v) ? "%.0f" : "%.1f", v);
  return out;
}

// « 1 essai restant », « Plus d'essai », or nothing when attempts are unlimited.
std::string attempts_note(const learn::QuestionProgress& q) {
  if (!q.attempts_left) return "";
  if (*q.attempts_left == 0) {
    return q.attempts_used == 1 ? "Tu as répondu : cette question ne se refait pas."
                                : "Tu as utilisé tes " + std::to_string(q.attempts_used) +
                                      " essais pour cette question.";
  }
  return *q.attempts_left == 1 ? "1 essai restant."
                               : std::to_string(*q.attempts_left) + " essais restants.";
}

// The pupil's summary: the score out of every graded question, and where each one stands.
data summary_data(const learn::Activity& a, const learn::PupilProgress& p) {
  data d;
  d.set("score", score_text(p.score) + " / " + score_text(p.max_score));
  d.set("has_graded", p.graded > 0);
  d.set("perfect", p.graded > 0 && p.right == p.graded);
  d.set("can_retry", p.can_retry);
  d.set("answered", p.answered > 0);
  list rows;
  for (const auto& q : p.questions) {
    const auto x =
        std::find_if(a.interactions.begin(), a.interactions.end(),
                     [&](const learn::Interaction& i) { return i.id == q.interaction_id; });
    if (x == a.interactions.end()) continue;
    data r;
    r.set("at", learn::clock(x->at_ms));
    r.set("label", x->type == InteractionType::kBlanks ? blanks_label(x->text) : x->question);
    std::string verdict = "pas encore répondu";
    if (!q.graded && q.counted) verdict = "réponse enregistrée (non notée)";
    if (!q.graded && !q.counted) verdict = "pas encore répondu (non notée)";
    if (q.graded && q.counted) {
      verdict = q.counted->correct.value_or(false) ? "juste"
                                                   : "à revoir (" + score_text(q.counted->score) +
                                                         " / " + score_text(q.max_score) + ")";
      if (q.attempts_used > 1)  // which answer the score keeps, when there were several
        verdict += ", essai " + std::to_string(q.counted->attempt) + " compté";
    }
    r.set("verdict", verdict);
    r.set("right", q.graded && q.counted && q.counted->correct.value_or(false));
    r.set("note", attempts_note(q));
    rows.push_back(r);
  }
  d.set("questions", rows);
  return d;
}

void render_player(Context& ctx, http::Response& res, const PlayerSetup& setup) {
  const learn::Activity& a = *setup.activity;
  auto db = ctx.catalog();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const auto tracks = catalog::TrackRepository(**db).list_for_content(a.content_id);
  data page;
  page.set("title", a.title);
  page.set("content_id", std::to_string(a.content_id));
  page.set("start_s", std::to_string(a.start_ms / 1000.0));
  page.set("end_s", std::to_string(a.end_ms / 1000.0));
  page.set("clip", learn::clock(a.start_ms) + " – " + learn::clock(a.end_ms));
  page.set("skipping", std::string(learn::to_string(a.settings.skipping)));
  page.set("must_answer", a.settings.must_answer ? "1" : "0");
  page.set("tracks",
           tracks.is_ok() ? caption_list(*tracks, a.content_id, a.settings.captions_on) : list{});
  page.set("preview", setup.preview);
  page.set("events_url", setup.events_url);
  if (!setup.class_name.empty()) page.set("class_name", setup.class_name);
  if (!setup.pseudonym.empty()) page.set("pseudonym", setup.pseudonym);
  if (!setup.back_url.empty()) page.set("back", setup.back_url);
  std::string rules =
      "La vidéo s'arrête à chaque étape : lis la carte, réponds s'il y a une "
      "question, puis continue.";
  if (a.settings.skipping == learn::Skipping::kBlocked)
    rules += " Tu ne peux pas te déplacer dans la vidéo.";
  if (a.settings.skipping == learn::Skipping::kForwardBlocked)
    rules += " Tu peux revenir en arrière, pas sauter en avant.";
  if (a.settings.must_answer) rules += " Il faut répondre aux questions pour continuer.";
  if (a.settings.attempts == 1) rules += " Tu as un seul essai par question.";
  if (a.settings.attempts > 1) {
    rules += " Tu as " + std::to_string(a.settings.attempts) + " essais par question ; " +
             (a.settings.counting == learn::Counting::kBest ? "le meilleur" : "le premier") +
             " compte.";
  }
  page.set("rules", rules);
  list cards;
  for (const auto& x : a.interactions) {
    const std::string id = std::to_string(x.id);
    data d;
    d.set("id", id);
    d.set("at", learn::clock(x.at_ms));
    d.set("at_s", std::to_string(x.at_ms / 1000.0));
    d.set("pause", x.pause || (learn::is_question(x.type) && a.settings.must_answer) ? "1" : "0");
    d.set("question", learn::is_question(x.type) ? "1" : "0");
    d.set("type_label", interaction_type_label(x.type));
    d.set("answer_url", setup.answer_url);
    switch (x.type) {
      case InteractionType::kDefinition:
        d.set("heading", x.term);
        d.set("definition", x.definition);
        d.set("term", x.term);
        break;
      case InteractionType::kChapter: d.set("heading", x.title); break;
      case InteractionType::kChoice: {
        const auto right = std::count_if(x.choices.begin(), x.choices.end(),
                                         [](const learn::Choice& c) { return c.correct; });
        list choices;
        for (std::size_t k = 0; k < x.choices.size(); ++k) {
          data c;
          c.set("id", id);
          c.set("k", std::to_string(k));
          c.set("text", x.choices[k].text);
          c.set("input", right > 1 ? "checkbox" : "radio");
          choices.push_back(c);
        }
        d.set("is_choice", true);
        d.set("several", right > 1);
        d.set("choices", choices);
        d.set("question_text", x.question);
        break;
      }
      case InteractionType::kTrueFalse:
        d.set("is_true_false", true);
        d.set("question_text", x.question);
        break;
      case InteractionType::kBlanks:
        d.set("is_blanks", true);
        d.set("parts", blank_parts(x.text, id));
        break;
      case InteractionType::kOpen:
        d.set("is_open", true);
        d.set("question_text", x.question);
        break;
    }
    d.set("is_form", learn::is_question(x.type));
    if (!setup.voice_url.empty() && !spoken_card(x).empty())
      d.set("voice", setup.voice_url + "/" + id + ".ogg");
    if (setup.progress) {
      for (const auto& q : setup.progress->questions) {
        if (q.interaction_id != x.id) continue;
        d.set("attempts_note", attempts_note(q));
        d.set("closed", q.attempts_left && *q.attempts_left == 0);
        if (q.attempts_left) d.set("left", std::to_string(*q.attempts_left));
        d.set("answered_before", q.counted.has_value());
      }
    }
    if (setup.shown && setup.shown->interaction_id == x.id) {
      d.set("feedback", feedback_data(setup.shown->grade));
    }
    cards.push_back(d);
  }
  page.set("cards", cards);
  page.set("has_cards", !a.interactions.empty());
  if (setup.progress) page.set("summary", summary_data(a, *setup.progress));
  page.set("summary_url", setup.summary_url);
  res.set_header("Cache-Control", "no-store");
  send_page(res, render("lecteur", page, a.title, "", "activite.js"));
}

// A pupil's response from the card's form: choix (repeated), reponse=vrai|faux, trouK, texte.
learn::Response response_from_form(const http::Request& req) {
  learn::Response r;
  for (std::size_t i = 0; i < req.get_param_value_count("choix"); ++i) {
    r.chosen.push_back(std::atoi(req.get_param_value("choix", i).c_str()));
  }
  if (req.has_param("reponse")) r.answer = req.get_param_value("reponse") == "vrai";
  for (int k = 0; req.has_param("trou" + std::to_string(k)); ++k) {
    r.blanks.push_back(req.get_param_value("trou" + std::to_string(k)));
  }
  r.text = req.get_param_value("texte");
  return r;
}

bool wants_json(const http::Request& req) {
  return req.get_header_value("Accept").find("application/json") != std::string::npos;
}

std::string class_cookie() { return "repere_eleve"; }

}  // namespace

std::string base_url(const Context& ctx) { return ctx.public_url; }

bool refuse_guessing(Context& ctx, const http::Request& req, http::Response& res, bool api) {
  const int wait = ctx.code_misses.wait_seconds(req.remote_addr);
  if (wait == 0) return false;
  if (api) {
    problem(res, 429, "Too Many Requests",
            "too many unknown class codes from this address; try again in " + std::to_string(wait) +
                " s");
  } else {
    error_page(res, 429, "Trop d'essais",
               "Trop de codes inconnus ont été essayés depuis cet appareil. Attends " +
                   std::to_string(wait) +
                   " secondes, puis vérifie le code auprès de ton "
                   "professeur.");
  }
  res.set_header("Retry-After", std::to_string(wait));
  return true;
}

void count_miss(Context& ctx, const http::Request& req) { ctx.code_misses.note(req.remote_addr); }

// ---------------------------------------------------------------------------------------------
// Teacher

void page_new_activity(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const std::int64_t content_id = std::strtoll(param(req, "contenu").c_str(), nullptr, 10);
  const auto c = content_for(**db, viewer_of(req), content_id);
  if (!c.is_ok() ||
      (c->kind != catalog::ContentKind::kVideo && c->kind != catalog::ContentKind::kAudio) ||
      !c->duration_ms) {
    return error_page(res, 404, "Contenu introuvable",
                      "Une vidéo interactive se fait à partir d'une vidéo ou d'un son de la "
                      "médiathèque : choisissez-en un dans les résultats d'une recherche.");
  }
  const std::int64_t t =
      std::max<std::int64_t>(0, std::strtoll(param(req, "t").c_str(), nullptr, 10)) * 1000;
  // The moment found (?fin= its end, from the results), else about three minutes.
  const std::int64_t until =
      req.has_param("fin")
          ? std::max<std::int64_t>(t, std::strtoll(param(req, "fin").c_str(), nullptr, 10) * 1000)
          : t + 3 * 60 * 1000;
  const auto lines = spoken_lines(**db, *c);
  const auto [start, end] = learn::sentence_clip(lines, t, until, *c->duration_ms);
  data page;
  page.set("content_id", std::to_string(c->id));
  page.set("content_title", c->title);
  page.set("title", c->title);
  page.set("start_options", clip_options(lines, start, end, start, false));
  page.set("end_options", clip_options(lines, start, end, end, true));
  send_page(res, render("nouvelle", page, "Nouvelle vidéo interactive"));
}

void page_create_activity(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  learn::Activity a;
  a.content_id = std::strtoll(param(req, "contenu").c_str(), nullptr, 10);
  a.title = param(req, "titre");
  a.start_ms = std::strtoll(param(req, "debut").c_str(), nullptr, 10);
  a.end_ms = std::strtoll(param(req, "fin").c_str(), nullptr, 10);
  if (!check_visible(ctx, req, a.content_id).is_ok()) {
    return error_page(res, 404, "Contenu introuvable",
                      "Ce contenu n'est pas publié : une vidéo interactive se fait à partir "
                      "d'un contenu publié de la médiathèque.");
  }
  if (const auto problem = learn::find_problem(a, duration_of(**db, a.content_id))) {
    return error_page(
        res, 400, "La vidéo interactive n'est pas créée",
        french_problem(*problem).message + ". Revenez à la page précédente pour corriger.");
  }
  learn::ActivityStore store(**db);
  const Viewer& viewer = viewer_of(req);
  const auto made =
      store.create(a, viewer.signed_in() ? std::optional(viewer.session->user.id) : std::nullopt);
  if (!made.is_ok()) {
    const PageError e = french_error(made.status());
    return error_page(res, 400, "La vidéo interactive n'est pas créée",
                      e.message + " Revenez à la page précédente pour corriger.");
  }
  redirect(res, "/activites/" + std::to_string(made->id) + "/modifier?cle=" + made->edit_key +
                    "&nouvelle=1");
}

void page_editor(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const std::string key = key_of(req);
  auto a = learn::ActivityStore(**db).get_for_edit(path_id(req), editor_of(req));
  if (!a.is_ok()) {
    return error_page(res, 404, "Lien de modification inconnu",
                      "Aucune vidéo interactive ne répond à ce lien. Vérifiez qu'il est complet "
                      "(la clé après « cle= » compte 32 caractères).");
  }
  EditorState state{
      .activity = &*a, .created = req.has_param("nouvelle"), .saved = req.has_param("enregistre")};
  render_editor(ctx, req, res, key, state);
}

void page_editor_post(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const std::string key = key_of(req);
  learn::ActivityStore store(**db);
  auto stored = store.get_for_edit(path_id(req), editor_of(req));
  if (!stored.is_ok()) {
    return error_page(res, 404, "Lien de modification inconnu",
                      "Aucune vidéo interactive ne répond à ce lien : rien n'a été enregistré.");
  }
  learn::Activity a = *stored;
  EditorState state{.activity = &a};
  if (const auto problem = activity_from_form(req, a)) {
    state.error = french_problem(*problem);
    return render_editor(ctx, req, res, key, state, 400);
  }
  const std::string action = param(req, "action");
  if (action == "ajouter") {  // a blank interaction at the time asked, filled before saving
    // What the form holds is saved first: only the blank interaction waits for « Enregistrer ».
    if (!learn::find_problem(a, duration_of(**db, a.content_id))) {
      if (const Status saved = store.update(a, editor_of(req)); !saved.is_ok()) {
        state.error = french_error(saved);
        return render_editor(ctx, req, res, key, state, 400);
      }
      // Re-read, so that the interactions just stored keep their ids in the form.
      if (auto reread = store.get_for_edit(a.id, editor_of(req)); reread.is_ok()) a = *reread;
      state.saved = true;
    }
    learn::Interaction x;
    auto type = learn::parse_interaction_type(param(req, "ajout_type"));
    x.type = type.is_ok() ? *type : InteractionType::kDefinition;
    x.at_ms = learn::parse_clock(param(req, "ajout_instant")).value_or(a.start_ms);
    x.pause = x.type != InteractionType::kChapter;
    if (x.type == InteractionType::kTrueFalse) x.answer_true = true;
    a.interactions.push_back(x);
    state.fresh = a.interactions.size() - 1;
    return render_editor(ctx, req, res, key, state);
  }
  if (action.rfind("supprimer-", 0) == 0) {
    const auto n = static_cast<std::size_t>(std::atoi(action.c_str() + 10));
    if (n < a.interactions.size())
      a.interactions.erase(a.interactions.begin() + static_cast<long>(n));
  }
  if (const auto problem = learn::find_problem(a, duration_of(**db, a.content_id))) {
    state.error = french_problem(*problem);
    return render_editor(ctx, req, res, key, state, 400);
  }
  if (const Status saved = store.update(a, editor_of(req)); !saved.is_ok()) {
    state.error = french_error(saved);
    return render_editor(ctx, req, res, key, state, 400);
  }
  if (action == "classe") {  // a share code, made once the activity's changes are saved
    std::string name = param(req, "nom");
    if (name.find_first_not_of(' ') == std::string::npos) name = "Classe";
    if (const auto made = store.add_class(a.id, editor_of(req), name.substr(0, 60));
        !made.is_ok()) {
      state.error = french_error(made.status());
      return render_editor(ctx, req, res, key, state, 400);
    }
    return redirect(res, "/activites/" + std::to_string(a.id) + "/modifier?cle=" + key +
                             "&enregistre=1#classes");
  }
  redirect(res, "/activites/" + std::to_string(a.id) + "/modifier?cle=" + key + "&enregistre=1");
}

void page_add_class(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const std::string key = key_of(req);
  const std::int64_t id = path_id(req);
  std::string name = param(req, "nom");
  if (name.find_first_not_of(' ') == std::string::npos) name = "Classe";
  const auto made = learn::ActivityStore(**db).add_class(id, editor_of(req), name.substr(0, 60));
  if (!made.is_ok()) {
    return error_page(res, 404, "Lien de modification inconnu",
                      "Aucune vidéo interactive ne répond à ce lien : aucune classe créée.");
  }
  redirect(res, "/activites/" + std::to_string(id) + "/modifier?cle=" + key + "#classes");
}

void page_class_reading_view(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const std::int64_t id = path_id(req);
  const std::int64_t class_id = path_id(req, 2);
  const bool on = param(req, "mode") == "adaptee";
  const Status done = learn::ActivityStore(**db).set_reading_view(id, editor_of(req), class_id, on);
  if (!done.is_ok()) {
    return error_page(res, 404, "Lien de modification inconnu",
                      "Aucune classe de cette vidéo interactive ne répond à ce lien.");
  }
  redirect(res, "/activites/" + std::to_string(id) + "/resultats?cle=" + key_of(req) +
                    "&classe=" + std::to_string(class_id));
}

void page_results_of(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const std::string key = key_of(req);
  const std::int64_t id = path_id(req);
  learn::ActivityStore store(**db);
  const auto a = store.get_for_edit(id, editor_of(req));
  const auto shares = store.classes(id, editor_of(req));
  if (!a.is_ok() || !shares.is_ok()) {
    return error_page(res, 404, "Lien de modification inconnu",
                      "Les résultats ne se lisent qu'avec le lien de modification complet.");
  }
  std::int64_t chosen = std::strtoll(param(req, "classe").c_str(), nullptr, 10);
  if (chosen == 0 && !shares->empty()) chosen = shares->front().id;
  data page;
  page.set("id", std::to_string(id));
  page.set("key", key);
  page.set("title", a->title);
  page.set("has_classes", !shares->empty());
  page.set("classes", class_links(*shares, chosen, id));
  if (const auto r = store.results(id, editor_of(req), chosen); r.is_ok()) {
    data sel;
    sel.set("cid", std::to_string(chosen));
    sel.set("reading_view", r->share.reading_view);
    sel.set("name", r->share.name);
    sel.set("code", shown_code(r->share.code));
    sel.set("pupil_count", r->pupils.size() == 1 ? std::string("1 élève")
                                                 : std::to_string(r->pupils.size()) + " élèves");
    list pupils;
    for (const auto& p : r->pupils) {
      data d;
      d.set("pseudonym", p.pseudonym);
      d.set("number", std::to_string(p.number));
      d.set("score", score_text(p.score) + " / " + score_text(p.max_score));
      d.set("answered", std::to_string(p.answers.size()));
      d.set("watched", std::to_string(static_cast<int>(p.watched * 100 + 0.5)) + " %");
      d.set("time", learn::clock(p.time_ms));
      list answers;
      for (const auto& ans : p.answers) {
        const auto q =
            std::find_if(a->interactions.begin(), a->interactions.end(),
                         [&](const learn::Interaction& x) { return x.id == ans.interaction_id; });
        if (q == a->interactions.end()) continue;
        data line;
        line.set("question", q->type == InteractionType::kBlanks ? q->text : q->question);
        line.set("response", learn::response_text(*q, ans.response_json));
        std::string verdict = !ans.correct ? "non notée" : *ans.correct ? "juste" : "fausse";
        if (ans.attempts > 1)
          verdict +=
              ", essai " + std::to_string(ans.attempt) + " sur " + std::to_string(ans.attempts);
        line.set("verdict", verdict);
        answers.push_back(line);
      }
      d.set("answers", answers);
      pupils.push_back(d);
    }
    sel.set("pupils", pupils);
    sel.set("has_pupils", !r->pupils.empty());
    list questions, open_questions;
    for (const auto& q : r->questions) {
      data d;
      if (!q.graded) {
        d.set("label", q.label);
        list responses;
        for (const auto& text : q.responses) responses.push_back(data(text));
        d.set("responses", responses);
        d.set("has_responses", !q.responses.empty());
        open_questions.push_back(d);
        continue;
      }
      d.set("label", q.label);
      d.set("answered", std::to_string(q.answered));
      d.set("rate",
            q.answered ? std::to_string(static_cast<int>(q.success_rate * 100 + 0.5)) + " %" : "—");
      std::string wrong;
      for (const auto& [text, count] : q.common_wrong) {
        wrong +=
            (wrong.empty() ? "" : " ; ") + ("« " + text + " » (" + std::to_string(count) + ")");
      }
      d.set("wrong", wrong.empty() ? "—" : wrong);
      questions.push_back(d);
    }
    sel.set("questions", questions);
    sel.set("open_questions", open_questions);
    add_lti_roster(ctx, **db, "activite", chosen, sel);
    page.set("selected", sel);
  }
  res.set_header("Cache-Control", "no-store");
  send_page(res, render("resultats_activite", page, "Résultats de « " + a->title + " »"));
}

void page_my_activities(Context& ctx, const http::Request& req, http::Response& res) {
  if (!require_role(req, res, auth::Role::kTeacher, false)) return;
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const auto mine = learn::ActivityStore(**db).editable_by(viewer_of(req).session->user.id);
  if (!mine.is_ok()) return error_page(res, mine.status(), "Activités indisponibles");
  list rows;
  for (const auto& a : *mine) {
    data d;
    d.set("id", std::to_string(a.id));
    d.set("title", a.title);
    d.set("classes", std::to_string(a.classes) + (a.classes > 1 ? " classes" : " classe"));
    d.set("updated_at", a.updated_at);
    d.set("rights", a.owner ? "la vôtre" : "confiée par un collègue");
    rows.push_back(d);
  }
  data page;
  page.set("has_activities", !rows.empty());
  page.set("activities", rows);
  page.set("count", std::to_string(rows.size()) + (rows.size() > 1 ? " activités" : " activité"));
  send_page(res, render("mes_activites", page, "Mes activités"));
  res.set_header("Cache-Control", "no-store");
}

void page_claim(Context& ctx, const http::Request& req, http::Response& res) {
  if (!require_role(req, res, auth::Role::kTeacher, false)) return;
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const std::int64_t id = path_id(req);
  const Status claimed =
      learn::ActivityStore(**db).claim(id, key_of(req), viewer_of(req).session->user.id);
  if (!claimed.is_ok()) {
    return error_page(res, 404, "Lien de modification inconnu",
                      "Seul le lien de modification complet permet de rattacher l'activité.");
  }
  (void)auth::AuditLog(**db).record(viewer_of(req).actor(), "activity.claim",
                                    "activity:" + std::to_string(id));
  redirect(res, "/activites/" + std::to_string(id) + "/modifier?enregistre=1");
}

void page_share(Context& ctx, const http::Request& req, http::Response& res) {
  if (!require_role(req, res, auth::Role::kTeacher, false)) return;
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const std::int64_t id = path_id(req);
  const std::string login = param(req, "identifiant");
  const auto colleague = auth::UserStore(**db).find(login);
  std::string message;
  if (!colleague.is_ok() || !*colleague || (*colleague)->disabled) {
    message = "Aucun compte actif n'a l'identifiant « " + login.substr(0, 64) + " ».";
  } else {
    const Status shared =
        learn::ActivityStore(**db).share(id, viewer_of(req).session->user.id, (*colleague)->id);
    if (!shared.is_ok()) {
      return error_page(res, 403, "Droits réservés au propriétaire",
                        "Seul le propriétaire de l'activité peut donner les droits de "
                        "modification.");
    }
    (void)auth::AuditLog(**db).record(viewer_of(req).actor(), "activity.share",
                                      "activity:" + std::to_string(id),
                                      "to user:" + (*colleague)->login);
    message = (*colleague)->display_name() + " peut maintenant modifier cette activité.";
  }
  redirect(res, "/activites/" + std::to_string(id) + "/modifier?partage=" + url_encode(message) +
                    "#collegue");
}

void page_duplicate(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const Viewer& viewer = viewer_of(req);
  const std::optional<learn::Id> owner =
      viewer.session ? std::optional<learn::Id>(viewer.session->user.id) : std::nullopt;
  const auto copy = learn::ActivityStore(**db).duplicate(path_id(req), editor_of(req), owner);
  if (!copy.is_ok()) {
    return error_page(res, 404, "Lien de modification inconnu",
                      "Seul le lien de modification complet (ou son propriétaire) permet de "
                      "dupliquer l'activité.");
  }
  redirect(res, "/activites/" + std::to_string(copy->id) + "/modifier?cle=" + copy->edit_key +
                    "&nouvelle=1");
}

void page_preview(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const std::string key = key_of(req);
  const auto a = learn::ActivityStore(**db).get_for_edit(path_id(req), editor_of(req));
  if (!a.is_ok()) {
    return error_page(res, 404, "Lien de modification inconnu",
                      "L'aperçu s'ouvre depuis le lien de modification complet.");
  }
  PlayerSetup setup{.activity = &*a,
                    .answer_url = "/activites/" + std::to_string(a->id) + "/apercu?cle=" + key,
                    .preview = true};
  if (req.method == "POST") {  // an answer, checked and not kept
    const auto interaction = std::strtoll(param(req, "interaction").c_str(), nullptr, 10);
    const auto q = std::find_if(a->interactions.begin(), a->interactions.end(),
                                [&](const learn::Interaction& x) { return x.id == interaction; });
    if (q == a->interactions.end()) return problem(res, 404, "Not Found", "no such interaction");
    const auto g = learn::grade(*q, response_from_form(req));
    if (!g.is_ok()) {
      if (wants_json(req)) return problem(res, g.status());
      return error_page(res, 400, "Réponse incomplète",
                        "Choisis ou écris une réponse, puis valide.");
    }
    if (wants_json(req)) return send_json(res, learn::to_json(*g));
    setup.shown = Shown{interaction, *g};
  }
  render_player(ctx, res, setup);
}

// ---------------------------------------------------------------------------------------------
// Pupils

void page_class_code(Context&, const http::Request& req, http::Response& res) {
  std::string code;
  for (const char c : param(req, "code")) {
    if (std::isalnum(static_cast<unsigned char>(c))) code += static_cast<char>(std::toupper(c));
  }
  if (code.size() < 6 || code.size() > 12) {
    return error_page(res, 404, "Code inconnu",
                      "Un code de classe a 9 lettres ou chiffres, comme « K7M-PQ4-XZ9 ». "
                      "Demande-le à ton professeur.");
  }
  redirect(res, "/classe/" + code);
}

namespace {

struct ClassView {
  learn::ClassShare share;
  learn::Activity activity;
  std::optional<learn::Pupil> pupil;
};

Result<ClassView> class_view(catalog::Database& db, learn::ActivityStore& store,
                             const http::Request& req) {
  REPERE_ASSIGN_OR_RETURN(auto share, store.class_by_code(req.matches[1].str()));
  REPERE_ASSIGN_OR_RETURN(auto activity, store.get(share.activity_id));
  // A clip of a content that is no longer published is not played to pupils.
  REPERE_RETURN_IF_ERROR(content_for(db, viewer_of(req), activity.content_id).status());
  ClassView v{std::move(share), std::move(activity), std::nullopt};
  std::string token = req.get_header_value("X-Pupil-Token");
  if (token.empty()) token = cookie(req, class_cookie());
  if (auto p = store.pupil_by_token(token); p.is_ok() && p->class_id == v.share.id) v.pupil = *p;
  return v;
}

void unknown_class(Context& ctx, const http::Request& req, http::Response& res) {
  count_miss(ctx, req);
  error_page(res, 404, "Code inconnu",
             "Aucune classe n'a ce code. Vérifie-le auprès de ton professeur.");
}

void render_class(Context& ctx, learn::ActivityStore& store, http::Response& res,
                  const ClassView& v, std::optional<Shown> shown = {}) {
  if (!v.pupil) {
    data page;
    page.set("title", v.activity.title);
    page.set("code", v.share.code);
    page.set("code_shown", shown_code(v.share.code));
    page.set("class_name", v.share.name);
    return send_page(res, render("pseudonyme", page, v.activity.title));
  }
  PlayerSetup setup{.activity = &v.activity,
                    .answer_url = "/classe/" + v.share.code + "/reponse",
                    .events_url = "/classe/" + v.share.code + "/evenement",
                    .class_name = v.share.name,
                    .pseudonym = v.pupil->pseudonym,
                    .shown = shown,
                    .progress = std::nullopt,
                    .summary_url = "/classe/" + v.share.code + "/bilan",
                    .back_url = "",
                    .voice_url = "/classe/" + v.share.code + "/voix"};
  if (auto p = store.progress(*v.pupil); p.is_ok()) setup.progress = std::move(*p);
  if (auto db = ctx.catalog(); db.is_ok()) {  // made for a course's class: the way back
    if (auto back = course_link_of_video_class(**db, v.share.id)) setup.back_url = *back;
  }
  render_player(ctx, res, setup);
}

}  // namespace

// What a card says aloud: a definition's term and text, a chapter's title, a question with its
// choices; a text with blanks says « blanc » where each blank is, never its answer. Feedback
// is not read before the pupil answers.
std::string spoken_card(const learn::Interaction& x) {
  switch (x.type) {
    case InteractionType::kDefinition: return x.term + " : " + x.definition;
    case InteractionType::kChapter: return x.title;
    case InteractionType::kChoice: {
      std::string out = x.question;
      for (std::size_t k = 0; k < x.choices.size(); ++k)
        out += "\nRéponse " + std::to_string(k + 1) + " : " + x.choices[k].text + ".";
      return out;
    }
    case InteractionType::kTrueFalse: return x.question + "\nVrai ou faux ?";
    case InteractionType::kOpen: return x.question;
    case InteractionType::kBlanks: {
      std::string out;
      bool inside = false;
      for (const char c : x.text) {
        if (c == '*') {
          if (!inside) out += " blanc ";
          inside = !inside;
        } else if (!inside) {
          out += c;
        }
      }
      return out;
    }
  }
  return "";
}

void page_card_voice(Context& ctx, const http::Request& req, http::Response& res) {
  if (refuse_guessing(ctx, req, res, true)) return;
  auto db = ctx.catalog();
  if (!db.is_ok()) return problem(res, db.status());
  learn::ActivityStore store(**db);
  const auto share = store.class_by_code(req.matches[1].str());
  if (!share.is_ok()) {
    count_miss(ctx, req);
    return problem(res, 404, "Not Found", "no class has this code");
  }
  const auto a = store.get(share->activity_id);
  if (!a.is_ok()) return problem(res, a.status());
  if (const Status seen = check_visible(ctx, req, a->content_id); !seen.is_ok())
    return problem(res, seen);
  const std::int64_t wanted = path_id(req, 2);
  const auto x = std::find_if(a->interactions.begin(), a->interactions.end(),
                              [&](const learn::Interaction& i) { return i.id == wanted; });
  if (x == a->interactions.end() || spoken_card(*x).empty())
    return problem(res, 404, "Not Found", "this activity has no such card");
  const auto content = catalog::ContentRepository(**db).get(a->content_id);
  const std::string language = content.is_ok() ? content->language : "fr";
  send_spoken(ctx, res, spoken_card(*x), language,
              "a" + std::to_string(a->id) + "-i" + std::to_string(x->id));
}

void page_class(Context& ctx, const http::Request& req, http::Response& res) {
  if (refuse_guessing(ctx, req, res, false)) return;
  mark_reading_default(ctx, req, res);
  if (course_class_page(ctx, req, res)) return;  // a course shared with the class
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  learn::ActivityStore store(**db);
  const auto v = class_view(**db, store, req);
  if (!v.is_ok()) return unknown_class(ctx, req, res);
  render_class(ctx, store, res, *v);
}

void page_join(Context& ctx, const http::Request& req, http::Response& res) {
  if (refuse_guessing(ctx, req, res, false)) return;
  if (course_class_join(ctx, req, res)) return;
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  learn::ActivityStore store(**db);
  const auto share = store.class_by_code(req.matches[1].str());
  if (!share.is_ok()) return unknown_class(ctx, req, res);
  if (const int wait = ctx.joins.wait_seconds(req.remote_addr); wait > 0) {
    res.set_header("Retry-After", std::to_string(wait));
    return error_page(res, 429, "Trop d'arrivées",
                      "Beaucoup d'élèves viennent de rejoindre la classe depuis ce réseau. "
                      "Réessaie dans " +
                          std::to_string(wait) + " secondes.");
  }
  ctx.joins.note(req.remote_addr);
  const auto pupil = store.join(share->code, param(req, "pseudonyme"));
  if (!pupil.is_ok()) {
    return error_page(res, 400, "Pseudonyme à choisir",
                      "Choisis un pseudonyme de 1 à 40 caractères (pas ton vrai nom), puis "
                      "recommence.");
  }
  // The token stays in this browser for this class only, a year; scripts cannot read it.
  res.set_header("Set-Cookie", class_cookie() + "=" + pupil->token + "; Path=/classe/" +
                                   share->code + "; Max-Age=31536000; HttpOnly; SameSite=Lax");
  redirect(res, "/classe/" + share->code);
}

namespace {

// The class and the pupil of a pupil's request. When there is none, the request is answered
// (an unknown code; a problem, or the lobby, for one who has not joined) and this is empty.
std::optional<ClassView> pupil_view(Context& ctx, catalog::Database& db,
                                    learn::ActivityStore& store, const http::Request& req,
                                    http::Response& res) {
  auto v = class_view(db, store, req);
  if (!v.is_ok()) {
    unknown_class(ctx, req, res);
    return std::nullopt;
  }
  if (!v->pupil) {
    if (wants_json(req)) {
      problem(res, 403, "Forbidden", "join the class with a pseudonym first");
    } else {
      redirect(res, "/classe/" + v->share.code);
    }
    return std::nullopt;
  }
  return std::move(*v);
}

}  // namespace

void page_answer(Context& ctx, const http::Request& req, http::Response& res) {
  if (refuse_guessing(ctx, req, res, false)) return;
  if (course_class_answer(ctx, req, res)) return;
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return problem(res, db.status());
  learn::ActivityStore store(**db);
  const auto v = pupil_view(ctx, **db, store, req, res);
  if (!v) return;
  const auto interaction = std::strtoll(param(req, "interaction").c_str(), nullptr, 10);
  const learn::Response r = response_from_form(req);
  const std::int64_t elapsed =
      std::max<std::int64_t>(0, std::strtoll(param(req, "duree").c_str(), nullptr, 10));
  const auto g = store.answer(*v->pupil, interaction, r, elapsed);
  if (!g.is_ok()) {
    if (wants_json(req)) return problem(res, g.status());
    if (g.status().code() == StatusCode::kPermissionDenied) {
      return error_page(res, 403, "Plus d'essai",
                        "Tu as utilisé tous tes essais pour cette question : ta réponse "
                        "enregistrée compte. Reviens à la vidéo pour continuer.");
    }
    return error_page(res, 400, "Réponse incomplète",
                      "Choisis ou écris une réponse, puis valide. Reviens à la page précédente.");
  }
  const auto q = std::find_if(v->activity.interactions.begin(), v->activity.interactions.end(),
                              [&](const learn::Interaction& x) { return x.id == interaction; });
  if (q != v->activity.interactions.end()) {
    const learn::XapiWho who{base_url(ctx), &v->activity, &v->share, &*v->pupil,
                             param(req, "session")};
    // The answer is kept; its xAPI trace failing to be is not worth refusing it.
    static_cast<void>(store.record_statement(
        v->activity.id, v->pupil->id, learn::answered_statement(who, *q, r, *g, elapsed).dump()));
  }
  queue_lti_score(ctx, store, *v->pupil);
  if (wants_json(req)) return send_json(res, learn::to_json(*g));
  render_class(ctx, store, res, *v, Shown{interaction, *g});
}

void page_summary(Context& ctx, const http::Request& req, http::Response& res) {
  if (refuse_guessing(ctx, req, res, false)) return;
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return problem(res, db.status());
  learn::ActivityStore store(**db);
  const auto v = pupil_view(ctx, **db, store, req, res);
  if (!v) return;
  const auto p = store.progress(*v->pupil);
  if (!p.is_ok()) return problem(res, p.status());
  res.set_header("Cache-Control", "no-store");
  if (wants_json(req)) return send_json(res, learn::to_json(*p));
  redirect(res, "/classe/" + v->share.code + "#bilan");
}

void page_event(Context& ctx, const http::Request& req, http::Response& res) {
  if (refuse_guessing(ctx, req, res, true)) return;
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return problem(res, db.status());
  learn::ActivityStore store(**db);
  const auto v = class_view(**db, store, req);
  if (!v.is_ok()) {
    count_miss(ctx, req);
    return problem(res, v.status());
  }
  if (!v->pupil) return problem(res, 403, "Forbidden", "join the class with a pseudonym first");
  learn::VideoEvent e;
  e.verb = param(req, "verbe");
  e.time = std::atof(param(req, "instant").c_str());
  e.time_from = std::atof(param(req, "depuis").c_str());
  e.progress = std::atof(param(req, "progression").c_str());
  const learn::XapiWho who{base_url(ctx), &v->activity, &v->share, &*v->pupil,
                           param(req, "session")};
  const auto s = learn::video_statement(who, e);
  if (!s.is_ok()) return problem(res, s.status());
  if (const Status kept = store.record_statement(v->activity.id, v->pupil->id, s->dump());
      !kept.is_ok())
    return problem(res, kept);
  res.status = 204;
}

}  // namespace repere::web
