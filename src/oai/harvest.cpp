#include "repere/oai/harvest.h"

#include <httplib.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "repere/catalog/contents.h"
#include "repere/catalog/texts.h"
#include "repere/core/text.h"
#include "repere/oai/records.h"

namespace repere::oai {

namespace {

constexpr std::string_view kOai = "http://www.openarchives.org/OAI/2.0/";
constexpr std::size_t kMaxTitle = 500;
constexpr std::size_t kMaxDescription = 20000;
constexpr std::size_t kMaxPassage = 5000;
constexpr std::size_t kMaxPassages = 20000;

struct Url {
  std::string origin;  // "http://host:port"
  std::string path;    // "/oai"
  std::string host;
};

Result<Url> split_url(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos ||
      (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0))
    return Status::invalid_argument(
        "the partner's address must start with http:// or https:// (it is '" + url + "')");
  const auto slash = url.find('/', scheme + 3);
  Url u;
  u.origin = url.substr(0, slash);
  u.path = slash == std::string::npos ? "/" : url.substr(slash);
  if (u.path.find('?') != std::string::npos)
    return Status::invalid_argument("the partner's address must not carry a query ('" + url + "')");
  u.host = url.substr(scheme + 3, (slash == std::string::npos ? url.size() : slash) - scheme - 3);
  if (u.host.empty())
    return Status::invalid_argument("the partner's address has no host ('" + url + "')");
  return u;
}

std::string query_string(const std::vector<std::pair<std::string, std::string>>& args) {
  std::string out;
  for (const auto& [k, v] : args) {
    if (!out.empty()) out += '&';
    out += k + "=" + httplib::detail::encode_query_param(v);
  }
  return out;
}

// One answer of the partner, with attempts: a connection that fails or a 5xx / 429 is tried
// again after a wait that doubles (or the partner's Retry-After, up to a minute).
Result<std::string> fetch(const Url& url, const std::string& query, const HarvestOptions& o) {
  auto wait = o.first_wait;
  std::string last;
  for (int attempt = 1; attempt <= std::max(1, o.attempts); ++attempt) {
    httplib::Client client(url.origin);
    client.set_connection_timeout(10, 0);
    client.set_read_timeout(o.timeout_seconds, 0);
    client.set_follow_location(false);
    std::string body;
    bool too_big = false;
    const auto res = client.Get(url.path + "?" + query, [&](const char* data, std::size_t size) {
      if (body.size() + size > o.max_answer_bytes) {
        too_big = true;
        return false;
      }
      body.append(data, size);
      return true;
    });
    if (too_big) {
      return Status::corruption("the partner's answer is over " +
                                std::to_string(o.max_answer_bytes >> 20) + " MB: refused");
    }
    if (res && res->status == 200) return body;
    const bool again = !res || res->status >= 500 || res->status == 429;
    last = res ? "HTTP " + std::to_string(res->status) : httplib::to_string(res.error());
    if (!again) return Status::invalid_argument(url.origin + url.path + " answered " + last);
    if (attempt == o.attempts) break;
    auto pause = wait;
    if (res && res->has_header("Retry-After")) {
      const long s = std::strtol(res->get_header_value("Retry-After").c_str(), nullptr, 10);
      if (s > 0) pause = std::chrono::milliseconds(std::min<long>(s, 60) * 1000);
    }
    if (o.progress) {
      o.progress("the partner did not answer (" + last + "); trying again in " +
                 std::to_string(pause.count()) + " ms");
    }
    std::this_thread::sleep_for(pause);
    wait *= 2;
  }
  return Status::unavailable(url.origin + url.path + " did not answer after " +
                             std::to_string(o.attempts) + " attempts (" + last +
                             "): what was harvested is kept; run the harvest again later");
}

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

class Harvest {
 public:
  Harvest(catalog::Database& db, const HarvestOptions& o, Url url)
      : db_(db), o_(o), url_(std::move(url)) {}

  Result<HarvestReport> run() {
    REPERE_RETURN_IF_ERROR(identify());
    std::string from = o_.from;
    if (from.empty() && !o_.full) {
      REPERE_ASSIGN_OR_RETURN(from, last_complete());
    }
    std::vector<std::pair<std::string, std::string>> args = {{"verb", "ListRecords"},
                                                             {"metadataPrefix", o_.prefix}};
    if (!from.empty()) args.emplace_back("from", from);
    if (!o_.set.empty()) args.emplace_back("set", o_.set);
    std::set<std::string> tokens;
    std::string started;  // the partner's responseDate of the first answer
    const auto t0 = std::chrono::steady_clock::now();
    int records = 0;
    while (true) {
      if (report_.pages >= o_.max_pages) {
        return Status::corruption("the partner's list goes past " + std::to_string(o_.max_pages) +
                                  " answers: stopped (what came is kept)");
      }
      REPERE_ASSIGN_OR_RETURN(const std::string body, fetch(url_, query_string(args), o_));
      REPERE_ASSIGN_OR_RETURN(const Doc doc, parse(body));
      const xmlNode* root = xmlDocGetRootElement(doc.get());
      if (!named(root, "OAI-PMH") || ns_of(root) != kOai)
        return Status::corruption("the partner's answer is not OAI-PMH");
      if (started.empty()) started = text_of(child(root, "responseDate"), 40);
      if (const xmlNode* error = child(root, "error")) {
        const std::string code = attribute(error, "code");
        if (code == "noRecordsMatch") break;  // nothing new
        return Status::invalid_argument("the partner answered " + code + ": " +
                                        text_of(error, 500));
      }
      const xmlNode* list = child(root, "ListRecords");
      if (list == nullptr) return Status::corruption("the partner's answer has no ListRecords");
      ++report_.pages;
      {
        REPERE_ASSIGN_OR_RETURN(catalog::Transaction txn, catalog::Transaction::begin(db_));
        for (const xmlNode* record : children(list, "record")) {
          ++records;
          REPERE_RETURN_IF_ERROR(take(record));
        }
        REPERE_RETURN_IF_ERROR(txn.commit());
      }
      if (o_.progress) {
        const double s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        o_.progress("page " + std::to_string(report_.pages) + ": " + std::to_string(records) +
                    " records so far (" + std::to_string(report_.added) + " added, " +
                    std::to_string(report_.updated) + " updated, " +
                    std::to_string(report_.removed) + " removed, " +
                    std::to_string(report_.skipped) + " skipped), " +
                    std::to_string(static_cast<int>(records / std::max(s, 1e-3))) + " records/s");
      }
      const std::string token = text_of(child(list, "resumptionToken"), 4000);
      if (token.empty()) break;
      if (!tokens.insert(token).second)
        return Status::corruption(
            "the partner gave the same resumption token twice (a loop): "
            "stopped (what came is kept)");
      if (o_.stop && o_.stop->load()) return report_;
      args = {{"verb", "ListRecords"}, {"resumptionToken", token}};
    }
    report_.complete = true;
    REPERE_RETURN_IF_ERROR(remember(started));
    return report_;
  }

 private:
  Status identify() {
    REPERE_ASSIGN_OR_RETURN(const std::string body, fetch(url_, "verb=Identify", o_));
    REPERE_ASSIGN_OR_RETURN(const Doc doc, parse(body));
    const xmlNode* root = xmlDocGetRootElement(doc.get());
    if (!named(root, "OAI-PMH") || ns_of(root) != kOai)
      return Status::corruption(url_.origin + url_.path + " is not an OAI-PMH repository");
    const xmlNode* id = child(root, "Identify");
    if (id == nullptr) return Status::corruption("the partner's Identify has no answer");
    report_.partner = text_of(child(id, "repositoryName"), 200);
    if (report_.partner.empty()) report_.partner = url_.host;
    std::string slug = "chez-";
    for (const char c : url_.host)
      slug +=
          std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '-';
    catalog::CollectionRepository collections(db_);
    REPERE_ASSIGN_OR_RETURN(const auto found, collections.find_by_slug(slug));
    if (found) {
      report_.collection_id = found->id;
    } else {
      REPERE_ASSIGN_OR_RETURN(
          report_.collection_id,
          collections.insert({.id = 0, .slug = slug, .name = report_.partner, .licence = ""}));
    }
    return Status::ok();
  }

  std::string key() const { return url_.origin + url_.path + " " + o_.prefix + " " + o_.set; }

  Result<std::string> last_complete() {
    REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("SELECT last_complete FROM oai_partner WHERE "
                                                   "harvest = ?1"));
    stmt.bind(1, key());
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    return row ? stmt.text(0) : std::string();
  }

  Status remember(const std::string& started) {
    if (started.size() < 10) return Status::ok();
    REPERE_ASSIGN_OR_RETURN(
        auto stmt, db_.prepare("INSERT INTO oai_partner(harvest, name, last_complete) VALUES "
                               "(?1, ?2, ?3) ON CONFLICT(harvest) DO UPDATE SET name = ?2, "
                               "last_complete = ?3"));
    return stmt.bind(1, key()).bind(2, report_.partner).bind(3, started).run();
  }

  void skip(const std::string& identifier, const std::string& why) {
    ++report_.skipped;
    report_.problems.push_back("record « " + identifier.substr(0, 200) + " »: " + why +
                               " (skipped)");
  }

  Status take(const xmlNode* record) {
    const xmlNode* header = child(record, "header");
    const std::string identifier = text_of(child(header, "identifier"), 1000);
    if (identifier.empty()) {
      skip("?", "no identifier");
      return Status::ok();
    }
    catalog::ContentRepository contents(db_);
    REPERE_ASSIGN_OR_RETURN(const auto existing,
                            contents.find_by_external_id(report_.collection_id, identifier));
    if (attribute(header, "status") == "deleted") {
      if (existing) {
        REPERE_RETURN_IF_ERROR(contents.remove(existing->id));
        ++report_.removed;
      }
      return Status::ok();
    }
    const xmlNode* metadata = first_element(child(record, "metadata"));
    if (metadata == nullptr) {
      skip(identifier, "no metadata");
      return Status::ok();
    }
    Incoming in;
    if (o_.prefix == "repere" && named(metadata, "content") &&
        ns_of(metadata) == kRepereNamespace) {
      from_repere(metadata, in);
    } else if (o_.prefix == "lom" && named(metadata, "lom")) {
      from_lom(metadata, in);
    } else if (o_.prefix == "oai_dc" && named(metadata, "dc")) {
      from_dc(metadata, in);
    } else {
      skip(identifier, "its metadata is not in the format asked (" + o_.prefix + ")");
      return Status::ok();
    }
    catalog::Content& c = in.content;
    if (c.title.empty()) {
      skip(identifier, "no title");
      return Status::ok();
    }
    if (c.language.empty()) c.language = "fr";
    if (in.passages.empty()) {  // the description is what there is to search
      const std::string text = c.description.empty() ? c.title : c.title + ". " + c.description;
      in.passages.push_back({.language = c.language, .text = text.substr(0, kMaxPassage)});
    }
    for (auto& p : in.passages)
      if (p.language.empty()) p.language = c.language;
    c.collection_id = report_.collection_id;
    c.external_id = identifier;
    c.metadata_json = nlohmann::json{
        {"harvested_from", url_.origin + url_.path},
        {"partner", report_.partner},
        {"datestamp", text_of(child(header, "datestamp"), 40)},
        {"machine_text",
         in.machine_text}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    catalog::Id id = 0;
    if (existing) {
      c.id = existing->id;
      REPERE_RETURN_IF_ERROR(contents.update(c));
      id = existing->id;
      ++report_.updated;
    } else {
      REPERE_ASSIGN_OR_RETURN(id, contents.insert(c));
      ++report_.added;
    }
    if (!existing || existing->status != catalog::EditorialStatus::kPublished) {
      REPERE_RETURN_IF_ERROR(
          contents.set_status(id, catalog::EditorialStatus::kPublished, "harvest:" + url_.host));
    }
    return catalog::PassageRepository(db_).replace_for_content(id, in.passages);
  }

  catalog::Database& db_;
  const HarvestOptions& o_;
  Url url_;
  HarvestReport report_;
};

}  // namespace

Result<HarvestReport> harvest(catalog::Database& db, const HarvestOptions& options) {
  if (options.prefix != "repere" && options.prefix != "lom" && options.prefix != "oai_dc")
    return Status::invalid_argument("the format must be repere, lom or oai_dc (it is '" +
                                    options.prefix + "')");
  REPERE_ASSIGN_OR_RETURN(Url url, split_url(options.base_url));
  Harvest h(db, options, std::move(url));
  return h.run();
}

}  // namespace repere::oai
