#include "repere/courses/course.h"

#include <nlohmann/json.hpp>

#include "repere/learn/activity.h"
#include "repere/learn/json.h"

namespace repere::courses {

std::string_view to_string(BlockKind k) {
  switch (k) {
    case BlockKind::kText: return "text";
    case BlockKind::kMoment: return "moment";
    case BlockKind::kPage: return "page";
    case BlockKind::kKeyIdea: return "key_idea";
    case BlockKind::kQuiz: return "quiz";
    case BlockKind::kVideo: return "video";
  }
  return "text";
}

Result<BlockKind> parse_block_kind(std::string_view s) {
  for (const BlockKind k : {BlockKind::kText, BlockKind::kMoment, BlockKind::kPage,
                            BlockKind::kKeyIdea, BlockKind::kQuiz, BlockKind::kVideo}) {
    if (to_string(k) == s) return k;
  }
  return Status::invalid_argument("unknown block kind '" + std::string(s.substr(0, 40)) +
                                  "' (text, moment, page, key_idea, quiz, video)");
}

std::string_view to_string(CourseState s) {
  return s == CourseState::kPublished ? "published" : "draft";
}

Result<CourseState> parse_course_state(std::string_view s) {
  if (s == "draft") return CourseState::kDraft;
  if (s == "published") return CourseState::kPublished;
  return Status::invalid_argument("unknown course state '" + std::string(s.substr(0, 40)) +
                                  "' (draft, published)");
}

int Course::block_count() const {
  int n = 0;
  for (const Chapter& c : chapters) n += static_cast<int>(c.blocks.size());
  return n;
}

namespace {

bool blank(std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string_view::npos; }

}  // namespace

Status validate_title(std::string_view title, std::string_view what) {
  if (blank(title)) return Status::invalid_argument(std::string(what) + " a besoin d'un titre.");
  if (title.size() > kMaxTitle)
    return Status::invalid_argument(std::string(what) + " : un titre de " +
                                    std::to_string(kMaxTitle) + " caractères au plus.");
  return Status::ok();
}

Status validate(const Block& b) {
  switch (b.kind) {
    case BlockKind::kText:
      if (blank(b.body)) return Status::invalid_argument("Le texte est vide.");
      if (b.body.size() > kMaxText)
        return Status::invalid_argument("Le texte dépasse " + std::to_string(kMaxText) +
                                        " caractères : coupez-le en plusieurs blocs.");
      return Status::ok();
    case BlockKind::kKeyIdea:
      if (blank(b.body)) return Status::invalid_argument("L'idée clé est vide.");
      if (b.body.size() > kMaxKeyIdea)
        return Status::invalid_argument("Une idée clé tient en une phrase (" +
                                        std::to_string(kMaxKeyIdea) + " caractères au plus).");
      return Status::ok();
    case BlockKind::kMoment:
      if (!b.content_id) return Status::invalid_argument("Le moment n'a pas de contenu.");
      if (!b.start_ms || !b.end_ms || *b.start_ms < 0)
        return Status::invalid_argument("Le moment a besoin d'un début et d'une fin.");
      if (*b.end_ms <= *b.start_ms)
        return Status::invalid_argument("Le moment doit finir après son début.");
      if (*b.end_ms - *b.start_ms > kMaxClipMs)
        return Status::invalid_argument("Un moment dure une heure au plus.");
      return Status::ok();
    case BlockKind::kPage:
      if (!b.content_id) return Status::invalid_argument("La page n'a pas de document.");
      if (!b.page || *b.page < 1)
        return Status::invalid_argument("La page a besoin d'un numéro (1 ou plus).");
      return Status::ok();
    case BlockKind::kQuiz: {
      const auto j = nlohmann::json::parse(b.body, nullptr, false);
      if (j.is_discarded()) return Status::invalid_argument("La question n'est pas lisible.");
      const auto q = learn::interaction_from_json(j);
      if (!q.is_ok()) return Status::invalid_argument("La question : " + q.status().message());
      if (!learn::is_question(q->type))
        return Status::invalid_argument(
            "Un quiz pose une question (choix, vrai ou faux, trous, réponse libre).");
      learn::Activity probe;  // the interactive videos' own rules for a question
      probe.content_id = 1;
      probe.title = "quiz";
      probe.start_ms = 0;
      probe.end_ms = 1000;
      learn::Interaction x = *q;
      x.at_ms = 0;
      x.wrong_goto_ms.reset();
      probe.interactions.push_back(std::move(x));
      const Status s = learn::validate(probe);
      if (!s.is_ok()) return Status::invalid_argument("La question : " + s.message());
      return Status::ok();
    }
    case BlockKind::kVideo:
      if (!b.activity_id)
        return Status::invalid_argument("Choisissez la vidéo interactive à mettre dans le cours.");
      return Status::ok();
  }
  return Status::invalid_argument("Bloc inconnu.");
}

}  // namespace repere::courses
