// Manifests: a spreadsheet (CSV) or JSON Lines file listing files with their metadata.
//
// Columns (any order, names case- and accent-insensitive, French or English): path
// (fichier, chemin), title (titre), description, language (langue), licence (license),
// authors (auteurs; "A; B" in CSV, an array in JSON), collection, subject (matière,
// discipline), level (niveau), external_id (id, identifiant). Other columns are kept as
// metadata. A bad row is reported with its line number and the other rows go on.
// CSV: comma, semicolon (French spreadsheets) or tab, detected from the header; quotes as in
// RFC 4180; any encoding decode_to_utf8 knows. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "repere/core/result.h"

namespace repere::ingest {

struct ManifestRow {
  int line = 0;  // where the row starts in the file, from 1
  std::string path;
  std::string title;
  std::string description;
  std::string language;
  std::string licence;
  std::vector<std::string> authors;
  std::string collection;
  std::string subject;
  std::string level;
  std::string external_id;
  // The editorial status once its text is read: "draft", "review", "published"; "" for
  // IngestOptions::state. French names are accepted (brouillon, relecture, publié).
  std::string state;
  std::string extra_json = "{}";  // the other columns, as a JSON object
};

struct ManifestError {
  int line;
  std::string message;
};

struct Manifest {
  std::vector<ManifestRow> rows;
  std::vector<ManifestError> errors;
};

// Errors: invalid_argument when the header has no path column, or the file is empty.
Result<Manifest> parse_manifest_csv(std::string_view bytes);
// Errors: invalid_argument when no line is a JSON object.
Result<Manifest> parse_manifest_jsonl(std::string_view bytes);

// Whether `path` names a manifest (.csv, .tsv, .jsonl, .ndjson).
bool is_manifest_file(std::string_view path);

}  // namespace repere::ingest
