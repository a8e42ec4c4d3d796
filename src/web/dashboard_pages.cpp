#include "dashboard_pages.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <nlohmann/json.hpp>

#include "access.h"
#include "answers.h"
#include "charts.h"
#include "context.h"
#include "http.h"
#include "learn_pages.h"
#include "render.h"
#include "repere/insight/insight.h"
#include "repere/learn/store.h"

namespace repere::web {
namespace {

using learn::Id;
using nlohmann::json;

constexpr std::int64_t kReplayBeforeMs = 30 * 1000;  // a missed question replays from 30 s before
constexpr std::size_t kMostMissed = 3;

// Everything the dashboard shows of one class, before it is written as HTML or JSON.
struct Board {
  learn::Activity activity;
  learn::Results results;
  insight::ClassFacts asked;
  std::vector<insight::PupilFacts> facts;       // one per results.pupils, same order
  std::vector<insight::Assessment> assessment;  // idem; empty when the indicator is off
  insight::Summary summary;
};

insight::PupilFacts facts_of(const learn::PupilResult& p) {
  insight::PupilFacts f;
  f.number = p.number;
  f.pseudonym = p.pseudonym;
  f.joined_at = insight::parse_timestamp(p.joined_at).value_or(0);
  for (const learn::AnswerRecord& a : p.every) {
    f.attempts.push_back(
        {a.interaction_id, a.correct, insight::parse_timestamp(a.created_at).value_or(0)});
  }
  for (const learn::AnswerRecord& a : p.answers) {
    if (!a.correct) continue;
    ++f.graded_answered;
    if (*a.correct) ++f.graded_right;
  }
  if (p.watched_known) f.watched = p.watched;
  return f;
}

Result<Board> board_of(learn::ActivityStore& store, Id activity_id, const learn::Editor& editor,
                       Id class_id, std::int64_t now) {
  Board b;
  REPERE_ASSIGN_OR_RETURN(b.results, store.results(activity_id, editor, class_id));
  REPERE_ASSIGN_OR_RETURN(b.activity, store.get(activity_id));
  for (const learn::Interaction& x : b.activity.interactions) {
    if (learn::is_question(x.type)) ++b.asked.questions;
    if (learn::is_graded(x.type)) ++b.asked.graded;
  }
  for (const learn::PupilResult& p : b.results.pupils) b.facts.push_back(facts_of(p));
  if (b.results.share.insight) {
    for (const insight::PupilFacts& f : b.facts)
      b.assessment.push_back(insight::assess(f, b.asked, now));
  }
  b.summary = insight::summarize(b.facts, b.asked);
  return b;
}

const learn::Interaction* interaction(const Board& b, Id id) {
  for (const learn::Interaction& x : b.activity.interactions)
    if (x.id == id) return &x;
  return nullptr;
}

// Where a missed question is best heard again: where the teacher sends a wrong answer back,
// else a little before the question, within the clip.
std::int64_t replay_ms(const learn::Activity& a, const learn::Interaction& x) {
  if (x.wrong_goto_ms) return *x.wrong_goto_ms;
  return std::max(a.start_ms, x.at_ms - kReplayBeforeMs);
}

std::string percent(double share) {
  return std::to_string(static_cast<int>(std::lround(share * 100))) + " %";
}

std::string pupils_text(int n) { return std::to_string(n) + (n > 1 ? " élèves" : " élève"); }

// "2026-12-03" as French pages write a date: "03/12/2026".
std::string french_date(const std::string& iso) {
  if (iso.size() != 10) return iso;
  return iso.substr(8, 2) + "/" + iso.substr(5, 2) + "/" + iso.substr(0, 4);
}

std::int64_t last_answer(const insight::PupilFacts& f) {
  std::int64_t last = 0;
  for (const insight::Attempt& a : f.attempts) last = std::max(last, a.at);
  return last;
}

// The graded questions with answers, least succeeded first, among those some pupil missed.
std::vector<const learn::QuestionResult*> most_missed(const Board& b) {
  std::vector<const learn::QuestionResult*> out;
  for (const learn::QuestionResult& q : b.results.questions)
    if (q.graded && q.answered > 0 && q.right < q.answered) out.push_back(&q);
  std::stable_sort(out.begin(), out.end(),
                   [](const auto* x, const auto* y) { return x->success_rate < y->success_rate; });
  if (out.size() > kMostMissed) out.resize(kMostMissed);
  return out;
}

// One chart and its table, as the template's {{#charts}}.
struct Chart {
  std::string id, title, first_column, second_column;
  std::vector<Bar> bars;
  std::vector<std::pair<std::string, std::string>> rows;  // the table: label, figures
};

data chart_data(const Chart& c) {
  data d;
  d.set("id", c.id);
  d.set("title", c.title);
  d.set("svg", bar_chart(c.id + "-titre", c.title, c.bars));
  d.set("first_column", c.first_column);
  d.set("second_column", c.second_column);
  list rows;
  for (const auto& [label, figures] : c.rows) {
    data r;
    r.set("label", label);
    r.set("figures", figures);
    rows.push_back(r);
  }
  d.set("rows", rows);
  return d;
}

Chart completion_chart(const Board& b) {
  const insight::Summary& s = b.summary;
  const double n = std::max(s.pupils, 1);
  Chart c{"avancement", "Avancement des élèves", "Où ils en sont", "Élèves", {}, {}};
  const std::pair<const char*, int> parts[] = {{"Toutes les questions répondues", s.finished},
                                               {"Commencé", s.started},
                                               {"Pas encore commencé", s.not_started}};
  for (const auto& [label, count] : parts) {
    c.bars.push_back({label, count / n, pupils_text(count)});
    c.rows.emplace_back(label, pupils_text(count) + " (" + percent(count / n) + ")");
  }
  return c;
}

Chart question_chart(const Board& b) {
  Chart c{"questions", "Réussite par question", "Question", "Bonnes réponses", {}, {}};
  int number = 0;
  for (const learn::QuestionResult& q : b.results.questions) {
    if (!q.graded) continue;
    ++number;
    const std::string label = "Q" + std::to_string(number) + ". " + q.label;
    const std::string figures = q.answered ? std::to_string(q.right) + " sur " +
                                                 std::to_string(q.answered) + " (" +
                                                 percent(q.success_rate) + ")"
                                           : "aucune réponse";
    c.bars.push_back(
        {label, q.answered ? q.success_rate : 0, q.answered ? percent(q.success_rate) : "—"});
    c.rows.emplace_back(label, figures);
  }
  return c;
}

Chart pupil_chart(const Board& b) {
  Chart c{"eleves", "Bonnes réponses par élève", "Élève", "Bonnes réponses (questions notées)", {},
          {}};
  for (const insight::PupilFacts& f : b.facts) {
    const std::string label = f.pseudonym + " (n° " + std::to_string(f.number) + ")";
    const double share = b.asked.graded ? static_cast<double>(f.graded_right) / b.asked.graded : 0;
    const std::string figures =
        std::to_string(f.graded_right) + " sur " + std::to_string(b.asked.graded);
    c.bars.push_back({label, share, figures});
    std::string detail = figures + ", " + std::to_string(insight::answered(f)) + " sur " +
                         std::to_string(b.asked.questions) + " questions répondues";
    if (const std::int64_t last = last_answer(f); last > 0)
      detail += ", dernière réponse le " + french_date(insight::day_of(last));
    c.rows.emplace_back(label, detail);
  }
  return c;
}

Chart watched_chart(const Board& b) {
  const insight::Summary& s = b.summary;
  const double n = std::max(s.watched_known, 1);
  Chart c{"video", "Part de la vidéo regardée", "Jusqu'où", "Élèves", {}, {}};
  const char* labels[] = {"Moins d'un quart", "Du quart à la moitié",
                          "De la moitié aux trois quarts", "Trois quarts ou plus"};
  for (int i = 0; i < 4; ++i) {
    c.bars.push_back({labels[i], s.watched[i] / n, pupils_text(s.watched[i])});
    c.rows.emplace_back(labels[i], pupils_text(s.watched[i]));
  }
  if (s.watched_known < s.pupils) {
    c.rows.emplace_back("Non mesuré (lecteur sans JavaScript)",
                        pupils_text(s.pupils - s.watched_known));
  }
  return c;
}

Chart days_chart(const Board& b) {
  Chart c{"jours", "Réussite au fil des jours", "Jour", "Réponses justes (tous les essais)", {},
          {}};
  for (const insight::Summary::Day& d : b.summary.days) {
    const double share = d.graded ? static_cast<double>(d.right) / d.graded : 0;
    std::string figures = std::to_string(d.right) + " sur " + std::to_string(d.graded);
    if (d.graded) figures += " (" + percent(share) + ")";
    if (d.open) figures += ", " + std::to_string(d.open) + " réponses ouvertes";
    c.bars.push_back({french_date(d.date), share, d.graded ? percent(share) : "—"});
    c.rows.emplace_back(french_date(d.date), figures);
  }
  return c;
}

data page_of(const Board& b, const std::string& key) {
  data sel;
  const std::string id = std::to_string(b.activity.id);
  sel.set("id", id);
  sel.set("key", key);
  sel.set("cid", std::to_string(b.results.share.id));
  sel.set("name", b.results.share.name);
  sel.set("code", shown_code(b.results.share.code));
  sel.set("pupil_count", pupils_text(static_cast<int>(b.results.pupils.size())));
  sel.set("has_pupils", !b.results.pupils.empty());
  sel.set("insight_on", b.results.share.insight);
  list flagged;
  for (std::size_t i = 0; i < b.assessment.size(); ++i) {
    if (!b.assessment[i].flagged) continue;
    data d;
    d.set("pseudonym", b.facts[i].pseudonym);
    d.set("number", std::to_string(b.facts[i].number));
    list reasons;
    for (const insight::Reason& r : b.assessment[i].reasons)
      reasons.push_back(data("text", r.text));
    d.set("reasons", reasons);
    flagged.push_back(d);
  }
  sel.set("flagged_count", pupils_text(static_cast<int>(flagged.size())));
  sel.set("has_flagged", !flagged.empty());
  sel.set("flagged", flagged);
  list charts;
  for (const Chart& c :
       {completion_chart(b), question_chart(b), pupil_chart(b), watched_chart(b), days_chart(b)}) {
    if (!c.rows.empty()) charts.push_back(chart_data(c));
  }
  sel.set("charts", charts);
  list missed;
  for (const learn::QuestionResult* q : most_missed(b)) {
    const learn::Interaction* x = interaction(b, q->interaction_id);
    if (!x) continue;
    const std::int64_t at = replay_ms(b.activity, *x);
    data d;
    d.set("label", q->label);
    d.set("figures", std::to_string(q->answered - q->right) + " sur " +
                         std::to_string(q->answered) + " l'ont manquée");
    std::string wrong;
    for (const auto& [text, count] : q->common_wrong)
      wrong += (wrong.empty() ? "" : " ; ") + ("« " + text + " » (" + std::to_string(count) + ")");
    d.set("wrong", wrong);
    d.set("link",
          "/contenus/" + std::to_string(b.activity.content_id) + "?t=" + std::to_string(at / 1000));
    d.set("at", learn::clock(at));
    missed.push_back(d);
  }
  sel.set("has_missed", !missed.empty());
  sel.set("missed", missed);
  return sel;
}

json json_of(const Board& b) {
  const insight::Summary& s = b.summary;
  json out = {{"class", {{"id", b.results.share.id}, {"name", b.results.share.name}}},
              {"questions_asked", b.asked.questions},
              {"graded_questions", b.asked.graded},
              {"insight", b.results.share.insight},
              {"summary",
               {{"pupils", s.pupils},
                {"finished", s.finished},
                {"started", s.started},
                {"not_started", s.not_started},
                {"watched_quarters", s.watched},
                {"watched_known", s.watched_known}}}};
  json days = json::array();
  for (const auto& d : s.days)
    days.push_back({{"date", d.date}, {"graded", d.graded}, {"right", d.right}, {"open", d.open}});
  out["summary"]["days"] = days;
  json pupils = json::array();
  for (std::size_t i = 0; i < b.facts.size(); ++i) {
    const insight::PupilFacts& f = b.facts[i];
    json p = {{"number", f.number},
              {"pseudonym", f.pseudonym},
              {"answered", insight::answered(f)},
              {"graded_answered", f.graded_answered},
              {"graded_right", f.graded_right},
              {"attempts", f.attempts.size()},
              {"watched", f.watched ? json(*f.watched) : json(nullptr)}};
    if (i < b.assessment.size()) {
      p["flagged"] = b.assessment[i].flagged;
      json reasons = json::array();
      for (const insight::Reason& r : b.assessment[i].reasons)
        reasons.push_back({{"strong", r.strong}, {"text", r.text}});
      p["reasons"] = reasons;
    }
    pupils.push_back(p);
  }
  out["pupils"] = pupils;
  json missed = json::array();
  for (const learn::QuestionResult* q : most_missed(b)) {
    const learn::Interaction* x = interaction(b, q->interaction_id);
    if (!x) continue;
    missed.push_back({{"interaction_id", q->interaction_id},
                      {"label", q->label},
                      {"answered", q->answered},
                      {"right", q->right},
                      {"replay_ms", replay_ms(b.activity, *x)}});
  }
  out["most_missed"] = missed;
  return out;
}

void redirect_to(http::Response& res, const std::string& to) {
  res.status = 303;
  res.set_header("Location", to);
}

}  // namespace

void page_dashboard(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  learn::ActivityStore store(**db);
  const std::int64_t id = std::strtoll(req.matches[1].str().c_str(), nullptr, 10);
  const auto a = store.get_for_edit(id, editor_of(req));
  const auto shares = store.classes(id, editor_of(req));
  if (!a.is_ok() || !shares.is_ok()) {
    return error_page(res, 404, "Lien de modification inconnu",
                      "Le tableau de bord ne se lit qu'avec le lien de modification complet.");
  }
  std::int64_t chosen = std::strtoll(req.get_param_value("classe").c_str(), nullptr, 10);
  if (chosen == 0 && !shares->empty()) chosen = shares->front().id;
  const std::string key = key_of(req);
  data page;
  page.set("id", std::to_string(id));
  page.set("key", key);
  page.set("title", a->title);
  page.set("has_classes", !shares->empty());
  page.set("classes", class_links(*shares, chosen, id));
  if (const auto b = board_of(store, id, editor_of(req), chosen, std::time(nullptr)); b.is_ok())
    page.set("selected", page_of(*b, key));
  res.set_header("Cache-Control", "no-store");
  send_page(res, render("tableau_activite", page, "Tableau de bord de « " + a->title + " »"));
}

void page_class_insight(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const std::int64_t id = std::strtoll(req.matches[1].str().c_str(), nullptr, 10);
  const std::int64_t class_id = std::strtoll(req.matches[2].str().c_str(), nullptr, 10);
  const bool on = req.get_param_value("mode") == "oui";
  const Status done = learn::ActivityStore(**db).set_insight(id, editor_of(req), class_id, on);
  if (!done.is_ok()) {
    return error_page(res, 404, "Lien de modification inconnu",
                      "Aucune classe de cette vidéo interactive ne répond à ce lien.");
  }
  redirect_to(res, "/activites/" + std::to_string(id) + "/tableau?cle=" + key_of(req) +
                       "&classe=" + std::to_string(class_id) + "#accompagner");
}

void api_dashboard(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return problem(res, db.status());
  learn::ActivityStore store(**db);
  const std::int64_t id = std::strtoll(req.matches[1].str().c_str(), nullptr, 10);
  const std::int64_t class_id = std::strtoll(req.matches[2].str().c_str(), nullptr, 10);
  const std::string header = req.get_header_value("X-Edit-Key");
  learn::Editor editor(header.empty() ? req.get_param_value("key") : header);
  if (const Viewer& v = viewer_of(req); v.signed_in()) editor.user_id = v.session->user.id;
  const auto b = board_of(store, id, editor, class_id, std::time(nullptr));
  if (!b.is_ok()) return problem(res, b.status());
  res.set_header("Cache-Control", "no-store");
  send_json(res, json_of(*b));
}

}  // namespace repere::web
