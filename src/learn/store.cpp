#include "repere/learn/store.h"

#include <sodium.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "repere/catalog/database.h"
#include "repere/core/text.h"
#include "repere/learn/json.h"

namespace repere::learn {

using json = nlohmann::json;

namespace {

// ---------------------------------------------------------------------------------------------
// Secrets

std::string hex(const unsigned char* bytes, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 15];
  }
  return out;
}

std::string new_secret() {              // 128 random bits, 32 hex characters
  if (sodium_init() < 0) std::abort();  // no entropy source: nothing safe can be made
  unsigned char bytes[16];
  randombytes_buf(bytes, sizeof bytes);
  return hex(bytes, sizeof bytes);
}

std::string digest(const std::string& secret) {
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  return hex(out, sizeof out);
}

// Share codes: easy to read aloud and to type on a pupil's tablet.
constexpr std::string_view kCodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
constexpr int kCodeLength = 9;

// 9 characters of 31 (no 0/O, 1/I/L): 44.6 bits, shown in three groups ("K7M-PQ4-XZ9"). Codes
// made before (6 characters) still work.
std::string new_code() {
  if (sodium_init() < 0) std::abort();
  std::string code;
  for (int i = 0; i < kCodeLength; ++i) {
    code += kCodeAlphabet[randombytes_uniform(static_cast<std::uint32_t>(kCodeAlphabet.size()))];
  }
  return code;
}

std::string clean_code(const std::string& typed) {
  std::string out;
  for (const char c : typed) {
    if (c == ' ' || c == '-') continue;
    out += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Interactions as stored: the fields of their type in a JSON body.

std::string body_of(const Interaction& x) {
  json b = json::object();
  switch (x.type) {
    case InteractionType::kDefinition:
      b["term"] = x.term;
      b["definition"] = x.definition;
      break;
    case InteractionType::kChoice:
      b["question"] = x.question;
      b["choices"] = json::array();
      for (const Choice& c : x.choices) {
        b["choices"].push_back(
            {{"text", c.text}, {"correct", c.correct}, {"feedback", c.feedback}});
      }
      break;
    case InteractionType::kTrueFalse:
      b["question"] = x.question;
      b["answer_true"] = x.answer_true;
      break;
    case InteractionType::kBlanks: b["text"] = x.text; break;
    case InteractionType::kOpen: b["question"] = x.question; break;
    case InteractionType::kChapter: b["title"] = x.title; break;
  }
  if (!x.feedback_right.empty()) b["feedback_right"] = x.feedback_right;
  if (!x.feedback_wrong.empty()) b["feedback_wrong"] = x.feedback_wrong;
  return b.dump();
}

void read_body(const std::string& text, Interaction& x) {
  const json b = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!b.is_object()) return;
  x.term = b.value("term", "");
  x.definition = b.value("definition", "");
  x.question = b.value("question", "");
  x.answer_true = b.value("answer_true", false);
  x.text = b.value("text", "");
  x.title = b.value("title", "");
  x.feedback_right = b.value("feedback_right", "");
  x.feedback_wrong = b.value("feedback_wrong", "");
  if (b.contains("choices") && b["choices"].is_array()) {
    for (const json& c : b["choices"]) {
      if (!c.is_object()) continue;
      x.choices.push_back(
          {c.value("text", ""), c.value("correct", false), c.value("feedback", "")});
    }
  }
}

std::string response_json(const Response& r, InteractionType type) {
  switch (type) {
    case InteractionType::kChoice: return json{{"chosen", r.chosen}}.dump();
    case InteractionType::kTrueFalse: return json{{"answer", r.answer.value_or(false)}}.dump();
    case InteractionType::kBlanks: return json{{"blanks", r.blanks}}.dump();
    default: return json{{"text", r.text}}.dump();
  }
}

std::string label_of(const Interaction& q) {
  return q.type == InteractionType::kBlanks ? q.text : q.question;
}

// ---------------------------------------------------------------------------------------------
// Rows

constexpr const char* kActivityColumns =
    "id, content_id, title, start_ms, end_ms, skipping, must_answer, captions_on, created_at, "
    "updated_at, attempts, counting";

Result<Activity> activity_from(const catalog::Statement& row) {
  Activity a;
  a.id = row.int64(0);
  a.content_id = row.int64(1);
  a.title = row.text(2);
  a.start_ms = row.int64(3);
  a.end_ms = row.int64(4);
  REPERE_ASSIGN_OR_RETURN(a.settings.skipping, parse_skipping(row.text(5)));
  a.settings.must_answer = row.int64(6) != 0;
  a.settings.captions_on = row.int64(7) != 0;
  a.created_at = row.text(8);
  a.updated_at = row.text(9);
  a.settings.attempts = static_cast<int>(row.int64(10));
  REPERE_ASSIGN_OR_RETURN(a.settings.counting, parse_counting(row.text(11)));
  return a;
}

Result<std::vector<Interaction>> interactions_of(catalog::Database& db, Id activity_id) {
  REPERE_ASSIGN_OR_RETURN(auto stmt,
                          db.prepare("SELECT id, at_ms, type, pause, wrong_goto_ms, body "
                                     "FROM interaction WHERE activity_id = ?1 ORDER BY at_ms, id"));
  stmt.bind(1, activity_id);
  std::vector<Interaction> out;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) break;
    Interaction x;
    x.id = stmt.int64(0);
    x.at_ms = stmt.int64(1);
    REPERE_ASSIGN_OR_RETURN(x.type, parse_interaction_type(stmt.text(2)));
    x.pause = stmt.int64(3) != 0;
    x.wrong_goto_ms = stmt.optional_int64(4);
    read_body(stmt.text(5), x);
    out.push_back(std::move(x));
  }
  return out;
}

// The length of a content an activity may clip: video or audio only.
Result<std::optional<std::int64_t>> clip_bounds(catalog::Database& db, Id content_id) {
  REPERE_ASSIGN_OR_RETURN(auto stmt,
                          db.prepare("SELECT kind, duration_ms FROM content WHERE id = ?1"));
  stmt.bind(1, content_id);
  REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row) {
    return Status::invalid_argument("content_id: no content " + std::to_string(content_id));
  }
  const std::string kind = stmt.text(0);
  if (kind != "video" && kind != "audio") {
    return Status::invalid_argument("content_id: content " + std::to_string(content_id) + " is a " +
                                    kind +
                                    "; an interactive video needs a video or an audio content");
  }
  return stmt.optional_int64(1);
}

Status insert_interaction(catalog::Database& db, Id activity_id, const Interaction& x) {
  REPERE_ASSIGN_OR_RETURN(auto stmt, db.prepare("INSERT INTO interaction (activity_id, at_ms, "
                                                "type, pause, wrong_goto_ms, body) "
                                                "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  stmt.bind(1, activity_id)
      .bind(2, x.at_ms)
      .bind(3, to_string(x.type))
      .bind(4, x.pause ? 1 : 0)
      .bind(5, x.wrong_goto_ms)
      .bind(6, body_of(x));
  return stmt.run();
}

Status update_interaction(catalog::Database& db, const Interaction& x) {
  REPERE_ASSIGN_OR_RETURN(auto stmt, db.prepare("UPDATE interaction SET at_ms = ?2, type = ?3, "
                                                "pause = ?4, wrong_goto_ms = ?5, body = ?6 "
                                                "WHERE id = ?1"));
  stmt.bind(1, x.id)
      .bind(2, x.at_ms)
      .bind(3, to_string(x.type))
      .bind(4, x.pause ? 1 : 0)
      .bind(5, x.wrong_goto_ms)
      .bind(6, body_of(x));
  return stmt.run();
}

const Status kNoSuchActivity = Status::not_found("no activity for this edit link");

}  // namespace

std::string new_share_code() { return new_code(); }
std::string clean_share_code(const std::string& typed) { return clean_code(typed); }
std::string new_pupil_token() { return new_secret(); }
std::string token_digest(const std::string& token) { return digest(token); }

// ---------------------------------------------------------------------------------------------
// Activities

namespace {

// The activity with control characters taken out of its texts (line breaks kept where a text
// may have several lines).
Activity cleaned(const Activity& typed) {
  Activity a = typed;
  auto line = [](std::string& s) { s = text::strip_control(s, /*keep_lines=*/false); };
  auto lines = [](std::string& s) { s = text::strip_control(s, /*keep_lines=*/true); };
  line(a.title);
  for (Interaction& x : a.interactions) {
    line(x.term);
    lines(x.definition);
    lines(x.question);
    lines(x.text);
    line(x.title);
    lines(x.feedback_right);
    lines(x.feedback_wrong);
    for (Choice& c : x.choices) {
      line(c.text);
      lines(c.feedback);
    }
  }
  return a;
}

}  // namespace

Result<Created> ActivityStore::create(const Activity& typed, std::optional<Id> owner) {
  const Activity a = cleaned(typed);
  REPERE_ASSIGN_OR_RETURN(const auto duration, clip_bounds(db_, a.content_id));
  REPERE_RETURN_IF_ERROR(validate(a, duration));
  Created out;
  out.edit_key = new_secret();
  REPERE_ASSIGN_OR_RETURN(auto txn, catalog::Transaction::begin(db_));
  REPERE_ASSIGN_OR_RETURN(auto stmt,
                          db_.prepare("INSERT INTO activity (content_id, title, start_ms, end_ms, "
                                      "skipping, must_answer, captions_on, edit_key_hash, "
                                      "owner_id, attempts, counting) "
                                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"));
  stmt.bind(1, a.content_id)
      .bind(2, a.title)
      .bind(3, a.start_ms)
      .bind(4, a.end_ms)
      .bind(5, to_string(a.settings.skipping))
      .bind(6, a.settings.must_answer ? 1 : 0)
      .bind(7, a.settings.captions_on ? 1 : 0)
      .bind(8, digest(out.edit_key))
      .bind(9, owner)
      .bind(10, static_cast<std::int64_t>(a.settings.attempts))
      .bind(11, to_string(a.settings.counting));
  REPERE_RETURN_IF_ERROR(stmt.run());
  out.id = db_.last_insert_id();
  for (const Interaction& x : a.interactions) {
    REPERE_RETURN_IF_ERROR(insert_interaction(db_, out.id, x));
  }
  REPERE_RETURN_IF_ERROR(txn.commit());
  return out;
}

Result<Activity> ActivityStore::get(Id id) {
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare(std::string("SELECT ") + kActivityColumns +
                                                 " FROM activity WHERE id = ?1"));
  stmt.bind(1, id);
  REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row) return Status::not_found("no activity " + std::to_string(id));
  REPERE_ASSIGN_OR_RETURN(Activity a, activity_from(stmt));
  REPERE_ASSIGN_OR_RETURN(a.interactions, interactions_of(db_, id));
  return a;
}

Status ActivityStore::check_key(Id activity_id, const Editor& editor) {
  if (editor.user_id) {
    REPERE_ASSIGN_OR_RETURN(auto mine, db_.prepare("SELECT 1 FROM activity WHERE id = ?1 AND "
                                                   "owner_id = ?2 UNION ALL SELECT 1 FROM "
                                                   "activity_editor WHERE activity_id = ?1 AND "
                                                   "user_id = ?2"));
    mine.bind(1, activity_id).bind(2, *editor.user_id);
    REPERE_ASSIGN_OR_RETURN(const bool row, mine.step());
    if (row) return Status::ok();
  }
  const std::string& edit_key = editor.key;
  if (edit_key.size() != 32) return kNoSuchActivity;
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("SELECT edit_key_hash FROM activity "
                                                 "WHERE id = ?1"));
  stmt.bind(1, activity_id);
  REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row) return kNoSuchActivity;
  const std::string stored = stmt.text(0);
  const std::string given = digest(edit_key);
  if (stored.size() != given.size() ||
      sodium_memcmp(stored.data(), given.data(), given.size()) != 0) {
    return kNoSuchActivity;
  }
  return Status::ok();
}

Result<std::vector<OwnedActivity>> ActivityStore::editable_by(Id user_id) {
  REPERE_ASSIGN_OR_RETURN(
      auto stmt, db_.prepare("SELECT a.id, a.content_id, a.title, a.updated_at, a.owner_id IS ?1, "
                             "(SELECT count(*) FROM class_share c WHERE c.activity_id = a.id) "
                             "FROM activity a WHERE a.owner_id = ?1 OR EXISTS (SELECT 1 FROM "
                             "activity_editor e WHERE e.activity_id = a.id AND e.user_id = ?1) "
                             "ORDER BY a.updated_at DESC, a.id DESC"));
  stmt.bind(1, user_id);
  std::vector<OwnedActivity> out;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) return out;
    out.push_back({.id = stmt.int64(0),
                   .content_id = stmt.int64(1),
                   .title = stmt.text(2),
                   .updated_at = stmt.text(3),
                   .owner = stmt.int64(4) != 0,
                   .classes = static_cast<int>(stmt.int64(5))});
  }
}

Status ActivityStore::claim(Id activity_id, const std::string& edit_key, Id user_id) {
  REPERE_RETURN_IF_ERROR(check_key(activity_id, Editor(edit_key)));
  REPERE_ASSIGN_OR_RETURN(auto txn, catalog::Transaction::begin(db_));
  REPERE_ASSIGN_OR_RETURN(auto own, db_.prepare("UPDATE activity SET owner_id = ?2 WHERE id = ?1 "
                                                "AND owner_id IS NULL"));
  REPERE_RETURN_IF_ERROR(own.bind(1, activity_id).bind(2, user_id).run());
  if (db_.changes() == 0) {
    REPERE_ASSIGN_OR_RETURN(auto edit, db_.prepare("INSERT OR IGNORE INTO activity_editor "
                                                   "(activity_id, user_id) SELECT ?1, ?2 WHERE "
                                                   "NOT EXISTS (SELECT 1 FROM activity WHERE "
                                                   "id = ?1 AND owner_id = ?2)"));
    REPERE_RETURN_IF_ERROR(edit.bind(1, activity_id).bind(2, user_id).run());
  }
  return txn.commit();
}

Status ActivityStore::share(Id activity_id, Id owner_id, Id user_id) {
  REPERE_ASSIGN_OR_RETURN(const auto owner, owner_of(activity_id));
  if (!owner || *owner != owner_id) return kNoSuchActivity;
  if (user_id == owner_id) return Status::ok();
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("INSERT OR IGNORE INTO activity_editor "
                                                 "(activity_id, user_id) VALUES (?1, ?2)"));
  return stmt.bind(1, activity_id).bind(2, user_id).run();
}

Result<std::optional<Id>> ActivityStore::owner_of(Id activity_id) {
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("SELECT owner_id FROM activity WHERE id = ?1"));
  REPERE_ASSIGN_OR_RETURN(const bool row, stmt.bind(1, activity_id).step());
  if (!row) return kNoSuchActivity;
  return stmt.optional_int64(0);
}

Result<Activity> ActivityStore::get_for_edit(Id id, const Editor& editor) {
  REPERE_RETURN_IF_ERROR(check_key(id, editor));
  return get(id);
}

Status ActivityStore::update(const Activity& typed, const Editor& editor) {
  const Activity a = cleaned(typed);
  REPERE_RETURN_IF_ERROR(check_key(a.id, editor));
  REPERE_ASSIGN_OR_RETURN(const Activity before, get(a.id));
  REPERE_ASSIGN_OR_RETURN(const auto duration, clip_bounds(db_, before.content_id));
  REPERE_RETURN_IF_ERROR(validate(a, duration));
  std::set<Id> existing;
  for (const Interaction& x : before.interactions) existing.insert(x.id);
  for (std::size_t i = 0; i < a.interactions.size(); ++i) {
    const Id id = a.interactions[i].id;
    if (id != 0 && !existing.count(id)) {
      return Status::invalid_argument("interactions[" + std::to_string(i) +
                                      "].id: " + std::to_string(id) +
                                      " is not an interaction of activity " + std::to_string(a.id));
    }
  }
  REPERE_ASSIGN_OR_RETURN(auto txn, catalog::Transaction::begin(db_));
  REPERE_ASSIGN_OR_RETURN(auto stmt,
                          db_.prepare("UPDATE activity SET title = ?2, start_ms = ?3, end_ms = ?4, "
                                      "skipping = ?5, must_answer = ?6, captions_on = ?7, "
                                      "attempts = ?8, counting = ?9, "
                                      "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') "
                                      "WHERE id = ?1"));
  stmt.bind(1, a.id)
      .bind(2, a.title)
      .bind(3, a.start_ms)
      .bind(4, a.end_ms)
      .bind(5, to_string(a.settings.skipping))
      .bind(6, a.settings.must_answer ? 1 : 0)
      .bind(7, a.settings.captions_on ? 1 : 0)
      .bind(8, static_cast<std::int64_t>(a.settings.attempts))
      .bind(9, to_string(a.settings.counting));
  REPERE_RETURN_IF_ERROR(stmt.run());
  std::set<Id> kept;
  for (const Interaction& x : a.interactions) {
    if (x.id != 0) {
      kept.insert(x.id);
      REPERE_RETURN_IF_ERROR(update_interaction(db_, x));
    } else {
      REPERE_RETURN_IF_ERROR(insert_interaction(db_, a.id, x));
    }
  }
  REPERE_ASSIGN_OR_RETURN(auto drop, db_.prepare("DELETE FROM interaction WHERE id = ?1"));
  for (const Id id : existing) {
    if (kept.count(id)) continue;
    drop.reset();
    REPERE_RETURN_IF_ERROR(drop.bind(1, id).run());
  }
  return txn.commit();
}

Status ActivityStore::remove(Id id, const Editor& editor) {
  REPERE_RETURN_IF_ERROR(check_key(id, editor));
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("DELETE FROM activity WHERE id = ?1"));
  return stmt.bind(1, id).run();
}

// ---------------------------------------------------------------------------------------------
// Classes and pupils

namespace {

ClassShare share_from(const catalog::Statement& row) {
  return {row.int64(0), row.int64(1),      row.text(2),      row.text(3),
          row.text(4),  row.int64(5) != 0, row.int64(6) != 0};
}

}  // namespace

Result<ClassShare> ActivityStore::add_class(Id activity_id, const Editor& editor,
                                            const std::string& name) {
  REPERE_RETURN_IF_ERROR(check_key(activity_id, editor));
  return add_class_for(activity_id, name);
}

Result<ClassShare> ActivityStore::add_class_for(Id activity_id, const std::string& name) {
  std::string clean = text::strip_control(name, /*keep_lines=*/false);
  while (!clean.empty() && clean.back() == ' ') clean.pop_back();
  while (!clean.empty() && clean.front() == ' ') clean.erase(0, 1);
  if (clean.empty()) return Status::invalid_argument("name: give the class a name (e.g. 5e B)");
  if (clean.size() > 100) return Status::invalid_argument("name: at most 100 bytes");
  for (int attempt = 0; attempt < 20; ++attempt) {
    const std::string code = new_code();
    REPERE_ASSIGN_OR_RETURN(auto taken, db_.prepare("SELECT 1 FROM class_share WHERE code = ?1"));
    REPERE_ASSIGN_OR_RETURN(const bool exists, taken.bind(1, code).step());
    if (exists) continue;
    REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("INSERT INTO class_share (activity_id, code, "
                                                   "name) VALUES (?1, ?2, ?3)"));
    REPERE_RETURN_IF_ERROR(stmt.bind(1, activity_id).bind(2, code).bind(3, clean).run());
    return class_by_code(code);
  }
  return Status::unavailable("could not find a free share code; try again");
}

Status ActivityStore::set_class_setting(Id activity_id, const Editor& editor, Id class_id,
                                        const char* column, bool on) {
  REPERE_RETURN_IF_ERROR(check_key(activity_id, editor));
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare(std::string("UPDATE class_share SET ") + column +
                                                 " = ?1 WHERE id = ?2 AND activity_id = ?3"));
  REPERE_RETURN_IF_ERROR(stmt.bind(1, on ? 1 : 0).bind(2, class_id).bind(3, activity_id).run());
  if (db_.changes() == 0)
    return Status::not_found("no class " + std::to_string(class_id) + " here");
  return Status::ok();
}

Status ActivityStore::set_reading_view(Id activity_id, const Editor& editor, Id class_id, bool on) {
  return set_class_setting(activity_id, editor, class_id, "reading_view", on);
}

Status ActivityStore::set_insight(Id activity_id, const Editor& editor, Id class_id, bool on) {
  return set_class_setting(activity_id, editor, class_id, "insight", on);
}

Result<std::vector<ClassShare>> ActivityStore::classes(Id activity_id, const Editor& editor) {
  REPERE_RETURN_IF_ERROR(check_key(activity_id, editor));
  REPERE_ASSIGN_OR_RETURN(
      auto stmt,
      db_.prepare("SELECT id, activity_id, code, name, created_at, reading_view, insight FROM "
                  "class_share WHERE activity_id = ?1 ORDER BY id"));
  stmt.bind(1, activity_id);
  std::vector<ClassShare> out;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) break;
    out.push_back(share_from(stmt));
  }
  return out;
}

Result<ClassShare> ActivityStore::class_by_code(const std::string& code) {
  REPERE_ASSIGN_OR_RETURN(
      auto stmt,
      db_.prepare("SELECT id, activity_id, code, name, created_at, reading_view, insight FROM "
                  "class_share WHERE code = ?1"));
  stmt.bind(1, clean_code(code));
  REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row) return Status::not_found("no class with the code " + clean_code(code).substr(0, 12));
  return share_from(stmt);
}

Result<ClassShare> ActivityStore::class_by_id(Id id) {
  REPERE_ASSIGN_OR_RETURN(
      auto stmt,
      db_.prepare("SELECT id, activity_id, code, name, created_at, reading_view, insight FROM "
                  "class_share WHERE id = ?1"));
  stmt.bind(1, id);
  REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row) return Status::not_found("no class " + std::to_string(id));
  return share_from(stmt);
}

Result<Pupil> ActivityStore::join(const std::string& code, const std::string& pseudonym) {
  REPERE_ASSIGN_OR_RETURN(const ClassShare share, class_by_code(code));
  std::string clean = text::strip_control(pseudonym, /*keep_lines=*/false);
  while (!clean.empty() && clean.back() == ' ') clean.pop_back();
  while (!clean.empty() && clean.front() == ' ') clean.erase(0, 1);
  if (clean.empty()) return Status::invalid_argument("pseudonym: choose a pseudonym");
  if (clean.size() > 40) return Status::invalid_argument("pseudonym: at most 40 bytes");
  Pupil p{0, share.id, clean, new_secret()};
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("INSERT INTO pupil (class_id, pseudonym, "
                                                 "token_hash) VALUES (?1, ?2, ?3)"));
  REPERE_RETURN_IF_ERROR(stmt.bind(1, share.id).bind(2, clean).bind(3, digest(p.token)).run());
  p.id = db_.last_insert_id();
  return p;
}

Result<Pupil> ActivityStore::pupil_by_token(const std::string& token) {
  if (token.size() != 32) return Status::not_found("unknown pupil");
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("SELECT id, class_id, pseudonym FROM pupil "
                                                 "WHERE token_hash = ?1"));
  stmt.bind(1, digest(token));
  REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row) return Status::not_found("unknown pupil");
  return Pupil{stmt.int64(0), stmt.int64(1), stmt.text(2), ""};
}

Result<Pupil> ActivityStore::renew_token(Id pupil_id) {
  Pupil p{pupil_id, 0, "", new_secret()};
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("UPDATE pupil SET token_hash = ?2 WHERE id = ?1 "
                                                 "RETURNING class_id, pseudonym"));
  stmt.bind(1, pupil_id).bind(2, digest(p.token));
  REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row) return Status::not_found("no pupil " + std::to_string(pupil_id));
  p.class_id = stmt.int64(0);
  p.pseudonym = stmt.text(1);
  REPERE_ASSIGN_OR_RETURN(const bool more, stmt.step());
  (void)more;
  return p;
}

Result<Grade> ActivityStore::answer(const Pupil& pupil, Id interaction_id, const Response& typed,
                                    std::int64_t elapsed_ms) {
  Response r = typed;  // control characters never reach the pages or the CSV
  r.text = text::strip_control(r.text, /*keep_lines=*/true);
  for (std::string& b : r.blanks) b = text::strip_control(b, /*keep_lines=*/false);
  // The interaction must belong to the activity of the pupil's class.
  REPERE_ASSIGN_OR_RETURN(auto owner,
                          db_.prepare("SELECT i.activity_id FROM interaction i JOIN class_share "
                                      "s ON s.activity_id = i.activity_id WHERE i.id = ?1 AND "
                                      "s.id = ?2"));
  owner.bind(1, interaction_id).bind(2, pupil.class_id);
  REPERE_ASSIGN_OR_RETURN(const bool row, owner.step());
  if (!row) {
    return Status::not_found("interaction " + std::to_string(interaction_id) +
                             " is not part of this class's activity");
  }
  REPERE_ASSIGN_OR_RETURN(const Activity a, get(owner.int64(0)));
  const auto q = std::find_if(a.interactions.begin(), a.interactions.end(),
                              [&](const Interaction& x) { return x.id == interaction_id; });
  REPERE_ASSIGN_OR_RETURN(Grade g, grade(*q, r));
  REPERE_ASSIGN_OR_RETURN(auto txn, catalog::Transaction::begin(db_));
  REPERE_ASSIGN_OR_RETURN(auto used_stmt, db_.prepare("SELECT count(*) FROM answer WHERE "
                                                      "pupil_id = ?1 AND interaction_id = ?2"));
  used_stmt.bind(1, pupil.id).bind(2, interaction_id);
  REPERE_RETURN_IF_ERROR(used_stmt.step().status());
  const int used = static_cast<int>(used_stmt.int64(0));
  if (const auto left = attempts_left(a.settings, used); left && *left == 0) {
    return Status::permission_denied("no attempt left at interaction " +
                                     std::to_string(interaction_id) + ": " + std::to_string(used) +
                                     " of " + std::to_string(a.settings.attempts) + " used");
  }
  REPERE_ASSIGN_OR_RETURN(auto stmt,
                          db_.prepare("INSERT INTO answer (pupil_id, interaction_id, response, "
                                      "correct, score, max_score, elapsed_ms) "
                                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  stmt.bind(1, pupil.id)
      .bind(2, interaction_id)
      .bind(3, response_json(r, q->type))
      .bind(4, g.correct ? std::optional<std::int64_t>(*g.correct ? 1 : 0) : std::nullopt)
      .bind(5, g.score)
      .bind(6, g.max_score)
      .bind(7, std::max<std::int64_t>(0, elapsed_ms));
  REPERE_RETURN_IF_ERROR(stmt.run());
  REPERE_RETURN_IF_ERROR(txn.commit());
  g.attempts_left = attempts_left(a.settings, used + 1);
  return g;
}

namespace {

// Every answer of a class's pupils (or of one pupil), by pupil and question, in the order given.
struct ClassAnswers {
  std::map<std::pair<Id, Id>, std::vector<AnswerRecord>> given;
  std::map<Id, std::int64_t> time_ms;  // pupil -> from joining to the last answer
};

Result<ClassAnswers> answers_of(catalog::Database& db, Id class_id, std::optional<Id> pupil) {
  REPERE_ASSIGN_OR_RETURN(
      auto stmt,
      db.prepare("SELECT a.pupil_id, a.interaction_id, a.correct, a.score, a.max_score, "
                 "a.response, a.elapsed_ms, a.created_at, "
                 "CAST((julianday(a.created_at) - julianday(p.created_at)) * 86400000 AS "
                 "INTEGER), a.id FROM answer a JOIN pupil p ON p.id = a.pupil_id "
                 "WHERE p.class_id = ?1 AND (?2 IS NULL OR p.id = ?2) ORDER BY a.id"));
  stmt.bind(1, class_id).bind(2, pupil);
  ClassAnswers out;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) break;
    AnswerRecord r;
    r.interaction_id = stmt.int64(1);
    if (!stmt.is_null(2)) r.correct = stmt.int64(2) != 0;
    r.score = stmt.real(3);
    r.max_score = stmt.real(4);
    r.response_json = stmt.text(5);
    r.elapsed_ms = stmt.int64(6);
    r.created_at = stmt.text(7);
    r.id = stmt.int64(9);
    std::int64_t& time = out.time_ms[stmt.int64(0)];
    time = std::max(time, stmt.int64(8));
    auto& list = out.given[{stmt.int64(0), r.interaction_id}];
    r.attempt = static_cast<int>(list.size()) + 1;
    list.push_back(std::move(r));
  }
  for (auto& [key, list] : out.given) {
    for (AnswerRecord& r : list) r.attempts = static_cast<int>(list.size());
  }
  return out;
}

// The answer that counts among a pupil's answers to one question (Settings::counting); an
// open question's latest, since it is read, not scored.
const AnswerRecord* counted_of(const std::vector<AnswerRecord>& given, const Interaction& q,
                               Counting rule) {
  if (given.empty()) return nullptr;
  if (!is_graded(q.type)) return &given.back();
  std::vector<Attempt> attempts;
  attempts.reserve(given.size());
  for (const AnswerRecord& r : given) attempts.push_back({r.correct, r.score, r.max_score});
  return &given[*counted_attempt(attempts, rule)];
}

}  // namespace

Result<PupilProgress> ActivityStore::progress(const Pupil& pupil) {
  REPERE_ASSIGN_OR_RETURN(auto stmt,
                          db_.prepare("SELECT activity_id FROM class_share WHERE id = ?1"));
  stmt.bind(1, pupil.class_id);
  REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row) return Status::not_found("unknown pupil");
  REPERE_ASSIGN_OR_RETURN(const Activity a, get(stmt.int64(0)));
  REPERE_ASSIGN_OR_RETURN(const ClassAnswers given, answers_of(db_, pupil.class_id, pupil.id));
  PupilProgress out;
  for (const Interaction& q : a.interactions) {
    if (!is_question(q.type)) continue;
    QuestionProgress p;
    p.interaction_id = q.id;
    p.graded = is_graded(q.type);
    p.max_score = max_score(q);
    const auto it = given.given.find({pupil.id, q.id});
    const std::vector<AnswerRecord> none;
    const auto& list = it == given.given.end() ? none : it->second;
    p.attempts_used = static_cast<int>(list.size());
    p.attempts_left = attempts_left(a.settings, p.attempts_used);
    if (const AnswerRecord* c = counted_of(list, q, a.settings.counting)) p.counted = *c;
    if (p.counted) ++out.answered;
    if (p.graded) {
      ++out.graded;
      out.max_score += p.max_score;
      if (p.counted) out.score += p.counted->score;
      if (p.counted && p.counted->correct.value_or(false)) ++out.right;
      const bool perfect = p.counted && p.counted->correct.value_or(false);
      if (!perfect && (!p.attempts_left || *p.attempts_left > 0)) out.can_retry = true;
    }
    out.questions.push_back(std::move(p));
  }
  return out;
}

Result<Created> ActivityStore::duplicate(Id id, const Editor& editor, std::optional<Id> owner) {
  REPERE_ASSIGN_OR_RETURN(Activity copy, get_for_edit(id, editor));
  copy.id = 0;
  const std::string suffix = " (copie)";
  if (copy.title.size() + suffix.size() <= 200) copy.title += suffix;
  for (Interaction& x : copy.interactions) x.id = 0;
  return create(copy, owner);
}

Status ActivityStore::remove_unowned(Id id) {
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("DELETE FROM activity WHERE id = ?1 AND "
                                                 "owner_id IS NULL AND NOT EXISTS (SELECT 1 "
                                                 "FROM class_share WHERE activity_id = ?1)"));
  return stmt.bind(1, id).run();
}

Result<Created> ActivityStore::copy_for(Id id, Id owner) {
  REPERE_ASSIGN_OR_RETURN(Activity copy, get(id));
  copy.id = 0;
  for (Interaction& x : copy.interactions) x.id = 0;
  return create(copy, owner);
}

// ---------------------------------------------------------------------------------------------
// Results

Result<Results> ActivityStore::results(Id activity_id, const Editor& editor, Id class_id) {
  REPERE_RETURN_IF_ERROR(check_key(activity_id, editor));
  REPERE_ASSIGN_OR_RETURN(
      auto share_stmt,
      db_.prepare("SELECT id, activity_id, code, name, created_at, reading_view, insight FROM "
                  "class_share WHERE id = ?1 AND activity_id = ?2"));
  share_stmt.bind(1, class_id).bind(2, activity_id);
  REPERE_ASSIGN_OR_RETURN(const bool found, share_stmt.step());
  if (!found) return Status::not_found("no class " + std::to_string(class_id) + " here");
  Results out;
  out.share = share_from(share_stmt);
  REPERE_ASSIGN_OR_RETURN(const Activity a, get(activity_id));

  // Every pupil of the class, numbered in the order they joined, then each one's answers.
  REPERE_ASSIGN_OR_RETURN(auto pupils, db_.prepare("SELECT id, pseudonym, created_at FROM pupil "
                                                   "WHERE class_id = ?1 ORDER BY id"));
  pupils.bind(1, class_id);
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, pupils.step());
    if (!row) break;
    PupilResult p;
    p.pupil_id = pupils.int64(0);
    p.number = static_cast<int>(out.pupils.size()) + 1;
    p.pseudonym = pupils.text(1);
    p.joined_at = pupils.text(2);
    out.pupils.push_back(std::move(p));
  }
  REPERE_ASSIGN_OR_RETURN(const ClassAnswers given, answers_of(db_, class_id, std::nullopt));
  auto counted = [&](Id pupil, const Interaction& q) -> const AnswerRecord* {
    const auto it = given.given.find({pupil, q.id});
    return it == given.given.end() ? nullptr : counted_of(it->second, q, a.settings.counting);
  };
  // How far each pupil's player got in the clip: the furthest progress of their statements.
  REPERE_ASSIGN_OR_RETURN(
      auto watched,
      db_.prepare("SELECT x.pupil_id, max(CAST(json_extract(x.statement, "
                  "'$.result.extensions.\"https://w3id.org/xapi/video/extensions/progress\"') "
                  "AS REAL)) FROM xapi_statement x JOIN pupil p ON p.id = x.pupil_id "
                  "WHERE p.class_id = ?1 GROUP BY x.pupil_id"));
  watched.bind(1, class_id);
  std::map<Id, double> furthest;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, watched.step());
    if (!row) break;
    if (!watched.is_null(1)) furthest[watched.int64(0)] = std::clamp(watched.real(1), 0.0, 1.0);
  }
  for (PupilResult& p : out.pupils) {
    if (const auto t = given.time_ms.find(p.pupil_id); t != given.time_ms.end())
      p.time_ms = t->second;
    if (const auto w = furthest.find(p.pupil_id); w != furthest.end()) {
      p.watched = w->second;
      p.watched_known = true;
    }
    for (const Interaction& q : a.interactions) {
      if (is_graded(q.type)) p.max_score += max_score(q);
      if (const auto all = given.given.find({p.pupil_id, q.id}); all != given.given.end())
        p.every.insert(p.every.end(), all->second.begin(), all->second.end());
      const AnswerRecord* c = counted(p.pupil_id, q);
      if (!c) continue;
      p.score += c->score;
      p.answers.push_back(*c);
    }
    std::stable_sort(p.every.begin(), p.every.end(),
                     [](const AnswerRecord& x, const AnswerRecord& y) { return x.id < y.id; });
  }
  for (const Interaction& q : a.interactions) {
    if (!is_question(q.type)) continue;
    QuestionResult r;
    r.interaction_id = q.id;
    r.label = label_of(q);
    r.graded = is_graded(q.type);
    std::map<std::string, int> wrong;
    for (const PupilResult& p : out.pupils) {
      const AnswerRecord* c = counted(p.pupil_id, q);
      if (!c) continue;
      ++r.answered;
      if (!r.graded) r.responses.push_back(response_text(q, c->response_json));
      if (c->correct.value_or(false)) ++r.right;
      if (c->correct == false) ++wrong[response_text(q, c->response_json)];
    }
    r.success_rate = r.graded && r.answered ? static_cast<double>(r.right) / r.answered : 0;
    std::vector<std::pair<std::string, int>> sorted(wrong.begin(), wrong.end());
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& x, const auto& y) { return x.second > y.second; });
    if (sorted.size() > 3) sorted.resize(3);
    r.common_wrong = std::move(sorted);
    out.questions.push_back(std::move(r));
  }
  return out;
}

namespace {

// A CSV cell. One that a spreadsheet would run as a formula (it starts with = + - @, a tab or
// a carriage return) gets a leading apostrophe and quotes (OWASP's CSV injection rule).
std::string csv_field(const std::string& cell) {
  const bool formula =
      !cell.empty() && std::string_view("=+-@\t\r").find(cell[0]) != std::string_view::npos;
  const std::string s = formula ? "'" + cell : cell;
  if (!formula && s.find_first_of(";\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string number(double v) {
  char out[32];
  std::snprintf(out, sizeof out, "%g", v);
  std::string s = out;
  std::replace(s.begin(), s.end(), '.', ',');  // French spreadsheets
  return s;
}

}  // namespace

Result<std::string> ActivityStore::results_csv(Id activity_id, const Editor& editor, Id class_id) {
  REPERE_ASSIGN_OR_RETURN(const Results r, results(activity_id, editor, class_id));
  REPERE_ASSIGN_OR_RETURN(const Activity a, get(activity_id));
  std::map<Id, const Interaction*> by_id;
  for (const Interaction& q : a.interactions) by_id[q.id] = &q;
  // A BOM so that spreadsheet programs read UTF-8; ';' as French spreadsheets expect.
  std::string out =
      "\xEF\xBB\xBF"
      "classe;numéro;pseudonyme;moment;type;question;réponse;juste;points;sur;essai compté;"
      "essais;vu (%);répondu le\r\n";
  for (const PupilResult& p : r.pupils) {
    for (const AnswerRecord& ans : p.answers) {
      const Interaction& q = *by_id.at(ans.interaction_id);
      const std::string right = !ans.correct ? "non notée" : (*ans.correct ? "oui" : "non");
      out += csv_field(r.share.name) + ";" + std::to_string(p.number) + ";" +
             csv_field(p.pseudonym) + ";" + clock(q.at_ms) + ";" + std::string(to_string(q.type)) +
             ";" + csv_field(label_of(q)) + ";" + csv_field(response_text(q, ans.response_json)) +
             ";" + right + ";" + number(ans.score) + ";" + number(ans.max_score) + ";" +
             std::to_string(ans.attempt) + ";" + std::to_string(ans.attempts) + ";" +
             std::to_string(static_cast<int>(p.watched * 100 + 0.5)) + ";" + ans.created_at +
             "\r\n";
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// xAPI statements

Status ActivityStore::record_statement(Id activity_id, std::optional<Id> pupil_id,
                                       const std::string& statement_json) {
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("INSERT INTO xapi_statement (activity_id, "
                                                 "pupil_id, statement) VALUES (?1, ?2, ?3)"));
  return stmt.bind(1, activity_id).bind(2, pupil_id).bind(3, statement_json).run();
}

Result<std::string> ActivityStore::statements_json(Id activity_id, const Editor& editor) {
  REPERE_RETURN_IF_ERROR(check_key(activity_id, editor));
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("SELECT statement FROM xapi_statement WHERE "
                                                 "activity_id = ?1 ORDER BY id"));
  stmt.bind(1, activity_id);
  std::string out = "[";
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) break;
    if (out.size() > 1) out += ",\n";
    out += stmt.text(0);
  }
  return out + "]";
}

Result<std::vector<StoredStatement>> ActivityStore::unsent_statements(int limit) {
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("SELECT id, statement FROM xapi_statement "
                                                 "WHERE sent = 0 ORDER BY id LIMIT ?1"));
  stmt.bind(1, static_cast<std::int64_t>(limit));
  std::vector<StoredStatement> out;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) break;
    out.push_back({stmt.int64(0), stmt.text(1)});
  }
  return out;
}

Status ActivityStore::mark_sent(const std::vector<Id>& ids) {
  REPERE_ASSIGN_OR_RETURN(auto txn, catalog::Transaction::begin(db_));
  REPERE_ASSIGN_OR_RETURN(auto stmt,
                          db_.prepare("UPDATE xapi_statement SET sent = 1 WHERE id = ?1"));
  for (const Id id : ids) {
    stmt.reset();
    REPERE_RETURN_IF_ERROR(stmt.bind(1, id).run());
  }
  return txn.commit();
}

}  // namespace repere::learn
