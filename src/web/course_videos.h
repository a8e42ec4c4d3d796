// The interactive videos inside courses (course_videos.cpp): how a « vidéo interactive » block
// reads, where a pupil of the course's class goes to do it, and what the editor and the export
// need of it. Its answers are kept by the interactive videos' own store, under a class made for
// the course's class (courses::ClassStore::video_pass):
//
//   POST /classe/CODE/video   bloc=ID: the course's pupil goes to the block's interactive video,
//                             joined under the same pseudonym (303 to /classe/VIDEOCODE)
// Internal to src/web.
#pragma once

#include <optional>
#include <string>

#include "render.h"
#include "repere/core/result.h"

namespace repere::web::http {
struct Request;
struct Response;
}  // namespace repere::web::http

namespace repere::catalog {
class Database;
}

namespace repere::courses {
struct Block;
struct PupilCourseProgress;
}  // namespace repere::courses

namespace repere::web {

struct Context;
struct Viewer;

// The block's view ({{#interactive}} of cours.html): the video's title, its clip (a player of
// the clip for readers who are not in a class), its steps in time order — definitions, chapters,
// questions without their answers —; for a pupil of a class (`class_code`), the button that
// opens it and where the pupil stands (`progress`). {{gone}} when the video or its content is no
// longer there for `viewer`.
data video_block_data(catalog::Database& db, const Viewer& viewer, const courses::Block& b,
                      const std::string& class_code, const courses::PupilCourseProgress* progress);

// The interactive videos `user_id` may put in a course ({{#videos}}: id, title), for the editor.
list videos_for_editor(catalog::Database& db, std::int64_t user_id);
// Whether `user_id` may put activity `id` in a course (she owns it or may edit it).
bool may_use_video(catalog::Database& db, std::int64_t user_id, std::int64_t id);

// The .h5p package of activity `id` (its clip cut by ffmpeg), for a course's cartridge; none
// when its content is not published or the package cannot be made.
std::optional<std::string> video_h5p(Context& ctx, catalog::Database& db, std::int64_t id);

// POST /classe/CODE/video.
void page_course_video(Context& ctx, const http::Request& req, http::Response& res);

// For the interactive video's own page: the course's class its class was made for, as the
// link back (« /classe/CODE »); none for a class made for the video itself.
std::optional<std::string> course_link_of_video_class(catalog::Database& db, std::int64_t share_id);

}  // namespace repere::web
