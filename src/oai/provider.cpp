#include "repere/oai/provider.h"

#include <ctime>
#include <map>
#include <optional>
#include <regex>
#include <set>

#include "items.h"
#include "repere/oai/records.h"
#include "tokens.h"

namespace repere::oai {

namespace {

constexpr std::string_view kGranularity = "YYYY-MM-DDThh:mm:ssZ";

std::string utc(std::int64_t seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::int64_t now_of(const ProviderOptions& o) {
  return o.now ? o.now() : static_cast<std::int64_t>(std::time(nullptr));
}

std::string host_of(const std::string& base_url) {
  std::string host = base_url;
  if (const auto scheme = host.find("://"); scheme != std::string::npos)
    host = host.substr(scheme + 3);
  host = host.substr(0, host.find('/'));
  return host.substr(0, host.find(':')).empty() ? "localhost" : host.substr(0, host.find(':'));
}

// An OAI date argument: "YYYY-MM-DD" or "YYYY-MM-DDThh:mm:ssZ", valid as a date. `end`: a day
// stands for its last second (until) rather than its first (from).
std::optional<std::string> parse_date(const std::string& text, bool end, bool& day) {
  const auto digits = [&](std::size_t at, std::size_t n) {
    for (std::size_t i = at; i < at + n; ++i)
      if (i >= text.size() || !std::isdigit(static_cast<unsigned char>(text[i]))) return false;
    return true;
  };
  if (text.size() != 10 && text.size() != 20) return std::nullopt;
  if (!digits(0, 4) || text[4] != '-' || !digits(5, 2) || text[7] != '-' || !digits(8, 2))
    return std::nullopt;
  const int month = std::stoi(text.substr(5, 2)), mday = std::stoi(text.substr(8, 2));
  if (month < 1 || month > 12 || mday < 1 || mday > 31) return std::nullopt;
  day = text.size() == 10;
  if (day) return text + (end ? "T23:59:59Z" : "T00:00:00Z");
  if (text[10] != 'T' || !digits(11, 2) || text[13] != ':' || !digits(14, 2) || text[16] != ':' ||
      !digits(17, 2) || text[19] != 'Z')
    return std::nullopt;
  if (std::stoi(text.substr(11, 2)) > 23 || std::stoi(text.substr(14, 2)) > 59 ||
      std::stoi(text.substr(17, 2)) > 59)
    return std::nullopt;
  return text;
}

bool known_format(const std::string& prefix) {
  return prefix == "oai_dc" || prefix == "lom" || prefix == "repere";
}

// One request being answered.
class Answer {
 public:
  Answer(catalog::Database& db, const ProviderOptions& options, const Arguments& arguments)
      : db_(db), options_(options), arguments_(arguments), items_(db), now_(now_of(options)) {}

  Result<std::string> run() {
    std::string body;
    const Status s = dispatch(body);
    if (!s.is_ok()) return s;
    return envelope(body);
  }

 private:
  // A protocol error: the answer's body.
  struct Failure {
    std::string code, message;
  };

  Status dispatch(std::string& body) {
    std::set<std::string> seen;
    for (const auto& [key, value] : arguments_) {
      if (!seen.insert(key).second)
        return fail(body, "badArgument", "the argument « " + key + " » is repeated");
      args_[key] = value;
    }
    const auto verb = args_.find("verb");
    if (verb == args_.end()) return fail(body, "badVerb", "the request has no verb");
    verb_ = verb->second;
    static const std::map<std::string, std::pair<std::set<std::string>, std::set<std::string>>>
        kVerbs = {
            {"Identify", {{}, {}}},
            {"ListMetadataFormats", {{}, {"identifier"}}},
            {"ListSets", {{}, {"resumptionToken"}}},
            {"GetRecord", {{"identifier", "metadataPrefix"}, {}}},
            {"ListIdentifiers",
             {{}, {"metadataPrefix", "from", "until", "set", "resumptionToken"}}},
            {"ListRecords", {{}, {"metadataPrefix", "from", "until", "set", "resumptionToken"}}}};
    const auto spec = kVerbs.find(verb_);
    if (spec == kVerbs.end()) {
      const std::string v = verb_;
      verb_.clear();
      return fail(body, "badVerb", "« " + v + " » is not an OAI-PMH verb");
    }
    for (const auto& [key, value] : args_) {
      if (key == "verb") continue;
      if (!spec->second.first.count(key) && !spec->second.second.count(key))
        return fail(body, "badArgument", "« " + key + " » is not an argument of " + verb_);
    }
    for (const std::string& required : spec->second.first) {
      if (!args_.count(required))
        return fail(body, "badArgument", verb_ + " needs the argument « " + required + " »");
    }
    if (args_.count("resumptionToken") && args_.size() > 2)
      return fail(body, "badArgument", "resumptionToken is an exclusive argument");
    valid_ = true;
    if (verb_ == "Identify") return identify(body);
    if (verb_ == "ListMetadataFormats") return list_formats(body);
    if (verb_ == "ListSets") return list_sets(body);
    if (verb_ == "GetRecord") return get_record(body);
    return list(body, verb_ == "ListRecords");
  }

  Status fail(std::string& body, const std::string& code, const std::string& message) {
    // After badVerb and badArgument the request is echoed without its arguments.
    if (code == "badVerb" || code == "badArgument") valid_ = false;
    body = "<error code=\"" + code + "\">" + xml_escape(message) + "</error>";
    return Status::ok();
  }

  std::string envelope(const std::string& body) const {
    std::string out =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<OAI-PMH xmlns=\"http://www.openarchives.org/OAI/2.0/\" "
        "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
        "xsi:schemaLocation=\"http://www.openarchives.org/OAI/2.0/ "
        "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd\">\n<responseDate>" +
        utc(now_) + "</responseDate>\n<request";
    // The request's arguments are echoed only when they were valid (badVerb, badArgument: none).
    if (valid_) {
      for (const auto& [key, value] : args_) out += " " + key + "=\"" + xml_escape(value) + "\"";
    }
    return out + ">" + xml_escape(base_url()) + "</request>\n" + body + "\n</OAI-PMH>\n";
  }

  std::string base_url() const { return options_.base_url + "/oai"; }

  Result<std::string> key() {
    REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("SELECT key FROM oai_key WHERE id = 1"));
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row)
      return Status::unavailable(
          "the catalog has no OAI key yet: run `repere serve` once to upgrade it");
    return stmt.text(0);
  }

  Status identify(std::string& body) {
    REPERE_ASSIGN_OR_RETURN(std::string earliest, items_.earliest());
    if (earliest.empty()) earliest = utc(now_);
    const std::string email = options_.admin_email.empty()
                                  ? "webmaster@" + host_of(options_.base_url)
                                  : options_.admin_email;
    body = "<Identify><repositoryName>" + xml_escape(options_.repository_name) +
           "</repositoryName><baseURL>" + xml_escape(base_url()) +
           "</baseURL><protocolVersion>2.0</protocolVersion><adminEmail>" + xml_escape(email) +
           "</adminEmail><earliestDatestamp>" + earliest +
           "</earliestDatestamp><deletedRecord>persistent</deletedRecord><granularity>" +
           std::string(kGranularity) +
           "</granularity><description><oai-identifier "
           "xmlns=\"http://www.openarchives.org/OAI/2.0/oai-identifier\" "
           "xsi:schemaLocation=\"http://www.openarchives.org/OAI/2.0/oai-identifier "
           "http://www.openarchives.org/OAI/2.0/oai-identifier.xsd\"><scheme>oai</scheme>"
           "<repositoryIdentifier>" +
           xml_escape(host_of(options_.base_url)) +
           "</repositoryIdentifier><delimiter>:</delimiter><sampleIdentifier>" +
           xml_escape(identifier_of(options_, 1)) +
           "</sampleIdentifier></oai-identifier></description></Identify>";
    return Status::ok();
  }

  // The content id an identifier names, if it is one of ours.
  std::optional<std::int64_t> id_of(const std::string& identifier) const {
    const std::string prefix = "oai:" + host_of(options_.base_url) + ":contenu/";
    if (identifier.rfind(prefix, 0) != 0) return std::nullopt;
    const std::string digits = identifier.substr(prefix.size());
    if (digits.empty() || digits.size() > 18 ||
        digits.find_first_not_of("0123456789") != std::string::npos)
      return std::nullopt;
    return std::stoll(digits);
  }

  // The item an identifier names, published or deleted.
  Result<std::optional<Item>> item_of(const std::string& identifier) {
    const auto id = id_of(identifier);
    if (!id) return std::optional<Item>{};
    bool more = false;
    ItemQuery q;
    q.only_id = *id;
    REPERE_ASSIGN_OR_RETURN(auto found, items_.list(q, 1, more));
    if (found.empty()) return std::optional<Item>{};
    return std::optional<Item>(std::move(found.front()));
  }

  // Why a content this catalog holds but harvested from a partner is disseminated in no
  // format here ("" when the identifier names no such content): its metadata is its own
  // repository's to give, and echoing it would make two partners harvest each other's records.
  Result<std::string> harvested_reason(const std::string& identifier) {
    const auto id = id_of(identifier);
    if (!id) return std::string();
    REPERE_ASSIGN_OR_RETURN(const auto h, items_.harvested(*id));
    if (!h) return std::string();
    return "« " + identifier + " » is a record harvested from « " + h->partner +
           " »: this repository disseminates it in no format; harvest it from " + h->url;
  }

  Status list_formats(std::string& body) {
    if (args_.count("identifier")) {
      REPERE_ASSIGN_OR_RETURN(const auto item, item_of(args_["identifier"]));
      if (!item) {
        REPERE_ASSIGN_OR_RETURN(const std::string why, harvested_reason(args_["identifier"]));
        if (!why.empty()) return fail(body, "noMetadataFormats", why);
        return fail(body, "idDoesNotExist",
                    "no item has the identifier « " + args_["identifier"] + " »");
      }
    }
    body =
        "<ListMetadataFormats><metadataFormat><metadataPrefix>oai_dc</metadataPrefix><schema>"
        "http://www.openarchives.org/OAI/2.0/oai_dc.xsd</schema><metadataNamespace>"
        "http://www.openarchives.org/OAI/2.0/oai_dc/</metadataNamespace></metadataFormat>"
        "<metadataFormat><metadataPrefix>lom</metadataPrefix><schema>"
        "http://www.lom-fr.fr/xsd/SCOLOMFR/scolomfr.xsd</schema><metadataNamespace>"
        "http://ltsc.ieee.org/xsd/LOM</metadataNamespace></metadataFormat>"
        "<metadataFormat><metadataPrefix>repere</metadataPrefix><schema>" +
        xml_escape(options_.base_url) + "/oai/repere.xsd</schema><metadataNamespace>" +
        kRepereNamespace + "</metadataNamespace></metadataFormat></ListMetadataFormats>";
    return Status::ok();
  }

  Status list_sets(std::string& body) {
    if (args_.count("resumptionToken")) {
      // Every set fits one answer: no token of ours ever continues a ListSets.
      return fail(body, "badResumptionToken", "this resumption token is not valid for ListSets");
    }
    REPERE_ASSIGN_OR_RETURN(const auto sets, items_.sets());
    if (sets.empty())
      return fail(body, "noSetHierarchy", "the repository has no item yet, hence no set");
    body = "<ListSets>";
    for (const SetInfo& s : sets) {
      body += "<set><setSpec>" + xml_escape(s.spec) + "</setSpec><setName>" + xml_escape(s.name) +
              "</setName></set>";
    }
    body += "</ListSets>";
    return Status::ok();
  }

  std::string header(const Item& item) const {
    std::string out = item.deleted ? "<header status=\"deleted\">" : "<header>";
    out += "<identifier>" + xml_escape(identifier_of(options_, item.id)) +
           "</identifier><datestamp>" + item.datestamp + "</datestamp>";
    std::set<std::string> specs;
    for (const std::string& s : item.sets) {
      for (std::size_t at = s.find(':'); at != std::string::npos; at = s.find(':', at + 1))
        specs.insert(s.substr(0, at));
      specs.insert(s);
    }
    for (const std::string& s : specs) out += "<setSpec>" + xml_escape(s) + "</setSpec>";
    return out + "</header>";
  }

  Result<std::string> record(const Item& item, const std::string& prefix) {
    std::string out = "<record>" + header(item);
    if (!item.deleted) {
      REPERE_ASSIGN_OR_RETURN(const RecordData data,
                              read_record(db_, item.id, options_.base_url, options_.repository_name,
                                          options_.data_root, prefix == "repere"));
      out += "<metadata>" +
             (prefix == "lom"      ? scolomfr(data)
              : prefix == "repere" ? repere_record(data)
                                   : dublin_core(data)) +
             "</metadata>";
    }
    return out + "</record>";
  }

  Status get_record(std::string& body) {
    REPERE_ASSIGN_OR_RETURN(const auto item, item_of(args_["identifier"]));
    if (!item) {
      REPERE_ASSIGN_OR_RETURN(const std::string why, harvested_reason(args_["identifier"]));
      if (!why.empty()) return fail(body, "cannotDisseminateFormat", why);
      return fail(body, "idDoesNotExist",
                  "no item has the identifier « " + args_["identifier"] + " »");
    }
    if (!known_format(args_["metadataPrefix"]))
      return fail(body, "cannotDisseminateFormat",
                  "« " + args_["metadataPrefix"] +
                      " » is not a format of this repository (oai_dc, lom, repere)");
    REPERE_ASSIGN_OR_RETURN(const std::string r, record(*item, args_["metadataPrefix"]));
    body = "<GetRecord>" + r + "</GetRecord>";
    return Status::ok();
  }

  Status list(std::string& body, bool records) {
    Resumption state;
    if (args_.count("resumptionToken")) {
      REPERE_ASSIGN_OR_RETURN(const std::string k, key());
      const auto decoded = decode_token(args_["resumptionToken"], k, now_);
      if (!decoded || decoded->verb != verb_)
        return fail(body, "badResumptionToken",
                    "the resumption token is not valid (altered, expired or of another verb): "
                    "start the list again");
      state = *decoded;
    } else {
      if (!args_.count("metadataPrefix"))
        return fail(body, "badArgument", verb_ + " needs the argument « metadataPrefix »");
      state.verb = verb_;
      state.prefix = args_["metadataPrefix"];
      bool from_day = false, until_day = false;
      if (args_.count("from")) {
        const auto from = parse_date(args_["from"], false, from_day);
        if (!from)
          return fail(
              body, "badArgument",
              "« from » is not a date of the form " + std::string(kGranularity) + " or YYYY-MM-DD");
        state.from = *from;
      }
      if (args_.count("until")) {
        const auto until = parse_date(args_["until"], true, until_day);
        if (!until)
          return fail(body, "badArgument",
                      "« until » is not a date of the form " + std::string(kGranularity) +
                          " or YYYY-MM-DD");
        state.until = *until;
      }
      if (args_.count("from") && args_.count("until") && from_day != until_day)
        return fail(body, "badArgument", "« from » and « until » must have the same granularity");
      if (args_.count("set")) {
        state.set = args_["set"];
        static const std::regex kSetSpec(R"(^[A-Za-z0-9_.!~*'()-]+(:[A-Za-z0-9_.!~*'()-]+)*$)");
        if (state.set.size() > 1000 || !std::regex_match(state.set, kSetSpec))
          return fail(body, "badArgument",
                      "« set » is not a setSpec (letters, digits, -_.!~*'() and :)");
      }
      if (!known_format(state.prefix))
        return fail(
            body, "cannotDisseminateFormat",
            "« " + state.prefix + " » is not a format of this repository (oai_dc, lom, repere)");
      ItemQuery all{
          .after_id = 0, .from = state.from, .until = state.until, .set = state.set, .only_id = {}};
      REPERE_ASSIGN_OR_RETURN(state.size, items_.count(all));
    }
    ItemQuery q{.after_id = state.after_id,
                .from = state.from,
                .until = state.until,
                .set = state.set,
                .only_id = {}};
    bool more = false;
    REPERE_ASSIGN_OR_RETURN(const auto page, items_.list(q, std::max(1, options_.page_size), more));
    if (page.empty()) return fail(body, "noRecordsMatch", "no item matches these arguments");
    const std::string element = records ? "ListRecords" : "ListIdentifiers";
    body = "<" + element + ">";
    for (const Item& item : page) {
      if (records) {
        REPERE_ASSIGN_OR_RETURN(const std::string r, record(item, state.prefix));
        body += r;
      } else {
        body += header(item);
      }
    }
    const bool resumed = args_.count("resumptionToken") > 0;
    const std::int64_t size = std::max<std::int64_t>(
        state.size, state.cursor + static_cast<std::int64_t>(page.size()) + (more ? 1 : 0));
    if (more) {
      Resumption next = state;
      next.after_id = page.back().id;
      next.cursor = state.cursor + static_cast<std::int64_t>(page.size());
      next.size = size;
      next.expires = now_ + options_.token_life.count();
      REPERE_ASSIGN_OR_RETURN(const std::string k, key());
      body += "<resumptionToken expirationDate=\"" + utc(next.expires) + "\" completeListSize=\"" +
              std::to_string(size) + "\" cursor=\"" + std::to_string(state.cursor) + "\">" +
              encode_token(next, k) + "</resumptionToken>";
    } else if (resumed) {
      // The last page of a list that was resumed: an empty token ends it.
      body += "<resumptionToken completeListSize=\"" + std::to_string(size) + "\" cursor=\"" +
              std::to_string(state.cursor) + "\"/>";
    }
    body += "</" + element + ">";
    return Status::ok();
  }

  catalog::Database& db_;
  const ProviderOptions& options_;
  const Arguments& arguments_;
  Items items_;
  std::int64_t now_;
  std::map<std::string, std::string> args_;
  std::string verb_;
  bool valid_ = false;
};

}  // namespace

std::string identifier_of(const ProviderOptions& options, std::int64_t content_id) {
  return "oai:" + host_of(options.base_url) + ":contenu/" + std::to_string(content_id);
}

Result<std::string> respond(catalog::Database& db, const ProviderOptions& options,
                            const Arguments& arguments) {
  Answer answer(db, options, arguments);
  return answer.run();
}

}  // namespace repere::oai
