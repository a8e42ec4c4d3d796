#include "repere/oai/records.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "repere/catalog/contents.h"
#include "repere/catalog/texts.h"
#include "repere/taxonomy/store.h"

namespace repere::oai {

namespace fs = std::filesystem;

std::string xml_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size() + 16);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default:
        // XML 1.0 carries no C0 control but tab and line ends; U+FFFE/U+FFFF neither.
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
        if (c == 0xEF && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xBF &&
            (static_cast<unsigned char>(text[i + 2]) & 0xFE) == 0xBE) {
          i += 2;
          break;
        }
        out += static_cast<char>(c);
    }
  }
  return out;
}

namespace {

constexpr std::string_view kScolomfr = "SCOLOMFRv3.2";
constexpr std::string_view kConcept = "http://data.education.fr/voc/scolomfr/concept/";

// ISO 639-2/B, as ScoLOMFR's vocabulary 001 names languages.
std::string iso639_2(const std::string& language) {
  static const std::map<std::string, std::string> kCodes = {
      {"fr", "fre"}, {"en", "eng"}, {"de", "ger"}, {"es", "spa"}, {"it", "ita"}, {"pt", "por"},
      {"nl", "dut"}, {"tr", "tur"}, {"ar", "ara"}, {"zh", "chi"}, {"ru", "rus"}, {"oc", "oci"},
      {"br", "bre"}, {"eu", "baq"}, {"ca", "cat"}, {"co", "cos"}, {"la", "lat"}};
  const auto at = kCodes.find(language.substr(0, 2));
  return at == kCodes.end() ? "und" : at->second;
}

std::string language_uri(const std::string& language) {
  return "http://id.loc.gov/vocabulary/iso639-2/" + iso639_2(language);
}

// "PT1H02M03S"
std::string iso_duration(std::int64_t ms) {
  const std::int64_t s = std::max<std::int64_t>(ms / 1000, 0);
  return "PT" + std::to_string(s / 3600) + "H" + std::to_string(s / 60 % 60) + "M" +
         std::to_string(s % 60) + "S";
}

std::string mime_of(const std::string& path, const std::string& kind) {
  static const std::map<std::string, std::string> kTypes = {
      {".mp4", "video/mp4"},       {".webm", "video/webm"},         {".mkv", "video/x-matroska"},
      {".mov", "video/quicktime"}, {".ogv", "video/ogg"},           {".mp3", "audio/mpeg"},
      {".ogg", "audio/ogg"},       {".opus", "audio/ogg"},          {".wav", "audio/wav"},
      {".flac", "audio/flac"},     {".m4a", "audio/mp4"},           {".pdf", "application/pdf"},
      {".png", "image/png"},       {".jpg", "image/jpeg"},          {".jpeg", "image/jpeg"},
      {".webp", "image/webp"},     {".tif", "image/tiff"},          {".tiff", "image/tiff"},
      {".html", "text/html"},      {".htm", "text/html"},           {".txt", "text/plain"},
      {".md", "text/markdown"},    {".srt", "application/x-subrip"}};
  std::string ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const auto at = kTypes.find(ext);
  if (at != kTypes.end()) return at->second;
  return kind == "webpage" ? "text/html" : "";
}

// DCMI type (ScoLOMFR vocabulary 004) of a kind: its URI and French label.
std::pair<std::string, std::string> dcmi_type(const std::string& kind) {
  if (kind == "video") return {"MovingImage", "image en mouvement"};
  if (kind == "audio") return {"Sound", "son"};
  if (kind == "image") return {"StillImage", "image fixe"};
  return {"Text", "texte"};
}

// Type de contenu éditorial (vocabulary 005) of a kind, when one says it.
std::optional<std::pair<std::string, std::string>> editorial_type(const std::string& kind) {
  if (kind == "video") return std::make_pair("022", "film");
  if (kind == "audio") return std::make_pair("033", "podcast");
  if (kind == "image") return std::make_pair("023", "image numérique");
  if (kind == "webpage") return std::make_pair("039", "site Web");
  return std::nullopt;
}

std::string first_words(const std::string& text, int words) {
  std::string out;
  int n = 0;
  std::size_t at = 0;
  while (at < text.size() && n < words) {
    const std::size_t end = std::min(text.find(' ', at), text.size());
    if (end > at) {
      if (!out.empty()) out += ' ';
      out += text.substr(at, end - at);
      ++n;
    }
    at = end + 1;
  }
  return at < text.size() ? out + " …" : out;
}

std::string vcard_value(const std::string& s) {
  std::string out;
  for (const char c : s) {
    if (c == ',' || c == ';' || c == '\\') out += '\\';
    if (c == '\n' || c == '\r') continue;
    out += c;
  }
  return out;
}

std::string vcard(const std::string& name) {
  const std::string v = vcard_value(name);
  return "BEGIN:VCARD\nVERSION:3.0\nFN:" + v + "\nN:" + v + ";;;;\nEND:VCARD";
}

// <lom:E><lom:source>SCOLOMFRv3.2</lom:source><lom:label>…</lom:label><lom:value>…</lom:value>
std::string vocab(const std::string& element, const std::string& label, const std::string& value,
                  const std::string& ns = "lom") {
  const std::string source =
      ns == "lom" ? "<lom:source>" + std::string(kScolomfr) + "</lom:source>" : "";
  return "<" + ns + ":" + element + ">" + source + "<" + ns + ":label>" + xml_escape(label) + "</" +
         ns + ":label><" + ns + ":value>" + xml_escape(value) + "</" + ns + ":value></" + ns + ":" +
         element + ">";
}

std::string lang_string(const std::string& element, const std::string& text,
                        const std::string& language) {
  return "<lom:" + element + "><lom:string language=\"" + language_uri(language) + "\">" +
         xml_escape(text) + "</lom:string></lom:" + element + ">";
}

std::string taxon_path(const TaxonPath& path) {
  const bool level = path.purpose == "level";
  std::string out = "<lom:classification>";
  if (level) {
    out +=
        vocab("purpose", "niveau éducatif détaillé", std::string(kConcept) + "educational_level");
  } else {
    out += vocab("purpose", "domaine d'enseignement",
                 std::string(kConcept) + "scolomfr-voc-028-num-003");
  }
  out += "<lom:taxonPath><lom:source><lom:string>";
  out += level ? "SCOLOMFRv3.2 ; scolomfr-voc-022 ; Niveau éducatif détaillé"
               : "SCOLOMFRv3.2 ; scolomfr-voc-015 ; Domaine d'enseignement";
  out += "</lom:string></lom:source>";
  for (const auto& [uri, label] : path.taxa) {
    out += "<lom:taxon><lom:id>" + xml_escape(uri) + "</lom:id><lom:entry><lom:string>" +
           xml_escape(label) + "</lom:string></lom:entry></lom:taxon>";
  }
  out += "</lom:taxonPath></lom:classification>";
  return out;
}

std::string gar_label() {
  return "<lom:classification>" +
         vocab("purpose", "label", std::string(kConcept) + "scolomfr-voc-028-num-013") +
         "<lom:taxonPath><lom:source><lom:string>SCOLOMFRv3.2 ; scolomfr-voc-045 ; "
         "Label</lom:string></lom:source><lom:taxon><lom:id>http://data.education.fr/gar</"
         "lom:id><lom:entry><lom:string>GAR</lom:string></lom:entry></lom:taxon></"
         "lom:taxonPath></lom:classification>";
}

}  // namespace

std::string dublin_core(const RecordData& r) {
  std::string out =
      "<oai_dc:dc xmlns:oai_dc=\"http://www.openarchives.org/OAI/2.0/oai_dc/\" "
      "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
      "xsi:schemaLocation=\"http://www.openarchives.org/OAI/2.0/oai_dc/ "
      "http://www.openarchives.org/OAI/2.0/oai_dc.xsd\">";
  const auto el = [&](const std::string& name, const std::string& value) {
    if (!value.empty()) out += "<dc:" + name + ">" + xml_escape(value) + "</dc:" + name + ">";
  };
  el("title", r.title);
  for (const std::string& a : r.authors) el("creator", a);
  for (const std::string& k : r.keywords) el("subject", k);
  for (const TaxonPath& p : r.classifications) {
    if (!p.taxa.empty()) el("subject", p.taxa.back().second);
  }
  el("description", r.description);
  if (r.machine_text)
    el("description",
       "Une partie du texte de ce contenu (transcription, reconnaissance de "
       "caractères) a été produite par une machine.");
  el("publisher", r.publisher);
  el("date", r.created.substr(0, 10));
  el("type", "http://purl.org/dc/dcmitype/" + dcmi_type(r.kind).first);
  el("format", r.mime);
  el("identifier", r.url);
  el("language", iso639_2(r.language) == "und" ? "" : iso639_2(r.language));
  if (!r.collection.empty()) el("relation", r.collection);
  el("rights", r.licence);
  return out + "</oai_dc:dc>";
}

std::string scolomfr(const RecordData& r) {
  const std::string& lang = r.language.empty() ? std::string("fr") : r.language;
  std::string out =
      "<lom:lom xmlns:lom=\"http://ltsc.ieee.org/xsd/LOM\" "
      "xmlns:lomfr=\"http://www.lom-fr.fr/xsd/LOMFR\" "
      "xmlns:scolomfr=\"http://www.lom-fr.fr/xsd/SCOLOMFR\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
      "xsi:schemaLocation=\"http://www.lom-fr.fr/xsd/SCOLOMFR "
      "http://www.lom-fr.fr/xsd/SCOLOMFR/scolomfr.xsd\">";
  // 1. General
  out += "<lom:general><lom:identifier><lom:catalog>URL</lom:catalog><lom:entry>" +
         xml_escape(r.url) + "</lom:entry></lom:identifier>";
  out += lang_string("title", r.title.empty() ? "Sans titre" : r.title, lang);
  if (iso639_2(lang) != "und") out += "<lom:language>" + language_uri(lang) + "</lom:language>";
  out += lang_string("description", r.description.empty() ? r.title : r.description, lang);
  for (const std::string& k : r.keywords) out += lang_string("keyword", k, lang);
  const auto [dcmi, dcmi_label] = dcmi_type(r.kind);
  out += "<lomfr:documentType><lomfr:label>" + dcmi_label +
         "</lomfr:label><lomfr:value>http://purl.org/dc/dcmitype/" + dcmi +
         "</lomfr:value></lomfr:documentType>";
  if (const auto editorial = editorial_type(r.kind)) {
    out += vocab("generalResourceType", editorial->second,
                 std::string(kConcept) + "scolomfr-voc-005-num-" + editorial->first, "scolomfr");
  }
  out += "</lom:general>";
  // 2. Life cycle: the authors.
  if (!r.authors.empty()) {
    out += "<lom:lifeCycle>";
    for (const std::string& a : r.authors) {
      out += "<lom:contribute>" + vocab("role", "auteur", std::string(kConcept) + "author") +
             "<lom:entity><![CDATA[" + vcard(a) + "]]></lom:entity>";
      if (r.created.size() >= 10)
        out += "<lom:date><lom:dateTime>" + r.created.substr(0, 10) + "</lom:dateTime></lom:date>";
      out += "</lom:contribute>";
    }
    out += "</lom:lifeCycle>";
  }
  // 3. Meta-metadata: this record, made by the instance.
  out += "<lom:metaMetadata><lom:contribute>" +
         vocab("role", "créateur", std::string(kConcept) + "creator") + "<lom:entity><![CDATA[" +
         vcard(r.publisher) + "]]></lom:entity></lom:contribute><lom:metadataSchema>" +
         std::string(kScolomfr) + "</lom:metadataSchema><lom:language>" + language_uri("fr") +
         "</lom:language></lom:metaMetadata>";
  // 4. Technical
  out += "<lom:technical>";
  if (!r.mime.empty())
    out += "<lom:format>http://purl.org/NET/mediatypes/" + xml_escape(r.mime) + "</lom:format>";
  if (r.size_bytes) out += "<lom:size>" + std::to_string(*r.size_bytes) + "</lom:size>";
  out += "<lom:location>" + xml_escape(r.url) + "</lom:location>";
  if (r.duration_ms)
    out += "<lom:duration><lom:duration>" + iso_duration(*r.duration_ms) +
           "</lom:duration></lom:duration>";
  out += "</lom:technical>";
  // 5. Educational
  out += "<lom:educational>";
  // A recorded video or sound of a library like this one is a lecture (« cours / présentation »,
  // vocabulary 010); other kinds say nothing rather than guess.
  if (r.kind == "video" || r.kind == "audio")
    out += vocab("learningResourceType", "cours / présentation", std::string(kConcept) + "lecture");
  out += vocab("intendedEndUserRole", "enseignant", std::string(kConcept) + "teacher");
  bool secondary = false;
  for (const TaxonPath& p : r.classifications) secondary = secondary || p.purpose == "level";
  if (secondary)
    out += vocab("context", "enseignement secondaire",
                 std::string(kConcept) + "scolomfr-voc-012-num-003");
  if (r.duration_ms)
    out += "<lom:typicalLearningTime><lom:duration>" + iso_duration(*r.duration_ms) +
           "</lom:duration></lom:typicalLearningTime>";
  if (iso639_2(lang) != "und") out += "<lom:language>" + language_uri(lang) + "</lom:language>";
  out += "</lom:educational>";
  // 6. Rights
  out += "<lom:rights>" + vocab("cost", "gratuit", std::string(kConcept) + "no");
  if (!r.licence.empty()) {
    out += vocab("copyrightAndOtherRestrictions", "oui", std::string(kConcept) + "yes_2");
    out += lang_string("description", "Licence : " + r.licence, "fr");
  }
  out += "</lom:rights>";
  // 7. Relations: the moments and pages, each with its deep link.
  for (const Part& p : r.parts) {
    out += "<lom:relation>" + vocab("kind", "contient", "http://purl.org/dc/terms/hasPart") +
           "<lom:resource><lom:identifier><lom:catalog>URL</lom:catalog><lom:entry>" +
           xml_escape(p.url) + "</lom:entry></lom:identifier>" +
           lang_string("description", p.text, lang) + "</lom:resource></lom:relation>";
  }
  // 8. Annotation: what a machine made.
  if (r.machine_text) {
    out += "<lom:annotation><lom:entity><![CDATA[" + vcard(r.publisher) + "]]></lom:entity>" +
           lang_string("description",
                       "Une partie du texte de ce contenu (transcription de la parole, "
                       "reconnaissance de caractères) a été produite par une machine ; elle "
                       "est signalée comme telle sur la page du contenu.",
                       "fr") +
           "</lom:annotation>";
  }
  // 9. Classifications: levels and programme parts, root first.
  for (const TaxonPath& p : r.classifications) out += taxon_path(p);
  if (r.gar) out += gar_label();
  return out + "</lom:lom>";
}

std::string_view repere_xsd() {
  return R"xsd(<?xml version="1.0" encoding="UTF-8"?>
<!-- The repere metadata format: a content of a Repère library with its passages and their
     times, so that another Repère can search inside it and link to its moments. -->
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:repere="urn:x-repere:oai:content:1"
           targetNamespace="urn:x-repere:oai:content:1" elementFormDefault="qualified">
  <xs:element name="content">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="url" type="xs:anyURI"/>
        <xs:element name="title" type="xs:string" minOccurs="0"/>
        <xs:element name="description" type="xs:string" minOccurs="0"/>
        <xs:element name="kind" minOccurs="0">
          <xs:simpleType>
            <xs:restriction base="xs:string">
              <xs:enumeration value="video"/><xs:enumeration value="audio"/>
              <xs:enumeration value="document"/><xs:enumeration value="image"/>
              <xs:enumeration value="webpage"/><xs:enumeration value="text"/>
            </xs:restriction>
          </xs:simpleType>
        </xs:element>
        <xs:element name="language" type="xs:string" minOccurs="0"/>
        <xs:element name="licence" type="xs:string" minOccurs="0"/>
        <xs:element name="author" type="xs:string" minOccurs="0" maxOccurs="unbounded"/>
        <xs:element name="duration_ms" type="xs:nonNegativeInteger" minOccurs="0"/>
        <xs:element name="pages" type="xs:nonNegativeInteger" minOccurs="0"/>
        <xs:element name="machine_text" type="xs:boolean" minOccurs="0"/>
        <xs:element name="passage" minOccurs="0" maxOccurs="unbounded">
          <xs:complexType>
            <xs:simpleContent>
              <xs:extension base="xs:string">
                <xs:attribute name="start_ms" type="xs:nonNegativeInteger"/>
                <xs:attribute name="end_ms" type="xs:nonNegativeInteger"/>
                <xs:attribute name="page" type="xs:positiveInteger"/>
              </xs:extension>
            </xs:simpleContent>
          </xs:complexType>
        </xs:element>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
</xs:schema>
)xsd";
}

std::string repere_record(const RecordData& r) {
  std::string out = "<repere:content xmlns:repere=\"" + std::string(kRepereNamespace) + "\">";
  const auto el = [&](const std::string& name, const std::string& value) {
    if (!value.empty())
      out += "<repere:" + name + ">" + xml_escape(value) + "</repere:" + name + ">";
  };
  el("url", r.url);
  el("title", r.title);
  el("description", r.description);
  el("kind", r.kind);
  el("language", r.language);
  el("licence", r.licence);
  for (const std::string& a : r.authors) el("author", a);
  if (r.duration_ms) el("duration_ms", std::to_string(*r.duration_ms));
  if (r.pages) el("pages", std::to_string(*r.pages));
  if (r.machine_text) el("machine_text", "true");
  for (const TimedText& p : r.passages) {
    out += "<repere:passage";
    if (p.start_ms) out += " start_ms=\"" + std::to_string(*p.start_ms) + "\"";
    if (p.end_ms) out += " end_ms=\"" + std::to_string(*p.end_ms) + "\"";
    if (p.page) out += " page=\"" + std::to_string(*p.page) + "\"";
    out += ">" + xml_escape(p.text) + "</repere:passage>";
  }
  return out + "</repere:content>";
}

Result<RecordData> read_record(catalog::Database& db, std::int64_t content_id,
                               const std::string& base_url, const std::string& publisher,
                               const std::string& data_root, bool with_passages) {
  REPERE_ASSIGN_OR_RETURN(const catalog::Content c, catalog::ContentRepository(db).get(content_id));
  RecordData r;
  r.id = c.id;
  r.url = base_url + "/contenus/" + std::to_string(c.id);
  r.title = c.title;
  r.description = c.description;
  r.language = c.language;
  r.licence = c.licence;
  r.kind = catalog::to_string(c.kind);
  r.duration_ms = c.duration_ms;
  r.pages = c.page_count;
  r.publisher = publisher;
  r.mime = mime_of(c.media_path, r.kind);
  if (!c.media_path.empty() && c.media_path.find(':') == std::string::npos) {
    std::error_code ec;
    const fs::path file = fs::path(c.media_path).is_absolute() ? fs::path(c.media_path)
                                                               : fs::path(data_root) / c.media_path;
    const auto size = fs::file_size(file, ec);
    if (!ec) r.size_bytes = static_cast<std::int64_t>(size);
  }
  const auto authors = nlohmann::json::parse(c.authors_json, nullptr, false);
  if (authors.is_array()) {
    for (const auto& a : authors)
      if (a.is_string() && !a.get<std::string>().empty()) r.authors.push_back(a.get<std::string>());
  }
  const auto metadata = nlohmann::json::parse(c.metadata_json, nullptr, false);
  if (metadata.is_object()) {
    for (const char* field : {"keywords", "subject"}) {
      if (!metadata.contains(field)) continue;
      const auto& v = metadata[field];
      if (v.is_string() && !v.get<std::string>().empty())
        r.keywords.push_back(v.get<std::string>());
      if (v.is_array()) {
        for (const auto& k : v)
          if (k.is_string() && !k.get<std::string>().empty())
            r.keywords.push_back(k.get<std::string>());
      }
    }
  }
  {
    REPERE_ASSIGN_OR_RETURN(auto stmt, db.prepare("SELECT created_at FROM content WHERE id = ?1"));
    stmt.bind(1, content_id);
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (row) r.created = stmt.text(0);
  }
  if (c.collection_id) {
    auto collection = catalog::CollectionRepository(db).get(*c.collection_id);
    if (collection.is_ok()) r.collection = collection->name;
  }
  // Confirmed concepts only: a machine's suggestion is not a catalogue's statement.
  taxonomy::ConceptStore concepts(db);
  REPERE_ASSIGN_OR_RETURN(const auto given, concepts.of_content(content_id));
  for (const taxonomy::ContentConcept& cc : given) {
    if (cc.state != "confirmed") continue;
    TaxonPath path{.purpose = cc.purpose == "level" ? "level" : cc.purpose, .taxa = {}};
    REPERE_ASSIGN_OR_RETURN(const auto up, concepts.ancestors(cc.uri));
    for (auto it = up.rbegin(); it != up.rend(); ++it)
      path.taxa.emplace_back(it->uri, it->pref_label);
    path.taxa.emplace_back(cc.uri, cc.pref_label);
    r.classifications.push_back(std::move(path));
  }
  REPERE_ASSIGN_OR_RETURN(const auto tracks,
                          catalog::TrackRepository(db).list_for_content(content_id));
  for (const catalog::Track& t : tracks)
    r.machine_text = r.machine_text || t.origin.rfind("ai:", 0) == 0;
  // The moments (one per start second) and pages, at most 100, in order.
  REPERE_ASSIGN_OR_RETURN(const auto passages,
                          catalog::PassageRepository(db).list_for_content(content_id));
  std::set<std::int64_t> seen;
  if (with_passages) {
    for (const catalog::Passage& p : passages)
      r.passages.push_back(
          {.start_ms = p.start_ms, .end_ms = p.end_ms, .page = p.page, .text = p.text});
  }
  for (const catalog::Passage& p : passages) {
    if (r.parts.size() >= 100) break;
    std::string link;
    if (p.start_ms) {
      const std::int64_t s = *p.start_ms / 1000;
      if (!seen.insert(s).second) continue;
      link = r.url + "?t=" + std::to_string(s);
    } else if (p.page) {
      if (!seen.insert(-*p.page).second) continue;
      link = r.url + "?page=" + std::to_string(*p.page) + "#page-" + std::to_string(*p.page);
    } else {
      continue;
    }
    r.parts.push_back({link, first_words(p.text, 12)});
  }
  return r;
}

}  // namespace repere::oai

namespace repere::oai {

Result<std::string> gar_notice(catalog::Database& db, const std::string& base_url,
                               const std::string& name, const std::string& description) {
  RecordData r;
  r.url = base_url + "/";
  r.title = name;
  r.description = description;
  r.language = "fr";
  r.kind = "webpage";
  r.mime = "text/html";
  r.publisher = name;
  r.gar = true;
  // The levels and disciplines that the published contents cover, as people confirmed them.
  REPERE_ASSIGN_OR_RETURN(
      auto stmt,
      db.prepare("SELECT DISTINCT cc.concept_uri, cc.purpose FROM content_concept cc JOIN content "
                 "c ON c.id = cc.content_id WHERE c.status = 'published' AND cc.state = "
                 "'confirmed' AND cc.purpose IN ('level', 'discipline') ORDER BY cc.purpose, "
                 "cc.concept_uri"));
  taxonomy::ConceptStore concepts(db);
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) break;
    const std::string uri = stmt.text(0);
    REPERE_ASSIGN_OR_RETURN(const auto found, concepts.get(uri));
    if (!found) continue;
    TaxonPath path{.purpose = stmt.text(1), .taxa = {}};
    REPERE_ASSIGN_OR_RETURN(const auto up, concepts.ancestors(uri));
    for (auto it = up.rbegin(); it != up.rend(); ++it)
      path.taxa.emplace_back(it->uri, it->pref_label);
    path.taxa.emplace_back(uri, found->pref_label);
    r.classifications.push_back(std::move(path));
  }
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + scolomfr(r) + "\n";
}

}  // namespace repere::oai
