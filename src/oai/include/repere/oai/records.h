// The records the provider gives (and `repere gar-notice` prints): a content described in
// Dublin Core (oai_dc) and in ScoLOMFR 3.2 (LOM-FR), which validates against the ScoLOMFR XSD.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "repere/catalog/database.h"
#include "repere/core/result.h"

namespace repere::oai {

// A concept with its path from the vocabulary's root (root first, the concept last).
struct TaxonPath {
  std::string purpose;                                    // "discipline", "level", "programme"
  std::vector<std::pair<std::string, std::string>> taxa;  // (uri, label)
};

struct TimedText {  // a passage as the repere format carries it
  std::optional<std::int64_t> start_ms, end_ms;
  std::optional<int> page;
  std::string text;
};

struct Part {  // a moment or a page of the content, with its deep link
  std::string url;
  std::string text;  // its first words
};

// What a record says of one content.
struct RecordData {
  std::int64_t id = 0;
  std::string url;  // the content's page on this instance
  std::string title, description, language, licence, kind;
  std::vector<std::string> authors;
  std::vector<std::string> keywords;
  std::string mime;  // from the media file's name; "" unknown
  std::optional<std::int64_t> size_bytes;
  std::optional<std::int64_t> duration_ms;
  std::optional<std::int64_t> pages;
  std::string created;  // ISO 8601 UTC
  std::string publisher;
  std::string collection;  // its name; "" none
  std::vector<TaxonPath> classifications;
  std::vector<Part> parts;
  std::vector<TimedText> passages;  // every passage, for the repere format
  bool machine_text = false;        // some of its text was made by a machine (speech, OCR)
  bool gar = false;                 // labelled for the GAR (the notice of the instance)
};

// Reads what a record says of a published or unpublished content. `base_url` makes its links;
// `data_root` finds its media file's size; `with_passages` copies every passage's text (only
// the repere format carries them). Errors: not_found.
Result<RecordData> read_record(catalog::Database& db, std::int64_t content_id,
                               const std::string& base_url, const std::string& publisher,
                               const std::string& data_root, bool with_passages = false);

// <oai_dc:dc>…</oai_dc:dc>, namespaces declared on it.
std::string dublin_core(const RecordData& r);
// <lom:lom>…</lom:lom>, namespaces declared on it: a ScoLOMFR 3.2 record.
std::string scolomfr(const RecordData& r);

// The namespace of the repere format.
inline constexpr const char* kRepereNamespace = "urn:x-repere:oai:content:1";
// <repere:content>…</repere:content>: what another Repère needs to search inside the content
// and link to its moments (docs/oai.md describes it).
std::string repere_record(const RecordData& r);
// The XML Schema of the repere format (served at /oai/repere.xsd).
std::string_view repere_xsd();

// The ScoLOMFR notice that declares this instance to the GAR as one resource: its name and
// description, its URL, the levels and disciplines its published contents cover, the GAR label.
Result<std::string> gar_notice(catalog::Database& db, const std::string& base_url,
                               const std::string& name, const std::string& description);

// Text made safe for XML 1.0 character data and attributes (&, <, >, " escaped; characters XML
// cannot carry dropped).
std::string xml_escape(const std::string& text);

}  // namespace repere::oai
