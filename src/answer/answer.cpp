#include "repere/answer/answer.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "repere/catalog/texts.h"
#include "repere/core/text.h"
#include "repere/search/search.h"
#include "sentences.h"

namespace repere::answer {

namespace {

constexpr std::string_view kNoAnswer = "Je n'ai pas trouvé de réponse dans la médiathèque.";

// A sentence of a passage read for the answer, with what it weighs.
struct Candidate {
  std::size_t passage = 0;  // index into the passages read
  std::size_t index = 0;    // its place among its passage's sentences
  std::string text;
  std::optional<std::int64_t> at_ms;
  double coverage = 0;
  double similarity = 0;
  double score = 0;
  std::size_t words = 0;    // meaningful words
  bool asks = false;        // a question (a heading that asks): never an answer
  bool heading = false;     // says nothing but its content's title
  std::size_t matched = 0;  // distinct words of the query it says
};

struct ReadPassage {
  catalog::Passage passage;
  const search::Hit* hit = nullptr;
  int rank = 0;                         // of its content among the hits, from 0
  std::vector<std::size_t> candidates;  // its sentences, in order, into the candidates
};

double cosine(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.empty() || a.size() != b.size()) return 0;
  double dot = 0, na = 0, nb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    dot += double(a[i]) * b[i];
    na += double(a[i]) * a[i];
    nb += double(b[i]) * b[i];
  }
  return na > 0 && nb > 0 ? dot / std::sqrt(na * nb) : 0;
}

// Where each line (cue) of a timed passage begins in the passage's text: the passage is its
// lines joined (some lines may have been kept out of it, as noise: they are not found).
std::vector<std::pair<std::size_t, std::int64_t>> line_starts(const std::string& text,
                                                              const std::vector<catalog::Cue>& cues,
                                                              std::int64_t from, std::int64_t to) {
  std::vector<std::pair<std::size_t, std::int64_t>> out;
  std::size_t cursor = 0;
  for (const catalog::Cue& c : cues) {
    if (!c.start_ms || *c.start_ms < from || *c.start_ms >= to) continue;
    const std::string line = c.text.substr(0, std::min<std::size_t>(c.text.size(), 40));
    if (line.find_first_not_of(" \n\t") == std::string::npos) continue;
    const std::size_t at = text.find(line.substr(line.find_first_not_of(" \n\t")), cursor);
    if (at == std::string::npos) continue;
    out.emplace_back(at, *c.start_ms);
    cursor = at + 1;
  }
  return out;
}

// A sentence that announces what follows (« Pour cela : », a list's first lines).
bool announces(const std::string& s) { return !s.empty() && (s.back() == ':' || s.back() == ';'); }

// A sentence that begins in lower case: the end of one cut at its passage's start.
bool fragment(const std::string& s) {
  const auto tokens = text::tokenize(s);
  if (tokens.empty() || tokens.front().begin > 2) return false;
  const std::string& first = tokens.front().text;
  return tokens.front().kind != text::TokenKind::kNumber && text::lower(first) == first &&
         first.find_first_not_of("0123456789") != std::string::npos;
}

// A line said on several passages of one content, numbers aside (a slide's footer « Mathématiques
// - 4e — Le théorème de Pythagore 2 », then « … 5 »), says no more than a heading: it is
// weighed as one.
void mark_boilerplate(const std::vector<ReadPassage>& read, std::vector<Candidate>& candidates,
                      const AnswerOptions& options) {
  auto key = [&](const Candidate& c) {
    std::string k;
    for (const std::string& t : text::search_terms(text::fold(c.text))) {
      if (t.find_first_not_of("0123456789,.") == std::string::npos) continue;
      k += t;
      k += ' ';
    }
    return std::make_pair(read[c.passage].hit->content_id, k);
  };
  std::map<std::pair<std::int64_t, std::string>, std::set<std::int64_t>> passages_of;
  for (const Candidate& c : candidates) passages_of[key(c)].insert(read[c.passage].passage.id);
  for (Candidate& c : candidates) {
    if (c.heading || c.words <= 2 || passages_of[key(c)].size() < 2) continue;
    c.heading = true;
    c.score -= 0.5 - (c.words <= 4 ? options.short_penalty : 0.0);
  }
}

}  // namespace

bool is_question(std::string_view query) {
  if (query.find('?') != std::string_view::npos) return true;
  const std::string folded = text::fold(query);
  const auto words = text::search_terms(folded);
  if (words.empty()) return false;
  static const std::set<std::string> kAsking = {
      "comment",  "pourquoi",   "quel", "quelle", "quels",   "quelles", "quand",
      "ou",       "combien",    "qui",  "que",    "quoi",    "lequel",  "laquelle",
      "lesquels", "lesquelles", "est",  "peut",   "peuvent", "faut",    "doit",
      "dois",     "puis",       "how",  "what",   "why",     "when",    "where",
      "which",    "who",        "whom", "whose",  "does",    "do",      "did",
      "is",       "are",        "can",  "could",  "should",  "will",    "would"};
  const std::string& first = words.front();
  // « Qu'est-ce que… », « Est-ce que… » (the elided « qu' » is not a search term).
  if (first == "est-ce" || first == "qu'est-ce") return true;
  if (kAsking.count(first)) {
    // « est-ce que », « peut-on », « faut-il »; « est » alone (« est un ») is not a question.
    if (first == "est" || first == "peut" || first == "peuvent" || first == "faut" ||
        first == "doit" || first == "dois" || first == "puis") {
      return folded.find('-') != std::string::npos;
    }
    return true;
  }
  // A verb and its subject inverted anywhere: « le vaccin protège-t-il », « doit-on ».
  static constexpr std::array<std::string_view, 8> kInverted = {
      "-t-il", "-t-elle", "-t-on", "-on ", "-il ", "-elle ", "-ils ", "-elles "};
  const std::string padded = folded + " ";
  for (std::string_view s : kInverted) {
    if (padded.find(s) != std::string::npos) return true;
  }
  return false;
}

bool asks_definition(std::string_view query) {
  const std::string folded = text::fold(query);
  static constexpr std::array<std::string_view, 12> kAsks = {
      "qu'est-ce",  "c'est quoi", "que signifie", "que veut dire", "qu'appelle", "qu'entend",
      "definition", "definir",    "what is",      "what are",      "what does",  "meaning of"};
  for (std::string_view a : kAsks) {
    if (folded.find(a) != std::string::npos) return true;
  }
  return false;
}

bool defines(std::string_view sentence, const std::set<std::string>& stems,
             const std::string& language) {
  static const std::set<std::string> kDefining = {
      "est",        "sont",         "designe",       "designent", "signifie",
      "signifient", "correspond",   "correspondent", "consiste",  "consistent",
      "appelle",    "appelle-t-on", "agit",          "is",        "are",
      "means",      "refers"};
  const auto terms = text::search_terms(text::fold(sentence));
  constexpr std::size_t kFirstWords = 12;
  std::string before;
  for (std::size_t i = 0; i < terms.size() && i < kFirstWords; ++i) {
    if (kDefining.count(terms[i]) && !before.empty()) {
      for (const index::StemmedWord& w : index::stemmed_words(before, language)) {
        if (stems.count(w.stem)) return true;
      }
    }
    before += terms[i];
    before += ' ';
  }
  return false;
}

Result<Answer> Answerer::answer(const std::string& query, const AnswerOptions& options) {
  search::SearchRequest request;
  request.query = query;
  request.semantic_ratio = options.semantic_ratio;
  request.filters = options.filters;
  request.include_unpublished = options.include_unpublished;
  request.language = options.language;
  request.limit = std::clamp(options.passages, 1, 20);
  request.moments_per_content = 3;
  REPERE_ASSIGN_OR_RETURN(const search::SearchResponse found, searcher_.search(request));
  return answer_from(found, options);
}

Result<Answer> Answerer::answer_from(const search::SearchResponse& found,
                                     const AnswerOptions& options) {
  Answer out;
  out.query = found.query;
  out.language = found.language;
  out.reason = std::string(kNoAnswer);
  if (found.hits.empty()) return out;

  // The query's stems and their weights.
  std::map<std::string, double> weight_of;
  double total = 0;
  for (const index::QueryWord& w : found.words) {
    for (const index::StemmedWord& s : index::stemmed_words(w.word, found.language)) {
      auto [it, inserted] = weight_of.emplace(s.stem, w.weight);
      if (inserted) total += w.weight;
    }
  }
  if (total <= 0) return out;
  const index::Embedder* embedder = searcher_.embedder();
  if (embedder && embedder->remote()) embedder = nullptr;  // one request per sentence: no
  std::set<std::string> query_stems;
  for (const auto& [stem, weight] : weight_of) query_stems.insert(stem);
  const bool definition = asks_definition(found.query);
  std::vector<float> query_vector;
  if (embedder) query_vector = embedder->embed(found.query).value_or(std::vector<float>{});

  // The passages, best first, and their sentences.
  catalog::PassageRepository passages(db_);
  catalog::CueRepository cue_repository(db_);
  std::map<catalog::Id, std::vector<catalog::Cue>> cues_of;
  std::vector<ReadPassage> read;
  std::vector<Candidate> candidates;
  for (std::size_t h = 0; h < found.hits.size(); ++h) {
    for (const search::Moment& m : found.hits[h].moments) {
      if (static_cast<int>(read.size()) >= options.passages) break;
      REPERE_ASSIGN_OR_RETURN(catalog::Passage p, passages.get(m.passage_id));
      std::vector<std::pair<std::size_t, std::int64_t>> starts;
      if (p.track_id && p.start_ms && p.end_ms) {
        auto it = cues_of.find(*p.track_id);
        if (it == cues_of.end()) {
          REPERE_ASSIGN_OR_RETURN(auto cues, cue_repository.list_for_track(*p.track_id));
          it = cues_of.emplace(*p.track_id, std::move(cues)).first;
        }
        starts = line_starts(p.text, it->second, *p.start_ms, *p.end_ms + 1);
      }
      ReadPassage rp{.passage = std::move(p),
                     .hit = &found.hits[h],
                     .rank = static_cast<int>(h),
                     .candidates = {}};
      const std::string& text = rp.passage.text;
      const std::string language =
          rp.passage.language.empty() ? found.language : rp.passage.language;
      const auto spans = split_sentences(text);
      std::set<std::string> title_stems;
      for (const index::StemmedWord& w : index::stemmed_words(rp.hit->title, language)) {
        title_stems.insert(w.stem);
      }
      for (std::size_t i = 0; i < spans.size(); ++i) {
        Candidate c;
        c.passage = read.size();
        c.index = i;
        c.text = text.substr(spans[i].begin, spans[i].end - spans[i].begin);
        c.at_ms = rp.passage.start_ms;
        for (const auto& [at, ms] : starts) {
          if (at > spans[i].begin) break;
          c.at_ms = ms;
        }
        std::set<std::string> said;
        const auto words = index::stemmed_words(c.text, language);
        c.words = words.size();
        // A line that only repeats its content's title (a slide's footer, a heading).
        c.heading = !words.empty() && std::all_of(words.begin(), words.end(), [&](const auto& w) {
          return title_stems.count(w.stem) > 0 ||
                 w.word.find_first_not_of("0123456789") == std::string::npos;
        });
        for (const index::StemmedWord& w : words) {
          if (weight_of.count(w.stem) && said.insert(w.stem).second)
            c.coverage += weight_of[w.stem];
        }
        c.coverage /= total;
        c.matched = said.size();
        if (!query_vector.empty() && c.words > 0) {
          c.similarity =
              cosine(query_vector, embedder->embed(c.text).value_or(std::vector<float>{}));
        }
        // The words first; meaning and the passage's rank break near ties. A question asks
        // rather than answers; a heading or a sentence of a few words (« Mettre un problème en
        // équation. », « Non. ») says less than the one that explains it, and comes with it.
        const std::size_t last = c.text.find_last_not_of(". )\"'");
        c.asks = last != std::string::npos && c.text[last] == '?';
        const bool asks = c.asks;
        c.score = c.coverage + options.similarity_weight * std::max(0.0, c.similarity) +
                  options.rank_weight / (1.0 + rp.rank) +
                  options.position_weight / (1.0 + static_cast<double>(i)) - (asks ? 1.0 : 0.0) -
                  (c.words <= 2 || c.heading ? 0.5
                   : c.words <= 4            ? options.short_penalty
                                             : 0.0) +
                  (definition && defines(c.text, query_stems, language) ? options.definition_weight
                                                                        : 0.0);
        rp.candidates.push_back(candidates.size());
        candidates.push_back(std::move(c));
      }
      read.push_back(std::move(rp));
    }
  }
  mark_boilerplate(read, candidates, options);
  // A question or a heading is never the answer itself.
  const Candidate* best_p = nullptr;
  for (const Candidate& c : candidates) {
    if (c.asks || c.heading) continue;
    if (best_p == nullptr || c.score > best_p->score) best_p = &c;
  }
  if (best_p == nullptr) return out;
  const Candidate& best = *best_p;
  // Support: enough of the query's weight, and two of its words when it has two or more (one
  // rare word alone, « matière » in « en matière de », does not make an answer).
  std::size_t meaningful = 0;
  for (const auto& [stem, weight] : weight_of) meaningful += weight > 0 ? 1 : 0;
  if (best.coverage < options.min_coverage ||
      best.matched < std::min<std::size_t>(options.min_words, meaningful))
    return out;

  // The answer around the best sentence, then a second source that supports it as well.
  std::size_t bytes = 0;
  auto add = [&](const Candidate& c) {
    const ReadPassage& rp = read[c.passage];
    Sentence s;
    s.text = c.text;
    s.score = c.score;
    s.coverage = c.coverage;
    s.source = {.content_id = rp.hit->content_id,
                .title = rp.hit->title,
                .kind = rp.hit->kind,
                .external_url = rp.hit->external_url,
                .partner = rp.hit->partner,
                .passage_id = rp.passage.id,
                .at_ms = c.at_ms,
                .page = rp.passage.page};
    bytes += c.text.size();
    if (std::none_of(out.evidence.begin(), out.evidence.end(),
                     [&](const Evidence& e) { return e.source.passage_id == rp.passage.id; })) {
      out.evidence.push_back({.source = s.source, .text = rp.passage.text});
    }
    out.sentences.push_back(std::move(s));
  };
  auto around = [&](const Candidate& c) {
    const auto& order = read[c.passage].candidates;
    if (c.index > 0 && candidates[order[c.index - 1]].words <= 3 &&
        !candidates[order[c.index - 1]].asks && !candidates[order[c.index - 1]].heading &&
        !fragment(candidates[order[c.index - 1]].text))
      add(candidates[order[c.index - 1]]);
    add(c);
    // What follows, while it goes on saying the question's words or the sentence announced it.
    for (std::size_t i = c.index + 1;
         i < order.size() && static_cast<int>(out.sentences.size()) < options.max_sentences; ++i) {
      const Candidate& next = candidates[order[i]];
      const Candidate& before = candidates[order[i - 1]];
      const bool goes_on =
          !next.asks && !next.heading &&
          (announces(before.text) || before.words <= 3 || next.coverage >= 0.5 * c.coverage);
      if (!goes_on || bytes + next.text.size() > options.max_bytes) break;
      add(next);
    }
  };
  around(best);
  if (options.max_sources >= 2) {
    const Candidate* second = nullptr;
    for (const Candidate& c : candidates) {
      if (read[c.passage].passage.id == read[best.passage].passage.id) continue;
      if (c.coverage < std::max(options.min_coverage, options.second_share * best.coverage))
        continue;
      if (c.score < options.second_share * best.score || c.words <= 3 || c.heading) continue;
      if (second == nullptr || c.score > second->score) second = &c;
    }
    if (second && bytes + second->text.size() <= options.max_bytes &&
        static_cast<int>(out.sentences.size()) < options.max_sentences) {
      add(*second);
    }
  }
  out.answered = true;
  out.reason.clear();
  return out;
}

std::string to_json(const Answer& a) {
  using nlohmann::json;
  json sentences = json::array();
  for (const Sentence& s : a.sentences) {
    sentences.push_back(
        {{"text", s.text},
         {"score", s.score},
         {"coverage", s.coverage},
         {"source",
          {{"content_id", s.source.content_id},
           {"title", s.source.title},
           {"kind", s.source.kind},
           {"passage_id", s.source.passage_id},
           {"at_ms", s.source.at_ms ? json(*s.source.at_ms) : json(nullptr)},
           {"page", s.source.page ? json(*s.source.page) : json(nullptr)},
           {"external_url",
            s.source.external_url.empty() ? json(nullptr) : json(s.source.external_url)},
           {"partner", s.source.partner.empty() ? json(nullptr) : json(s.source.partner)}}}});
  }
  json out = {{"query", a.query},
              {"language", a.language},
              {"answered", a.answered},
              {"method", a.generated_by.empty() ? "extractive" : "generated"},
              {"sentences", std::move(sentences)}};
  if (!a.answered) out["reason"] = a.reason;
  if (!a.generated_by.empty()) {
    out["model"] = a.generated_by;
    out["dropped"] = a.dropped;
  }
  if (!a.generation_problem.empty()) out["generation_problem"] = a.generation_problem;
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace repere::answer
