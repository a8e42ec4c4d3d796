// The API of interactive videos (docs/api.md, "Activities"): teachers create and change an
// activity with its secret edit key, make a share code per class and read the results;
// pupils join a class with a pseudonym and send their answers with their token.
#include "activities.h"

#include "http.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "access.h"
#include "answers.h"
#include "context.h"
#include "lti_pages.h"
#include "repere/h5p/h5p.h"
#include "repere/learn/json.h"
#include "repere/learn/store.h"
#include "repere/learn/xapi.h"

namespace repere::web {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// Who edits: the edit key (the X-Edit-Key header, or the `key` parameter of an edit link),
// and the signed-in teacher, who needs no key for the activities they own or may edit.
learn::Editor edit_key(const http::Request& req) {
  const std::string header = req.get_header_value("X-Edit-Key");
  learn::Editor e(header.empty() ? req.get_param_value("key") : header);
  const Viewer& v = viewer_of(req);
  if (v.signed_in()) e.user_id = v.session->user.id;
  return e;
}

std::string pupil_token(const http::Request& req) { return req.get_header_value("X-Pupil-Token"); }

Result<std::int64_t> id_at(const http::Request& req, std::size_t i) {
  if (req.matches.size() <= i) return Status::invalid_argument("missing id in the path");
  return static_cast<std::int64_t>(std::stoll(req.matches[i].str()));
}

Result<json> json_body(const http::Request& req) {
  const std::string type = req.get_header_value("Content-Type");
  if (type.rfind("application/json", 0) != 0) {
    return Status::invalid_argument("send the body as application/json");
  }
  json j = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::invalid_argument("the body is not valid JSON");
  return j;
}

// As with_store, for the routes of a class code: refused while the address guesses codes, and
// an unknown code (or pupil) counted as a guess.
template <typename F>
void with_class_store(Context& ctx, const http::Request& req, http::Response& res, F&& f) {
  if (refuse_guessing(ctx, req, res, /*api=*/true)) return;
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return problem(res, db.status());
  learn::ActivityStore store(**db);
  const Status s = f(store);
  if (s.code() == StatusCode::kNotFound) count_miss(ctx, req);
  if (!s.is_ok()) problem(res, s);
}

// Runs `f` with a store on a writable catalog, answering its error if any.
template <typename F>
void with_store(Context& ctx, http::Response& res, F&& f) {
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return problem(res, db.status());
  learn::ActivityStore store(**db);
  const Status s = f(store);
  if (!s.is_ok()) problem(res, s);
}

json class_json(const learn::ClassShare& c) {
  return {{"id", c.id}, {"code", c.code}, {"name", c.name}, {"created_at", c.created_at}};
}

}  // namespace

void api_create_activity(Context& ctx, const http::Request& req, http::Response& res) {
  with_store(ctx, res, [&](learn::ActivityStore& store) -> Status {
    REPERE_ASSIGN_OR_RETURN(const json body, json_body(req));
    REPERE_ASSIGN_OR_RETURN(const learn::Activity a, learn::activity_from_json(body));
    REPERE_RETURN_IF_ERROR(check_visible(ctx, req, a.content_id)
                               .with_context("content_id: only a published content can be used"));
    const Viewer& viewer = viewer_of(req);
    REPERE_ASSIGN_OR_RETURN(
        const learn::Created made,
        store.create(a,
                     viewer.signed_in() ? std::optional(viewer.session->user.id) : std::nullopt));
    REPERE_ASSIGN_OR_RETURN(const learn::Activity stored, store.get(made.id));
    json out = learn::to_json(stored);
    out["edit_key"] = made.edit_key;
    res.status = 201;
    res.set_header("Location", "/api/v1/activities/" + std::to_string(made.id));
    send_json(res, out);
    return Status::ok();
  });
}

void api_activity(Context& ctx, const http::Request& req, http::Response& res) {
  with_store(ctx, res, [&](learn::ActivityStore& store) -> Status {
    REPERE_ASSIGN_OR_RETURN(const auto id, id_at(req, 1));
    REPERE_ASSIGN_OR_RETURN(const learn::Activity a, store.get_for_edit(id, edit_key(req)));
    send_json(res, learn::to_json(a));
    return Status::ok();
  });
}

void api_update_activity(Context& ctx, const http::Request& req, http::Response& res) {
  with_store(ctx, res, [&](learn::ActivityStore& store) -> Status {
    REPERE_ASSIGN_OR_RETURN(const auto id, id_at(req, 1));
    REPERE_ASSIGN_OR_RETURN(const json body, json_body(req));
    REPERE_ASSIGN_OR_RETURN(learn::Activity a, learn::activity_from_json(body));
    a.id = id;
    REPERE_RETURN_IF_ERROR(store.update(a, edit_key(req)));
    REPERE_ASSIGN_OR_RETURN(const learn::Activity stored, store.get(id));
    send_json(res, learn::to_json(stored));
    return Status::ok();
  });
}

void api_delete_activity(Context& ctx, const http::Request& req, http::Response& res) {
  with_store(ctx, res, [&](learn::ActivityStore& store) -> Status {
    REPERE_ASSIGN_OR_RETURN(const auto id, id_at(req, 1));
    REPERE_RETURN_IF_ERROR(store.remove(id, edit_key(req)));
    res.status = 204;
    return Status::ok();
  });
}

void api_create_class(Context& ctx, const http::Request& req, http::Response& res) {
  with_store(ctx, res, [&](learn::ActivityStore& store) -> Status {
    REPERE_ASSIGN_OR_RETURN(const auto id, id_at(req, 1));
    REPERE_ASSIGN_OR_RETURN(const json body, json_body(req));
    if (!body.is_object() || !body.contains("name") || !body["name"].is_string()) {
      return Status::invalid_argument("name: the class's name is expected, e.g. \"5e B\"");
    }
    REPERE_ASSIGN_OR_RETURN(const learn::ClassShare c,
                            store.add_class(id, edit_key(req), body["name"].get<std::string>()));
    res.status = 201;
    send_json(res, class_json(c));
    return Status::ok();
  });
}

void api_classes(Context& ctx, const http::Request& req, http::Response& res) {
  with_store(ctx, res, [&](learn::ActivityStore& store) -> Status {
    REPERE_ASSIGN_OR_RETURN(const auto id, id_at(req, 1));
    REPERE_ASSIGN_OR_RETURN(const auto classes, store.classes(id, edit_key(req)));
    json out = json::array();
    for (const auto& c : classes) out.push_back(class_json(c));
    send_json(res, {{"classes", out}});
    return Status::ok();
  });
}

void api_results(Context& ctx, const http::Request& req, http::Response& res) {
  with_store(ctx, res, [&](learn::ActivityStore& store) -> Status {
    REPERE_ASSIGN_OR_RETURN(const auto id, id_at(req, 1));
    REPERE_ASSIGN_OR_RETURN(const auto class_id, id_at(req, 2));
    REPERE_ASSIGN_OR_RETURN(const learn::Results r, store.results(id, edit_key(req), class_id));
    REPERE_ASSIGN_OR_RETURN(const learn::Activity a, store.get(id));
    res.set_header("Cache-Control", "no-store");
    send_json(res, learn::to_json(r, a));
    return Status::ok();
  });
}

void api_results_csv(Context& ctx, const http::Request& req, http::Response& res) {
  with_store(ctx, res, [&](learn::ActivityStore& store) -> Status {
    REPERE_ASSIGN_OR_RETURN(const auto id, id_at(req, 1));
    REPERE_ASSIGN_OR_RETURN(const auto class_id, id_at(req, 2));
    REPERE_ASSIGN_OR_RETURN(const std::string csv, store.results_csv(id, edit_key(req), class_id));
    res.set_header("Cache-Control", "no-store");
    res.set_header("Content-Disposition", "attachment; filename=\"resultats-" + std::to_string(id) +
                                              "-" + std::to_string(class_id) + ".csv\"");
    res.set_content(csv, "text/csv; charset=utf-8");
    return Status::ok();
  });
}

// What a pupil's player needs: the class, the activity without its answers, the media.
void api_class(Context& ctx, const http::Request& req, http::Response& res) {
  with_class_store(ctx, req, res, [&](learn::ActivityStore& store) -> Status {
    REPERE_ASSIGN_OR_RETURN(const learn::ClassShare c, store.class_by_code(req.matches[1].str()));
    REPERE_ASSIGN_OR_RETURN(const learn::Activity a, store.get(c.activity_id));
    REPERE_RETURN_IF_ERROR(check_visible(ctx, req, a.content_id));
    send_json(res, {{"class", {{"code", c.code}, {"name", c.name}}},
                    {"activity", learn::to_json(a, /*for_pupil=*/true)},
                    {"media_url", "/api/v1/media/" + std::to_string(a.content_id)}});
    return Status::ok();
  });
}

void api_join(Context& ctx, const http::Request& req, http::Response& res) {
  with_class_store(ctx, req, res, [&](learn::ActivityStore& store) -> Status {
    REPERE_ASSIGN_OR_RETURN(const json body, json_body(req));
    if (!body.is_object() || !body.contains("pseudonym") || !body["pseudonym"].is_string()) {
      return Status::invalid_argument("pseudonym: a pseudonym is expected");
    }
    if (const int wait = ctx.joins.wait_seconds(req.remote_addr); wait > 0) {
      res.set_header("Retry-After", std::to_string(wait));
      return Status::too_many("too many pupils joined from this address; try again in " +
                              std::to_string(wait) + " s");
    }
    ctx.joins.note(req.remote_addr);
    REPERE_ASSIGN_OR_RETURN(const learn::Pupil p,
                            store.join(req.matches[1].str(), body["pseudonym"].get<std::string>()));
    res.status = 201;
    send_json(res, {{"pupil_id", p.id}, {"pseudonym", p.pseudonym}, {"token", p.token}});
    return Status::ok();
  });
}

void api_answer(Context& ctx, const http::Request& req, http::Response& res) {
  with_class_store(ctx, req, res, [&](learn::ActivityStore& store) -> Status {
    REPERE_ASSIGN_OR_RETURN(const learn::ClassShare c, store.class_by_code(req.matches[1].str()));
    REPERE_ASSIGN_OR_RETURN(const learn::Pupil p, store.pupil_by_token(pupil_token(req)));
    if (p.class_id != c.id) return Status::not_found("unknown pupil in this class");
    REPERE_ASSIGN_OR_RETURN(const json body, json_body(req));
    if (!body.is_object() || !body.contains("interaction_id") ||
        !body["interaction_id"].is_number_integer()) {
      return Status::invalid_argument("interaction_id: the question's id is expected");
    }
    if (body.contains("response") && !body["response"].is_object())
      return Status::invalid_argument("response: an object is expected, e.g. {\"chosen\": [0]}");
    REPERE_ASSIGN_OR_RETURN(const learn::Response r,
                            learn::response_from_json(body.value("response", json::object())));
    if (body.contains("elapsed_ms") && !body["elapsed_ms"].is_number_integer())
      return Status::invalid_argument("elapsed_ms: a whole number of milliseconds is expected");
    const std::int64_t elapsed =
        std::clamp<std::int64_t>(body.value("elapsed_ms", std::int64_t{0}), 0, 86400000);
    const auto interaction_id = body["interaction_id"].get<std::int64_t>();
    REPERE_ASSIGN_OR_RETURN(const learn::Grade g, store.answer(p, interaction_id, r, elapsed));
    REPERE_ASSIGN_OR_RETURN(const learn::Activity a, store.get(c.activity_id));
    for (const learn::Interaction& q : a.interactions) {
      if (q.id != interaction_id) continue;
      const learn::XapiWho who{base_url(ctx), &a, &c, &p, ""};
      REPERE_RETURN_IF_ERROR(store.record_statement(
          a.id, p.id, learn::answered_statement(who, q, r, g, elapsed).dump()));
    }
    queue_lti_score(ctx, store, p);
    send_json(res, learn::to_json(g));
    return Status::ok();
  });
}

void api_progress(Context& ctx, const http::Request& req, http::Response& res) {
  with_class_store(ctx, req, res, [&](learn::ActivityStore& store) -> Status {
    REPERE_ASSIGN_OR_RETURN(const learn::ClassShare c, store.class_by_code(req.matches[1].str()));
    REPERE_ASSIGN_OR_RETURN(const learn::Pupil p, store.pupil_by_token(pupil_token(req)));
    if (p.class_id != c.id) return Status::not_found("unknown pupil in this class");
    REPERE_ASSIGN_OR_RETURN(const learn::PupilProgress progress, store.progress(p));
    res.set_header("Cache-Control", "no-store");
    send_json(res, learn::to_json(progress));
    return Status::ok();
  });
}

// The xAPI statements of an activity (every class), as one JSON array.
void api_statements(Context& ctx, const http::Request& req, http::Response& res) {
  with_store(ctx, res, [&](learn::ActivityStore& store) -> Status {
    REPERE_ASSIGN_OR_RETURN(const auto id, id_at(req, 1));
    REPERE_ASSIGN_OR_RETURN(const std::string statements, store.statements_json(id, edit_key(req)));
    res.set_header("Cache-Control", "no-store");
    res.set_content(statements, "application/json");
    return Status::ok();
  });
}

// The activity as an H5P package, made for this request and removed once sent.
void api_export_h5p(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return problem(res, db.status());
  const std::int64_t id = std::stoll(req.matches[1].str());
  const auto a = learn::ActivityStore(**db).get_for_edit(id, edit_key(req));
  if (!a.is_ok()) return problem(res, a.status());
  if (const Status visible = check_visible(ctx, req, a->content_id); !visible.is_ok())
    return problem(res, visible.with_context("the activity's content is not published"));
  std::error_code ec;
  const fs::path folder = ctx.dir.root / "tmp";
  fs::create_directories(folder, ec);
  const fs::path file =
      folder / ("export-" + std::to_string(id) + "-" +
                std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id())) + ".h5p");
  if (const Status made = h5p::export_activity(**db, ctx.dir, id, file); !made.is_ok()) {
    return problem(res, made);
  }
  auto in = std::make_shared<std::ifstream>(file, std::ios::binary);
  const auto size = fs::file_size(file, ec);
  fs::remove(file, ec);  // the open stream keeps the bytes until it is closed
  if (!*in || size == 0)
    return problem(res, 500, "Internal Server Error", "cannot read the package");
  std::string name = "activite-" + std::to_string(id) + ".h5p";
  res.set_header("Content-Disposition", "attachment; filename=\"" + name + "\"");
  res.set_header("Cache-Control", "no-store");
  res.set_stream(std::move(in), static_cast<std::uint64_t>(size), "application/zip");
}

}  // namespace repere::web
