#include "oai_endpoint.h"

#include "answers.h"
#include "context.h"
#include "http.h"
#include "repere/oai/provider.h"
#include "repere/oai/records.h"

namespace repere::web {

void oai_endpoint(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog();
  if (!db.is_ok()) return problem(res, db.status());
  oai::ProviderOptions options;
  options.base_url = base_url(ctx);
  options.repository_name = ctx.oai.repository_name;
  options.admin_email = ctx.oai.admin_email;
  options.page_size = ctx.oai.page_size;
  options.data_root = ctx.dir.root.string();
  // The query string's arguments, then a form body's (POST), as they came: a repeated one is
  // an error the answer names.
  oai::Arguments arguments(req.params.begin(), req.params.end());
  const auto answer = oai::respond(**db, options, arguments);
  if (!answer.is_ok()) return problem(res, answer.status());
  res.set_content(*answer, "text/xml; charset=utf-8");
}

void oai_repere_xsd(Context&, const http::Request&, http::Response& res) {
  res.set_content(std::string(oai::repere_xsd()), "application/xml; charset=utf-8");
}

}  // namespace repere::web
