// The OAI-PMH 2.0 data provider (https://www.openarchives.org/OAI/openarchivesprotocol.html):
// what `/oai` answers, by GET or POST, to harvesters of other catalogues (the GAR's
// médiacentre, Canopé, another Repère).
//
// Items are the published contents; one that stops being published stays as a deleted record
// (« persistent »). Identifiers are « oai:HOST:contenu/ID ». Datestamps are the content's last
// change (its record or its confirmed programme concepts), to the second. Sets: « type:video »
// (the kind), « collection:SLUG », and « programme:A:B:C », the programme parts down the
// vocabulary's tree (an item in « programme:A:B » is in « programme:A » too). Formats:
// « oai_dc » and « lom » (ScoLOMFR 3.2). Resumption tokens are stateless: they carry the
// request, the last identifier given and the list's size, signed with the catalog's key; they
// stay valid while records change (a page never repeats nor skips an item that stays) and
// expire after a day.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "repere/catalog/database.h"
#include "repere/core/result.h"

namespace repere::oai {

struct ProviderOptions {
  std::string base_url;  // "https://host", without a final slash: links, identifiers, baseURL
  std::string repository_name = "Repère";
  std::string admin_email;  // "" : webmaster@HOST
  int page_size = 100;      // records or identifiers per answer (oai.page_size)
  std::string data_root;    // the library folder: media sizes in the records
  std::chrono::seconds token_life = std::chrono::hours(24);
  // The clock (UTC seconds since 1970); tests set it.
  std::function<std::int64_t()> now;
};

// A request's arguments as they came (a repeated argument is an error the answer reports).
using Arguments = std::vector<std::pair<std::string, std::string>>;

// The answer to one request: always an OAI-PMH XML document (protocol errors are inside it, as
// the protocol asks, with HTTP 200). Errors: only what prevents reading the catalog.
Result<std::string> respond(catalog::Database& db, const ProviderOptions& options,
                            const Arguments& arguments);

// The identifier of a content's record ("oai:example.org:contenu/12").
std::string identifier_of(const ProviderOptions& options, std::int64_t content_id);

}  // namespace repere::oai
