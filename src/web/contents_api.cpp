// The search and contents API: search, contents, passages, WebVTT tracks, media with ranges,
// health. Routes are in server.cpp.
#include "contents_api.h"

#include "programme_pages.h"

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "access.h"
#include "answers.h"
#include "context.h"
#include "http.h"
#include "pages.h"
#include "repere/catalog/contents.h"
#include "repere/catalog/texts.h"
#include "repere/catalog/webvtt.h"
#include "repere/index/library.h"

namespace repere::web {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json optional_json(const std::optional<std::int64_t>& v) { return v ? json(*v) : json(nullptr); }

// A number parameter; errors name the parameter.
Result<std::int64_t> int_param(const http::Request& req, const std::string& name,
                               std::int64_t fallback, std::int64_t min, std::int64_t max) {
  if (!req.has_param(name)) return fallback;
  const std::string v = req.get_param_value(name);
  char* end = nullptr;
  errno = 0;
  const long long n = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || errno != 0 || n < min || n > max) {
    return Status::invalid_argument("parameter '" + name + "' must be a whole number from " +
                                    std::to_string(min) + " to " + std::to_string(max));
  }
  return static_cast<std::int64_t>(n);
}

std::vector<std::string> values(const http::Request& req, const std::string& name) {
  std::vector<std::string> out;
  const std::size_t n = req.get_param_value_count(name);
  for (std::size_t i = 0; i < n; ++i) {
    std::string v = req.get_param_value(name, i);
    if (!v.empty()) out.push_back(std::move(v));
  }
  return out;
}

}  // namespace

// The search request of a query string (the API's and the results page's).
Result<search::SearchRequest> search_request(const http::Request& req) {
  search::SearchRequest r;
  r.query = req.get_param_value("q");
  if (r.query.size() > 2000) return Status::invalid_argument("parameter 'q' is over 2,000 bytes");
  if (req.has_param("ratio")) {
    const std::string v = req.get_param_value("ratio");
    char* end = nullptr;
    const double ratio = std::strtod(v.c_str(), &end);
    if (v.empty() || *end != '\0' || !(ratio >= 0 && ratio <= 1))
      return Status::invalid_argument("parameter 'ratio' must be a number from 0 to 1");
    r.semantic_ratio = ratio;
  }
  REPERE_ASSIGN_OR_RETURN(r.limit, int_param(req, "limit", 10, 1, 100));
  REPERE_ASSIGN_OR_RETURN(r.offset, int_param(req, "offset", 0, 0, 10000));
  REPERE_ASSIGN_OR_RETURN(const auto moments, int_param(req, "moments", 3, 1, 20));
  r.moments_per_content = static_cast<int>(moments);
  r.group_by_content = req.get_param_value("group") != "false";
  r.synonyms = req.get_param_value("synonyms") != "false";
  if (req.has_param("query_language")) r.language = req.get_param_value("query_language");
  r.filters.kinds = values(req, "kind");
  r.filters.collections = values(req, "collection");
  r.filters.languages = values(req, "language");
  r.filters.licences = values(req, "licence");
  r.filters.subjects = values(req, "subject");
  r.filters.levels = values(req, "level");
  for (const std::string& v : values(req, "content")) {
    char* end = nullptr;
    const long long id = std::strtoll(v.c_str(), &end, 10);
    if (*end != '\0' || id <= 0)
      return Status::invalid_argument("parameter 'content' must be a content id");
    r.filters.contents.push_back(id);
  }
  return r;
}

namespace {

// ----------------------------------------------------------------------------------------------
// API handlers

// The metadata anyone may read: without the path of the file on the server.
json public_metadata(const std::string& stored) {
  json m = json::parse(stored, nullptr, false);
  if (m.is_object()) m.erase("source_path");
  return m.is_discarded() ? json(nullptr) : m;
}

json content_json(const catalog::Content& c, const std::vector<catalog::Track>& tracks) {
  json t = json::array();
  for (const auto& track : tracks) {
    t.push_back({{"id", track.id},
                 {"kind", std::string(catalog::to_string(track.kind))},
                 {"language", track.language},
                 {"origin", track.origin},
                 {"automatic", track.origin.rfind("ai:", 0) == 0},
                 {"label", track.label}});
  }
  return {{"id", c.id},
          {"title", c.title},
          {"kind", std::string(catalog::to_string(c.kind))},
          {"description", c.description},
          {"language", c.language},
          {"licence", c.licence},
          {"duration_ms", optional_json(c.duration_ms)},
          {"page_count", optional_json(c.page_count)},
          {"status", std::string(catalog::to_string(c.status))},
          {"metadata", public_metadata(c.metadata_json)},
          {"tracks", std::move(t)}};
}

}  // namespace

void api_search(Context& ctx, const http::Request& req, http::Response& res) {
  auto request = search_request(req);
  if (!request.is_ok()) return problem(res, request.status());
  if (!req.has_param("q"))
    return problem(res, Status::invalid_argument("parameter 'q' (the query) is missing"));
  if (const Status narrowed = narrow_to_concept(ctx, req, *request); !narrowed.is_ok())
    return problem(res, narrowed);
  limit_search(viewer_of(req), *request);
  auto searcher = ctx.searcher();
  if (!searcher.is_ok()) return problem(res, searcher.status());
  const auto found = (*searcher)->search(*request);
  if (!found.is_ok()) return problem(res, found.status());
  res.set_content(search::to_json(*found), "application/json");
}

void api_contents(Context& ctx, const http::Request& req, http::Response& res) {
  catalog::ContentQuery q;
  const auto limit = int_param(req, "limit", 20, 1, 100);
  const auto offset = int_param(req, "offset", 0, 0, 1000000);
  if (!limit.is_ok()) return problem(res, limit.status());
  if (!offset.is_ok()) return problem(res, offset.status());
  q.limit = static_cast<int>(*limit);
  q.offset = static_cast<int>(*offset);
  if (req.has_param("kind")) {
    auto kind = catalog::parse_content_kind(req.get_param_value("kind"));
    if (!kind.is_ok()) return problem(res, kind.status());
    q.kind = *kind;
  }
  const Viewer& viewer = viewer_of(req);
  if (!viewer.sees_unpublished()) {
    q.status = catalog::EditorialStatus::kPublished;
  } else if (req.has_param("status")) {
    auto status = catalog::parse_editorial_status(req.get_param_value("status"));
    if (!status.is_ok()) return problem(res, status.status());
    q.status = *status;
  }
  auto db = ctx.catalog();
  if (!db.is_ok()) return problem(res, db.status());
  const auto listed = catalog::ContentRepository(**db).list(q);
  if (!listed.is_ok()) return problem(res, listed.status());
  json items = json::array();
  for (const auto& c : *listed) {
    items.push_back({{"id", c.id},
                     {"title", c.title},
                     {"kind", std::string(catalog::to_string(c.kind))},
                     {"status", std::string(catalog::to_string(c.status))},
                     {"duration_ms", optional_json(c.duration_ms)}});
  }
  send_json(res, {{"offset", q.offset}, {"limit", q.limit}, {"contents", std::move(items)}});
}

void api_content(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog();
  if (!db.is_ok()) return problem(res, db.status());
  const auto c = content_for(**db, viewer_of(req), path_id(req));
  if (!c.is_ok()) return problem(res, c.status());
  const auto tracks = catalog::TrackRepository(**db).list_for_content(c->id);
  if (!tracks.is_ok()) return problem(res, tracks.status());
  send_json(res, content_json(*c, *tracks));
}

void api_passages(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog();
  if (!db.is_ok()) return problem(res, db.status());
  const auto c = content_for(**db, viewer_of(req), path_id(req));
  if (!c.is_ok()) return problem(res, c.status());
  const auto passages = catalog::PassageRepository(**db).list_for_content(c->id);
  if (!passages.is_ok()) return problem(res, passages.status());
  json items = json::array();
  for (const auto& p : *passages) {
    items.push_back({{"id", p.id},
                     {"start_ms", optional_json(p.start_ms)},
                     {"end_ms", optional_json(p.end_ms)},
                     {"page", p.page ? json(*p.page) : json(nullptr)},
                     {"language", p.language},
                     {"text", p.text}});
  }
  send_json(res, {{"content_id", c->id}, {"passages", std::move(items)}});
}

// WebVTT from a track's timed cues: the text escaped as the format asks (&, <, >).
void api_track_vtt(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog();
  if (!db.is_ok()) return problem(res, db.status());
  const auto c = content_for(**db, viewer_of(req), path_id(req));
  const auto track = catalog::TrackRepository(**db).get(path_id(req, 2));
  if (!c.is_ok() || !track.is_ok() || track->content_id != path_id(req)) {
    return problem(res, 404, "Not Found",
                   "content " + req.matches[1].str() + " has no track " + req.matches[2].str());
  }
  const auto cues = catalog::CueRepository(**db).list_for_track(track->id);
  if (!cues.is_ok()) return problem(res, cues.status());
  const std::string vtt = catalog::to_webvtt(*cues);
  res.set_header("Cache-Control", "no-cache");
  res.set_content(vtt, "text/vtt; charset=utf-8");
}

std::string media_type(const fs::path& p) {
  static const std::map<std::string, std::string> kTypes = {{".mp4", "video/mp4"},
                                                            {".m4v", "video/mp4"},
                                                            {".webm", "video/webm"},
                                                            {".mkv", "video/x-matroska"},
                                                            {".mov", "video/quicktime"},
                                                            {".ogv", "video/ogg"},
                                                            {".mp3", "audio/mpeg"},
                                                            {".m4a", "audio/mp4"},
                                                            {".ogg", "audio/ogg"},
                                                            {".opus", "audio/ogg"},
                                                            {".wav", "audio/wav"},
                                                            {".flac", "audio/flac"},
                                                            {".pdf", "application/pdf"},
                                                            {".png", "image/png"},
                                                            {".jpg", "image/jpeg"},
                                                            {".jpeg", "image/jpeg"},
                                                            {".tif", "image/tiff"},
                                                            {".tiff", "image/tiff"},
                                                            {".gif", "image/gif"},
                                                            {".webp", "image/webp"},
                                                            {".html", "text/plain; charset=utf-8"},
                                                            {".htm", "text/plain; charset=utf-8"},
                                                            {".txt", "text/plain; charset=utf-8"},
                                                            {".md", "text/plain; charset=utf-8"}};
  std::string ext = p.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto found = kTypes.find(ext);
  return found == kTypes.end() ? "application/octet-stream" : found->second;
}

// The media file of a content, streamed; the server answers Range requests from it (206, or
// 416 past its end). The path comes from the catalog, never from the URL.
void api_media(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog();
  if (!db.is_ok()) return problem(res, db.status());
  const auto c = content_for(**db, viewer_of(req), path_id(req));
  if (!c.is_ok()) return problem(res, c.status());
  const fs::path path = media_path(ctx.dir, c->media_path);
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec || !fs::is_regular_file(path, ec)) {
    return problem(res, 404, "Not Found",
                   "the media file of content " + std::to_string(c->id) + " is missing");
  }
  auto file = std::make_shared<std::ifstream>(path, std::ios::binary);
  if (!*file) return problem(res, 500, "Internal Server Error", "cannot read the media file");
  res.set_header("Cache-Control", "private, max-age=3600");
  res.set_stream(std::move(file), static_cast<std::uint64_t>(size), media_type(path));
}

void api_health(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog();
  if (!db.is_ok()) return problem(res, db.status());
  const auto count = catalog::ContentRepository(**db).count(
      viewer_of(req).sees_unpublished() ? std::nullopt
                                        : std::optional(catalog::EditorialStatus::kPublished));
  const auto live = index::current_generation(ctx.dir.index());
  if (!count.is_ok()) return problem(res, count.status());
  send_json(res,
            {{"status", "ok"},
             {"contents", *count},
             {"index_generation", live.is_ok() && *live ? json((*live)->number) : json(nullptr)}});
}

}  // namespace repere::web
