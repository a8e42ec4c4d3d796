#include "repere/taxonomy/skos.h"

#include <raptor2.h>

#include <fstream>
#include <memory>

namespace repere::taxonomy {

namespace fs = std::filesystem;

namespace {

constexpr const char* kSkos = "http://www.w3.org/2004/02/skos/core#";
constexpr const char* kRdfType = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
constexpr const char* kIsoThesStatus = "http://purl.org/iso25964/skos-thes#status";
constexpr const char* kCanopeExact =
    "https://www.reseau-canope.fr/scolomfr/ontology.owl#labelEquivalentExact";
constexpr const char* kWholeScolomfr = "http://data.education.fr/voc/scolomfr";

std::string text_of(raptor_term* t) {
  if (t == nullptr) return "";
  if (t->type == RAPTOR_TERM_TYPE_URI) {
    return reinterpret_cast<const char*>(raptor_uri_as_string(t->value.uri));
  }
  if (t->type == RAPTOR_TERM_TYPE_LITERAL) {
    return std::string(reinterpret_cast<const char*>(t->value.literal.string),
                       t->value.literal.string_len);
  }
  return "";
}

std::string language_of(raptor_term* t) {
  if (t == nullptr || t->type != RAPTOR_TERM_TYPE_LITERAL || t->value.literal.language == nullptr)
    return "";
  return std::string(reinterpret_cast<const char*>(t->value.literal.language),
                     t->value.literal.language_len);
}

struct Reading {
  Vocabulary vocabulary;
  std::set<std::string> typed;  // subjects said to be skos:Concept
  std::map<std::string, std::string> pref_other_language;
  std::string error;  // the first error, "LINE: message"
  raptor_parser* parser = nullptr;
  int line = 0;  // the line of the file being fed to the parser
};

// A literal in French, or with no language: the label kept (other languages are not).
bool french(raptor_term* object) {
  const std::string lang = language_of(object);
  return lang.empty() || lang == "fr" || lang.rfind("fr-", 0) == 0;
}

void on_statement(void* user, raptor_statement* s) {
  auto& r = *static_cast<Reading*>(user);
  ++r.vocabulary.statements;
  const std::string subject = text_of(s->subject);
  const std::string predicate = text_of(s->predicate);
  if (subject.empty() || predicate.empty()) return;
  const std::string object = text_of(s->object);
  const std::string skos = kSkos;
  if (predicate == kRdfType) {
    if (object == skos + "Concept") r.typed.insert(subject);
    return;
  }
  auto concept_of = [&]() -> Concept& {
    Concept& c = r.vocabulary.concepts[subject];
    c.uri = subject;
    return c;
  };
  if (predicate.rfind(skos, 0) == 0) {
    const std::string what = predicate.substr(skos.size());
    if (what == "prefLabel") {
      if (!french(s->object)) {
        r.pref_other_language.emplace(subject, object);
        return;
      }
      Concept& c = concept_of();
      if (c.pref_label.empty() || !language_of(s->object).empty()) c.pref_label = object;
    } else if (what == "altLabel" && french(s->object)) {
      concept_of().alt_labels.push_back(object);
    } else if (what == "hiddenLabel" && french(s->object)) {
      concept_of().hidden_labels.push_back(object);
    } else if (what == "broader") {
      concept_of().broader.insert(object);
    } else if (what == "narrower") {
      Concept& narrower = r.vocabulary.concepts[object];
      narrower.uri = object;
      narrower.broader.insert(subject);
    } else if (what == "scopeNote" && french(s->object)) {
      concept_of().note = object;
    } else if (what == "definition" && french(s->object)) {
      Concept& c = concept_of();
      if (c.note.empty()) c.note = object;
    } else if (what == "inScheme") {
      Concept& c = concept_of();
      if (c.scheme.empty() || c.scheme == kWholeScolomfr) c.scheme = object;
    }
    return;
  }
  if (predicate == kIsoThesStatus) {
    concept_of().status = object;
  } else if (predicate == kCanopeExact && french(s->object)) {
    concept_of().exact_labels.push_back(object);
  }
}

void on_error(void* user, raptor_log_message* m) {
  auto& r = *static_cast<Reading*>(user);
  if (m->level < RAPTOR_LOG_LEVEL_ERROR || !r.error.empty()) return;
  int line = m->locator != nullptr ? raptor_locator_line(m->locator) : -1;
  // libxml2's errors often come without a line: the one being fed is where it was found.
  if (line <= 0 && r.parser != nullptr) {
    if (raptor_locator* at = raptor_parser_get_locator(r.parser); at != nullptr)
      line = raptor_locator_line(at);
  }
  if (line <= 0) line = r.line;
  r.error = (line > 0 ? std::to_string(line) + ": " : std::string(": ")) +
            (m->text != nullptr ? m->text : "unreadable RDF");
}

struct WorldFree {
  void operator()(raptor_world* w) const { raptor_free_world(w); }
};
struct ParserFree {
  void operator()(raptor_parser* p) const { raptor_free_parser(p); }
};
struct UriFree {
  void operator()(raptor_uri* u) const { raptor_free_uri(u); }
};

}  // namespace

Result<Vocabulary> read_skos(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return Status::not_found("no such file: " + file.string());
  Reading r;
  std::unique_ptr<raptor_world, WorldFree> world(raptor_new_world());
  if (!world || raptor_world_open(world.get()) != 0)
    return Status::internal("raptor2 did not start");
  raptor_world_set_log_handler(world.get(), &r, on_error);
  std::unique_ptr<raptor_parser, ParserFree> parser(raptor_new_parser(world.get(), "rdfxml"));
  if (!parser) return Status::internal("raptor2 has no RDF/XML parser");
  raptor_parser_set_statement_handler(parser.get(), &r, on_statement);
  r.parser = parser.get();
  unsigned char* uri_text = raptor_uri_filename_to_uri_string(fs::absolute(file).c_str());
  std::unique_ptr<raptor_uri, UriFree> uri(raptor_new_uri(world.get(), uri_text));
  raptor_free_memory(uri_text);
  // Fed line by line, so that an error is known by its line even when libxml2 does not say.
  std::ifstream in(file, std::ios::binary);
  int failed = raptor_parser_parse_start(parser.get(), uri.get());
  for (std::string line; failed == 0 && r.error.empty() && std::getline(in, line);) {
    ++r.line;
    line += '\n';
    failed = raptor_parser_parse_chunk(
        parser.get(), reinterpret_cast<const unsigned char*>(line.data()), line.size(), 0);
  }
  if (failed == 0 && r.error.empty())
    failed = raptor_parser_parse_chunk(parser.get(), nullptr, 0, 1);
  if (failed != 0 || !r.error.empty()) {
    const std::string where = r.error.empty() ? ": not well-formed RDF/XML" : r.error;
    return Status::invalid_argument(file.string() + (where[0] == ':' ? "" : ":") + where);
  }
  // What is a concept: typed so, or labelled; a URI only named by a link is not.
  Vocabulary out;
  out.statements = r.vocabulary.statements;
  for (auto& [uri_key, c] : r.vocabulary.concepts) {
    if (c.pref_label.empty()) {
      if (const auto other = r.pref_other_language.find(uri_key);
          other != r.pref_other_language.end())
        c.pref_label = other->second;
    }
    if (!r.typed.count(uri_key) && c.pref_label.empty()) continue;
    out.concepts.emplace(uri_key, std::move(c));
  }
  if (out.concepts.empty()) {
    return Status::invalid_argument(file.string() +
                                    ": no SKOS concept in it (is it a vocabulary?)");
  }
  return out;
}

}  // namespace repere::taxonomy
