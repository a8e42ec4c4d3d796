// Courses written as text, so that an institution's model courses live beside its catalogue
// (the demo's in demo/courses/): parsed here, with errors naming the line; turned into stored
// courses by `repere courses import`, which finds the contents and the moments.
//
//   # Alimentation et digestion                 a course, by its title
//   programme: scolomfr-voc-015-num-1530        its programme concepts (a URI, or ScoLOMFR's
//   niveau: 5e                                   short form), its level (a label of voc-022)
//   ## Le trajet des aliments                   a chapter
//   texte: La **digestion** commence…           a text block (limited Markdown)
//   moment: svt-digestion | tube digestif       a content (its catalogue identifier, or the
//                                               demo's slug) and words its lines say: the clip
//                                               starts with the sentence that says them
//   page: svt-digestion-fiche | 1               a content's page
//   idee: La digestion transforme…              a key idea
//   question: Où ? | *Dans la bouche | Ailleurs a choice question, the right answers starred
//   video: svt-digestion | tube digestif | Où ? | *Dans la bouche | Ailleurs
//                                               an interactive video: the moment's clip, which
//                                               stops at its end on the question
// Blank lines and lines starting with « // » are ignored.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "repere/core/result.h"
#include "repere/courses/course.h"

namespace repere::courses {

struct BlockSpec {
  int line = 0;
  BlockKind kind = BlockKind::kText;
  std::string content;  // moment, page, video: the content's identifier
  std::string words;    // moment, video: what its lines say
  int page = 0;         // page
  std::string body;     // text, key idea; quiz, video: the question's JSON (learn's interaction)
};

struct ChapterSpec {
  int line = 0;
  std::string title;
  std::vector<BlockSpec> blocks;
};

struct CourseSpec {
  int line = 0;
  std::string title;
  std::vector<std::string> concepts;  // as written (URI or short form)
  std::string level;
  std::vector<ChapterSpec> chapters;
};

// Errors: invalid_argument « LINE: what is wrong » (an unknown key, a block before any chapter,
// a question without a right answer, a page that is not a number).
Result<std::vector<CourseSpec>> parse_courses(std::string_view text);

}  // namespace repere::courses
