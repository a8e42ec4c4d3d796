#include "repere/sso/people.h"

#include <algorithm>

#include "repere/courses/classes.h"
#include "repere/courses/store.h"
#include "repere/learn/store.h"
#include "repere/lti/people.h"

namespace repere::sso {

namespace {

constexpr std::int64_t kPupilSession = 8 * 3600;

const char* role_name(Identity::Role r) {
  return r == Identity::Role::kTeacher ? "teacher" : "pupil";
}

std::string display_name(const Identity& who) {
  std::string name = who.given_name + (who.family_name.empty() ? "" : " ") + who.family_name;
  if (name.size() > 100) name.resize(100);
  return name;
}

// The first character of a UTF-8 name (what the pseudonym keeps).
std::string initial_of(const std::string& name) {
  const std::string p = lti::pseudonym_for(name, 0);
  return p.rfind("Élève", 0) == 0 ? "" : p.substr(0, p.find('.'));
}

Result<auth::User> teacher_account(catalog::Database& db, const Provider& p, const Identity& who,
                                   Id known) {
  auth::UserStore users(db);
  if (known != 0) {
    REPERE_ASSIGN_OR_RETURN(auth::User u, users.get(known));
    if (u.disabled) return Status::permission_denied("the account " + u.login + " is disabled");
    return u;
  }
  const std::string login =
      "ent" + std::to_string(p.id) + "-" + auth::sha256_hex(who.subject).substr(0, 16);
  REPERE_ASSIGN_OR_RETURN(const auto made, users.find(login));
  if (made) {
    if (made->disabled)
      return Status::permission_denied("the account " + made->login + " is disabled");
    return *made;
  }
  return users.add(login, display_name(who), auth::Role::kTeacher, auth::random_token());
}

Result<Id> division_id(catalog::Database& db, Id provider_id, const Division& d) {
  REPERE_ASSIGN_OR_RETURN(auto up, db.prepare("INSERT INTO sso_division(scope, provider_id, "
                                              "school, code, label) VALUES (?1, ?2, ?3, ?4, ?5) "
                                              "ON CONFLICT(scope, code) DO UPDATE SET label = "
                                              "excluded.label RETURNING id"));
  const bool school = !d.school.empty();
  up.bind(1, school ? "uai:" + d.school : "provider:" + std::to_string(provider_id));
  if (school) {
    up.bind(2, std::nullopt);
  } else {
    up.bind(2, provider_id);
  }
  up.bind(3, d.school).bind(4, d.code).bind(5, d.label);
  REPERE_ASSIGN_OR_RETURN(const bool row, up.step());
  if (!row) return Status::internal("the division was not stored");
  const Id id = up.int64(0);
  REPERE_ASSIGN_OR_RETURN(const bool more, up.step());
  (void)more;
  return id;
}

Status replace_divisions(catalog::Database& db, Id provider_id, Id person_id,
                         const std::vector<Division>& divisions) {
  REPERE_ASSIGN_OR_RETURN(auto clear, db.prepare("DELETE FROM sso_member WHERE person_id = ?1"));
  REPERE_RETURN_IF_ERROR(clear.bind(1, person_id).run());
  REPERE_ASSIGN_OR_RETURN(auto add, db.prepare("INSERT OR IGNORE INTO sso_member(person_id, "
                                               "division_id) VALUES (?1, ?2)"));
  for (const Division& d : divisions) {
    REPERE_ASSIGN_OR_RETURN(const Id id, division_id(db, provider_id, d));
    add.reset();
    REPERE_RETURN_IF_ERROR(add.bind(1, person_id).bind(2, id).run());
  }
  return Status::ok();
}

Result<std::vector<DivisionView>> read_divisions(catalog::Statement& st) {
  std::vector<DivisionView> out;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, st.step());
    if (!row) break;
    out.push_back({st.int64(0), st.text(1), st.text(2), st.text(3), st.text(4)});
  }
  return out;
}

constexpr std::string_view kDivisionColumns =
    "SELECT DISTINCT d.id, coalesce(p.name, ''), d.school, d.code, d.label FROM sso_division d "
    "LEFT JOIN sso_provider p ON p.id = d.provider_id JOIN sso_member m ON m.division_id = d.id "
    "JOIN sso_person s ON s.id = m.person_id ";

Result<std::string> title_of(catalog::Database& db, const std::string& kind, Id target) {
  if (kind == "activite") {
    REPERE_ASSIGN_OR_RETURN(const learn::Activity a, learn::ActivityStore(db).get(target));
    return a.title;
  }
  REPERE_ASSIGN_OR_RETURN(const courses::Course c, courses::CourseStore(db).get(target));
  return c.title;
}

// The share code of a linked class, and its next pupil's number.
struct ClassSeat {
  std::string code;
  int next_number = 1;
};
Result<ClassSeat> class_seat(catalog::Database& db, const std::string& kind, Id class_id) {
  ClassSeat s;
  const char* pupils = kind == "activite" ? "pupil" : "course_pupil";
  if (kind == "activite") {
    REPERE_ASSIGN_OR_RETURN(const learn::ClassShare c,
                            learn::ActivityStore(db).class_by_id(class_id));
    s.code = c.code;
  } else {
    REPERE_ASSIGN_OR_RETURN(auto code, db.prepare("SELECT code FROM course_class WHERE id = ?1"));
    code.bind(1, class_id);
    REPERE_ASSIGN_OR_RETURN(const bool found, code.step());
    if (!found) return Status::not_found("the course's class is gone");
    s.code = code.text(0);
  }
  REPERE_ASSIGN_OR_RETURN(auto count, db.prepare(std::string("SELECT count(*) FROM ") + pupils +
                                                 " WHERE class_id = ?1"));
  count.bind(1, class_id);
  REPERE_ASSIGN_OR_RETURN(const bool row, count.step());
  if (row) s.next_number = static_cast<int>(count.int64(0)) + 1;
  return s;
}

}  // namespace

Result<Arrival> arrive(catalog::Database& db, const Provider& p, const Identity& who,
                       std::int64_t now) {
  if (who.role == Identity::Role::kNone)
    return Status::permission_denied(
        "the provider's attributes make this person neither a teacher nor a pupil (attribute " +
        p.mapping.role + ")");
  REPERE_ASSIGN_OR_RETURN(auto tx, catalog::Transaction::begin(db));
  REPERE_ASSIGN_OR_RETURN(auto known, db.prepare("SELECT id, kind, user_id FROM sso_person "
                                                 "WHERE provider_id = ?1 AND subject = ?2"));
  known.bind(1, p.id).bind(2, who.subject);
  REPERE_ASSIGN_OR_RETURN(const bool found, known.step());
  Arrival a;
  a.role = who.role;
  Id user_id = 0;  // 0: none
  if (found) {
    a.person_id = known.int64(0);
    user_id = known.is_null(2) ? 0 : known.int64(2);
  }
  known.reset();
  if (who.role == Identity::Role::kTeacher) {
    REPERE_ASSIGN_OR_RETURN(a.teacher, teacher_account(db, p, who, user_id));
    user_id = a.teacher->id;
  } else {
    user_id = 0;  // a pupil has no account, whatever she was before
  }
  const std::string full = p.mapping.keep_names ? display_name(who) : "";
  if (a.person_id == 0) {
    REPERE_ASSIGN_OR_RETURN(auto add, db.prepare("INSERT INTO sso_person(provider_id, subject, "
                                                 "kind, user_id, given_initial, full_name, "
                                                 "seen_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
    add.bind(1, p.id).bind(2, who.subject).bind(3, role_name(who.role));
    if (user_id != 0)
      add.bind(4, user_id);
    else
      add.bind(4, std::nullopt);
    REPERE_RETURN_IF_ERROR(
        add.bind(5, initial_of(who.given_name)).bind(6, full).bind(7, now).run());
    a.person_id = db.last_insert_id();
  } else {
    REPERE_ASSIGN_OR_RETURN(auto up, db.prepare("UPDATE sso_person SET kind = ?2, user_id = ?3, "
                                                "given_initial = ?4, full_name = ?5, seen_at = "
                                                "?6 WHERE id = ?1"));
    up.bind(1, a.person_id).bind(2, role_name(who.role));
    if (user_id != 0)
      up.bind(3, user_id);
    else
      up.bind(3, std::nullopt);
    REPERE_RETURN_IF_ERROR(up.bind(4, initial_of(who.given_name)).bind(5, full).bind(6, now).run());
  }
  REPERE_RETURN_IF_ERROR(replace_divisions(db, p.id, a.person_id, who.divisions));
  if (who.role == Identity::Role::kPupil) {
    a.pupil_session = auth::random_token();
    REPERE_ASSIGN_OR_RETURN(auto old,
                            db.prepare("DELETE FROM sso_pupil_session WHERE expires_at < ?1"));
    REPERE_RETURN_IF_ERROR(old.bind(1, now).run());
    REPERE_ASSIGN_OR_RETURN(auto s, db.prepare("INSERT INTO sso_pupil_session(token_hash, "
                                               "person_id, expires_at) VALUES (?1, ?2, ?3)"));
    REPERE_RETURN_IF_ERROR(s.bind(1, auth::sha256_hex(a.pupil_session))
                               .bind(2, a.person_id)
                               .bind(3, now + kPupilSession)
                               .run());
  }
  REPERE_RETURN_IF_ERROR(tx.commit());
  return a;
}

Result<Id> pupil_of_session(catalog::Database& db, const std::string& token, std::int64_t now) {
  if (token.empty() || token.size() > 100) return Status::unauthenticated("no ENT session");
  REPERE_ASSIGN_OR_RETURN(auto st, db.prepare("SELECT person_id FROM sso_pupil_session WHERE "
                                              "token_hash = ?1 AND expires_at >= ?2"));
  st.bind(1, auth::sha256_hex(token)).bind(2, now);
  REPERE_ASSIGN_OR_RETURN(const bool found, st.step());
  if (!found) return Status::unauthenticated("the ENT session is unknown or has expired");
  return st.int64(0);
}

Status end_pupil_session(catalog::Database& db, const std::string& token) {
  REPERE_ASSIGN_OR_RETURN(auto st,
                          db.prepare("DELETE FROM sso_pupil_session WHERE token_hash = ?1"));
  return st.bind(1, auth::sha256_hex(token)).run();
}

Result<std::vector<DivisionView>> divisions_of_person(catalog::Database& db, Id person_id) {
  REPERE_ASSIGN_OR_RETURN(auto st, db.prepare(std::string(kDivisionColumns) +
                                              "WHERE s.id = ?1 ORDER BY d.label, d.id"));
  st.bind(1, person_id);
  return read_divisions(st);
}

Result<std::vector<DivisionView>> divisions_of_user(catalog::Database& db, Id user_id) {
  REPERE_ASSIGN_OR_RETURN(auto st,
                          db.prepare(std::string(kDivisionColumns) +
                                     "WHERE s.user_id = ?1 AND s.kind = 'teacher' ORDER BY "
                                     "d.label, d.id"));
  st.bind(1, user_id);
  return read_divisions(st);
}

Result<std::vector<ClassLink>> links_of(catalog::Database& db, const std::vector<Id>& divisions) {
  std::vector<ClassLink> out;
  REPERE_ASSIGN_OR_RETURN(auto st, db.prepare("SELECT division_id, kind, target_id, class_id "
                                              "FROM sso_class_link WHERE division_id = ?1 ORDER "
                                              "BY linked_at DESC, target_id"));
  for (const Id d : divisions) {
    st.reset();
    st.bind(1, d);
    while (true) {
      REPERE_ASSIGN_OR_RETURN(const bool row, st.step());
      if (!row) break;
      ClassLink l{st.int64(0), st.text(1), st.int64(2), st.int64(3), ""};
      auto title = title_of(db, l.kind, l.target_id);
      if (!title.is_ok()) continue;  // removed since: nothing to open
      l.title = *title;
      out.push_back(std::move(l));
    }
  }
  return out;
}

Result<ClassLink> share_with_division(catalog::Database& db, Id user_id, Id division_id,
                                      const std::string& kind, Id target_id, std::int64_t now) {
  if (kind != "activite" && kind != "cours")
    return Status::invalid_argument("kind: \"activite\" or \"cours\"");
  REPERE_ASSIGN_OR_RETURN(const auto mine, divisions_of_user(db, user_id));
  const auto division = std::find_if(mine.begin(), mine.end(),
                                     [&](const DivisionView& d) { return d.id == division_id; });
  if (division == mine.end())
    return Status::permission_denied("this ENT class is not one of yours");
  REPERE_ASSIGN_OR_RETURN(auto tx, catalog::Transaction::begin(db));
  REPERE_ASSIGN_OR_RETURN(auto known, db.prepare("SELECT class_id FROM sso_class_link WHERE "
                                                 "division_id = ?1 AND kind = ?2 AND target_id "
                                                 "= ?3"));
  known.bind(1, division_id).bind(2, kind).bind(3, target_id);
  REPERE_ASSIGN_OR_RETURN(const bool found, known.step());
  ClassLink link{division_id, kind, target_id, found ? known.int64(0) : 0, ""};
  known.reset();
  REPERE_ASSIGN_OR_RETURN(link.title, title_of(db, kind, target_id));
  if (found) return link;
  const std::string name = division->label;
  if (kind == "activite") {
    learn::ActivityStore activities(db);
    REPERE_ASSIGN_OR_RETURN(const auto editable, activities.editable_by(user_id));
    if (std::none_of(editable.begin(), editable.end(),
                     [&](const learn::OwnedActivity& a) { return a.id == target_id; }))
      return Status::permission_denied("this activity is not one of yours");
    REPERE_ASSIGN_OR_RETURN(const learn::ClassShare made,
                            activities.add_class_for(target_id, name));
    link.class_id = made.id;
  } else {
    REPERE_ASSIGN_OR_RETURN(const courses::Course course, courses::CourseStore(db).get(target_id));
    if (course.owner_id != user_id)
      return Status::permission_denied("this course is not one of yours");
    if (course.state != courses::CourseState::kPublished)
      return Status::invalid_argument("publish the course before sharing it with a class");
    REPERE_ASSIGN_OR_RETURN(const courses::CourseClass made,
                            courses::ClassStore(db).add_class(target_id, name));
    link.class_id = made.id;
  }
  REPERE_ASSIGN_OR_RETURN(auto add, db.prepare("INSERT INTO sso_class_link(division_id, kind, "
                                               "target_id, class_id, linked_by, linked_at) "
                                               "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  add.bind(1, division_id).bind(2, kind).bind(3, target_id).bind(4, link.class_id);
  REPERE_RETURN_IF_ERROR(add.bind(5, user_id).bind(6, now).run());
  REPERE_RETURN_IF_ERROR(tx.commit());
  return link;
}

Result<Seat> take_seat(catalog::Database& db, Id person_id, const std::string& kind, Id class_id) {
  REPERE_ASSIGN_OR_RETURN(const auto divisions, divisions_of_person(db, person_id));
  std::vector<Id> ids;
  for (const auto& d : divisions) ids.push_back(d.id);
  REPERE_ASSIGN_OR_RETURN(const auto links, links_of(db, ids));
  if (std::none_of(links.begin(), links.end(),
                   [&](const ClassLink& l) { return l.kind == kind && l.class_id == class_id; }))
    return Status::permission_denied("this class is not shared with your ENT classes");
  REPERE_ASSIGN_OR_RETURN(auto tx, catalog::Transaction::begin(db));
  REPERE_ASSIGN_OR_RETURN(const ClassSeat cls, class_seat(db, kind, class_id));
  REPERE_ASSIGN_OR_RETURN(auto known, db.prepare("SELECT pupil_id FROM sso_seat WHERE person_id "
                                                 "= ?1 AND kind = ?2 AND class_id = ?3"));
  known.bind(1, person_id).bind(2, kind).bind(3, class_id);
  REPERE_ASSIGN_OR_RETURN(const bool found, known.step());
  const Id pupil_id = found ? known.int64(0) : 0;
  known.reset();
  Seat seat{cls.code, ""};
  if (pupil_id != 0) {
    if (kind == "activite") {
      REPERE_ASSIGN_OR_RETURN(const learn::Pupil p, learn::ActivityStore(db).renew_token(pupil_id));
      seat.token = p.token;
    } else {
      REPERE_ASSIGN_OR_RETURN(const courses::CoursePupil p,
                              courses::ClassStore(db).renew_token(pupil_id));
      seat.token = p.token;
    }
    REPERE_RETURN_IF_ERROR(tx.commit());
    return seat;
  }
  REPERE_ASSIGN_OR_RETURN(auto who, db.prepare("SELECT given_initial, full_name FROM sso_person "
                                               "WHERE id = ?1"));
  who.bind(1, person_id);
  REPERE_ASSIGN_OR_RETURN(const bool person, who.step());
  if (!person) return Status::not_found("no such ENT person");
  const std::string full = who.text(1);
  const std::string pseudonym =
      full.empty() ? lti::pseudonym_for(who.text(0), cls.next_number) : full;
  who.reset();
  Id made = 0;
  if (kind == "activite") {
    REPERE_ASSIGN_OR_RETURN(const learn::Pupil p,
                            learn::ActivityStore(db).join(cls.code, pseudonym));
    made = p.id;
    seat.token = p.token;
  } else {
    REPERE_ASSIGN_OR_RETURN(const courses::CoursePupil p,
                            courses::ClassStore(db).join(cls.code, pseudonym));
    made = p.id;
    seat.token = p.token;
  }
  REPERE_ASSIGN_OR_RETURN(auto add, db.prepare("INSERT INTO sso_seat(person_id, kind, class_id, "
                                               "pupil_id) VALUES (?1, ?2, ?3, ?4)"));
  REPERE_RETURN_IF_ERROR(
      add.bind(1, person_id).bind(2, kind).bind(3, class_id).bind(4, made).run());
  REPERE_RETURN_IF_ERROR(tx.commit());
  return seat;
}

}  // namespace repere::sso
