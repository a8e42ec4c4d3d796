#include "repere/catalog/texts.h"

namespace repere::catalog {
namespace {

Result<Track> read_track(const Statement& row) {
  Track t;
  t.id = row.int64(0);
  t.content_id = row.int64(1);
  REPERE_ASSIGN_OR_RETURN(t.kind, parse_track_kind(row.text(2)));
  t.language = row.text(3);
  t.origin = row.text(4);
  REPERE_ASSIGN_OR_RETURN(t.review, parse_review_state(row.text(5)));
  t.label = row.text(6);
  t.reviewed_by = row.text(7);
  t.reviewed_at = row.text(8);
  return t;
}

Cue read_cue(const Statement& row) {
  Cue c;
  c.id = row.int64(0);
  c.track_id = row.int64(1);
  c.seq = static_cast<int>(row.int64(2));
  c.start_ms = row.optional_int64(3);
  c.end_ms = row.optional_int64(4);
  if (const auto page = row.optional_int64(5)) c.page = static_cast<int>(*page);
  c.box_x = row.optional_real(6);
  c.box_y = row.optional_real(7);
  c.box_w = row.optional_real(8);
  c.box_h = row.optional_real(9);
  c.confidence = row.optional_real(10);
  c.text = row.text(11);
  return c;
}

Passage read_passage(const Statement& row) {
  Passage p;
  p.id = row.int64(0);
  p.content_id = row.int64(1);
  p.track_id = row.optional_int64(2);
  p.seq = static_cast<int>(row.int64(3));
  p.start_ms = row.optional_int64(4);
  p.end_ms = row.optional_int64(5);
  if (const auto page = row.optional_int64(6)) p.page = static_cast<int>(*page);
  p.language = row.text(7);
  p.text = row.text(8);
  return p;
}

constexpr std::string_view kTrackColumns =
    "SELECT id, content_id, kind, language, origin, review, label, reviewed_by, "
    "coalesce(reviewed_at, '') FROM track";
constexpr std::string_view kPassageColumns =
    "SELECT id, content_id, track_id, seq, start_ms, end_ms, page, language, text FROM passage";

}  // namespace

// ---- tracks ----

Result<Id> TrackRepository::insert(const Track& track) {
  if (!is_valid_origin(track.origin)) {
    return Status::invalid_argument("track origin '" + track.origin +
                                    "' must be 'human' or 'ai:<engine>@<version>'");
  }
  REPERE_ASSIGN_OR_RETURN(Statement stmt,
                          db_.prepare("INSERT INTO track (content_id, kind, language, origin, "
                                      "review, label) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  REPERE_RETURN_IF_ERROR(stmt.bind(1, track.content_id)
                             .bind(2, to_string(track.kind))
                             .bind(3, track.language)
                             .bind(4, track.origin)
                             .bind(5, to_string(track.review))
                             .bind(6, track.label)
                             .run()
                             .with_context("track of content " + std::to_string(track.content_id)));
  return db_.last_insert_id();
}

Result<Track> TrackRepository::get(Id id) {
  REPERE_ASSIGN_OR_RETURN(Statement stmt,
                          db_.prepare(std::string(kTrackColumns) + " WHERE id = ?1"));
  stmt.bind(1, id);
  REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row) return Status::not_found("no track with id " + std::to_string(id));
  return read_track(stmt);
}

Result<std::vector<Track>> TrackRepository::list_for_content(Id content_id) {
  REPERE_ASSIGN_OR_RETURN(Statement stmt, db_.prepare(std::string(kTrackColumns) +
                                                      " WHERE content_id = ?1 ORDER BY id"));
  stmt.bind(1, content_id);
  std::vector<Track> out;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) return out;
    REPERE_ASSIGN_OR_RETURN(Track t, read_track(stmt));
    out.push_back(std::move(t));
  }
}

Status TrackRepository::remove(Id id) {
  REPERE_ASSIGN_OR_RETURN(Statement stmt, db_.prepare("DELETE FROM track WHERE id = ?1"));
  REPERE_RETURN_IF_ERROR(stmt.bind(1, id).run());
  if (db_.changes() == 0) return Status::not_found("no track with id " + std::to_string(id));
  return Status::ok();
}

Status TrackRepository::remove_for_content(Id content_id) {
  REPERE_ASSIGN_OR_RETURN(Statement stmt, db_.prepare("DELETE FROM track WHERE content_id = ?1"));
  return stmt.bind(1, content_id).run();
}

// ---- cues ----

Status CueRepository::replace_for_track(Id track_id, const std::vector<Cue>& cues) {
  REPERE_ASSIGN_OR_RETURN(Transaction txn, Transaction::begin(db_));
  REPERE_ASSIGN_OR_RETURN(Statement clear, db_.prepare("DELETE FROM cue WHERE track_id = ?1"));
  REPERE_RETURN_IF_ERROR(clear.bind(1, track_id).run());
  REPERE_ASSIGN_OR_RETURN(
      Statement insert,
      db_.prepare(
          "INSERT INTO cue (track_id, seq, start_ms, end_ms, page, box_x, box_y, box_w, "
          "box_h, confidence, text) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"));
  for (std::size_t i = 0; i < cues.size(); ++i) {
    const Cue& c = cues[i];
    insert.reset();
    insert.bind(1, track_id)
        .bind(2, static_cast<std::int64_t>(i))
        .bind(3, c.start_ms)
        .bind(4, c.end_ms)
        .bind(5, c.page)
        .bind(6, c.box_x)
        .bind(7, c.box_y)
        .bind(8, c.box_w)
        .bind(9, c.box_h)
        .bind(10, c.confidence)
        .bind(11, c.text);
    REPERE_RETURN_IF_ERROR(insert.run().with_context("cue " + std::to_string(i) + " of track " +
                                                     std::to_string(track_id)));
  }
  return txn.commit();
}

Result<std::vector<ReviewItem>> TrackRepository::needing_review(int limit) {
  REPERE_ASSIGN_OR_RETURN(
      Statement stmt,
      db_.prepare("SELECT c.id, c.title, c.status, t.id, t.origin, count(q.id), "
                  "avg(q.confidence), coalesce(sum(q.confidence < 0.6), 0) "
                  "FROM track t JOIN content c ON c.id = t.content_id "
                  "LEFT JOIN cue q ON q.track_id = t.id "
                  "WHERE t.origin GLOB 'ai:*' AND t.review != 'approved' AND c.status != "
                  "'retired' GROUP BY t.id ORDER BY avg(q.confidence) IS NULL, "
                  "avg(q.confidence), count(q.id) DESC LIMIT ?1"));
  stmt.bind(1, limit);
  std::vector<ReviewItem> out;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) return out;
    ReviewItem r;
    r.content_id = stmt.int64(0);
    r.title = stmt.text(1);
    REPERE_ASSIGN_OR_RETURN(r.status, parse_editorial_status(stmt.text(2)));
    r.track_id = stmt.int64(3);
    r.origin = stmt.text(4);
    r.cues = stmt.int64(5);
    r.mean_confidence = stmt.optional_real(6);
    r.doubtful = stmt.int64(7);
    out.push_back(std::move(r));
  }
}

Status TrackRepository::set_review(Id id, ReviewState review, std::string_view by) {
  REPERE_ASSIGN_OR_RETURN(Statement stmt,
                          db_.prepare("UPDATE track SET review = ?1, reviewed_by = ?2, "
                                      "reviewed_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') "
                                      "WHERE id = ?3"));
  REPERE_RETURN_IF_ERROR(stmt.bind(1, to_string(review)).bind(2, by).bind(3, id).run());
  if (db_.changes() == 0) return Status::not_found("no track with id " + std::to_string(id));
  return Status::ok();
}

Result<std::vector<Cue>> CueRepository::list_for_track(Id track_id) {
  REPERE_ASSIGN_OR_RETURN(
      Statement stmt,
      db_.prepare("SELECT id, track_id, seq, start_ms, end_ms, page, box_x, box_y, box_w, box_h, "
                  "confidence, text FROM cue WHERE track_id = ?1 ORDER BY seq"));
  stmt.bind(1, track_id);
  std::vector<Cue> out;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) return out;
    out.push_back(read_cue(stmt));
  }
}

Result<std::int64_t> CueRepository::count_for_track(Id track_id) {
  REPERE_ASSIGN_OR_RETURN(Statement stmt,
                          db_.prepare("SELECT count(*) FROM cue WHERE track_id = ?1"));
  stmt.bind(1, track_id);
  REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
  return row ? stmt.int64(0) : 0;
}

Result<int> CueRepository::revise(Id track_id, const std::vector<Cue>& cues, std::string_view by) {
  REPERE_ASSIGN_OR_RETURN(Transaction txn, Transaction::begin(db_));
  REPERE_ASSIGN_OR_RETURN(
      Statement keep,
      db_.prepare("INSERT INTO track_revision (track_id, number, made_by, cues) "
                  "SELECT ?1, (SELECT coalesce(max(number), 0) + 1 FROM track_revision WHERE "
                  "track_id = ?1), ?2, (SELECT json_group_array(json_object('start_ms', "
                  "start_ms, 'end_ms', end_ms, 'page', page, 'box_x', box_x, 'box_y', box_y, "
                  "'box_w', box_w, 'box_h', box_h, 'confidence', confidence, 'text', text)) "
                  "FROM (SELECT * FROM cue WHERE track_id = ?1 ORDER BY seq))"));
  REPERE_RETURN_IF_ERROR(keep.bind(1, track_id).bind(2, by).run());
  const std::int64_t kept = db_.last_insert_id();
  REPERE_RETURN_IF_ERROR(replace_for_track(track_id, cues));
  REPERE_ASSIGN_OR_RETURN(Statement num,
                          db_.prepare("SELECT number FROM track_revision WHERE id = ?1"));
  REPERE_ASSIGN_OR_RETURN(const bool row, num.bind(1, kept).step());
  const int revision = row ? static_cast<int>(num.int64(0)) : 0;
  REPERE_RETURN_IF_ERROR(txn.commit());
  return revision;
}

Result<std::vector<Revision>> CueRepository::revisions(Id track_id) {
  REPERE_ASSIGN_OR_RETURN(Statement stmt,
                          db_.prepare("SELECT number, made_by, made_at, json_array_length(cues) "
                                      "FROM track_revision WHERE track_id = ?1 ORDER BY number "
                                      "DESC"));
  stmt.bind(1, track_id);
  std::vector<Revision> out;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) return out;
    out.push_back({static_cast<int>(stmt.int64(0)), stmt.text(1), stmt.text(2),
                   static_cast<int>(stmt.int64(3))});
  }
}

Result<std::vector<Cue>> CueRepository::revision_cues(Id track_id, int number) {
  REPERE_ASSIGN_OR_RETURN(
      Statement stmt,
      db_.prepare("SELECT r.id, ?1, CAST(j.key AS INTEGER), json_extract(j.value, '$.start_ms'), "
                  "json_extract(j.value, '$.end_ms'), json_extract(j.value, '$.page'), "
                  "json_extract(j.value, '$.box_x'), json_extract(j.value, '$.box_y'), "
                  "json_extract(j.value, '$.box_w'), json_extract(j.value, '$.box_h'), "
                  "json_extract(j.value, '$.confidence'), json_extract(j.value, '$.text') "
                  "FROM track_revision r, json_each(r.cues) j WHERE r.track_id = ?1 AND "
                  "r.number = ?2 ORDER BY CAST(j.key AS INTEGER)"));
  stmt.bind(1, track_id).bind(2, number);
  std::vector<Cue> out;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) break;
    out.push_back(read_cue(stmt));
  }
  if (out.empty()) {
    REPERE_ASSIGN_OR_RETURN(Statement exists, db_.prepare("SELECT 1 FROM track_revision WHERE "
                                                          "track_id = ?1 AND number = ?2"));
    REPERE_ASSIGN_OR_RETURN(const bool found, exists.bind(1, track_id).bind(2, number).step());
    if (!found)
      return Status::not_found("track " + std::to_string(track_id) + " has no revision " +
                               std::to_string(number));
  }
  return out;
}

// ---- passages ----

Status PassageRepository::replace_for_content(Id content_id, const std::vector<Passage>& passages) {
  for (std::size_t i = 0; i < passages.size(); ++i) {
    if (passages[i].text.empty()) {
      return Status::invalid_argument("passage " + std::to_string(i) + " of content " +
                                      std::to_string(content_id) + " has no text");
    }
  }
  REPERE_ASSIGN_OR_RETURN(Transaction txn, Transaction::begin(db_));
  REPERE_ASSIGN_OR_RETURN(Statement clear,
                          db_.prepare("DELETE FROM passage WHERE content_id = ?1"));
  REPERE_RETURN_IF_ERROR(clear.bind(1, content_id).run());
  REPERE_ASSIGN_OR_RETURN(
      Statement insert,
      db_.prepare("INSERT INTO passage (content_id, track_id, seq, start_ms, end_ms, page, "
                  "language, text) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
  for (std::size_t i = 0; i < passages.size(); ++i) {
    const Passage& p = passages[i];
    insert.reset();
    insert.bind(1, content_id)
        .bind(2, p.track_id)
        .bind(3, static_cast<std::int64_t>(i))
        .bind(4, p.start_ms)
        .bind(5, p.end_ms)
        .bind(6, p.page)
        .bind(7, p.language)
        .bind(8, p.text);
    REPERE_RETURN_IF_ERROR(insert.run().with_context("passage " + std::to_string(i) +
                                                     " of content " + std::to_string(content_id)));
  }
  // Its indexed form depends on this count (index::update_index's signature).
  REPERE_ASSIGN_OR_RETURN(Statement version,
                          db_.prepare("UPDATE content SET text_version = text_version + 1 "
                                      "WHERE id = ?1"));
  REPERE_RETURN_IF_ERROR(version.bind(1, content_id).run());
  return txn.commit();
}

Result<Passage> PassageRepository::get(Id id) {
  REPERE_ASSIGN_OR_RETURN(Statement stmt,
                          db_.prepare(std::string(kPassageColumns) + " WHERE id = ?1"));
  stmt.bind(1, id);
  REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row) return Status::not_found("no passage with id " + std::to_string(id));
  return read_passage(stmt);
}

namespace {

int transcript_rank(const Track& t) {
  switch (t.kind) {
    case TrackKind::kSubtitles: return 0;
    case TrackKind::kAsr: return 1;
    case TrackKind::kText:
    case TrackKind::kPdfText: return 2;
    case TrackKind::kOcrScan: return 3;
    case TrackKind::kOcrFrames: return 4;
  }
  return 5;
}

}  // namespace

const Track* best_transcript(const std::vector<Track>& tracks, bool said_only) {
  const Track* best = nullptr;
  for (const Track& t : tracks) {
    if (said_only && t.kind != TrackKind::kSubtitles && t.kind != TrackKind::kAsr &&
        t.kind != TrackKind::kText)
      continue;
    if (!best || transcript_rank(t) < transcript_rank(*best)) best = &t;
  }
  return best;
}

Result<std::vector<Passage>> PassageRepository::list_for_content(Id content_id) {
  REPERE_ASSIGN_OR_RETURN(Statement stmt, db_.prepare(std::string(kPassageColumns) +
                                                      " WHERE content_id = ?1 ORDER BY seq"));
  stmt.bind(1, content_id);
  std::vector<Passage> out;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) return out;
    out.push_back(read_passage(stmt));
  }
}

}  // namespace repere::catalog
