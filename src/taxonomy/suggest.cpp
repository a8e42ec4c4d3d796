#include "repere/taxonomy/suggest.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

#include "repere/catalog/contents.h"
#include "repere/catalog/database.h"
#include "repere/catalog/texts.h"
#include "repere/core/text.h"
#include "repere/index/classifier.h"
#include "repere/index/embedder.h"
#include "repere/index/lexical.h"
#include "repere/taxonomy/store.h"

namespace repere::taxonomy {

namespace {

constexpr const char* kDomains = "http://data.education.fr/voc/scolomfr/scolomfr-voc-015";
constexpr double kNoteWeight = 0.5;   // a note's words against a label's
constexpr double kDescendant = 0.5;   // a child's labels against the concept's own, per level
constexpr int kMaxDepth = 4;          // descendants further down add nothing
constexpr std::size_t kMinStem = 3;   // shorter words (« ℓ », « an ») are not evidence
constexpr std::size_t kMaxWords = 6;  // supporting words kept per suggestion

// « alimentation et digestion (sciences de la vie et de la Terre cycle 4) » -> « alimentation
// et digestion »: the qualifier every concept of a tree repeats says nothing of the concept.
std::string without_qualifier(const std::string& label) {
  if (label.empty() || label.back() != ')') return label;
  const std::size_t open = label.rfind(" (");
  return open == std::string::npos || open == 0 ? label : label.substr(0, open);
}

// Words the search keeps (a query may need them) that say nothing of a subject in a programme's
// labels: quantifiers, negation, degree (« sur tous supports », « n'est pas », « plus simple »).
bool says_no_subject(const std::string& folded) {
  static const std::set<std::string> kWords = {
      "tous",   "toutes",   "tout",      "toute",     "chaque", "aucun",   "aucune", "autre",
      "autres", "meme",     "memes",     "tres",      "plus",   "moins",   "peu",    "bien",
      "pas",    "certains", "certaines", "plusieurs", "simple", "simples", "etc"};
  return kWords.count(folded) > 0;
}

bool is_skills(const std::string& label) {
  return text::fold(label).rfind("competences travaillees", 0) == 0;
}

bool ends_with(const std::string& s, std::string_view end) {
  return s.size() >= end.size() && s.compare(s.size() - end.size(), end.size(), end) == 0;
}

}  // namespace

struct Suggester::Impl {
  struct Node {
    std::string uri, pref_label, status;
    std::vector<std::string> labels;  // preferred (without its qualifier) and alternative
    std::string note;
    std::vector<int> parents, children;
    bool suggestible = true;
    // The concept as weighted stems, and its norm.
    std::vector<std::pair<int, double>> terms;  // term id, weight (with idf)
    double norm = 0;
  };
  std::vector<Node> nodes;
  std::unordered_map<std::string, int> by_uri;
  std::unordered_map<std::string, int> term_ids;  // stem -> id
  std::vector<double> idf;
  std::vector<std::string> term_word;  // how the labels write each stem (the first seen)
  // term id -> (node, weight): which concepts say a stem.
  std::vector<std::vector<std::pair<int, double>>> postings;

  int term(const std::string& stem, const std::string& written) {
    const auto [it, added] = term_ids.emplace(stem, static_cast<int>(term_word.size()));
    if (added) term_word.push_back(written);
    return it->second;
  }

  // The stems of a label with how it writes each, lower case with its accents.
  std::vector<std::pair<int, std::string>> label_terms(const std::string& s) {
    std::vector<std::pair<int, std::string>> out;
    for (const text::Token& t : text::tokenize(s)) {
      if (t.kind != text::TokenKind::kWord) continue;
      const auto stemmed = index::stemmed_words(t.text, "fr");
      if (stemmed.empty() || stemmed[0].stem.size() < kMinStem || says_no_subject(stemmed[0].word))
        continue;
      out.emplace_back(term(stemmed[0].stem, text::lower(t.text)), text::lower(t.text));
    }
    return out;
  }

  // Every concept under `from`, with its depth (1 for its children), each once.
  void descendants(int from, int depth, std::map<int, int>& out) const {
    if (depth > kMaxDepth) return;
    for (const int c : nodes[static_cast<std::size_t>(from)].children) {
      const auto [it, added] = out.emplace(c, depth);
      if (!added && it->second <= depth) continue;
      it->second = depth;
      descendants(c, depth + 1, out);
    }
  }

  void build_profiles();
  bool under(int node, const std::set<int>& roots) const;
};

void Suggester::Impl::build_profiles() {
  // What each concept says itself (its labels, its note), by stem.
  std::vector<std::map<int, double>> own(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    for (const std::string& l : nodes[i].labels) {
      for (const auto& [t, w] : label_terms(l)) own[i][t] = std::max(own[i][t], 1.0);
    }
    for (const auto& [t, w] : label_terms(nodes[i].note))
      own[i][t] = std::max(own[i][t], kNoteWeight);
  }
  // A stem named by few concepts tells more: idf over the concepts' own words.
  std::vector<int> df(term_word.size(), 0);
  for (const auto& o : own) {
    for (const auto& [t, w] : o) ++df[static_cast<std::size_t>(t)];
  }
  const double n = static_cast<double>(nodes.size());
  idf.resize(term_word.size());
  for (std::size_t t = 0; t < df.size(); ++t) idf[t] = std::log(1.0 + n / std::max(1, df[t]));
  postings.assign(term_word.size(), {});
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (!nodes[i].suggestible) continue;
    std::map<int, double> weights = own[i];
    std::map<int, int> under;
    descendants(static_cast<int>(i), 1, under);
    for (const auto& [d, depth] : under) {
      const double factor = std::pow(kDescendant, depth);
      for (const auto& [t, w] : own[static_cast<std::size_t>(d)]) weights[t] += w * factor;
    }
    double sum = 0;
    for (const auto& [t, w] : weights) {
      const double v = w * idf[static_cast<std::size_t>(t)];
      nodes[i].terms.emplace_back(t, v);
      postings[static_cast<std::size_t>(t)].emplace_back(static_cast<int>(i), v);
      sum += v * v;
    }
    nodes[i].norm = std::sqrt(sum);
  }
}

bool Suggester::Impl::under(int node, const std::set<int>& roots) const {
  if (roots.empty()) return true;
  std::vector<int> at{node};
  std::set<int> seen;
  while (!at.empty()) {
    const int n = at.back();
    at.pop_back();
    if (roots.count(n)) return true;
    if (!seen.insert(n).second) continue;
    for (const int p : nodes[static_cast<std::size_t>(n)].parents) at.push_back(p);
  }
  return false;
}

Suggester::Suggester(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Suggester::~Suggester() = default;

Result<std::unique_ptr<Suggester>> Suggester::load(catalog::Database& db) {
  auto impl = std::make_unique<Impl>();
  REPERE_ASSIGN_OR_RETURN(auto concepts,
                          db.prepare("SELECT uri, pref_label, note, status FROM concept WHERE "
                                     "scheme = ?1 ORDER BY id"));
  concepts.bind(1, kDomains);
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, concepts.step());
    if (!row) break;
    Impl::Node n;
    n.uri = concepts.text(0);
    n.pref_label = concepts.text(1);
    n.note = concepts.text(2);
    n.status = concepts.text(3);
    n.labels.push_back(without_qualifier(n.pref_label));
    impl->by_uri.emplace(n.uri, static_cast<int>(impl->nodes.size()));
    impl->nodes.push_back(std::move(n));
  }
  REPERE_ASSIGN_OR_RETURN(auto labels,
                          db.prepare("SELECT c.uri, l.label FROM concept_label l JOIN concept c ON "
                                     "c.id = l.concept_id WHERE l.kind = 'alt' AND c.scheme = ?1"));
  labels.bind(1, kDomains);
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, labels.step());
    if (!row) break;
    const auto it = impl->by_uri.find(labels.text(0));
    if (it != impl->by_uri.end())
      impl->nodes[static_cast<std::size_t>(it->second)].labels.push_back(
          without_qualifier(labels.text(1)));
  }
  REPERE_ASSIGN_OR_RETURN(auto links,
                          db.prepare("SELECT concept_uri, broader_uri FROM concept_broader"));
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, links.step());
    if (!row) break;
    const auto child = impl->by_uri.find(links.text(0));
    const auto parent = impl->by_uri.find(links.text(1));
    if (child == impl->by_uri.end() || parent == impl->by_uri.end()) continue;
    impl->nodes[static_cast<std::size_t>(child->second)].parents.push_back(parent->second);
    impl->nodes[static_cast<std::size_t>(parent->second)].children.push_back(child->second);
  }
  // Skills, deprecated concepts and the roots of the trees (a discipline is not a part of its
  // own programme) are never suggested; skills are no one's descendants either.
  // A discipline (« … (discipline) ») and its programme by cycle (« … (cycle 4) », under it)
  // are what a content is about, not a part of a programme.
  std::vector<int> skills;
  for (std::size_t i = 0; i < impl->nodes.size(); ++i) {
    Impl::Node& n = impl->nodes[i];
    if (is_skills(n.pref_label)) skills.push_back(static_cast<int>(i));
    const bool discipline =
        ends_with(n.pref_label, "(discipline)") ||
        std::any_of(n.parents.begin(), n.parents.end(), [&](int p) {
          return ends_with(impl->nodes[static_cast<std::size_t>(p)].pref_label, "(discipline)");
        });
    if (n.parents.empty() || discipline ||
        text::fold(n.status).find("deprecie") != std::string::npos)
      n.suggestible = false;
  }
  for (const int s : skills) {
    std::map<int, int> under;
    impl->descendants(s, 1, under);
    impl->nodes[static_cast<std::size_t>(s)].suggestible = false;
    for (const auto& [d, depth] : under)
      impl->nodes[static_cast<std::size_t>(d)].suggestible = false;
    for (const int p : impl->nodes[static_cast<std::size_t>(s)].parents) {
      auto& siblings = impl->nodes[static_cast<std::size_t>(p)].children;
      siblings.erase(std::remove(siblings.begin(), siblings.end(), s), siblings.end());
    }
  }
  impl->build_profiles();
  return std::unique_ptr<Suggester>(new Suggester(std::move(impl)));
}

std::size_t Suggester::size() const {
  return static_cast<std::size_t>(std::count_if(impl_->nodes.begin(), impl_->nodes.end(),
                                                [](const Impl::Node& n) { return n.suggestible; }));
}

bool Suggester::is_under(const std::string& uri, const std::string& ancestor) const {
  const auto a = impl_->by_uri.find(uri);
  const auto b = impl_->by_uri.find(ancestor);
  if (a == impl_->by_uri.end() || b == impl_->by_uri.end()) return uri == ancestor;
  return impl_->under(a->second, {b->second});
}

std::vector<Suggestion> Suggester::suggest(std::string_view text, const std::string& language,
                                           const SuggestOptions& options) const {
  std::vector<Suggestion> out;
  if (impl_->nodes.empty() || options.count <= 0) return out;
  // The text's stems that some concept says, log-weighted by how often.
  std::unordered_map<int, int> tf;
  for (const index::StemmedWord& w : index::stemmed_words(text, language)) {
    if (says_no_subject(w.word)) continue;
    const auto it = impl_->term_ids.find(w.stem);
    if (it != impl_->term_ids.end()) ++tf[it->second];
  }
  if (tf.empty()) return out;
  std::unordered_map<int, double> weight;
  double norm = 0;
  for (const auto& [t, n] : tf) {
    const double v =
        (1.0 + std::log(static_cast<double>(n))) * impl_->idf[static_cast<std::size_t>(t)];
    weight[t] = v;
    norm += v * v;
  }
  norm = std::sqrt(norm);
  std::unordered_map<int, double> dot;
  for (const auto& [t, v] : weight) {
    for (const auto& [node, w] : impl_->postings[static_cast<std::size_t>(t)]) dot[node] += v * w;
  }
  std::set<int> roots;
  for (const std::string& r : options.roots) {
    const auto it = impl_->by_uri.find(r);
    if (it != impl_->by_uri.end()) roots.insert(it->second);
  }
  if (!options.roots.empty() && roots.empty()) return out;  // roots of no imported tree
  std::vector<std::pair<double, int>> ranked;
  for (const auto& [node, d] : dot) {
    const Impl::Node& n = impl_->nodes[static_cast<std::size_t>(node)];
    if (n.norm <= 0) continue;
    const double score = d / (n.norm * norm);
    if (score < options.min_score || options.excluded.count(n.uri)) continue;
    ranked.emplace_back(score, node);
  }
  std::sort(ranked.begin(), ranked.end(), [&](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first
                              : impl_->nodes[static_cast<std::size_t>(a.second)].uri <
                                    impl_->nodes[static_cast<std::size_t>(b.second)].uri;
  });
  for (const auto& [score, node] : ranked) {
    if (static_cast<int>(out.size()) >= options.count) break;
    if (!impl_->under(node, roots)) continue;
    const Impl::Node& n = impl_->nodes[static_cast<std::size_t>(node)];
    Suggestion s{n.uri, n.pref_label, score, {}};
    std::vector<std::pair<double, int>> support;
    for (const auto& [t, w] : n.terms) {
      const auto it = weight.find(t);
      if (it != weight.end()) support.emplace_back(it->second * w, t);
    }
    std::sort(support.rbegin(), support.rend());
    for (std::size_t i = 0; i < support.size() && i < kMaxWords; ++i)
      s.words.push_back(impl_->term_word[static_cast<std::size_t>(support[i].second)]);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace repere::taxonomy

namespace repere::taxonomy {

namespace {

constexpr int kContentSuggestions = 3;
constexpr double kPassageMinScore = 0.08;  // a passage is short: one concept, and a clear one
constexpr std::size_t kPassageMinWords = 2;

// What a content says: its title and description (weighed as three and two mentions), then
// its passages.
std::string content_text(const catalog::Content& c, const std::vector<catalog::Passage>& ps) {
  std::string out;
  for (int i = 0; i < 3; ++i) out += c.title + "\n";
  for (int i = 0; i < 2; ++i) out += c.description + "\n";
  for (const catalog::Passage& p : ps) out += p.text + "\n";
  return out;
}

Result<std::set<std::string>> given(catalog::Database& db, std::int64_t content_id,
                                    const char* purpose, const char* state) {
  REPERE_ASSIGN_OR_RETURN(auto stmt, db.prepare("SELECT concept_uri FROM content_concept WHERE "
                                                "content_id = ?1 AND purpose = ?2 AND state = ?3"));
  stmt.bind(1, content_id).bind(2, purpose).bind(3, state);
  std::set<std::string> out;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) break;
    out.insert(stmt.text(0));
  }
  return out;
}

std::string join_words(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

Result<std::vector<std::int64_t>> every_content(catalog::Database& db) {
  REPERE_ASSIGN_OR_RETURN(auto stmt, db.prepare("SELECT id FROM content ORDER BY id"));
  std::vector<std::int64_t> out;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) break;
    out.push_back(stmt.int64(0));
  }
  return out;
}

// A content the evaluations judge: its text as the suggester reads it, its gold (confirmed
// programme concepts) and its confirmed disciplines.
struct GoldContent {
  std::int64_t id = 0;
  std::string title, text, language;
  std::set<std::string> gold, roots;
};

Result<std::vector<GoldContent>> gold_contents(catalog::Database& db) {
  std::vector<GoldContent> out;
  REPERE_ASSIGN_OR_RETURN(const auto ids, every_content(db));
  catalog::ContentRepository contents(db);
  catalog::PassageRepository passages(db);
  for (const std::int64_t id : ids) {
    REPERE_ASSIGN_OR_RETURN(auto gold, given(db, id, "programme", "confirmed"));
    if (gold.empty()) continue;
    REPERE_ASSIGN_OR_RETURN(const auto content, contents.get(id));
    REPERE_ASSIGN_OR_RETURN(const auto ps, passages.list_for_content(id));
    GoldContent c{id, content.title, content_text(content, ps), content.language, std::move(gold),
                  {}};
    REPERE_ASSIGN_OR_RETURN(c.roots, given(db, id, "discipline", "confirmed"));
    out.push_back(std::move(c));
  }
  return out;
}

// Tallies how a method's concepts for each content (best first, three at most) meet its gold:
// right when a gold concept or under one.
class Judge {
 public:
  explicit Judge(const Suggester& suggester) : suggester_(suggester) {}

  // `shown`: how a miss names the first concept.
  void add(const GoldContent& c, const std::vector<std::string>& found, const std::string& shown) {
    auto right = [&](const std::string& uri, const std::string& g) {
      return suggester_.is_under(uri, g);
    };
    ++q_.contents;
    const bool first = !found.empty() && std::any_of(c.gold.begin(), c.gold.end(),
                                                     [&](auto& g) { return right(found[0], g); });
    hits_ += first ? 1 : 0;
    none_ += found.empty() ? 1 : 0;
    int covered = 0;
    for (const std::string& g : c.gold) {
      if (std::any_of(found.begin(), found.end(), [&](const auto& f) { return right(f, g); }))
        ++covered;
    }
    recall_ += static_cast<double>(covered) / static_cast<double>(c.gold.size());
    if (!first) q_.misses.push_back({c.id, c.title, *c.gold.begin(), found.empty() ? "" : shown});
  }
  // Whether `uri` lies under one of the content's disciplines (any, when it has none).
  bool inside(const GoldContent& c, const std::string& uri) const {
    return c.roots.empty() || std::any_of(c.roots.begin(), c.roots.end(), [&](const auto& r) {
             return suggester_.is_under(uri, r);
           });
  }
  IndexingQuality result() const {
    IndexingQuality q = q_;
    if (q.contents > 0) {
      q.precision_at_1 = hits_ / q.contents;
      q.recall_at_3 = recall_ / q.contents;
      q.no_suggestion = none_ / q.contents;
    }
    return q;
  }

 private:
  const Suggester& suggester_;
  IndexingQuality q_;
  double hits_ = 0, recall_ = 0, none_ = 0;
};

}  // namespace

Result<IndexingReport> suggest_library(catalog::Database& db, const Suggester& suggester,
                                       const std::vector<std::int64_t>& content_ids,
                                       const IndexingProgress& progress) {
  IndexingReport report;
  std::vector<std::int64_t> ids = content_ids;
  if (ids.empty()) {
    REPERE_ASSIGN_OR_RETURN(ids, every_content(db));
  }
  catalog::ContentRepository contents(db);
  catalog::PassageRepository passages(db);
  REPERE_ASSIGN_OR_RETURN(
      auto forget, db.prepare("DELETE FROM content_concept WHERE content_id = ?1 AND purpose = "
                              "'programme' AND origin = 'machine' AND state = 'suggested'"));
  REPERE_ASSIGN_OR_RETURN(
      auto keep, db.prepare("INSERT INTO content_concept (content_id, concept_uri, purpose, "
                            "origin, state, score, evidence) VALUES (?1, ?2, 'programme', "
                            "'machine', 'suggested', ?3, ?4) ON CONFLICT DO NOTHING"));
  REPERE_ASSIGN_OR_RETURN(
      auto forget_passages,
      db.prepare("DELETE FROM passage_concept WHERE passage_id IN (SELECT id FROM passage WHERE "
                 "content_id = ?1)"));
  REPERE_ASSIGN_OR_RETURN(auto keep_passage,
                          db.prepare("INSERT OR REPLACE INTO passage_concept (passage_id, "
                                     "concept_uri, score, evidence) VALUES (?1, ?2, ?3, ?4)"));
  int done = 0;
  for (const std::int64_t id : ids) {
    auto content = contents.get(id);
    if (!content.is_ok()) {
      if (content.status().code() == StatusCode::kNotFound) continue;  // removed meanwhile
      return content.status();
    }
    REPERE_ASSIGN_OR_RETURN(const auto ps, passages.list_for_content(id));
    SuggestOptions options;
    options.count = kContentSuggestions;
    REPERE_ASSIGN_OR_RETURN(options.roots, given(db, id, "discipline", "confirmed"));
    REPERE_ASSIGN_OR_RETURN(options.excluded, given(db, id, "programme", "rejected"));
    const auto found = suggester.suggest(content_text(*content, ps), content->language, options);
    SuggestOptions one = options;
    one.count = 1;
    one.min_score = kPassageMinScore;
    std::vector<std::pair<std::int64_t, Suggestion>> by_passage;
    for (const catalog::Passage& p : ps) {
      auto s = suggester.suggest(p.text, p.language.empty() ? content->language : p.language, one);
      // One word in common (« la digestion. ») is not enough to say what a passage is about.
      if (!s.empty() && s[0].words.size() >= kPassageMinWords)
        by_passage.emplace_back(p.id, std::move(s[0]));
    }
    REPERE_ASSIGN_OR_RETURN(auto txn, catalog::Transaction::begin(db));
    forget.reset();
    REPERE_RETURN_IF_ERROR(forget.bind(1, id).run());
    for (const Suggestion& s : found) {
      keep.reset();
      REPERE_RETURN_IF_ERROR(
          keep.bind(1, id).bind(2, s.uri).bind(3, s.score).bind(4, join_words(s.words)).run());
    }
    forget_passages.reset();
    REPERE_RETURN_IF_ERROR(forget_passages.bind(1, id).run());
    for (const auto& [passage, s] : by_passage) {
      keep_passage.reset();
      REPERE_RETURN_IF_ERROR(keep_passage.bind(1, passage)
                                 .bind(2, s.uri)
                                 .bind(3, s.score)
                                 .bind(4, join_words(s.words))
                                 .run());
    }
    REPERE_RETURN_IF_ERROR(txn.commit());
    ++report.contents;
    report.suggestions += static_cast<int>(found.size());
    report.passages += static_cast<int>(by_passage.size());
    if (progress) progress(++done, static_cast<int>(ids.size()));
  }
  return report;
}

Result<IndexingReport> refresh_library(catalog::Database& db) {
  ConceptStore store(db);
  REPERE_ASSIGN_OR_RETURN(const int concepts, store.count());
  if (concepts == 0) return IndexingReport{};
  REPERE_RETURN_IF_ERROR(store.map_free_text().status());
  REPERE_ASSIGN_OR_RETURN(const auto suggester, Suggester::load(db));
  if (suggester->size() == 0) return IndexingReport{};
  return suggest_library(db, *suggester);
}

Result<IndexingQuality> evaluate_suggestions(catalog::Database& db, const Suggester& suggester) {
  REPERE_ASSIGN_OR_RETURN(const auto all, gold_contents(db));
  Judge judge(suggester);
  for (const GoldContent& c : all) {
    SuggestOptions options;
    options.count = kContentSuggestions;
    options.roots = c.roots;
    const auto found = suggester.suggest(c.text, c.language, options);
    std::vector<std::string> uris;
    for (const Suggestion& f : found) uris.push_back(f.uri);
    judge.add(c, uris, found.empty() ? "" : found[0].pref_label);
  }
  return judge.result();
}

std::vector<std::pair<std::string, std::string>> Suggester::profile_texts() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (std::size_t i = 0; i < impl_->nodes.size(); ++i) {
    const auto& n = impl_->nodes[i];
    if (!n.suggestible) continue;
    std::string text;
    for (const std::string& l : n.labels) text += l + ". ";
    text += n.note;
    std::map<int, int> under;
    impl_->descendants(static_cast<int>(i), 1, under);
    for (const auto& [c, depth] : under) {
      for (const std::string& l : impl_->nodes[static_cast<std::size_t>(c)].labels)
        text += " " + l + ".";
    }
    out.emplace_back(n.uri, text);
  }
  return out;
}

Result<IndexingQuality> evaluate_meaning(catalog::Database& db, const Suggester& suggester,
                                         const index::Embedder& embedder) {
  const auto profiles = suggester.profile_texts();
  std::vector<std::string> texts;
  for (const auto& p : profiles) texts.push_back(p.second);
  REPERE_ASSIGN_OR_RETURN(const auto concept_vectors, embedder.embed_batch(texts));
  REPERE_ASSIGN_OR_RETURN(const auto all, gold_contents(db));
  Judge judge(suggester);
  for (const GoldContent& c : all) {
    REPERE_ASSIGN_OR_RETURN(const auto v, embedder.embed(c.text));
    std::vector<std::pair<double, std::size_t>> ranked;  // cosine, concept
    for (std::size_t k = 0; k < profiles.size(); ++k) {
      if (!judge.inside(c, profiles[k].first)) continue;
      double dot = 0;
      for (std::size_t d = 0; d < v.size() && d < concept_vectors[k].size(); ++d)
        dot += static_cast<double>(v[d]) * static_cast<double>(concept_vectors[k][d]);
      ranked.emplace_back(dot, k);
    }
    std::sort(ranked.begin(), ranked.end(),
              [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<std::string> found;
    for (std::size_t r = 0; r < ranked.size() && r < kContentSuggestions; ++r)
      found.push_back(profiles[ranked[r].second].first);
    judge.add(c, found, found.empty() ? "" : found[0]);
  }
  return judge.result();
}

Result<SupervisedQuality> evaluate_supervised(catalog::Database& db, const Suggester& suggester,
                                              const std::filesystem::path& work) {
  REPERE_ASSIGN_OR_RETURN(const auto all, gold_contents(db));
  Judge judge(suggester);
  double reachable = 0;
  for (std::size_t i = 0; i < all.size(); ++i) {
    const GoldContent& c = all[i];
    std::vector<index::LabelledText> others;
    std::set<std::string> seen;
    for (std::size_t j = 0; j < all.size(); ++j) {
      if (j == i) continue;
      others.push_back({all[j].text, all[j].language, *all[j].gold.begin()});
      seen.insert(all[j].gold.begin(), all[j].gold.end());
    }
    if (std::any_of(c.gold.begin(), c.gold.end(), [&](const auto& g) { return seen.count(g); }))
      ++reachable;
    REPERE_ASSIGN_OR_RETURN(const auto classifier, index::train_classifier(others, work));
    std::vector<std::string> found;  // under the content's disciplines, best first, three
    for (const auto& [label, p] :
         classifier->predict(c.text, c.language, static_cast<int>(seen.size()))) {
      if (judge.inside(c, label)) found.push_back(label);
      if (found.size() == static_cast<std::size_t>(kContentSuggestions)) break;
    }
    judge.add(c, found, found.empty() ? "" : found[0]);
  }
  SupervisedQuality out{judge.result(), 0};
  if (!all.empty()) out.reachable = reachable / static_cast<double>(all.size());
  return out;
}

}  // namespace repere::taxonomy
