#include "repere/lti/people.h"

#include <httplib.h>

#include <algorithm>
#include <regex>

#include "repere/courses/store.h"

namespace repere::lti {

namespace {

// The first character of a UTF-8 string, upper-cased when it is ASCII.
std::string initial(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || static_cast<unsigned char>(s[i]) < 0x20)) ++i;
  if (i >= s.size()) return "";
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    if (!std::isalpha(c)) return "";
    return std::string(1, static_cast<char>(std::toupper(c)));
  }
  std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
  if (len == 0 || i + len > s.size()) return "";
  return s.substr(i, len);
}

std::string query_param(const std::string& url, const std::string& name) {
  const auto q = url.find('?');
  if (q == std::string::npos) return "";
  httplib::Params params;
  httplib::detail::parse_query_text(url.substr(q + 1), params);
  const auto it = params.find(name);
  return it == params.end() ? "" : it->second;
}

}  // namespace

std::string Target::spec() const {
  switch (kind) {
    case Kind::kContent:
      return "contenu:" + std::to_string(id) + (seconds ? "@" + std::to_string(*seconds) : "");
    case Kind::kActivity: return "activite:" + std::to_string(id);
    case Kind::kCourse: return "cours:" + std::to_string(id);
  }
  return "";
}

std::string Target::teacher_path() const {
  switch (kind) {
    case Kind::kContent:
      return "/contenus/" + std::to_string(id) + (seconds ? "?t=" + std::to_string(*seconds) : "");
    case Kind::kActivity: return "/activites/" + std::to_string(id) + "/apercu";
    case Kind::kCourse: return "/cours/" + std::to_string(id);
  }
  return "/";
}

std::optional<Target> parse_target(const std::string& spec) {
  static const std::regex kSpec(R"((contenu|activite|cours):(\d{1,18})(@(\d{1,6}))?)");
  std::smatch m;
  if (!std::regex_match(spec, m, kSpec)) return std::nullopt;
  Target t;
  t.kind = m[1] == "contenu"    ? Target::Kind::kContent
           : m[1] == "activite" ? Target::Kind::kActivity
                                : Target::Kind::kCourse;
  t.id = std::stoll(m[2].str());
  if (m[4].matched) {
    if (t.kind != Target::Kind::kContent) return std::nullopt;
    t.seconds = std::stoi(m[4].str());
  }
  return t;
}

std::optional<Target> target_of(const Launch& launch) {
  if (const auto it = launch.custom.find("repere_target"); it != launch.custom.end())
    return parse_target(it->second);
  const std::string cible = query_param(launch.target_link_uri, "cible");
  if (!cible.empty()) return parse_target(cible);
  return std::nullopt;
}

std::string pseudonym_for(const std::string& given_name, int number) {
  const std::string i = initial(given_name);
  return (i.empty() ? std::string("Élève") : i + ".") + " " + std::to_string(number);
}

Result<auth::User> teacher_for(catalog::Database& db, const Launch& launch) {
  auth::UserStore users(db);
  REPERE_ASSIGN_OR_RETURN(auto known, db.prepare("SELECT user_id FROM lti_account WHERE "
                                                 "platform_id = ?1 AND sub = ?2"));
  known.bind(1, launch.platform.id).bind(2, launch.sub);
  REPERE_ASSIGN_OR_RETURN(const bool found, known.step());
  if (found) {
    REPERE_ASSIGN_OR_RETURN(auth::User u, users.get(known.int64(0)));
    if (u.disabled) return Status::permission_denied("the account " + u.login + " is disabled");
    return u;
  }
  const std::string login =
      "lti" + std::to_string(launch.platform.id) + "-" + auth::sha256_hex(launch.sub).substr(0, 16);
  std::string name = launch.name;
  if (name.empty())
    name = launch.given_name + (launch.family_name.empty() ? "" : " ") + launch.family_name;
  if (name.size() > 100) name.resize(100);
  REPERE_ASSIGN_OR_RETURN(auto tx, catalog::Transaction::begin(db));
  auto made = users.find(login);
  if (!made.is_ok()) return made.status();
  auth::User user;
  if (*made) {
    user = **made;
  } else {
    REPERE_ASSIGN_OR_RETURN(user,
                            users.add(login, name, auth::Role::kTeacher, auth::random_token()));
  }
  REPERE_ASSIGN_OR_RETURN(auto link, db.prepare("INSERT OR REPLACE INTO lti_account(platform_id, "
                                                "sub, user_id) VALUES (?1, ?2, ?3)"));
  REPERE_RETURN_IF_ERROR(
      link.bind(1, launch.platform.id).bind(2, launch.sub).bind(3, user.id).run());
  REPERE_RETURN_IF_ERROR(tx.commit());
  return user;
}

namespace {

std::string context_of(const Launch& launch) {
  return launch.context_id.empty() ? "link:" + launch.resource_link_id : launch.context_id;
}

std::string class_name_of(const Launch& launch) {
  std::string name = launch.context_title.empty() ? launch.platform.name : launch.context_title;
  if (name.empty()) name = "Classe LTI";
  if (name.size() > 100) name.resize(100);
  return name;
}

// The class a launch's context has for `target`, or 0.
Result<Id> known_class(catalog::Database& db, const Launch& launch, const std::string& target) {
  REPERE_ASSIGN_OR_RETURN(auto cls, db.prepare("SELECT class_id FROM lti_class WHERE platform_id "
                                               "= ?1 AND context_id = ?2 AND target = ?3"));
  cls.bind(1, launch.platform.id).bind(2, context_of(launch)).bind(3, target);
  REPERE_ASSIGN_OR_RETURN(const bool found, cls.step());
  if (!found) return Id{0};
  const Id id = cls.int64(0);
  cls.reset();
  if (!launch.memberships_url.empty()) {  // the roster's address may come with a later launch
    REPERE_ASSIGN_OR_RETURN(auto nrps, db.prepare("UPDATE lti_class SET memberships_url = ?4 "
                                                  "WHERE platform_id = ?1 AND context_id = ?2 AND "
                                                  "target = ?3"));
    nrps.bind(1, launch.platform.id).bind(2, context_of(launch)).bind(3, target);
    REPERE_RETURN_IF_ERROR(nrps.bind(4, launch.memberships_url).run());
  }
  return id;
}

Status remember_class(catalog::Database& db, const Launch& launch, const std::string& target,
                      Id class_id) {
  REPERE_ASSIGN_OR_RETURN(auto add, db.prepare("INSERT INTO lti_class(platform_id, context_id, "
                                               "target, class_id, memberships_url) VALUES (?1, "
                                               "?2, ?3, ?4, ?5)"));
  add.bind(1, launch.platform.id).bind(2, context_of(launch)).bind(3, target).bind(4, class_id);
  return add.bind(5, launch.memberships_url).run();
}

// The pupil row of a learner in a class ("activite" or "cours"), or 0.
Result<Id> known_pupil(catalog::Database& db, const Launch& launch, const char* kind, Id class_id) {
  REPERE_ASSIGN_OR_RETURN(auto known, db.prepare("SELECT pupil_id FROM lti_pupil WHERE "
                                                 "platform_id = ?1 AND sub = ?2 AND kind = ?3 AND "
                                                 "class_id = ?4"));
  known.bind(1, launch.platform.id).bind(2, launch.sub).bind(3, kind).bind(4, class_id);
  REPERE_ASSIGN_OR_RETURN(const bool found, known.step());
  return found ? known.int64(0) : Id{0};
}

Status remember_pupil(catalog::Database& db, const Launch& launch, const char* kind, Id class_id,
                      Id pupil_id) {
  REPERE_ASSIGN_OR_RETURN(auto add, db.prepare("INSERT INTO lti_pupil(platform_id, sub, kind, "
                                               "class_id, pupil_id, lineitem) VALUES (?1, ?2, ?3, "
                                               "?4, ?5, ?6)"));
  add.bind(1, launch.platform.id).bind(2, launch.sub).bind(3, kind).bind(4, class_id);
  return add.bind(5, pupil_id).bind(6, launch.lineitem).run();
}

Result<int> next_number(catalog::Database& db, const char* table, Id class_id) {
  REPERE_ASSIGN_OR_RETURN(auto count, db.prepare(std::string("SELECT count(*) FROM ") + table +
                                                 " WHERE class_id = ?1"));
  count.bind(1, class_id);
  REPERE_ASSIGN_OR_RETURN(const bool row, count.step());
  return row ? static_cast<int>(count.int64(0)) + 1 : 1;
}

}  // namespace

Result<CourseSeat> course_pupil_for(catalog::Database& db, const Launch& launch, Id course_id) {
  REPERE_ASSIGN_OR_RETURN(const courses::Course course, courses::CourseStore(db).get(course_id));
  if (course.state != courses::CourseState::kPublished)
    return Status::not_found("course " + std::to_string(course_id) + " is not published");
  courses::ClassStore classes(db);
  const std::string target = "cours:" + std::to_string(course_id);
  REPERE_ASSIGN_OR_RETURN(auto tx, catalog::Transaction::begin(db));
  REPERE_ASSIGN_OR_RETURN(Id class_id, known_class(db, launch, target));
  if (class_id == 0) {
    REPERE_ASSIGN_OR_RETURN(const courses::CourseClass made,
                            classes.add_class(course_id, class_name_of(launch)));
    class_id = made.id;
    REPERE_RETURN_IF_ERROR(remember_class(db, launch, target, class_id));
  }
  REPERE_ASSIGN_OR_RETURN(const auto all, classes.classes(course_id));
  const auto mine =
      std::find_if(all.begin(), all.end(), [&](const auto& c) { return c.id == class_id; });
  if (mine == all.end()) return Status::not_found("the course's class is gone");
  REPERE_ASSIGN_OR_RETURN(const Id known, known_pupil(db, launch, "cours", class_id));
  CourseSeat seat{{}, mine->code};
  if (known != 0) {
    REPERE_ASSIGN_OR_RETURN(seat.pupil, classes.renew_token(known));
    if (!launch.lineitem.empty()) {  // the link may have been graded since
      REPERE_ASSIGN_OR_RETURN(auto li, db.prepare("UPDATE lti_pupil SET lineitem = ?2 WHERE "
                                                  "kind = 'cours' AND pupil_id = ?1"));
      REPERE_RETURN_IF_ERROR(li.bind(1, known).bind(2, launch.lineitem).run());
    }
  } else {
    REPERE_ASSIGN_OR_RETURN(const int number, next_number(db, "course_pupil", class_id));
    REPERE_ASSIGN_OR_RETURN(seat.pupil,
                            classes.join(mine->code, pseudonym_for(launch.given_name, number)));
    REPERE_RETURN_IF_ERROR(remember_pupil(db, launch, "cours", class_id, seat.pupil.id));
  }
  REPERE_RETURN_IF_ERROR(tx.commit());
  return seat;
}

Result<learn::Pupil> pupil_for(catalog::Database& db, const Launch& launch, Id activity_id) {
  learn::ActivityStore store(db);
  REPERE_RETURN_IF_ERROR(store.get(activity_id).status());
  const std::string target = "activite:" + std::to_string(activity_id);
  REPERE_ASSIGN_OR_RETURN(auto tx, catalog::Transaction::begin(db));
  REPERE_ASSIGN_OR_RETURN(Id class_id, known_class(db, launch, target));
  if (class_id == 0) {
    REPERE_ASSIGN_OR_RETURN(const learn::ClassShare share,
                            store.add_class_for(activity_id, class_name_of(launch)));
    class_id = share.id;
    REPERE_RETURN_IF_ERROR(remember_class(db, launch, target, class_id));
  }
  REPERE_ASSIGN_OR_RETURN(const Id known, known_pupil(db, launch, "activite", class_id));
  learn::Pupil pupil;
  if (known != 0) {
    REPERE_ASSIGN_OR_RETURN(pupil, store.renew_token(known));
    if (!launch.lineitem.empty()) {  // the link may have been graded since
      REPERE_ASSIGN_OR_RETURN(auto li, db.prepare("UPDATE lti_pupil SET lineitem = ?2 WHERE "
                                                  "kind = 'activite' AND pupil_id = ?1"));
      REPERE_RETURN_IF_ERROR(li.bind(1, known).bind(2, launch.lineitem).run());
    }
  } else {
    REPERE_ASSIGN_OR_RETURN(const int number, next_number(db, "pupil", class_id));
    REPERE_ASSIGN_OR_RETURN(const learn::ClassShare share, store.class_by_id(class_id));
    REPERE_ASSIGN_OR_RETURN(pupil,
                            store.join(share.code, pseudonym_for(launch.given_name, number)));
    REPERE_RETURN_IF_ERROR(remember_pupil(db, launch, "activite", class_id, pupil.id));
  }
  REPERE_RETURN_IF_ERROR(tx.commit());
  return pupil;
}

}  // namespace repere::lti
