#include "repere/ingest/manifest.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "repere/core/text.h"

namespace repere::ingest {
namespace {

using nlohmann::json;

enum class Field {
  kPath,
  kTitle,
  kDescription,
  kLanguage,
  kLicence,
  kAuthors,
  kCollection,
  kSubject,
  kLevel,
  kExternalId,
  kState,
  kExtra
};

// "Matière", "External ID", "external-id" -> "matiere", "external_id".
std::string column_key(std::string_view name) {
  std::string key = text::fold(name);
  for (char& c : key) {
    if (c == ' ' || c == '-') c = '_';
  }
  key.erase(0, key.find_first_not_of('_'));
  while (!key.empty() && key.back() == '_') key.pop_back();
  return key;
}

Field field_of(const std::string& key) {
  static const std::map<std::string, Field> kNames = {{"path", Field::kPath},
                                                      {"file", Field::kPath},
                                                      {"fichier", Field::kPath},
                                                      {"chemin", Field::kPath},
                                                      {"title", Field::kTitle},
                                                      {"titre", Field::kTitle},
                                                      {"description", Field::kDescription},
                                                      {"language", Field::kLanguage},
                                                      {"langue", Field::kLanguage},
                                                      {"lang", Field::kLanguage},
                                                      {"licence", Field::kLicence},
                                                      {"license", Field::kLicence},
                                                      {"authors", Field::kAuthors},
                                                      {"author", Field::kAuthors},
                                                      {"auteurs", Field::kAuthors},
                                                      {"auteur", Field::kAuthors},
                                                      {"collection", Field::kCollection},
                                                      {"subject", Field::kSubject},
                                                      {"matiere", Field::kSubject},
                                                      {"discipline", Field::kSubject},
                                                      {"level", Field::kLevel},
                                                      {"niveau", Field::kLevel},
                                                      {"external_id", Field::kExternalId},
                                                      {"externalid", Field::kExternalId},
                                                      {"id", Field::kExternalId},
                                                      {"identifiant", Field::kExternalId},
                                                      {"state", Field::kState},
                                                      {"status", Field::kState},
                                                      {"statut", Field::kState},
                                                      {"etat", Field::kState}};
  const auto it = kNames.find(key);
  return it == kNames.end() ? Field::kExtra : it->second;
}

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

std::vector<std::string> split_authors(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const std::size_t end = std::min(s.find_first_of(";|", start), s.size());
    std::string name = trim(s.substr(start, end - start));
    if (!name.empty()) out.push_back(std::move(name));
    start = end + 1;
  }
  return out;
}

// Sets one field of a row; returns false if the value is unusable.
void set_field(ManifestRow& row, Field field, const std::string& value) {
  switch (field) {
    case Field::kPath: row.path = value; break;
    case Field::kTitle: row.title = value; break;
    case Field::kDescription: row.description = value; break;
    case Field::kLanguage: row.language = text::fold(value); break;
    case Field::kLicence: row.licence = value; break;
    case Field::kAuthors: row.authors = split_authors(value); break;
    case Field::kCollection: row.collection = value; break;
    case Field::kSubject: row.subject = value; break;
    case Field::kLevel: row.level = value; break;
    case Field::kExternalId: row.external_id = value; break;
    case Field::kState: row.state = text::fold(value); break;
    case Field::kExtra: break;
  }
}

bool finish_row(ManifestRow& row, Manifest& out) {
  if (row.path.empty()) {
    out.errors.push_back({row.line, "no path: every row must name its file"});
    return false;
  }
  // The editorial status the content takes once its text is read, in English or French.
  static const std::map<std::string, std::string> kStates = {
      {"draft", "draft"},      {"brouillon", "draft"},  {"review", "review"},
      {"relecture", "review"}, {"a relire", "review"},  {"published", "published"},
      {"publie", "published"}, {"publiee", "published"}};
  if (!row.state.empty()) {
    const auto found = kStates.find(row.state);
    if (found == kStates.end()) {
      out.errors.push_back({row.line, "state '" + row.state +
                                          "' is not one of draft, review, published (brouillon, "
                                          "relecture, publié)"});
      return false;
    }
    row.state = found->second;
  }
  out.rows.push_back(std::move(row));
  return true;
}

// ---- CSV ----

struct CsvRecord {
  int line;
  std::vector<std::string> cells;
  bool unterminated_quote = false;
};

char detect_separator(std::string_view header_line) {
  const std::size_t semicolons = std::count(header_line.begin(), header_line.end(), ';');
  const std::size_t commas = std::count(header_line.begin(), header_line.end(), ',');
  const std::size_t tabs = std::count(header_line.begin(), header_line.end(), '\t');
  if (tabs > commas && tabs > semicolons) return '\t';
  return semicolons > commas ? ';' : ',';
}

// RFC 4180 records: quoted cells may hold separators, doubled quotes and line breaks.
std::vector<CsvRecord> csv_records(std::string_view s, char sep) {
  std::vector<CsvRecord> records;
  CsvRecord current{1, {""}};
  int line = 1;
  bool quoted = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quoted) {
      if (c == '"' && i + 1 < s.size() && s[i + 1] == '"') {
        current.cells.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line;
        current.cells.back() += c;
      }
    } else if (c == '"' && trim(current.cells.back()).empty()) {
      current.cells.back().clear();
      quoted = true;
    } else if (c == sep) {
      current.cells.emplace_back();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
      records.push_back(std::move(current));
      current = CsvRecord{++line, {""}};
    } else {
      current.cells.back() += c;
    }
  }
  current.unterminated_quote = quoted;
  if (quoted || current.cells.size() > 1 || !current.cells[0].empty())
    records.push_back(std::move(current));
  return records;
}

bool blank(const CsvRecord& r) {
  return std::all_of(r.cells.begin(), r.cells.end(),
                     [](const std::string& c) { return trim(c).empty(); });
}

}  // namespace

Result<Manifest> parse_manifest_csv(std::string_view bytes) {
  const std::string input = text::nfc(text::decode_to_utf8(bytes).utf8);
  const std::string_view view(input);
  const char sep = detect_separator(view.substr(0, view.find('\n')));
  std::vector<CsvRecord> records = csv_records(view, sep);
  while (!records.empty() && blank(records.front())) records.erase(records.begin());
  if (records.empty()) return Status::invalid_argument("the manifest is empty");
  std::vector<std::string> names;
  std::vector<Field> fields;
  for (const std::string& cell : records.front().cells) {
    names.push_back(trim(cell));
    fields.push_back(field_of(column_key(cell)));
  }
  if (std::find(fields.begin(), fields.end(), Field::kPath) == fields.end()) {
    return Status::invalid_argument("line " + std::to_string(records.front().line) +
                                    ": the header has no 'path' (or 'fichier') column");
  }
  Manifest out;
  for (std::size_t r = 1; r < records.size(); ++r) {
    const CsvRecord& rec = records[r];
    if (blank(rec)) continue;
    if (rec.unterminated_quote) {
      out.errors.push_back({rec.line, "a quoted cell is never closed"});
      continue;
    }
    if (rec.cells.size() > fields.size()) {
      out.errors.push_back({rec.line, std::to_string(rec.cells.size()) +
                                          " cells but the header has " +
                                          std::to_string(fields.size()) + " columns"});
      continue;
    }
    ManifestRow row;
    row.line = rec.line;
    json extra = json::object();
    for (std::size_t c = 0; c < rec.cells.size(); ++c) {
      const std::string value = trim(rec.cells[c]);
      if (fields[c] == Field::kExtra) {
        if (!value.empty() && !names[c].empty()) extra[names[c]] = value;
      } else {
        set_field(row, fields[c], value);
      }
    }
    row.extra_json = extra.dump(-1, ' ', false, json::error_handler_t::replace);
    finish_row(row, out);
  }
  return out;
}

Result<Manifest> parse_manifest_jsonl(std::string_view bytes) {
  const std::string input = text::decode_to_utf8(bytes).utf8;
  Manifest out;
  bool any_object = false;
  std::size_t start = 0;
  for (int line = 1; start < input.size(); ++line) {
    const std::size_t end = std::min(input.find('\n', start), input.size());
    const std::string text_line = trim(std::string_view(input).substr(start, end - start));
    start = end + 1;
    if (text_line.empty()) continue;
    const json obj = json::parse(text_line, nullptr, false);
    if (!obj.is_object()) {
      out.errors.push_back({line, obj.is_discarded() ? "not valid JSON" : "not a JSON object"});
      continue;
    }
    any_object = true;
    ManifestRow row;
    row.line = line;
    json extra = json::object();
    for (const auto& [name, value] : obj.items()) {
      const Field field = field_of(column_key(name));
      if (field == Field::kExtra) {
        extra[name] = value;
      } else if (field == Field::kAuthors && value.is_array()) {
        for (const json& a : value) {
          if (a.is_string() && !trim(a.get<std::string>()).empty())
            row.authors.push_back(trim(a.get<std::string>()));
        }
      } else if (value.is_string()) {
        set_field(row, field, text::nfc(trim(value.get<std::string>())));
      } else if (value.is_number()) {
        set_field(row, field, value.dump());
      } else if (!value.is_null()) {
        out.errors.push_back({line, "field '" + name + "' must be a string"});
      }
    }
    row.extra_json = extra.dump(-1, ' ', false, json::error_handler_t::replace);
    finish_row(row, out);
  }
  if (!any_object && out.rows.empty()) {
    return Status::invalid_argument(out.errors.empty()
                                        ? "the manifest is empty"
                                        : "line " + std::to_string(out.errors.front().line) +
                                              ": no line is a JSON object");
  }
  return out;
}

bool is_manifest_file(std::string_view path) {
  std::string p = text::fold(path);
  for (std::string_view ext : {".csv", ".tsv", ".jsonl", ".ndjson"}) {
    if (p.size() >= ext.size() && p.compare(p.size() - ext.size(), ext.size(), ext) == 0)
      return true;
  }
  return false;
}

}  // namespace repere::ingest
