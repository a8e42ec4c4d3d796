#include "answer.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>

#include "repere/core/text.h"
#include "repere/oai/records.h"

namespace repere::oai {

namespace {

constexpr std::string_view kOai = "http://www.openarchives.org/OAI/2.0/";
constexpr std::size_t kMaxTitle = 500;
constexpr std::size_t kMaxDescription = 20000;
constexpr std::size_t kMaxPassage = 5000;
constexpr std::size_t kMaxPassages = 20000;

struct DocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
using Doc = std::unique_ptr<xmlDoc, DocFree>;

// Parsed without the network, without entity substitution; a DOCTYPE is refused (entities
// are the way to expand a small answer into a huge one, and OAI-PMH answers have none).
Result<Doc> parse(const std::string& body) {
  const std::size_t doctype = body.find("<!DOCTYPE");
  if (doctype != std::string::npos && doctype < body.find("<OAI-PMH"))
    return Status::corruption("the partner's answer has a DOCTYPE (entities): refused");
  Doc doc(xmlReadMemory(body.data(), static_cast<int>(body.size()), "answer.xml", nullptr,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
  if (!doc) {
    const xmlError* e = xmlGetLastError();
    return Status::corruption(
        std::string("the partner's answer is not XML") +
        (e && e->message ? " (" + text::escape_control(e->message) + ")" : ""));
  }
  if (doc->intSubset != nullptr || doc->extSubset != nullptr)
    return Status::corruption("the partner's answer has a DOCTYPE (entities): refused");
  return doc;
}

bool named(const xmlNode* n, std::string_view local) {
  return n != nullptr && n->type == XML_ELEMENT_NODE &&
         std::string_view(reinterpret_cast<const char*>(n->name)) == local;
}

std::vector<const xmlNode*> children(const xmlNode* n, std::string_view local) {
  std::vector<const xmlNode*> out;
  if (n == nullptr) return out;
  for (const xmlNode* c = n->children; c != nullptr; c = c->next)
    if (named(c, local)) out.push_back(c);
  return out;
}

const xmlNode* child(const xmlNode* n, std::string_view local) {
  const auto all = children(n, local);
  return all.empty() ? nullptr : all.front();
}

const xmlNode* first_element(const xmlNode* n) {
  if (n == nullptr) return nullptr;
  for (const xmlNode* c = n->children; c != nullptr; c = c->next)
    if (c->type == XML_ELEMENT_NODE) return c;
  return nullptr;
}

std::string ns_of(const xmlNode* n) {
  return n && n->ns && n->ns->href ? reinterpret_cast<const char*>(n->ns->href) : "";
}

// The text of an element, whitespace runs made one space, at most `max` bytes (cut at a
// character boundary).
std::string text_of(const xmlNode* n, std::size_t max = kMaxDescription) {
  if (n == nullptr) return "";
  xmlChar* raw = xmlNodeGetContent(n);
  std::string s = raw ? reinterpret_cast<const char*>(raw) : "";
  xmlFree(raw);
  std::string out;
  bool space = false;
  for (const char c : s) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (static_cast<unsigned char>(c) < 0x20) continue;
    if (space) out += ' ';
    space = false;
    out += c;
  }
  if (out.size() > max) {
    std::size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
  }
  return out;
}

std::string attribute(const xmlNode* n, const char* name) {
  xmlChar* raw = xmlGetProp(n, reinterpret_cast<const xmlChar*>(name));
  std::string s = raw ? reinterpret_cast<const char*>(raw) : "";
  xmlFree(raw);
  return s;
}

std::optional<std::int64_t> number(const std::string& s) {
  if (s.empty() || s.size() > 15 || s.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoll(s);
}

// Only web addresses become links (never javascript: or data:).
std::string web_url(const std::string& s) {
  return s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0 ? s.substr(0, 2000) : "";
}

std::string language_code(const std::string& s) {
  std::string code =
      s.substr(s.find_last_of('/') == std::string::npos ? 0 : s.find_last_of('/') + 1);
  std::transform(code.begin(), code.end(), code.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (code == "fre" || code == "fra") return "fr";
  if (code == "eng") return "en";
  if (code == "ger" || code == "deu") return "de";
  if (code == "spa") return "es";
  if (code == "ita") return "it";
  if (code.size() >= 2 && std::isalpha(static_cast<unsigned char>(code[0])) &&
      std::isalpha(static_cast<unsigned char>(code[1])))
    return code.substr(0, 2);
  return "";
}

catalog::ContentKind kind_of(const std::string& s) {
  if (s.find("MovingImage") != std::string::npos || s == "video")
    return catalog::ContentKind::kVideo;
  if (s.find("Sound") != std::string::npos || s == "audio") return catalog::ContentKind::kAudio;
  if (s.find("Image") != std::string::npos || s == "image") return catalog::ContentKind::kImage;
  if (s == "webpage") return catalog::ContentKind::kWebpage;
  if (s == "document") return catalog::ContentKind::kDocument;
  return catalog::ContentKind::kText;
}

// What a record brings.
struct Incoming {
  catalog::Content content;
  std::vector<catalog::Passage> passages;
  bool machine_text = false;
};

void from_repere(const xmlNode* m, Incoming& in) {
  catalog::Content& c = in.content;
  c.source_url = web_url(text_of(child(m, "url"), 2000));
  c.title = text_of(child(m, "title"), kMaxTitle);
  c.description = text_of(child(m, "description"));
  c.kind = kind_of(text_of(child(m, "kind"), 20));
  c.language = language_code(text_of(child(m, "language"), 20));
  c.licence = text_of(child(m, "licence"), 200);
  nlohmann::json authors = nlohmann::json::array();
  for (const xmlNode* a : children(m, "author")) authors.push_back(text_of(a, 200));
  c.authors_json = authors.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  c.duration_ms = number(text_of(child(m, "duration_ms"), 20));
  if (const auto pages = number(text_of(child(m, "pages"), 20))) c.page_count = *pages;
  in.machine_text = text_of(child(m, "machine_text"), 10) == "true";
  for (const xmlNode* p : children(m, "passage")) {
    if (in.passages.size() >= kMaxPassages) break;
    catalog::Passage passage;
    passage.text = text_of(p, kMaxPassage);
    if (passage.text.empty()) continue;
    passage.start_ms = number(attribute(p, "start_ms"));
    passage.end_ms = number(attribute(p, "end_ms"));
    if (const auto page = number(attribute(p, "page")); page && *page < 1000000)
      passage.page = static_cast<int>(*page);
    passage.language = c.language;
    in.passages.push_back(std::move(passage));
  }
}

std::string lang_string(const xmlNode* n, std::size_t max = kMaxDescription) {
  return text_of(child(n, "string"), max);
}

void from_lom(const xmlNode* m, Incoming& in) {
  catalog::Content& c = in.content;
  const xmlNode* general = child(m, "general");
  c.title = lang_string(child(general, "title"), kMaxTitle);
  c.description = lang_string(child(general, "description"));
  c.language = language_code(text_of(child(general, "language"), 100));
  for (const xmlNode* type : children(general, "documentType"))
    c.kind = kind_of(text_of(child(type, "value"), 200));
  c.source_url = web_url(text_of(child(child(m, "technical"), "location"), 2000));
  if (c.source_url.empty())
    c.source_url = web_url(text_of(child(child(general, "identifier"), "entry"), 2000));
  c.licence = lang_string(child(child(m, "rights"), "description"), 200);
  nlohmann::json authors = nlohmann::json::array();
  for (const xmlNode* contribute : children(child(m, "lifeCycle"), "contribute")) {
    const std::string card = text_of(child(contribute, "entity"), 2000);
    const auto fn = card.find("FN:");
    if (fn != std::string::npos)
      authors.push_back(card.substr(fn + 3, card.find(" N:", fn) - fn - 3));
  }
  c.authors_json = authors.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void from_dc(const xmlNode* m, Incoming& in) {
  catalog::Content& c = in.content;
  c.title = text_of(child(m, "title"), kMaxTitle);
  for (const xmlNode* d : children(m, "description")) {
    if (!c.description.empty()) c.description += " ";
    c.description += text_of(d);
  }
  if (c.description.size() > kMaxDescription) c.description.resize(kMaxDescription);
  for (const xmlNode* id : children(m, "identifier")) {
    if (c.source_url.empty()) c.source_url = web_url(text_of(id, 2000));
  }
  c.kind = kind_of(text_of(child(m, "type"), 200));
  c.language = language_code(text_of(child(m, "language"), 100));
  c.licence = text_of(child(m, "rights"), 200);
  nlohmann::json authors = nlohmann::json::array();
  for (const xmlNode* a : children(m, "creator")) authors.push_back(text_of(a, 200));
  c.authors_json = authors.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// One record of a ListRecords answer.
HarvestedRecord read_record_node(const xmlNode* record, const std::string& prefix) {
  HarvestedRecord out;
  const xmlNode* header = child(record, "header");
  out.identifier = text_of(child(header, "identifier"), 1000);
  out.datestamp = text_of(child(header, "datestamp"), 40);
  if (out.identifier.empty()) {
    out.problem = "no identifier";
    return out;
  }
  if (attribute(header, "status") == "deleted") {
    out.deleted = true;
    return out;
  }
  const xmlNode* metadata = first_element(child(record, "metadata"));
  if (metadata == nullptr) {
    out.problem = "no metadata";
    return out;
  }
  Incoming in;
  if (prefix == "repere" && named(metadata, "content") && ns_of(metadata) == kRepereNamespace) {
    from_repere(metadata, in);
  } else if (prefix == "lom" && named(metadata, "lom")) {
    from_lom(metadata, in);
  } else if (prefix == "oai_dc" && named(metadata, "dc")) {
    from_dc(metadata, in);
  } else {
    out.problem = "its metadata is not in the format asked (" + prefix + ")";
    return out;
  }
  catalog::Content& c = in.content;
  if (c.title.empty()) {
    out.problem = "no title";
    return out;
  }
  if (c.language.empty()) c.language = "fr";
  if (in.passages.empty()) {  // the description is what there is to search
    const std::string text = c.description.empty() ? c.title : c.title + ". " + c.description;
    in.passages.push_back({.language = c.language, .text = text.substr(0, kMaxPassage)});
  }
  for (auto& p : in.passages)
    if (p.language.empty()) p.language = c.language;
  out.content = std::move(in.content);
  out.passages = std::move(in.passages);
  out.machine_text = in.machine_text;
  return out;
}

}  // namespace

Result<PartnerAnswer> read_answer(const std::string& body, const std::string& prefix) {
  REPERE_ASSIGN_OR_RETURN(const Doc doc, parse(body));
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  if (!named(root, "OAI-PMH") || ns_of(root) != kOai)
    return Status::corruption("the partner's answer is not OAI-PMH");
  PartnerAnswer a;
  a.response_date = text_of(child(root, "responseDate"), 40);
  if (const xmlNode* error = child(root, "error")) {
    a.error_code = attribute(error, "code").substr(0, 40);
    a.error_message = text_of(error, 500);
    return a;
  }
  if (const xmlNode* id = child(root, "Identify")) {
    a.identify = true;
    a.repository_name = text_of(child(id, "repositoryName"), 200);
    return a;
  }
  const xmlNode* list = child(root, "ListRecords");
  if (list == nullptr) return Status::corruption("the partner's answer has no ListRecords");
  a.list = true;
  for (const xmlNode* record : children(list, "record"))
    a.records.push_back(read_record_node(record, prefix));
  a.token = text_of(child(list, "resumptionToken"), 4000);
  return a;
}

}  // namespace repere::oai
