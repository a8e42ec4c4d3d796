// repere courses import: courses written as text become the institution's model courses.
#include <algorithm>
#include <fstream>
#include <map>
#include <ostream>
#include <sstream>

#include "commands.h"

#include <nlohmann/json.hpp>
#include "repere/catalog/contents.h"
#include "repere/catalog/database.h"
#include "repere/catalog/texts.h"
#include "repere/core/text.h"
#include "repere/courses/import.h"
#include "repere/courses/store.h"
#include "repere/learn/activity.h"
#include "repere/learn/json.h"
#include "repere/learn/store.h"
#include "repere/taxonomy/store.h"

namespace repere::app {
namespace {

constexpr const char* kConcept = "http://data.education.fr/voc/scolomfr/concept/";
constexpr const char* kLevels = "http://data.education.fr/voc/scolomfr/scolomfr-voc-022";
constexpr std::int64_t kMomentMs = 20000;  // a moment runs to the sentence ending after 20 s

// The contents by their catalogue identifier, and by the demo's slug (« repere-demo:SLUG »).
std::map<std::string, catalog::Content> contents_by_identifier(catalog::Database& db) {
  std::map<std::string, catalog::Content> out;
  for (int offset = 0;; offset += 500) {
    const auto page = catalog::ContentRepository(db).list({.limit = 500, .offset = offset});
    if (!page.is_ok() || page->empty()) break;
    for (const auto& c : *page) {
      if (!c.external_id) continue;
      out[*c.external_id] = c;
      const std::string demo = "repere-demo:";
      if (c.external_id->rfind(demo, 0) == 0) out[c.external_id->substr(demo.size())] = c;
    }
    if (page->size() < 500) break;
  }
  return out;
}

// The clip of a content that starts with the sentence saying `words` (its subtitles, else its
// transcript or text). Errors: not_found when no line says them.
Result<std::pair<std::int64_t, std::int64_t>> find_moment(catalog::Database& db,
                                                          const catalog::Content& c,
                                                          const std::string& words) {
  REPERE_ASSIGN_OR_RETURN(const auto tracks, catalog::TrackRepository(db).list_for_content(c.id));
  const catalog::Track* best = catalog::best_transcript(tracks, /*said_only=*/true);
  if (!best) return Status::not_found("it has no timed text");
  REPERE_ASSIGN_OR_RETURN(const auto cues, catalog::CueRepository(db).list_for_track(best->id));
  std::vector<learn::TimedLine> lines;
  for (const auto& cue : cues) {
    if (cue.start_ms && cue.end_ms) lines.push_back({*cue.start_ms, *cue.end_ms, cue.text});
  }
  const std::string wanted = text::fold(words);
  for (const auto& l : lines) {
    if (text::fold(l.text).find(wanted) == std::string::npos) continue;
    return learn::sentence_clip(lines, l.start_ms, l.start_ms + kMomentMs,
                                c.duration_ms.value_or(l.end_ms + kMomentMs));
  }
  return Status::not_found("no line says « " + words + " »");
}

// The interactive video of an imported « video: » block: the moment's clip, stopping at its
// end on the block's question.
Result<learn::Activity> video_of(const courses::Block& b, const std::string& title) {
  REPERE_ASSIGN_OR_RETURN(learn::Interaction q,
                          learn::interaction_from_json(nlohmann::json::parse(b.body)));
  learn::Activity a;
  a.content_id = *b.content_id;
  a.title = title;
  a.start_ms = *b.start_ms;
  a.end_ms = *b.end_ms;
  q.at_ms = std::max(a.start_ms, a.end_ms - 500);
  q.pause = true;
  a.interactions.push_back(std::move(q));
  return a;
}

std::string it_title(const std::map<std::string, catalog::Content>& contents,
                     const std::string& key) {
  const auto it = contents.find(key);
  return it == contents.end() ? key : it->second.title;
}

struct Imported {
  int added = 0, updated = 0;
};

Status import_course(catalog::Database& db, const courses::CourseSpec& spec,
                     const std::map<std::string, catalog::Content>& contents, Imported& count) {
  taxonomy::ConceptStore concepts(db);
  std::vector<std::string> uris;
  for (const std::string& c : spec.concepts) {
    const std::string uri = c.rfind("http", 0) == 0 ? c : kConcept + c;
    REPERE_ASSIGN_OR_RETURN(const auto known, concepts.get(uri));
    if (!known)
      return Status::invalid_argument(std::to_string(spec.line) + ": no imported concept " + c +
                                      " (repere taxonomy import 15.rdf first)");
    uris.push_back(uri);
  }
  std::string level;
  if (!spec.level.empty()) {
    REPERE_ASSIGN_OR_RETURN(const auto found, concepts.by_label(spec.level, kLevels));
    if (found) level = found->uri;
  }
  // Every block resolved before anything is written: a course is imported whole or not at all.
  std::vector<std::vector<courses::Block>> chapters;
  for (const auto& ch : spec.chapters) {
    chapters.emplace_back();
    for (const auto& b : ch.blocks) {
      courses::Block block;
      block.kind = b.kind;
      block.body = b.body;
      if (b.kind == courses::BlockKind::kMoment || b.kind == courses::BlockKind::kPage ||
          b.kind == courses::BlockKind::kVideo) {
        const auto it = contents.find(b.content);
        if (it == contents.end())
          return Status::invalid_argument(std::to_string(b.line) + ": no content « " + b.content +
                                          " » in the catalogue");
        block.content_id = it->second.id;
        if (b.kind != courses::BlockKind::kPage) {
          const auto clip = find_moment(db, it->second, b.words);
          if (!clip.is_ok())
            return Status::invalid_argument(std::to_string(b.line) + ": " + b.content + ": " +
                                            clip.status().message());
          block.start_ms = clip->first;
          block.end_ms = clip->second;
        } else {
          if (it->second.page_count && b.page > *it->second.page_count)
            return Status::invalid_argument(std::to_string(b.line) + ": " + b.content + " has " +
                                            std::to_string(*it->second.page_count) + " pages");
          block.page = b.page;
        }
      }
      if (b.kind == courses::BlockKind::kVideo) {  // checked as the interactive videos do
        REPERE_ASSIGN_OR_RETURN(const auto video, video_of(block, it_title(contents, b.content)));
        const Status fits = learn::validate(video, contents.at(b.content).duration_ms);
        if (!fits.is_ok())
          return Status::invalid_argument(std::to_string(b.line) + ": " + fits.message());
        block.activity_id = 0;  // made when the course is written
      }
      const Status ok = courses::validate(block);
      if (!ok.is_ok())
        return Status::invalid_argument(std::to_string(b.line) + ": " + ok.message());
      chapters.back().push_back(std::move(block));
    }
  }
  courses::CourseStore store(db);
  REPERE_ASSIGN_OR_RETURN(auto txn, catalog::Transaction::begin(db));
  std::optional<courses::Id> id;
  REPERE_ASSIGN_OR_RETURN(const auto models, store.models());
  for (const auto& m : models) {
    if (m.title == spec.title && !m.owner_id) id = m.id;
  }
  learn::ActivityStore videos(db);
  if (id) {
    REPERE_ASSIGN_OR_RETURN(const auto old, store.get(*id));
    for (const auto& ch : old.chapters) {
      for (const auto& b : ch.blocks) {  // the videos an earlier import made go with it
        if (b.kind == courses::BlockKind::kVideo && b.activity_id)
          REPERE_RETURN_IF_ERROR(videos.remove_unowned(*b.activity_id));
      }
      REPERE_RETURN_IF_ERROR(store.remove_chapter(ch.id));
    }
    ++count.updated;
  } else {
    REPERE_ASSIGN_OR_RETURN(id, store.create(spec.title, std::nullopt));
    ++count.added;
  }
  REPERE_RETURN_IF_ERROR(
      store.update(*id, {spec.title, level, uris, courses::CourseState::kPublished, true}));
  for (std::size_t i = 0; i < spec.chapters.size(); ++i) {
    REPERE_ASSIGN_OR_RETURN(const auto chapter, store.add_chapter(*id, spec.chapters[i].title));
    for (courses::Block block : chapters[i]) {
      if (block.kind == courses::BlockKind::kVideo) {
        REPERE_ASSIGN_OR_RETURN(
            const auto video,
            video_of(block, catalog::ContentRepository(db).get(*block.content_id)->title));
        REPERE_ASSIGN_OR_RETURN(const auto made, videos.create(video));
        block.activity_id = made.id;
        block.content_id.reset();
        block.start_ms.reset();
        block.end_ms.reset();
        block.body.clear();
      }
      REPERE_RETURN_IF_ERROR(store.add_block(chapter, block).status());
    }
  }
  return txn.commit();
}

}  // namespace

int run_courses_import(const CoursesCommandOptions& options, Io io) {
  auto db = open_library(DataDir{options.common.data_dir});
  if (!db.is_ok()) {
    io.err << "repere courses import: " << db.status().message() << "\n";
    return kExitFailure;
  }
  const auto contents = contents_by_identifier(**db);
  Imported count;
  int failures = 0;
  for (const std::string& file : options.files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      io.err << "repere courses import: cannot read " << file << "\n";
      ++failures;
      continue;
    }
    std::stringstream all;
    all << in.rdbuf();
    const auto specs = courses::parse_courses(all.str());
    if (!specs.is_ok()) {
      io.err << "repere courses import: " << file << ":" << specs.status().message() << "\n";
      ++failures;
      continue;
    }
    for (const auto& spec : *specs) {
      const Status s = import_course(**db, spec, contents, count);
      if (!s.is_ok()) {
        io.err << "repere courses import: " << file << ":" << s.message() << " (course « "
               << spec.title << " » left as it was)\n";
        ++failures;
      }
    }
  }
  io.out << count.added + count.updated << " model courses imported (" << count.added << " new, "
         << count.updated << " rebuilt)";
  if (failures > 0) io.out << ", " << failures << " refused";
  io.out << "\n";
  return failures == 0 ? kExitOk : kExitFailure;
}

}  // namespace repere::app
