// Uploads: streamed to disk, split into files, ingested by a thread with its progress shown.
#include "upload_pages.h"

#include <chrono>
#include <ctime>
#include <filesystem>

#include "access.h"
#include "answers.h"
#include "context.h"
#include "http.h"
#include "multipart.h"
#include "render.h"
#include "repere/auth/audit.h"
#include "repere/core/hours.h"
#include "repere/ingest/pipeline.h"
#include "repere/taxonomy/suggest.h"

namespace repere::web {
namespace fs = std::filesystem;

Uploads::~Uploads() {
  stop_ = true;
  for (std::thread& t : threads_)
    if (t.joinable()) t.join();
}

int Uploads::next_id() {
  const std::lock_guard lock(mutex_);
  return ++last_;
}

void Uploads::put(const UploadState& s) {
  const std::lock_guard lock(mutex_);
  states_[s.id] = s;
}

std::vector<UploadState> Uploads::newest_first() const {
  const std::lock_guard lock(mutex_);
  std::vector<UploadState> out;
  for (auto it = states_.rbegin(); it != states_.rend(); ++it) out.push_back(it->second);
  return out;
}

void Uploads::run(std::thread t) {
  const std::lock_guard lock(mutex_);
  threads_.push_back(std::move(t));
}

namespace {

// Now in UTC, as `format` (strftime) says.
std::string utc_now(const char* format) {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[32];
  std::strftime(out, sizeof out, format, &tm);
  return out;
}

// The ingest's progress, into the upload's state.
class UploadProgress : public ingest::ProgressSink {
 public:
  UploadProgress(Uploads& uploads, int id) : uploads_(uploads), id_(id) {}
  void progress(int done, int total) override {
    uploads_.update(id_, [&](UploadState& s) {
      s.done = done;
      s.total = total;
    });
  }
  void note(std::string_view line) override {
    uploads_.update(id_, [&](UploadState& s) {
      if (s.notes.size() < 100) s.notes.emplace_back(line.substr(0, 500));
    });
  }

 private:
  Uploads& uploads_;
  int id_;
};

std::string state_text(const UploadState& s) {
  if (!s.error.empty()) return "Lecture impossible.";
  if (s.running && !s.waiting_for.empty()) {
    return "En attente : les fichiers sont gardés ; ce serveur ne fait les lectures lourdes "
           "(reconnaissance de texte et de parole) qu'entre " +
           s.waiting_for.substr(0, 5) + " et " + s.waiting_for.substr(6) +
           ". La lecture commencera à " + s.waiting_for.substr(0, 5) + ".";
  }
  if (s.running) {
    if (s.total == 0) return "Lecture en cours : recherche des fichiers…";
    return "Lecture en cours : " + std::to_string(s.done) + " contenu(s) lu(s) sur " +
           std::to_string(s.total) +
           (s.failed > 0 ? ", " + std::to_string(s.failed) + " échec(s)" : "") + ".";
  }
  std::string out = "Terminé : " + std::to_string(s.added) +
                    " contenu(s) ajouté(s) en brouillon, " + std::to_string(s.failed) + " échec(s)";
  if (s.unchanged > 0)
    out +=
        ", " + std::to_string(s.unchanged) + " fichier(s) déjà dans la médiathèque (rien de neuf)";
  if (s.skipped > 0)
    out += ", " + std::to_string(s.skipped) + " fichier(s) laissé(s) de côté (voir ci-dessous)";
  return out + ".";
}

std::string megabytes(std::uint64_t bytes) {
  return bytes >= (std::uint64_t{1} << 30) ? std::to_string(bytes >> 30) + " Gio"
                                           : std::to_string(bytes >> 20) + " Mio";
}

}  // namespace

void page_upload(Context& ctx, const http::Request& req, http::Response& res) {
  if (!require_role(req, res, auth::Role::kCurator, false)) return;
  data page;
  list uploads;
  const int current = std::atoi(req.get_param_value("depot").c_str());
  for (const UploadState& s : ctx.uploads->newest_first()) {
    data d;
    d.set("id", std::to_string(s.id));
    d.set("by", s.by);
    d.set("started", s.started);
    std::string files;
    for (const auto& f : s.files) files += (files.empty() ? "" : ", ") + f;
    d.set("files", files);
    d.set("state", state_text(s));
    if (!s.error.empty()) d.set("error", s.error);
    list notes;
    for (const auto& n : s.notes) notes.push_back(data(n));
    d.set("has_notes", !notes.empty());
    d.set("notes", notes);
    d.set("current", s.id == current);
    uploads.push_back(d);
  }
  page.set("has_uploads", !uploads.empty());
  page.set("uploads", uploads);
  page.set("limit", megabytes(ctx.max_upload_bytes));
  send_page(res, render("depot", page, "Ajouter des fichiers"));
  res.set_header("Cache-Control", "no-store");
}

void page_upload_post(Context& ctx, const http::Request& req, http::Response& res) {
  if (!require_role(req, res, auth::Role::kCurator, false)) return;
  const Viewer& viewer = viewer_of(req);
  if (req.body_file.empty())
    return error_page(res, 400, "Envoi illisible",
                      "Envoyez les fichiers depuis le formulaire de cette page.");
  const int id = ctx.uploads->next_id();
  const fs::path folder =
      ctx.dir.root / "depots" / (utc_now("%Y%m%d-%H%M%S") + "-" + std::to_string(id));
  auto parts = split_multipart(req.body_file,
                               multipart_boundary(req.get_header_value("Content-Type")), folder);
  std::error_code ec;
  auto discard = [&] { fs::remove_all(folder, ec); };
  if (!parts.is_ok()) {
    discard();
    return error_page(res, parts.status(), "Envoi illisible");
  }
  // The CSRF token travels in the form's body here, read once it is split.
  std::string token;
  std::vector<fs::path> files;
  fs::path manifest;
  UploadState state{.id = id, .by = viewer.actor(), .started = utc_now("%Y-%m-%dT%H:%M:%SZ")};
  for (const FormPart& p : *parts) {
    if (p.name == "csrf") token = p.value;
    if (p.path.empty()) continue;
    if (p.bytes == 0 && p.filename.empty()) continue;
    if (p.name == "manifeste") {
      manifest = p.path;
    } else {
      files.push_back(p.path);
    }
    state.files.push_back(p.path.filename().string());
  }
  if (!auth::same_token(token, viewer.session->csrf)) {
    discard();
    return error_page(res, 403, "Formulaire expiré",
                      "Cet envoi n'a pas pu être vérifié. Rechargez la page et recommencez.");
  }
  if (files.empty() && manifest.empty()) {
    discard();
    return error_page(res, 400, "Aucun fichier", "Choisissez au moins un fichier avant d'envoyer.");
  }
  ctx.uploads->put(state);
  ingest::IngestOptions options = ctx.ingest;
  options.paths =
      manifest.empty() ? std::vector<fs::path>{folder} : std::vector<fs::path>{manifest};
  Context* shared = &ctx;
  Uploads* uploads = ctx.uploads.get();
  const std::string actor = viewer.actor();
  uploads->run(std::thread([shared, uploads, id, options, actor, folder] {
    // Frugality: outside serve.heavy_hours the files wait on disk for the window to open.
    const HourWindow& hours = shared->heavy_hours;
    while (!uploads->stop() && hours.minutes_until_open(minute_of_day_now()) > 0) {
      uploads->update(id, [&](UploadState& s) { s.waiting_for = hours.to_string(); });
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    uploads->update(id, [&](UploadState& s) { s.waiting_for.clear(); });
    if (uploads->stop()) {
      uploads->update(id, [&](UploadState& s) {
        s.running = false;
        s.error = "Le serveur s'est arrêté avant de lire ces fichiers ; ils sont gardés dans " +
                  folder.string() + " : `repere ingest` les lit.";
      });
      return;
    }
    UploadProgress sink(*uploads, id);
    const auto report = ingest::ingest(shared->dir, options, sink, uploads->stop());
    uploads->update(id, [&](UploadState& s) {
      s.running = false;
      if (!report.is_ok()) {
        s.error = report.status().message();
        return;
      }
      s.added = report->added;
      s.failed = report->failed;
      s.unchanged = report->unchanged;
      s.skipped = report->skipped;
    });
    shared->searchers.clear();  // the index was updated in place
    if (auto db = shared->catalog_for_writing(); db.is_ok()) {
      // New contents take their place in the programme: mapped, then suggested for curators.
      std::string programme;
      if (report.is_ok() && report->processed > 0) {
        if (const auto t = taxonomy::refresh_library(**db); !t.is_ok())
          programme = " ; suggestions du programme en échec : " + t.status().message();
      }
      (void)auth::AuditLog(**db).record(
          actor, "upload", "upload:" + std::to_string(id),
          (report.is_ok() ? std::to_string(report->added) + " ajoutés, " +
                                std::to_string(report->failed) + " échecs"
                          : report.status().message()) +
              programme);
    }
  }));
  res.status = 303;
  res.set_header("Location",
                 "/gestion/depot?depot=" + std::to_string(id) + "#envoi-" + std::to_string(id));
}

}  // namespace repere::web
