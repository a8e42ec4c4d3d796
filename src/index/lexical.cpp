#include "repere/index/lexical.h"

#include <xapian.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>

#include "repere/core/text.h"

namespace repere::index {

namespace fs = std::filesystem;

namespace {

// Term prefixes, after Xapian's conventions (Q for the unique id, S for the title).
constexpr const char* kIdPrefix = "Q";
constexpr const char* kTitlePrefix = "S";
constexpr const char* kDescriptionPrefix = "XD";
constexpr const char* kContentPrefix = "XT";
constexpr const char* kKindPrefix = "XK";
constexpr const char* kCollectionPrefix = "XC";
constexpr const char* kLanguagePrefix = "XL";
constexpr const char* kLicencePrefix = "XI";
constexpr const char* kSubjectPrefix = "XS";
constexpr const char* kLevelPrefix = "XV";
constexpr const char* kStatusPrefix = "XP";
constexpr Xapian::valueno kContentSlot = 0;
constexpr const char* kSignatureKey = "sig:";
// The layout of the index, in its metadata: "2" has docid = passage id; "3" also has
// length-normalised within-document frequencies (see `occurrence_weight`); "4" goes with
// passage vectors that leave out the library's common direction (see embedder.h), so that a
// generation made before is rebuilt whole, vectors included.
// "5" adds each passage's editorial status (XP), which search filters on.
constexpr const char* kLayoutKey = "layout";
constexpr const char* kLayout = "5";
constexpr const char* kTypicalLengthKey = "typical_length";

// BM25 without reading document lengths at query time. BM25's term-frequency part is
// (k1 + 1)·tf / (k1·norm + tf) with norm = (1 − b) + b·length/average; dividing by norm,
// it is BM25 with b = 0 applied to tf/norm. So each occurrence of a word is indexed with a
// within-document frequency of kWdfScale/norm, and the search runs BM25 with b = 0 and
// k1·kWdfScale: the same ranking, but Xapian no longer reads a document length for every
// candidate, which was most of a search's time (1M passages: Xapian top-100 p50 3.7 ms with
// lengths, 0.44 ms without). The average is the library's when the index was built.
constexpr double kK1 = 1.2;
constexpr double kB = 0.75;
constexpr double kWdfScale = 32;
constexpr double kMinNormLength = 0.5;  // as Xapian's BM25: very short texts are not favoured
constexpr std::int64_t kDefaultTypicalLength = 400;

Xapian::termcount occurrence_weight(std::int64_t length, std::int64_t typical) {
  const double relative =
      std::max(kMinNormLength, static_cast<double>(length) / static_cast<double>(typical));
  const double norm = (1 - kB) + kB * relative;
  return static_cast<Xapian::termcount>(std::max(1.0, std::round(kWdfScale / norm)));
}

Xapian::BM25Weight weighting() { return Xapian::BM25Weight(kK1 * kWdfScale, 0, 1, 0, 0); }

std::int64_t typical_length(const Xapian::Database& db) {
  const std::string v = db.get_metadata(kTypicalLengthKey);
  const std::int64_t n = v.empty() ? 0 : std::atoll(v.c_str());
  return n > 0 ? n : kDefaultTypicalLength;
}

Status check_layout(const Xapian::Database& db, const fs::path& folder) {
  if (db.get_metadata(kLayoutKey) == kLayout) return Status::ok();
  return Status::unsupported("the search index " + folder.string() +
                             " was made by an older Repère: run `repere reindex`");
}

// Function words that say nothing of what is searched (already folded), per language: dropped
// from queries of words, kept inside "phrases", never highlighted. A language other than
// English uses the French list (the library's default language).
const char* const kFrenchStopwords[] = {
    // French: articles, pronouns, prepositions, conjunctions, interrogatives and the
    // forms of être and avoir. Not « son » (the sound, in a physics library), « or »,
    // « pas », « est »: words that are also nouns stay, and their weight decides.
    "a",    "ai",       "as",      "au",    "aux",    "avec",    "avez",   "avons", "c",
    "ca",   "car",      "ce",      "ceci",  "cela",   "celle",   "celles", "celui", "ces",
    "cet",  "cette",    "ceux",    "chez",  "comme",  "comment", "contre", "d",     "dans",
    "de",   "des",      "donc",    "dont",  "du",     "elle",    "elles",  "en",    "entre",
    "est",  "et",       "etaient", "etait", "ete",    "etre",    "eux",    "il",    "ils",
    "j",    "je",       "l",       "la",    "le",     "les",     "leur",   "leurs", "lui",
    "m",    "ma",       "mais",    "me",    "mes",    "moi",     "mon",    "n",     "ne",
    "ni",   "nos",      "notre",   "nous",  "on",     "ont",     "ou",     "par",   "parce",
    "pour", "pourquoi", "quand",   "quel",  "quelle", "quelles", "quels",  "qu",    "que",
    "qui",  "quoi",     "s",       "sa",    "sans",   "se",      "ses",    "si",    "sont",
    "sous", "sur",      "t",       "ta",    "te",     "tes",     "toi",    "ton",   "tu",
    "un",   "une",      "vers",    "vos",   "votre",  "vous",    "y",
};
const char* const kEnglishStopwords[] = {
    "a",    "an",   "and",   "are",  "as",    "at",   "be",   "been",  "but",  "by",    "can",
    "did",  "do",   "does",  "for",  "from",  "had",  "has",  "have",  "he",   "her",   "his",
    "how",  "i",    "if",    "in",   "into",  "is",   "it",   "its",   "my",   "not",   "of",
    "on",   "or",   "our",   "she",  "so",    "that", "the",  "their", "them", "there", "these",
    "they", "this", "those", "to",   "was",   "we",   "were", "what",  "when", "where", "which",
    "who",  "why",  "will",  "with", "would", "you",  "your"};

template <std::size_t N>
const Xapian::SimpleStopper* make_stopper(const char* const (&words)[N]) {
  auto* s = new Xapian::SimpleStopper;  // immutable once built; lives as long as the program
  for (const char* w : words) s->add(w);
  return s;
}

const Xapian::SimpleStopper& stopper(const std::string& language = "fr") {
  static const Xapian::SimpleStopper* const kFrench = make_stopper(kFrenchStopwords);
  static const Xapian::SimpleStopper* const kEnglish = make_stopper(kEnglishStopwords);
  return language.rfind("en", 0) == 0 ? *kEnglish : *kFrench;
}

// Xapian knows the ISO 639-1 codes of the languages it stems ("de", "tr", "es"...); another
// language (or none) is not stemmed.
Xapian::Stem stemmer_for(const std::string& language) {
  const std::string l = language.substr(0, 2);
  if (l == "fr") return Xapian::Stem("french");
  if (l == "en") return Xapian::Stem("english");
  try {
    return l.empty() ? Xapian::Stem() : Xapian::Stem(l);
  } catch (const Xapian::InvalidArgumentError&) {
    return Xapian::Stem();
  }
}

std::string filter_term(const char* prefix, const std::string& value) {
  return prefix + text::fold(value);
}

Status xapian_error(const std::string& what, const Xapian::Error& e) {
  return Status::io_error(what + ": " + e.get_type() + ": " + e.get_msg());
}

// OR of the values of one filter field; the fields are then ANDed.
void add_filter(std::vector<Xapian::Query>& out, const char* prefix,
                const std::vector<std::string>& values) {
  if (values.empty()) return;
  std::vector<Xapian::Query> terms;
  for (const std::string& v : values) terms.emplace_back(filter_term(prefix, v));
  out.emplace_back(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

Xapian::Query filter_query(const Filters& f) {
  std::vector<Xapian::Query> parts;
  add_filter(parts, kKindPrefix, f.kinds);
  add_filter(parts, kCollectionPrefix, f.collections);
  add_filter(parts, kLanguagePrefix, f.languages);
  add_filter(parts, kLicencePrefix, f.licences);
  add_filter(parts, kSubjectPrefix, f.subjects);
  add_filter(parts, kLevelPrefix, f.levels);
  add_filter(parts, kStatusPrefix, f.statuses);
  if (!f.contents.empty()) {
    std::vector<Xapian::Query> ids;
    for (Id id : f.contents) ids.emplace_back(kContentPrefix + std::to_string(id));
    parts.emplace_back(Xapian::Query::OP_OR, ids.begin(), ids.end());
  }
  return Xapian::Query(Xapian::Query::OP_AND, parts.begin(), parts.end());
}

// Whether the filters let every passage through: only statuses, which every passage has (a
// library where all is published, searched by a reader). Filtering then costs the matcher a
// walk of a posting list as long as the library for nothing.
bool lets_all_through(const Xapian::Database& db, const Filters& f) {
  if (!f.only_statuses()) return false;
  Xapian::doccount covered = 0;
  const std::set<std::string> statuses(f.statuses.begin(), f.statuses.end());
  for (const std::string& s : statuses) covered += db.get_termfreq(filter_term(kStatusPrefix, s));
  return covered >= db.get_doccount();
}

// Query text with the characters Xapian's parser gives meaning to turned into spaces.
std::string plain_words(const std::string& q) {
  std::string out = q;
  for (char& c : out) {
    if (c == '"' || c == '(' || c == ')' || c == ':' || c == '-' || c == '+' || c == '*') c = ' ';
  }
  return out;
}

// « Vouliez-vous dire… »: each word of the query that the library does not have (neither the
// word nor its stem), replaced by the nearest word it has (Xapian's spelling table, two edits
// at most); words it has, numbers and stopwords are kept. Only unknown words are looked up:
// the lookup scans the spelling table's n-grams, and doing it for every word (as the query
// parser's spelling flag does) was a fifth of a search's time over a million passages.
// Nothing for a query of more than kMaxSuggestedWords words: a paste is not a misspelling.
// Returns each unknown word -> its correction (LexicalResult::corrected_query() says them).
// `weighed` tells which words the library lacks (weigh_words() read their frequencies).
std::map<std::string, std::string> spelling_corrections(const Xapian::Database& db,
                                                        const std::string& language,
                                                        const std::string& prepared,
                                                        const std::vector<QueryWord>& weighed) {
  auto unknown = [&](const std::string& word) {
    return std::any_of(weighed.begin(), weighed.end(),
                       [&](const QueryWord& w) { return w.word == word && !w.known; });
  };
  std::map<std::string, std::string> out;
  const auto words = text::search_terms(prepared);
  const auto meaningful = std::count_if(
      words.begin(), words.end(), [&](const std::string& w) { return !stopper(language)(w); });
  if (meaningful > kMaxSuggestedWords) return out;
  for (const std::string& word : words) {
    if (word.find_first_of("0123456789") == std::string::npos && !stopper(language)(word) &&
        unknown(word)) {
      std::string nearest = db.get_spelling_suggestion(word);
      if (!nearest.empty() && nearest != word) out[word] = std::move(nearest);
    }
  }
  return out;
}

// The distinct words behind `term_words` (less the excluded ones) with their weights, and for
// each the index terms that stand for it.
std::vector<std::vector<std::string>> weigh_words(const Xapian::Database& db, LexicalResult& result,
                                                  const std::vector<std::string>& excluded) {
  std::vector<std::vector<std::string>> terms;
  const double n = std::max<double>(1, db.get_doccount());
  for (const auto& [term, word] : result.term_words) {
    if (std::find(excluded.begin(), excluded.end(), word) != excluded.end()) continue;
    std::size_t i = 0;
    while (i < result.words.size() && result.words[i].word != word) ++i;
    if (i == result.words.size()) {
      result.words.push_back({word, 0, false});
      terms.emplace_back();
    }
    terms[i].push_back(term);
  }
  // In the order the query says them (Xapian lists its terms sorted).
  auto position = [&](const std::string& word) {
    const auto at = std::find(result.typed.begin(), result.typed.end(), word);
    return at - result.typed.begin();
  };
  std::vector<std::size_t> order(result.words.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return position(result.words[a].word) < position(result.words[b].word);
  });
  std::vector<QueryWord> words;
  std::vector<std::vector<std::string>> sorted_terms;
  for (const std::size_t i : order) {
    words.push_back(std::move(result.words[i]));
    sorted_terms.push_back(std::move(terms[i]));
  }
  result.words = std::move(words);
  terms = std::move(sorted_terms);
  const double rarest = rarest_weight(static_cast<std::int64_t>(n));
  result.library_passages = static_cast<std::int64_t>(n);
  for (std::size_t i = 0; i < result.words.size(); ++i) {
    QueryWord& w = result.words[i];
    double df = 0;
    for (const std::string& t : terms[i]) df = std::max<double>(df, db.get_termfreq(t));
    w.known = df > 0;
    w.frequency = df / n;
    w.passages = static_cast<std::int64_t>(df);
    w.weight = w.known ? std::log(1 + (n - df + 0.5) / (df + 0.5)) : rarest;
  }
  return terms;
}

// Sets LexicalHit::matched: for each word, a walk of its terms' posting lists over the hits
// in docid order (a skip_to per hit), cheaper than reading each hit's term list.
void mark_matches(const Xapian::Database& db, const std::vector<std::vector<std::string>>& terms,
                  std::vector<LexicalHit>& hits) {
  std::vector<std::size_t> order(hits.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return hits[a].passage_id < hits[b].passage_id; });
  for (std::size_t w = 0; w < terms.size() && w < 64; ++w) {
    for (const std::string& term : terms[w]) {
      Xapian::PostingIterator p = db.postlist_begin(term);
      const Xapian::PostingIterator end = db.postlist_end(term);
      for (const std::size_t i : order) {
        const auto id = static_cast<Xapian::docid>(hits[i].passage_id);
        p.skip_to(id);
        if (p == end) break;
        if (*p == id) hits[i].matched |= std::uint64_t{1} << w;
      }
    }
  }
}

}  // namespace

double rarest_weight(std::int64_t passages) {
  const double n = std::max<double>(1, static_cast<double>(passages));
  return std::log(1 + (n + 0.5) / 0.5);
}

std::string LexicalResult::corrected_query() const {
  std::string out;
  bool changed = false;
  for (const std::string& word : typed) {
    std::string said = word;
    for (const QueryWord& w : words) {
      if (w.word == word && !w.correction.empty()) {
        said = w.correction;
        changed = true;
      }
    }
    out += (out.empty() ? "" : " ") + said;
  }
  return changed ? out : "";
}

double LexicalResult::coverage(const LexicalHit& h) const {
  double total = 0, found = 0;
  for (std::size_t i = 0; i < words.size(); ++i) {
    total += words[i].weight;
    if (i < 64 && (h.matched >> i & 1)) found += words[i].weight;
  }
  return total > 0 ? found / total : 0;
}

std::vector<std::string> LexicalResult::matched_words(const LexicalHit& h) const {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < words.size() && i < 64; ++i) {
    if (h.matched >> i & 1) out.push_back(words[i].word);
  }
  return out;
}

bool is_stopword(const std::string& folded_word, const std::string& language) {
  return stopper(language)(folded_word);
}

std::vector<StemmedWord> stemmed_words(std::string_view text, const std::string& language) {
  const std::string lang = language.empty() ? "fr" : language;
  const Xapian::Stem stem = stemmer_for(lang);
  const Xapian::SimpleStopper& stop = stopper(lang);
  std::vector<StemmedWord> out;
  for (std::string& w : text::search_terms(text)) {
    if (stop(w)) continue;
    std::string s = stem(w);
    out.push_back({std::move(s), std::move(w)});
  }
  return out;
}

namespace {

// The pronouns a French question or imperative hangs on its verb: « est-ce », « se
// propage-t-elle », « dit-on », « donne-le-moi ».
bool inverted_pronoun(std::string_view part) {
  static constexpr std::string_view kPronouns[] = {
      "ce",   "elle", "elles", "en",   "il", "ils", "je",  "la", "le",   "les",
      "leur", "lui",  "moi",   "nous", "on", "t",   "toi", "tu", "vous", "y"};
  return std::find(std::begin(kPronouns), std::end(kPronouns), part) != std::end(kPronouns);
}

// Unhooks the pronouns at the end of a hyphenated word (the folded `s`, token `t`), so that
// « qu'est-ce » is the stopwords « est ce » rather than the phrase "est ce" that Xapian's
// parser makes of a hyphenated word, which no stopper drops and which weighed a question like
// « Qu'est-ce que la zéolithe ? » down to nothing. Compounds keep their hyphens:
// « arc-en-ciel », « peut-être ».
void split_inverted_pronouns(std::string& s, const text::Token& t) {
  std::size_t end = t.end;
  while (true) {
    const std::size_t hyphen = s.rfind('-', end - 1);
    if (hyphen == std::string::npos || hyphen <= t.begin) return;
    if (!inverted_pronoun(std::string_view(s).substr(hyphen + 1, end - hyphen - 1))) return;
    s[hyphen] = ' ';
    end = hyphen;
  }
}

}  // namespace

std::string prepare_for_xapian(std::string_view raw) {
  std::string s = text::fold(text::sanitize_utf8(raw));
  for (char& c : s) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';  // control characters
  }
  for (const text::Token& t : text::tokenize(s)) {
    // « l'ADN » is searched as « ADN »: the elided article is not a word of its own.
    if (t.kind == text::TokenKind::kElision) {
      for (std::size_t i = t.begin; i < t.end; ++i) s[i] = ' ';
    }
    if (t.kind == text::TokenKind::kWord) split_inverted_pronouns(s, t);
  }
  return s;
}

// ----------------------------------------------------------------------------------------------
// Writer

struct LexicalWriter::Impl {
  Xapian::WritableDatabase db;
  Xapian::TermGenerator generator;
  std::int64_t typical_length = kDefaultTypicalLength;
};

LexicalWriter::LexicalWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LexicalWriter::~LexicalWriter() = default;

Result<std::unique_ptr<LexicalWriter>> LexicalWriter::create(const fs::path& folder,
                                                             std::int64_t typical_length) {
  std::error_code ec;
  if (fs::exists(folder, ec)) return Status::already_exists(folder.string() + " already exists");
  // Read by Xapian when the database opens; fewer, bigger writes build a big index faster.
  setenv("XAPIAN_FLUSH_THRESHOLD", "100000", /*overwrite=*/0);
  try {
    auto impl = std::make_unique<Impl>();
    impl->db = Xapian::WritableDatabase(folder.string(), Xapian::DB_CREATE);
    impl->db.set_metadata(kLayoutKey, kLayout);
    impl->typical_length = typical_length > 0 ? typical_length : kDefaultTypicalLength;
    impl->db.set_metadata(kTypicalLengthKey, std::to_string(impl->typical_length));
    impl->generator.set_database(impl->db);
    impl->generator.set_flags(Xapian::TermGenerator::FLAG_SPELLING);
    impl->generator.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
    return std::unique_ptr<LexicalWriter>(new LexicalWriter(std::move(impl)));
  } catch (const Xapian::Error& e) {
    return xapian_error("cannot create the lexical index " + folder.string(), e);
  }
}

Result<std::unique_ptr<LexicalWriter>> LexicalWriter::open(const fs::path& folder) {
  try {
    auto impl = std::make_unique<Impl>();
    impl->db = Xapian::WritableDatabase(folder.string(), Xapian::DB_OPEN);
    REPERE_RETURN_IF_ERROR(check_layout(impl->db, folder));
    impl->typical_length = typical_length(impl->db);
    impl->generator.set_database(impl->db);
    impl->generator.set_flags(Xapian::TermGenerator::FLAG_SPELLING);
    impl->generator.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
    return std::unique_ptr<LexicalWriter>(new LexicalWriter(std::move(impl)));
  } catch (const Xapian::Error& e) {
    return xapian_error("cannot open the lexical index " + folder.string(), e);
  }
}

Status LexicalWriter::put(const PassageDoc& d) {
  if (d.passage_id < 1 || d.passage_id > std::numeric_limits<Xapian::docid>::max()) {
    return Status::invalid_argument("passage id " + std::to_string(d.passage_id) +
                                    " is beyond what the search index can hold");
  }
  try {
    Xapian::Document doc;
    Xapian::TermGenerator& g = impl_->generator;
    g.set_stemmer(stemmer_for(d.language));
    g.set_document(doc);
    const auto length =
        static_cast<std::int64_t>(d.text.size() + d.title.size() + d.description.size());
    const Xapian::termcount w = occurrence_weight(length, impl_->typical_length);
    g.index_text(prepare_for_xapian(d.text), w);
    g.increase_termpos();
    g.index_text(prepare_for_xapian(d.title), w);
    g.index_text(prepare_for_xapian(d.title), w, kTitlePrefix);
    g.increase_termpos();
    g.index_text(prepare_for_xapian(d.description), w, kDescriptionPrefix);
    const std::string id_term = kIdPrefix + std::to_string(d.passage_id);
    doc.add_boolean_term(id_term);
    doc.add_boolean_term(kContentPrefix + std::to_string(d.content_id));
    if (!d.kind.empty()) doc.add_boolean_term(filter_term(kKindPrefix, d.kind));
    if (!d.collection.empty()) doc.add_boolean_term(filter_term(kCollectionPrefix, d.collection));
    if (!d.language.empty())
      doc.add_boolean_term(filter_term(kLanguagePrefix, d.language.substr(0, 2)));
    if (!d.licence.empty()) doc.add_boolean_term(filter_term(kLicencePrefix, d.licence));
    if (!d.subject.empty()) doc.add_boolean_term(filter_term(kSubjectPrefix, d.subject));
    if (!d.level.empty()) doc.add_boolean_term(filter_term(kLevelPrefix, d.level));
    if (!d.status.empty()) doc.add_boolean_term(filter_term(kStatusPrefix, d.status));
    doc.add_value(kContentSlot, std::to_string(d.content_id));
    impl_->db.replace_document(static_cast<Xapian::docid>(d.passage_id), doc);
    return Status::ok();
  } catch (const Xapian::Error& e) {
    return xapian_error("cannot index passage " + std::to_string(d.passage_id), e);
  }
}

Status LexicalWriter::remove_content(Id content_id) {
  try {
    impl_->db.delete_document(kContentPrefix + std::to_string(content_id));
    impl_->db.set_metadata(kSignatureKey + std::to_string(content_id), "");
    return Status::ok();
  } catch (const Xapian::Error& e) {
    return xapian_error("cannot remove content " + std::to_string(content_id), e);
  }
}

Status LexicalWriter::set_signature(Id content_id, const std::string& signature) {
  try {
    impl_->db.set_metadata(kSignatureKey + std::to_string(content_id), signature);
    return Status::ok();
  } catch (const Xapian::Error& e) {
    return xapian_error("cannot record content " + std::to_string(content_id), e);
  }
}

Result<std::map<Id, std::string>> LexicalWriter::signatures() {
  try {
    std::map<Id, std::string> out;
    for (auto k = impl_->db.metadata_keys_begin(kSignatureKey);
         k != impl_->db.metadata_keys_end(kSignatureKey); ++k) {
      const std::string key = *k;
      out[std::stoll(key.substr(std::string(kSignatureKey).size()))] = impl_->db.get_metadata(key);
    }
    return out;
  } catch (const Xapian::Error& e) {
    return xapian_error("cannot read the lexical index's contents", e);
  }
}

Result<std::vector<Id>> LexicalWriter::passages_of(Id content_id) {
  try {
    std::vector<Id> out;
    const std::string term = kContentPrefix + std::to_string(content_id);
    for (auto p = impl_->db.postlist_begin(term); p != impl_->db.postlist_end(term); ++p)
      out.push_back(static_cast<Id>(*p));
    return out;
  } catch (const Xapian::Error& e) {
    return xapian_error("cannot list the passages of content " + std::to_string(content_id), e);
  }
}

Status LexicalWriter::compact_into(const fs::path& destination) {
  try {
    impl_->db.compact(destination.string(), Xapian::DBCOMPACT_NO_RENUMBER, 65536);
    return Status::ok();
  } catch (const Xapian::Error& e) {
    return xapian_error("cannot compact the lexical index into " + destination.string(), e);
  }
}

Status LexicalWriter::merge_into(const std::vector<fs::path>& parts, const fs::path& destination) {
  try {
    Xapian::Database all;
    for (const fs::path& p : parts) all.add_database(Xapian::Database(p.string()));
    all.compact(destination.string(), Xapian::DBCOMPACT_NO_RENUMBER, 65536);
    return Status::ok();
  } catch (const Xapian::Error& e) {
    return xapian_error("cannot merge the lexical index into " + destination.string(), e);
  }
}

Status LexicalWriter::commit() {
  try {
    impl_->db.commit();
    return Status::ok();
  } catch (const Xapian::Error& e) {
    return xapian_error("cannot commit the lexical index", e);
  }
}

// ----------------------------------------------------------------------------------------------
// Reader

namespace {

// A query parser as every search uses it.
void set_up(Xapian::QueryParser& qp, const Xapian::Database& db, const std::string& language) {
  qp.set_database(db);
  qp.set_stemmer(stemmer_for(language.empty() ? "fr" : language));
  qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
  qp.set_default_op(Xapian::Query::OP_OR);
  qp.set_stopper(&stopper(language));
  qp.add_prefix("titre", kTitlePrefix);
  qp.add_prefix("title", kTitlePrefix);
  qp.add_prefix("description", kDescriptionPrefix);
}

// The parsed query; what Xapian's parser refuses is parsed again as plain words.
Xapian::Query parse(Xapian::QueryParser& qp, const std::string& prepared, unsigned extra_flags) {
  const unsigned flags =
      Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_LOVEHATE | extra_flags;
  try {
    return qp.parse_query(prepared, flags);
  } catch (const Xapian::QueryParserError&) {
    return qp.parse_query(plain_words(prepared), 0);
  }
}

// The words of a query that it excludes ("-volcan").
std::vector<std::string> excluded_words(const std::string& prepared) {
  std::vector<std::string> out;
  for (std::size_t at = prepared.find('-'); at != std::string::npos;
       at = prepared.find('-', at + 1)) {
    if (at > 0 && prepared[at - 1] != ' ') continue;
    const std::size_t end = prepared.find(' ', at);
    const std::string word = prepared.substr(at + 1, end == std::string::npos ? end : end - at - 1);
    if (!word.empty() && word.find_first_of("\"()") == std::string::npos) out.push_back(word);
  }
  return out;
}

}  // namespace

// The query's words said close together (« les permissions du système de fichiers ») are
// worth more than the same words scattered over a passage about something else: a passage
// where they all come within 2n + 2 positions of each other (n words) scores kProximityWeight
// more. For queries of 2 to 8 words; the words are the query's own (unstemmed) forms, which
// the index keeps with their positions. Only the hits found that have every word are looked
// at, after the match: as a NEAR subquery in the match it cost Xapian its pruning
// (bench/search at 1M passages, lexical p50 / p99: 2.02 / 29.9 ms with NEAR, 1.15 / 3.7 ms
// with no proximity at all, 1.40 / 3.94 ms this way).
constexpr double kProximityWeight = 0.5;

// The fewest positions that hold one of each list (each sorted, none empty).
Xapian::termpos tightest_span(const std::vector<std::vector<Xapian::termpos>>& lists) {
  std::vector<std::size_t> at(lists.size(), 0);
  Xapian::termpos best = std::numeric_limits<Xapian::termpos>::max();
  while (true) {
    std::size_t lowest = 0;
    Xapian::termpos low = lists[0][at[0]], high = low;
    for (std::size_t k = 0; k < lists.size(); ++k) {
      const Xapian::termpos p = lists[k][at[k]];
      if (p < low) {
        low = p;
        lowest = k;
      }
      high = std::max(high, p);
    }
    best = std::min(best, high - low + 1);
    if (++at[lowest] == lists[lowest].size()) return best;
  }
}

// `words`: the query's distinct words, in the order of LexicalHit::matched's bits (set before).
void reward_proximity(const Xapian::Database& db, const std::vector<QueryWord>& words,
                      std::vector<LexicalHit>& hits) {
  if (words.size() < 2 || words.size() > 8 || hits.empty()) return;
  std::vector<std::string> unique;
  for (const QueryWord& w : words) unique.push_back(w.word);
  const std::uint64_t all = (std::uint64_t{1} << words.size()) - 1;
  const auto window = static_cast<Xapian::termpos>(2 * unique.size() + 2);
  std::vector<std::size_t> order(hits.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return hits[a].passage_id < hits[b].passage_id; });
  // For each hit, the positions of each word; a hit that lacks a word (or its stem) is out.
  std::vector<std::vector<std::vector<Xapian::termpos>>> positions(hits.size());
  std::vector<bool> out(hits.size(), false);
  for (std::size_t i = 0; i < hits.size(); ++i) out[i] = (hits[i].matched & all) != all;
  for (const std::string& word : unique) {
    Xapian::PostingIterator p = db.postlist_begin(word);
    const Xapian::PostingIterator end = db.postlist_end(word);
    for (const std::size_t i : order) {
      if (out[i]) continue;
      const auto id = static_cast<Xapian::docid>(hits[i].passage_id);
      if (p != end) p.skip_to(id);
      if (p == end || *p != id) {
        out[i] = true;
        continue;
      }
      positions[i].emplace_back(p.positionlist_begin(), p.positionlist_end());
      if (positions[i].back().empty()) out[i] = true;
    }
  }
  for (std::size_t i = 0; i < hits.size(); ++i) {
    if (!out[i] && tightest_span(positions[i]) <= window) hits[i].score *= 1 + kProximityWeight;
  }
  std::stable_sort(hits.begin(), hits.end(),
                   [](const LexicalHit& a, const LexicalHit& b) { return a.score > b.score; });
}

// Every document, as a query of its own. Never Xapian::Query::MatchAll: that one static
// object is shared by every thread, and copying a Query counts references without atomics; a
// filtered search from each of 4 threads freed it under the others (a segfault in libxapian).
Xapian::Query match_all() { return Xapian::Query(std::string()); }

struct LexicalIndex::Impl {
  Xapian::Database db;
};

LexicalIndex::LexicalIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LexicalIndex::~LexicalIndex() = default;

Result<std::unique_ptr<LexicalIndex>> LexicalIndex::open(const fs::path& folder) {
  try {
    auto impl = std::make_unique<Impl>();
    impl->db = Xapian::Database(folder.string());
    REPERE_RETURN_IF_ERROR(check_layout(impl->db, folder));
    return std::unique_ptr<LexicalIndex>(new LexicalIndex(std::move(impl)));
  } catch (const Xapian::Error& e) {
    return xapian_error("cannot open the lexical index " + folder.string(), e);
  }
}

Result<std::unordered_set<Id>> LexicalIndex::passages_matching(const Filters& filters) {
  try {
    std::unordered_set<Id> out;
    Xapian::Enquire enquire(impl_->db);
    enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, match_all(), filter_query(filters)));
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    const Xapian::MSet mset = enquire.get_mset(0, impl_->db.get_doccount());
    for (auto it = mset.begin(); it != mset.end(); ++it) out.insert(static_cast<Id>(*it));
    return out;
  } catch (const Xapian::Error& e) {
    return xapian_error("cannot apply the filters", e);
  }
}

Result<LexicalResult> LexicalIndex::search_synonyms(const std::string& query,
                                                    const std::vector<std::string>& synonyms,
                                                    const Filters& filters, std::int64_t limit,
                                                    const std::string& language) {
  LexicalResult result;
  if (synonyms.empty() || limit <= 0) return result;
  const std::string prepared = prepare_for_xapian(query);
  try {
    Xapian::QueryParser qp;
    set_up(qp, impl_->db, language);
    const Xapian::Query exact = parse(qp, prepared, 0);
    std::string wanted;
    for (const std::string& s : synonyms) wanted += prepare_for_xapian(s) + " ";
    for (const std::string& w : excluded_words(prepared)) wanted += "-" + w + " ";
    const Xapian::Query expanded = parse(qp, wanted, 0);
    for (auto t = expanded.get_unique_terms_begin(); t != expanded.get_unique_terms_end(); ++t) {
      const std::string term = *t;
      auto u = qp.unstem_begin(term);
      const std::string word = u != qp.unstem_end(term) ? std::string(*u) : term;
      if (std::find(synonyms.begin(), synonyms.end(), word) == synonyms.end()) continue;
      result.term_words.emplace_back(term, word);
      result.query_terms.push_back(word);
    }
    const auto terms = weigh_words(impl_->db, result, {});
    if (expanded.empty()) return result;
    Xapian::Query q =
        exact.empty() ? expanded : Xapian::Query(Xapian::Query::OP_AND_NOT, expanded, exact);
    if (!filters.empty() && !lets_all_through(impl_->db, filters))
      q = Xapian::Query(Xapian::Query::OP_FILTER, q, filter_query(filters));
    Xapian::Enquire enquire(impl_->db);
    enquire.set_query(q);
    enquire.set_weighting_scheme(weighting());
    const Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(limit));
    result.estimated_total = mset.get_matches_estimated();
    for (auto it = mset.begin(); it != mset.end(); ++it)
      result.hits.push_back({static_cast<Id>(*it), it.get_weight(), 0});
    mark_matches(impl_->db, terms, result.hits);
    return result;
  } catch (const Xapian::Error& e) {
    return xapian_error("search failed for the synonyms of \"" + query.substr(0, 80) + "\"", e);
  }
}

bool LexicalIndex::has_word(const std::string& folded_word, const std::string& language) {
  try {
    const Xapian::Stem stem = stemmer_for(language.empty() ? "fr" : language);
    return impl_->db.term_exists(folded_word) || impl_->db.term_exists("Z" + stem(folded_word));
  } catch (const Xapian::Error&) {
    return false;
  }
}

Result<std::vector<std::string>> LexicalIndex::matched_terms(Id passage_id,
                                                             const LexicalResult& result) {
  try {
    std::set<std::string> found;
    auto t = impl_->db.termlist_begin(static_cast<Xapian::docid>(passage_id));
    std::vector<std::pair<std::string, std::string>> sorted = result.term_words;
    std::sort(sorted.begin(), sorted.end());
    for (const auto& [term, word] : sorted) {
      t.skip_to(term);
      if (t == impl_->db.termlist_end(static_cast<Xapian::docid>(passage_id))) break;
      if (*t == term) found.insert(word);
    }
    std::vector<std::string> out;
    for (const std::string& w : result.query_terms) {
      if (found.count(w) && std::find(out.begin(), out.end(), w) == out.end()) out.push_back(w);
    }
    return out;
  } catch (const Xapian::DocNotFoundError&) {
    return std::vector<std::string>{};
  } catch (const Xapian::Error& e) {
    return xapian_error("cannot explain passage " + std::to_string(passage_id), e);
  }
}

Result<Id> LexicalIndex::content_of(Id passage_id) {
  try {
    const std::string v =
        impl_->db.get_document(static_cast<Xapian::docid>(passage_id)).get_value(kContentSlot);
    return static_cast<Id>(std::stoll(v));
  } catch (const Xapian::DocNotFoundError&) {
    return Status::not_found("passage " + std::to_string(passage_id) + " is not indexed");
  } catch (const Xapian::Error& e) {
    return xapian_error("cannot read passage " + std::to_string(passage_id), e);
  }
}

std::int64_t LexicalIndex::size() const {
  return static_cast<std::int64_t>(impl_->db.get_doccount());
}

Result<LexicalResult> LexicalIndex::search(const std::string& query, const Filters& filters,
                                           std::int64_t offset, std::int64_t limit,
                                           const std::string& language) {
  LexicalResult result;
  const std::string prepared = prepare_for_xapian(query);
  try {
    Xapian::QueryParser qp;
    set_up(qp, impl_->db, language);
    const Xapian::Query parsed = parse(qp, prepared, 0);
    result.typed = text::search_terms(prepared);
    // Query terms, and for each stem the words of the query it came from.
    for (auto t = parsed.get_unique_terms_begin(); t != parsed.get_unique_terms_end(); ++t) {
      const std::string term = *t;
      std::string word = term;
      auto u = qp.unstem_begin(term);
      if (u != qp.unstem_end(term)) word = *u;
      if (!word.empty() && std::isupper(static_cast<unsigned char>(word[0]))) continue;
      result.term_words.emplace_back(term, word);
      result.query_terms.push_back(word);
    }
    const auto terms = weigh_words(impl_->db, result, excluded_words(prepared));
    // A misspelt word weighs nothing: its correction is offered instead.
    const auto corrections =
        spelling_corrections(impl_->db, language.empty() ? "fr" : language, prepared, result.words);
    for (QueryWord& w : result.words) {
      const auto c = corrections.find(w.word);
      if (w.known || c == corrections.end()) continue;
      w.correction = c->second;
      w.weight = 0;
    }
    result.suggestion = result.corrected_query();
    if (parsed.empty() || limit <= 0) return result;
    Xapian::Query q = parsed;
    if (!filters.empty() && !lets_all_through(impl_->db, filters))
      q = Xapian::Query(Xapian::Query::OP_FILTER, q, filter_query(filters));
    Xapian::Enquire enquire(impl_->db);
    enquire.set_query(q);
    enquire.set_weighting_scheme(weighting());
    const Xapian::MSet mset = enquire.get_mset(static_cast<Xapian::doccount>(offset),
                                               static_cast<Xapian::doccount>(limit));
    result.estimated_total = mset.get_matches_estimated();
    result.hits.reserve(mset.size());
    for (auto it = mset.begin(); it != mset.end(); ++it)
      result.hits.push_back({static_cast<Id>(*it), it.get_weight(), 0});
    mark_matches(impl_->db, terms, result.hits);
    reward_proximity(impl_->db, result.words, result.hits);
    return result;
  } catch (const Xapian::Error& e) {
    return xapian_error("search failed for \"" + query.substr(0, 80) + "\"", e);
  }
}

}  // namespace repere::index

namespace repere::index {

namespace {

// Moves `at` back (or forward) to the start of a UTF-8 character.
std::size_t char_start(std::string_view s, std::size_t at) {
  while (at > 0 && at < s.size() && (static_cast<unsigned char>(s[at]) & 0xC0) == 0x80) --at;
  return std::min(at, s.size());
}

struct Match {
  std::size_t begin, end;  // bytes of the word in the text
  std::string stem;
};

}  // namespace

struct Highlighter::Impl {
  std::string language;
  Xapian::Stem stem;
  // Each word met, as written, to its stem; "" for a function word.
  std::unordered_map<std::string, std::string> stems;

  const std::string& stem_of(const std::string& word) {
    const auto known = stems.find(word);
    if (known != stems.end()) return known->second;
    if (stems.size() > 200000) stems.clear();  // a bound: a big library's words, once each
    const std::string folded = text::fold(word);
    std::string s = stopper(language)(folded) ? std::string() : stem(folded);
    return stems.emplace(word, std::move(s)).first->second;
  }

  // The words of `text` (valid UTF-8) that are words of the query: same stem after folding,
  // function words aside.
  std::vector<Match> matches(const std::string& text, const Words& words) {
    std::vector<Match> out;
    if (words.stems.empty()) return out;
    for (const text::Token& t : text::tokenize(text)) {
      if (t.kind == text::TokenKind::kElision) continue;
      const std::string& s = stem_of(t.text);
      if (!s.empty() && std::binary_search(words.stems.begin(), words.stems.end(), s))
        out.push_back({t.begin, t.end, s});
    }
    return out;
  }
};

Highlighter::Highlighter(const std::string& language) : impl_(std::make_unique<Impl>()) {
  impl_->language = language.empty() ? "fr" : language;
  impl_->stem = stemmer_for(impl_->language);
}

Highlighter::~Highlighter() = default;

Highlighter::Words Highlighter::words_of(const std::vector<std::string>& query_words) const {
  Words out;
  for (const std::string& w : query_words) {
    for (const std::string& t : text::search_terms(w)) out.stems.push_back(impl_->stem(t));
  }
  std::sort(out.stems.begin(), out.stems.end());
  out.stems.erase(std::unique(out.stems.begin(), out.stems.end()), out.stems.end());
  return out;
}

std::size_t Highlighter::words_said(std::string_view text, const Words& words) {
  std::set<std::string> said;
  for (Match& m : impl_->matches(text::sanitize_utf8(text), words)) said.insert(std::move(m.stem));
  return said.size();
}

std::string Highlighter::highlight(std::string_view raw, const Words& words,
                                   std::size_t max_bytes) {
  const std::string text = text::sanitize_utf8(raw);
  const std::vector<Match> marks = impl_->matches(text, words);
  // The window: starts a little before the first match, or at the start.
  std::size_t from = 0;
  if (!marks.empty() && marks.front().begin > max_bytes / 4) {
    from = char_start(text, marks.front().begin - max_bytes / 4);
    const auto space = text.find(' ', from);
    if (space != std::string::npos && space < marks.front().begin) from = space + 1;
  }
  std::size_t to = text.size();
  if (to - from > max_bytes) {
    to = char_start(text, from + max_bytes);
    const auto space = text.rfind(' ', to);
    if (space != std::string::npos && space > from) to = space;
  }
  std::string out = from > 0 ? "… " : "";
  std::size_t at = from;
  for (const Match& m : marks) {
    if (m.begin < from || m.end > to) continue;
    text::append_escaped_html(out, std::string_view(text).substr(at, m.begin - at));
    out += "<mark>";
    text::append_escaped_html(out, std::string_view(text).substr(m.begin, m.end - m.begin));
    out += "</mark>";
    at = m.end;
  }
  text::append_escaped_html(out, std::string_view(text).substr(at, to - at));
  if (to < text.size()) out += " …";
  return out;
}

std::size_t words_said(std::string_view text, const std::string& language,
                       const std::vector<std::string>& query_words) {
  Highlighter h(language);
  return h.words_said(text, h.words_of(query_words));
}

std::string highlight(std::string_view raw, const std::string& language,
                      const std::vector<std::string>& query_words, std::size_t max_bytes) {
  Highlighter h(language);
  return h.highlight(raw, h.words_of(query_words), max_bytes);
}

}  // namespace repere::index
