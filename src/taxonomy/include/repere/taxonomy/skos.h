// Reading SKOS vocabularies (RDF/XML) with raptor2: the concepts of a file with their labels,
// notes and broader links (skos:broader, and skos:narrower read the other way). French labels
// are preferred; a label without a language is taken when there is no French one.
#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "repere/core/result.h"

namespace repere::taxonomy {

struct Concept {
  std::string uri;
  std::string scheme;      // the skos:inScheme that is not the whole ScoLOMFR, else the first
  std::string pref_label;  // skos:prefLabel (fr)
  std::vector<std::string> alt_labels, hidden_labels, exact_labels;
  std::string note;    // skos:scopeNote, else skos:definition
  std::string status;  // isothes:status (« Actuel », « Déprécié »), when the file says
  std::set<std::string> broader;  // URIs
};

struct Vocabulary {
  std::map<std::string, Concept> concepts;  // by URI
  std::size_t statements = 0;
};

// Errors: not_found (no such file); invalid_argument « FILE:LINE: what raptor says » for a
// file that is not well-formed RDF/XML, or that holds no concept.
Result<Vocabulary> read_skos(const std::filesystem::path& file);

}  // namespace repere::taxonomy
