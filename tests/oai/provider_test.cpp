// The OAI-PMH provider on a real catalog with the real ScoLOMFR programme trees: each verb,
// each error code in its situation, resumption tokens that a harvest can follow while records
// change (and that refuse being altered, expired or reused for another verb), sets down the
// programme's tree, deleted records, and ScoLOMFR records that the ScoLOMFR 3.2.1 XSD accepts
// (libxml2, offline).
#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>

#include "../catalog/test_catalog.h"
#include "repere/catalog/contents.h"
#include "repere/catalog/texts.h"
#include "repere/oai/provider.h"
#include "repere/oai/records.h"
#include "repere/oai/schema.h"
#include "repere/taxonomy/schema.h"
#include "repere/taxonomy/skos.h"
#include "repere/taxonomy/store.h"

namespace repere::oai {
namespace {

namespace fs = std::filesystem;
const fs::path kShared = fs::path(REPERE_SHARED_DIR) / "standards/scolomfr";
const std::string kDomain = "http://data.education.fr/voc/scolomfr/concept/scolomfr-voc-015-num-";
const std::string kDigestion = kDomain + "1530";  // alimentation et digestion (SVT cycle 4)
const std::string kSvt4 = kDomain + "1511";       // SVT cycle 4
const std::string kLevel5e =
    "http://data.education.fr/voc/scolomfr/concept/scolomfr-voc-022-num-020";

// Whether `xml` is well-formed (libxml2, no network, no entity expansion).
bool well_formed(const std::string& xml) {
  xmlDocPtr doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "answer.xml", "UTF-8",
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (doc == nullptr) return false;
  xmlFreeDoc(doc);
  return true;
}

// Validates a <lom:lom> document against the ScoLOMFR 3.2.1 XSD; "" when it is valid.
std::string scolomfr_errors(const std::string& lom) {
  static xmlSchemaPtr schema = [] {
    xmlSchemaParserCtxtPtr pc =
        xmlSchemaNewParserCtxt((kShared / "xsd-3.2.1/scolomfr.xsd").string().c_str());
    xmlSchemaPtr s = xmlSchemaParse(pc);
    xmlSchemaFreeParserCtxt(pc);
    return s;
  }();
  if (schema == nullptr) return "the XSD did not load";
  const std::string doc_text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + lom;
  xmlDocPtr doc = xmlReadMemory(doc_text.data(), static_cast<int>(doc_text.size()), "lom.xml",
                                "UTF-8", XML_PARSE_NONET);
  if (doc == nullptr) return "not well-formed";
  std::string errors;
  xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
  xmlSchemaSetValidStructuredErrors(
      vc,
      [](void* out, xmlErrorPtr e) {
        *static_cast<std::string*>(out) += std::string(e->message ? e->message : "?");
      },
      &errors);
  const int rc = xmlSchemaValidateDoc(vc, doc);
  xmlSchemaFreeValidCtxt(vc);
  xmlFreeDoc(doc);
  return rc == 0 ? "" : (errors.empty() ? "invalid" : errors);
}

std::vector<std::string> all(const std::string& text, const std::string& pattern) {
  std::vector<std::string> out;
  const std::regex re(pattern);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator();
       ++it)
    out.push_back((*it)[1].str());
  return out;
}

std::string first(const std::string& text, const std::string& pattern) {
  const auto found = all(text, pattern);
  return found.empty() ? "" : found.front();
}

std::string error_code(const std::string& answer) {
  return first(answer, "<error code=\"([a-zA-Z]+)\"");
}

class Provider : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir;
    catalog::OpenOptions o;
    o.modules = {&taxonomy::schema(), &schema()};
    db_ = catalog::open_or_die(dir_->path() / "catalog.sqlite", o).release();
    taxonomy::ConceptStore store(*db_);
    for (const char* file : {"15.rdf", "22.rdf"})
      ASSERT_TRUE(store.import(*taxonomy::read_skos(kShared / "skos-3.2.0" / file), file).is_ok());
  }
  static void TearDownTestSuite() {
    delete db_;
    delete dir_;
  }
  void SetUp() override {
    ASSERT_TRUE(db_->exec("DELETE FROM content; DELETE FROM oai_deleted;").is_ok());
    options_.base_url = "https://mediatheque.example.fr";
    options_.page_size = 10;
    options_.now = [this] { return clock_; };
  }

  // A published content (a video, unless said), with a moment.
  catalog::Id add(const std::string& title,
                  catalog::EditorialStatus status = catalog::EditorialStatus::kPublished,
                  catalog::ContentKind kind = catalog::ContentKind::kVideo) {
    catalog::Content c = catalog::sample_content(title);
    c.kind = kind;
    c.description = "Une vidéo sur " + title + ".";
    c.authors_json = R"(["Camille Martin", "Équipe ; « SVT »"])";
    const auto id = *catalog::ContentRepository(*db_).insert(c);
    EXPECT_TRUE(
        catalog::PassageRepository(*db_)
            .replace_for_content(id, {{.start_ms = 83000,
                                       .end_ms = 110000,
                                       .language = "fr",
                                       .text = "Les aliments sont digérés dans l'intestin."}})
            .is_ok());
    if (status != catalog::EditorialStatus::kDraft) {
      EXPECT_TRUE(catalog::ContentRepository(*db_).set_status(id, status, "test").is_ok());
    }
    return id;
  }

  std::string ask(const Arguments& args) {
    auto answer = respond(*db_, options_, args);
    EXPECT_TRUE(answer.is_ok()) << answer.status().to_string();
    if (!answer.is_ok()) return "";
    EXPECT_TRUE(well_formed(*answer)) << *answer;
    return *answer;
  }

  std::string id(catalog::Id content) { return identifier_of(options_, content); }

  // Every identifier of a list, following its tokens; how many answers it took.
  std::vector<std::string> harvest(const std::string& verb, const Arguments& args, int& answers,
                                   const std::function<void(int)>& between = nullptr) {
    std::vector<std::string> ids;
    Arguments request = args;
    request.insert(request.begin(), {"verb", verb});
    answers = 0;
    while (true) {
      const std::string a = ask(request);
      ++answers;
      if (!error_code(a).empty()) break;
      for (const auto& i : all(a, "<identifier>([^<]+)</identifier>")) ids.push_back(i);
      const std::string token = first(a, "<resumptionToken[^>]*>([^<]+)</resumptionToken>");
      if (token.empty()) break;
      if (between) between(answers);
      request = {{"verb", verb}, {"resumptionToken", token}};
      if (answers > 100) break;
    }
    return ids;
  }

  static testing::TempDir* dir_;
  static catalog::Database* db_;
  ProviderOptions options_;
  std::int64_t clock_ = 1'800'000'000;
};
testing::TempDir* Provider::dir_ = nullptr;
catalog::Database* Provider::db_ = nullptr;

TEST_F(Provider, IdentifySaysWhatAHarvesterNeeds) {
  add("La digestion");
  const std::string a = ask({{"verb", "Identify"}});
  EXPECT_EQ(first(a, "<baseURL>([^<]+)"), "https://mediatheque.example.fr/oai");
  EXPECT_EQ(first(a, "<protocolVersion>([^<]+)"), "2.0");
  EXPECT_EQ(first(a, "<adminEmail>([^<]+)"), "webmaster@mediatheque.example.fr");
  EXPECT_EQ(first(a, "<deletedRecord>([^<]+)"), "persistent");
  EXPECT_EQ(first(a, "<granularity>([^<]+)"), "YYYY-MM-DDThh:mm:ssZ");
  EXPECT_TRUE(std::regex_search(first(a, "<earliestDatestamp>([^<]+)"),
                                std::regex(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$)")));
  EXPECT_NE(a.find("<request verb=\"Identify\">"), std::string::npos);
}

TEST_F(Provider, BadVerbWhenTheVerbIsMissingOrUnknown) {
  EXPECT_EQ(error_code(ask({})), "badVerb");
  const std::string a = ask({{"verb", "ListEverything"}});
  EXPECT_EQ(error_code(a), "badVerb");
  // After badVerb the request element carries no attributes.
  EXPECT_NE(a.find("<request>https://mediatheque.example.fr/oai</request>"), std::string::npos);
}

TEST_F(Provider, BadArgumentForExtraMissingRepeatedAndIllegalArguments) {
  EXPECT_EQ(error_code(ask({{"verb", "Identify"}, {"set", "type:video"}})), "badArgument");
  EXPECT_EQ(error_code(ask({{"verb", "GetRecord"}, {"metadataPrefix", "lom"}})), "badArgument");
  EXPECT_EQ(error_code(ask({{"verb", "ListRecords"}})), "badArgument");
  const std::string repeated =
      ask({{"verb", "ListRecords"}, {"metadataPrefix", "lom"}, {"metadataPrefix", "oai_dc"}});
  EXPECT_EQ(error_code(repeated), "badArgument");
  EXPECT_NE(repeated.find("<request>"), std::string::npos);
  EXPECT_EQ(error_code(ask({{"verb", "ListRecords"}, {"metadataPrefix", "lom"}, {"from", "hier"}})),
            "badArgument");
  EXPECT_EQ(
      error_code(ask(
          {{"verb", "ListRecords"}, {"metadataPrefix", "lom"}, {"from", "2026-02-30T25:00:00Z"}})),
      "badArgument");
  // from and until of different granularities.
  EXPECT_EQ(error_code(ask({{"verb", "ListIdentifiers"},
                            {"metadataPrefix", "lom"},
                            {"from", "2026-01-01"},
                            {"until", "2026-12-31T00:00:00Z"}})),
            "badArgument");
  // A resumption token is exclusive.
  EXPECT_EQ(
      error_code(
          ask({{"verb", "ListIdentifiers"}, {"metadataPrefix", "lom"}, {"resumptionToken", "x"}})),
      "badArgument");
}

TEST_F(Provider, CannotDisseminateFormatAndIdDoesNotExist) {
  const auto video = add("La digestion");
  const auto draft = add("Un brouillon", catalog::EditorialStatus::kDraft);
  EXPECT_EQ(error_code(ask(
                {{"verb", "GetRecord"}, {"identifier", id(video)}, {"metadataPrefix", "marc"}})),
            "cannotDisseminateFormat");
  EXPECT_EQ(error_code(ask({{"verb", "ListRecords"}, {"metadataPrefix", "marc"}})),
            "cannotDisseminateFormat");
  // A draft is not in the repository; nor is an identifier of another repository.
  EXPECT_EQ(error_code(
                ask({{"verb", "GetRecord"}, {"identifier", id(draft)}, {"metadataPrefix", "lom"}})),
            "idDoesNotExist");
  EXPECT_EQ(error_code(ask({{"verb", "GetRecord"},
                            {"identifier", "oai:ailleurs.example.org:contenu/1"},
                            {"metadataPrefix", "lom"}})),
            "idDoesNotExist");
  EXPECT_EQ(error_code(ask({{"verb", "ListMetadataFormats"}, {"identifier", id(draft)}})),
            "idDoesNotExist");
  const std::string formats = ask({{"verb", "ListMetadataFormats"}, {"identifier", id(video)}});
  EXPECT_EQ(all(formats, "<metadataPrefix>([^<]+)"),
            (std::vector<std::string>{"oai_dc", "lom", "repere"}));
}

// A content harvested from a partner is held here but disseminated in no format: its own
// repository gives its metadata (and echoing it would make two partners harvest each other).
TEST_F(Provider, NoMetadataFormatsForARecordHarvestedFromAPartner) {
  const auto video = add("La digestion");
  const auto harvested = add("Les volcans, chez le musée B");
  ASSERT_TRUE(db_->exec("UPDATE content SET metadata = json_object('harvested_from', "
                        "'https://musee-b.example.org/oai', 'partner', 'Musée B') WHERE id = " +
                        std::to_string(harvested))
                  .is_ok());
  const std::string none = ask({{"verb", "ListMetadataFormats"}, {"identifier", id(harvested)}});
  EXPECT_EQ(error_code(none), "noMetadataFormats");
  EXPECT_NE(none.find("https://musee-b.example.org/oai"), std::string::npos) << none;
  EXPECT_EQ(
      error_code(ask(
          {{"verb", "GetRecord"}, {"identifier", id(harvested)}, {"metadataPrefix", "oai_dc"}})),
      "cannotDisseminateFormat");
  int answers = 0;
  EXPECT_EQ(harvest("ListIdentifiers", {{"metadataPrefix", "oai_dc"}}, answers),
            (std::vector<std::string>{id(video)}));
  // The repository's own item still has its three formats.
  EXPECT_EQ(all(ask({{"verb", "ListMetadataFormats"}, {"identifier", id(video)}}),
                "<metadataPrefix>([^<]+)"),
            (std::vector<std::string>{"oai_dc", "lom", "repere"}));
}

TEST_F(Provider, NoRecordsMatchAndNoSetHierarchyForAnEmptyRepository) {
  EXPECT_EQ(error_code(ask({{"verb", "ListSets"}})), "noSetHierarchy");
  EXPECT_EQ(error_code(ask({{"verb", "ListIdentifiers"}, {"metadataPrefix", "lom"}})),
            "noRecordsMatch");
  add("La digestion");
  EXPECT_EQ(error_code(ask(
                {{"verb", "ListIdentifiers"}, {"metadataPrefix", "lom"}, {"from", "2999-01-01"}})),
            "noRecordsMatch");
  EXPECT_EQ(error_code(ask(
                {{"verb", "ListIdentifiers"}, {"metadataPrefix", "lom"}, {"until", "2000-01-01"}})),
            "noRecordsMatch");
  EXPECT_EQ(error_code(ask(
                {{"verb", "ListIdentifiers"}, {"metadataPrefix", "lom"}, {"set", "type:audio"}})),
            "noRecordsMatch");
}

TEST_F(Provider, FromAndUntilAreInclusiveToTheSecondAndTheDay) {
  const auto video = add("La digestion");
  auto stmt = db_->prepare("UPDATE content SET updated_at = '2026-03-04T10:20:30Z' WHERE id = ?1");
  ASSERT_TRUE(stmt->bind(1, video).run().is_ok());
  const auto count = [&](const Arguments& extra) {
    Arguments a = {{"verb", "ListIdentifiers"}, {"metadataPrefix", "oai_dc"}};
    a.insert(a.end(), extra.begin(), extra.end());
    return all(ask(a), "<identifier>([^<]+)</identifier>").size();
  };
  EXPECT_EQ(count({{"from", "2026-03-04T10:20:30Z"}}), 1U);
  EXPECT_EQ(count({{"from", "2026-03-04T10:20:31Z"}}), 0U);
  EXPECT_EQ(count({{"until", "2026-03-04T10:20:30Z"}}), 1U);
  EXPECT_EQ(count({{"until", "2026-03-04T10:20:29Z"}}), 0U);
  EXPECT_EQ(count({{"from", "2026-03-04"}, {"until", "2026-03-04"}}), 1U);
  EXPECT_EQ(count({{"from", "2026-03-05"}}), 0U);
}

TEST_F(Provider, AHarvestFollowsTokensPageByPage) {
  std::vector<std::string> expected;
  for (int i = 0; i < 25; ++i) expected.push_back(id(add("Vidéo " + std::to_string(i))));
  int answers = 0;
  EXPECT_EQ(harvest("ListIdentifiers", {{"metadataPrefix", "lom"}}, answers), expected);
  EXPECT_EQ(answers, 3);
  EXPECT_EQ(harvest("ListRecords", {{"metadataPrefix", "oai_dc"}}, answers), expected);
  // The first answer says the list's size and where it is; the last ends it with an empty token.
  const std::string page1 = ask({{"verb", "ListRecords"}, {"metadataPrefix", "lom"}});
  EXPECT_EQ(first(page1, "completeListSize=\"(\\d+)\""), "25");
  EXPECT_EQ(first(page1, "cursor=\"(\\d+)\""), "0");
  EXPECT_FALSE(first(page1, "expirationDate=\"([^\"]+)\"").empty());
  const std::string token = first(page1, "<resumptionToken[^>]*>([^<]+)</resumptionToken>");
  const std::string page2 = ask({{"verb", "ListRecords"}, {"resumptionToken", token}});
  EXPECT_EQ(first(page2, "cursor=\"(\\d+)\""), "10");
  const std::string token2 = first(page2, "<resumptionToken[^>]*>([^<]+)</resumptionToken>");
  const std::string page3 = ask({{"verb", "ListRecords"}, {"resumptionToken", token2}});
  EXPECT_NE(page3.find("<resumptionToken completeListSize=\"25\" cursor=\"20\"/>"),
            std::string::npos);
}

TEST_F(Provider, ATokenStaysValidWhileRecordsChange) {
  std::vector<catalog::Id> ids;
  for (int i = 0; i < 25; ++i) ids.push_back(add("Vidéo " + std::to_string(i)));
  int answers = 0;
  catalog::Id added = 0;
  const auto got = harvest("ListIdentifiers", {{"metadataPrefix", "lom"}}, answers, [&](int n) {
    if (n != 1) return;
    // Between the first and second pages: one given is retired, one to come changes, one is
    // added, one to come is retired.
    ASSERT_TRUE(catalog::ContentRepository(*db_)
                    .set_status(ids[3], catalog::EditorialStatus::kRetired, "test")
                    .is_ok());
    catalog::Content c = *catalog::ContentRepository(*db_).get(ids[15]);
    c.title = "Vidéo 15, revue";
    ASSERT_TRUE(catalog::ContentRepository(*db_).update(c).is_ok());
    ASSERT_TRUE(catalog::ContentRepository(*db_)
                    .set_status(ids[20], catalog::EditorialStatus::kRetired, "test")
                    .is_ok());
    added = add("Nouvelle vidéo");
  });
  // Every item once, in order: nothing skipped nor repeated; the retired one to come is given
  // as deleted (it is still an item); the new one at the end.
  std::vector<std::string> expected;
  for (const auto i : ids) expected.push_back(id(i));
  expected.push_back(id(added));
  EXPECT_EQ(got, expected);
  EXPECT_EQ(std::set<std::string>(got.begin(), got.end()).size(), got.size());
}

TEST_F(Provider, BadResumptionTokenWhenAlteredExpiredOrOfAnotherVerb) {
  for (int i = 0; i < 12; ++i) add("Vidéo " + std::to_string(i));
  const std::string page1 = ask({{"verb", "ListIdentifiers"}, {"metadataPrefix", "lom"}});
  const std::string token = first(page1, "<resumptionToken[^>]*>([^<]+)</resumptionToken>");
  ASSERT_FALSE(token.empty());
  // Altered: a cursor pushed forward in its payload, or its signature changed.
  std::string altered = token;
  altered[5] = altered[5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(error_code(ask({{"verb", "ListIdentifiers"}, {"resumptionToken", altered}})),
            "badResumptionToken");
  std::string resigned = token;
  resigned.back() = resigned.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(error_code(ask({{"verb", "ListIdentifiers"}, {"resumptionToken", resigned}})),
            "badResumptionToken");
  EXPECT_EQ(error_code(ask({{"verb", "ListIdentifiers"}, {"resumptionToken", "garbage"}})),
            "badResumptionToken");
  // Another verb.
  EXPECT_EQ(error_code(ask({{"verb", "ListRecords"}, {"resumptionToken", token}})),
            "badResumptionToken");
  EXPECT_EQ(error_code(ask({{"verb", "ListSets"}, {"resumptionToken", token}})),
            "badResumptionToken");
  // Still good an hour later; not two days later.
  clock_ += 3600;
  EXPECT_EQ(error_code(ask({{"verb", "ListIdentifiers"}, {"resumptionToken", token}})), "");
  clock_ += 2 * 86400;
  EXPECT_EQ(error_code(ask({{"verb", "ListIdentifiers"}, {"resumptionToken", token}})),
            "badResumptionToken");
}

TEST_F(Provider, SetsGoDownTheProgrammeTree) {
  const auto digestion = add("La digestion");
  const auto sound =
      add("Un podcast", catalog::EditorialStatus::kPublished, catalog::ContentKind::kAudio);
  taxonomy::ConceptStore store(*db_);
  ASSERT_TRUE(store.decide(digestion, kDigestion, taxonomy::Decision::kConfirm).is_ok());
  const std::string sets = ask({{"verb", "ListSets"}});
  const auto specs = all(sets, "<setSpec>([^<]+)</setSpec>");
  const std::set<std::string> have(specs.begin(), specs.end());
  EXPECT_TRUE(have.count("type:video") && have.count("type:audio") && have.count("programme"));
  std::string digestion_set;
  for (const auto& s : specs)
    if (s.size() > 5 && s.substr(s.size() - 5) == ":1530") digestion_set = s;
  ASSERT_FALSE(digestion_set.empty()) << sets;
  EXPECT_NE(digestion_set.find(":1511:"), std::string::npos) << digestion_set;  // SVT cycle 4
  EXPECT_NE(sets.find("alimentation et digestion"), std::string::npos);
  // Every level of the path is a set, and holds the item.
  const std::string svt = digestion_set.substr(0, digestion_set.find(":1511") + 5);
  for (const std::string& set : {digestion_set, svt, std::string("programme")}) {
    const auto got =
        all(ask({{"verb", "ListIdentifiers"}, {"metadataPrefix", "lom"}, {"set", set}}),
            "<identifier>([^<]+)</identifier>");
    EXPECT_EQ(got, std::vector<std::string>{id(digestion)}) << set;
  }
  const auto audio =
      all(ask({{"verb", "ListIdentifiers"}, {"metadataPrefix", "lom"}, {"set", "type:audio"}}),
          "<identifier>([^<]+)</identifier>");
  EXPECT_EQ(audio, std::vector<std::string>{id(sound)});
  // « type:vid » is not a prefix of « type:video » as sets go.
  EXPECT_EQ(error_code(
                ask({{"verb", "ListIdentifiers"}, {"metadataPrefix", "lom"}, {"set", "type:vid"}})),
            "noRecordsMatch");
}

TEST_F(Provider, RetiredAndRemovedContentsStayAsDeletedRecords) {
  const auto retired = add("Retirée");
  const auto removed = add("Supprimée");
  const auto kept = add("Gardée");
  const auto never = add("Jamais publiée", catalog::EditorialStatus::kReview);
  taxonomy::ConceptStore store(*db_);
  for (const auto c : {retired, removed})
    ASSERT_TRUE(store.decide(c, kDigestion, taxonomy::Decision::kConfirm).is_ok());
  std::string spec;  // the set of « alimentation et digestion », while it has items
  for (const auto& s : all(ask({{"verb", "ListSets"}}), "<setSpec>([^<]+)</setSpec>"))
    if (s.size() > 5 && s.substr(s.size() - 5) == ":1530") spec = s;
  ASSERT_FALSE(spec.empty());
  const auto in_digestion = [&] {
    return all(ask({{"verb", "ListIdentifiers"}, {"metadataPrefix", "lom"}, {"set", spec}}),
               "<identifier>([^<]+)</identifier>");
  };
  EXPECT_EQ(in_digestion(), (std::vector<std::string>{id(retired), id(removed)}));
  catalog::ContentRepository contents(*db_);
  clock_ += 10;
  ASSERT_TRUE(contents.set_status(retired, catalog::EditorialStatus::kRetired, "test").is_ok());
  ASSERT_TRUE(contents.remove(removed).is_ok());
  ASSERT_TRUE(contents.set_status(never, catalog::EditorialStatus::kRetired, "test").is_ok());
  const std::string list = ask({{"verb", "ListIdentifiers"}, {"metadataPrefix", "lom"}});
  EXPECT_EQ(all(list, "<identifier>([^<]+)</identifier>"),
            (std::vector<std::string>{id(retired), id(removed), id(kept)}));
  EXPECT_EQ(all(list, "<header( status=\"deleted\")?>").size(), 3U);
  EXPECT_EQ(all(list, "(<header status=\"deleted\">)").size(), 2U);
  // A harvester that harvests a programme part sees both leave it.
  EXPECT_EQ(in_digestion(), (std::vector<std::string>{id(retired), id(removed)}));
  for (const auto gone : {retired, removed}) {
    const std::string r =
        ask({{"verb", "GetRecord"}, {"identifier", id(gone)}, {"metadataPrefix", "lom"}});
    EXPECT_NE(r.find("<header status=\"deleted\">"), std::string::npos);
    EXPECT_EQ(r.find("<metadata>"), std::string::npos);
    EXPECT_NE(r.find("<setSpec>type:video</setSpec>"), std::string::npos) << r;
  }
  // Published again, it is a record again.
  ASSERT_TRUE(contents.set_status(retired, catalog::EditorialStatus::kPublished, "test").is_ok());
  const std::string back =
      ask({{"verb", "GetRecord"}, {"identifier", id(retired)}, {"metadataPrefix", "lom"}});
  EXPECT_EQ(back.find("status=\"deleted\""), std::string::npos);
  EXPECT_NE(back.find("<metadata>"), std::string::npos);
}

// The check itself: the manual's example passes, its example with an error does not.
TEST(ScolomfrXsd, AcceptsTheManualsExampleAndRefusesItsExampleWithAnError) {
  const auto read = [](const char* name) {
    std::ifstream in(kShared / name);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return text.substr(text.find("<lom:lom"));
  };
  EXPECT_EQ(scolomfr_errors(read("ExempleManuelReferenceScoLOMFRv3-2.xml")), "");
  const std::string errors =
      scolomfr_errors(read("ExempleManuelReferenceScoLOMFRv3-2_with_error.xml"));
  EXPECT_NE(errors, "");
  EXPECT_NE(errors, "not well-formed");
}

TEST_F(Provider, ScolomfrRecordsValidateAgainstTheXsd) {
  const auto video = add("La digestion");
  const auto doc = add("Fiche « l'ADN » & <b>cœur</b>", catalog::EditorialStatus::kPublished,
                       catalog::ContentKind::kDocument);
  taxonomy::ConceptStore store(*db_);
  ASSERT_TRUE(store.decide(video, kDigestion, taxonomy::Decision::kConfirm).is_ok());
  auto level = db_->prepare(
      "INSERT INTO content_concept(content_id, concept_uri, purpose, origin, state) VALUES (?1, "
      "?2, "
      "'level', 'person', 'confirmed')");
  ASSERT_TRUE(level->bind(1, video).bind(2, kLevel5e).run().is_ok());
  for (const auto c : {video, doc}) {
    const std::string r =
        ask({{"verb", "GetRecord"}, {"identifier", id(c)}, {"metadataPrefix", "lom"}});
    const auto start = r.find("<lom:lom"), end = r.find("</lom:lom>");
    ASSERT_NE(start, std::string::npos) << r;
    const std::string lom = r.substr(start, end + 10 - start);
    EXPECT_EQ(scolomfr_errors(lom), "") << lom;
    if (c == video) {
      // The programme part with its path from the root, the level, the moment's deep link.
      EXPECT_NE(lom.find(kDigestion), std::string::npos);
      EXPECT_NE(lom.find(kSvt4), std::string::npos);
      EXPECT_NE(lom.find(kLevel5e), std::string::npos);
      EXPECT_NE(
          lom.find("https://mediatheque.example.fr/contenus/" + std::to_string(video) + "?t=83"),
          std::string::npos);
      EXPECT_NE(lom.find("<lom:duration>PT1H30M0S</lom:duration>"), std::string::npos);
      EXPECT_NE(lom.find("<lom:typicalLearningTime><lom:duration>PT1H30M0S</lom:duration>"),
                std::string::npos);
      EXPECT_NE(lom.find("http://data.education.fr/voc/scolomfr/concept/lecture"),
                std::string::npos);
      EXPECT_NE(lom.find("Camille Martin"), std::string::npos);
    } else {
      EXPECT_NE(lom.find("Fiche « l'ADN » &amp; &lt;b&gt;cœur&lt;/b&gt;"), std::string::npos);
    }
  }
}

TEST_F(Provider, MachineMadeTextIsSaidInTheRecords) {
  const auto video = add("La respiration");
  catalog::Track t;
  t.content_id = video;
  t.kind = catalog::TrackKind::kSubtitles;
  t.language = "fr";
  t.origin = "ai:pocketsphinx@5";
  ASSERT_TRUE(catalog::TrackRepository(*db_).insert(t).is_ok());
  const std::string lom =
      ask({{"verb", "GetRecord"}, {"identifier", id(video)}, {"metadataPrefix", "lom"}});
  EXPECT_NE(lom.find("produite par une machine"), std::string::npos);
  const std::string dc =
      ask({{"verb", "GetRecord"}, {"identifier", id(video)}, {"metadataPrefix", "oai_dc"}});
  EXPECT_NE(dc.find("produite par une machine"), std::string::npos);
  EXPECT_NE(dc.find("<dc:type>http://purl.org/dc/dcmitype/MovingImage</dc:type>"),
            std::string::npos);
  EXPECT_NE(dc.find("<dc:title>La respiration</dc:title>"), std::string::npos);
}

TEST_F(Provider, HostileTextStaysText) {
  // A title with markup, control characters and U+FFFF: escaped or dropped, never markup.
  const auto c = add(std::string("<script>alert(1)</script>\x01\x08 titre \xEF\xBF\xBF fin"));
  const std::string r =
      ask({{"verb", "GetRecord"}, {"identifier", id(c)}, {"metadataPrefix", "oai_dc"}});
  EXPECT_EQ(r.find("<script>"), std::string::npos);
  EXPECT_NE(r.find("&lt;script&gt;alert(1)&lt;/script&gt; titre  fin"), std::string::npos) << r;
  // An argument echoed in <request> is escaped too.
  const std::string echoed =
      ask({{"verb", "GetRecord"}, {"identifier", "\"><x>"}, {"metadataPrefix", "lom"}});
  EXPECT_EQ(error_code(echoed), "idDoesNotExist");
}

// Validates a document against the repere format's own XSD; "" when it is valid.
std::string repere_errors(const std::string& record) {
  const std::string xsd(repere_xsd());
  xmlSchemaParserCtxtPtr pc = xmlSchemaNewMemParserCtxt(xsd.data(), static_cast<int>(xsd.size()));
  xmlSchemaPtr schema = xmlSchemaParse(pc);
  xmlSchemaFreeParserCtxt(pc);
  if (schema == nullptr) return "the XSD did not load";
  xmlDocPtr doc = xmlReadMemory(record.data(), static_cast<int>(record.size()), "r.xml", "UTF-8",
                                XML_PARSE_NONET);
  if (doc == nullptr) {
    xmlSchemaFree(schema);
    return "not well-formed";
  }
  xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
  const int rc = xmlSchemaValidateDoc(vc, doc);
  xmlSchemaFreeValidCtxt(vc);
  xmlFreeDoc(doc);
  xmlSchemaFree(schema);
  return rc == 0 ? "" : "invalid";
}

TEST_F(Provider, TheRepereFormatCarriesPassagesWithTheirTimesAndValidates) {
  const auto video = add("La digestion");
  const std::string r =
      ask({{"verb", "GetRecord"}, {"identifier", id(video)}, {"metadataPrefix", "repere"}});
  const auto start = r.find("<repere:content"), end = r.find("</repere:content>");
  ASSERT_NE(start, std::string::npos) << r;
  const std::string record = r.substr(start, end + 17 - start);
  EXPECT_EQ(repere_errors(record), "") << record;
  EXPECT_NE(record.find("<repere:passage start_ms=\"83000\" end_ms=\"110000\">Les aliments sont "
                        "digérés dans l'intestin.</repere:passage>"),
            std::string::npos)
      << record;
  EXPECT_NE(record.find("<repere:duration_ms>5400000</repere:duration_ms>"), std::string::npos);
}

TEST_F(Provider, HarvestedContentsAreNotThisRepositorysItems) {
  const auto own = add("La digestion");
  const auto harvested = add("Chez un partenaire");
  auto mark = db_->prepare(
      "UPDATE content SET metadata = json_set(metadata, '$.harvested_from', 'https://a/oai') "
      "WHERE id = ?1");
  ASSERT_TRUE(mark->bind(1, harvested).run().is_ok());
  const std::string list = ask({{"verb", "ListIdentifiers"}, {"metadataPrefix", "lom"}});
  EXPECT_EQ(all(list, "<identifier>([^<]+)</identifier>"), std::vector<std::string>{id(own)});
  // Removed, it leaves no deleted record here either.
  ASSERT_TRUE(catalog::ContentRepository(*db_).remove(harvested).is_ok());
  EXPECT_EQ(all(ask({{"verb", "ListIdentifiers"}, {"metadataPrefix", "lom"}}),
                "<identifier>([^<]+)</identifier>"),
            std::vector<std::string>{id(own)});
}

// Found by fuzzing: a set that is not UTF-8 went into a token's JSON, which threw.
TEST_F(Provider, ASetThatIsNotUtf8IsABadArgumentNotACrash) {
  for (int i = 0; i < 12; ++i) add("Vidéo " + std::to_string(i));
  EXPECT_EQ(error_code(
                ask({{"verb", "ListIdentifiers"}, {"metadataPrefix", "lom"}, {"set", "type\xff"}})),
            "badArgument");
  EXPECT_EQ(
      error_code(ask({{"verb", "ListIdentifiers"}, {"metadataPrefix", "lom"}, {"set", "a::b"}})),
      "badArgument");
  // Found by fuzzing too: a long set made a token longer than any token is read.
  EXPECT_EQ(error_code(ask({{"verb", "ListIdentifiers"},
                            {"metadataPrefix", "lom"},
                            {"set", std::string(1001, 'a')}})),
            "badArgument");
}

TEST_F(Provider, TheGarNoticeValidatesAndCarriesTheGarLabel) {
  const auto video = add("La digestion");
  auto level = db_->prepare(
      "INSERT INTO content_concept(content_id, concept_uri, purpose, origin, state) VALUES (?1, "
      "?2, "
      "'level', 'person', 'confirmed')");
  ASSERT_TRUE(level->bind(1, video).bind(2, kLevel5e).run().is_ok());
  const auto notice =
      gar_notice(*db_, "https://mediatheque.example.fr", "Médiathèque", "Des vidéos.");
  ASSERT_TRUE(notice.is_ok()) << notice.status().to_string();
  const auto start = notice->find("<lom:lom");
  EXPECT_EQ(scolomfr_errors(notice->substr(start)), "") << *notice;
  EXPECT_NE(notice->find("http://data.education.fr/gar"), std::string::npos);
  EXPECT_NE(notice->find(kLevel5e), std::string::npos);
  EXPECT_NE(notice->find("https://mediatheque.example.fr/"), std::string::npos);
}

}  // namespace
}  // namespace repere::oai
