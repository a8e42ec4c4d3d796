#include "answer_pages.h"

#include "access.h"
#include "answers.h"
#include "context.h"
#include "http.h"
#include "pages.h"
#include "repere/answer/answer.h"
#include "repere/answer/generate.h"

namespace repere::web {

namespace {

answer::AnswerOptions options_of(const search::SearchRequest& r) {
  answer::AnswerOptions o;
  o.filters = r.filters;
  o.include_unpublished = r.include_unpublished;
  o.semantic_ratio = r.semantic_ratio;
  o.language = r.language;
  return o;
}

constexpr const char* kGenerationFailed =
    "the model could not answer: these are the library's own sentences";

// Where a cited sentence is said, and the link that plays or opens it there.
struct Cited {
  std::string link, where;
};

Cited cited(const answer::Source& s, const std::string& query) {
  const std::string q = "q=" + url_encode(query);
  if (!s.external_url.empty()) {  // the partner's page, at the second when it has one
    const std::string sep = s.external_url.find('?') == std::string::npos ? "?" : "&";
    if (s.at_ms)
      return {s.external_url + sep + "t=" + std::to_string(*s.at_ms / 1000),
              "dit à " + clock_time(*s.at_ms) + " dans"};
    if (s.page)
      return {s.external_url + sep + "page=" + std::to_string(*s.page),
              "page " + std::to_string(*s.page) + " de"};
    return {s.external_url, "dans"};
  }
  const std::string base = "/contenus/" + std::to_string(s.content_id);
  if (s.at_ms)
    return {base + "?t=" + std::to_string(*s.at_ms / 1000) + "&" + q,
            "dit à " + clock_time(*s.at_ms) + " dans"};
  if (s.page)
    return {
        base + "?page=" + std::to_string(*s.page) + "&" + q + "#page-" + std::to_string(*s.page),
        "page " + std::to_string(*s.page) + " de"};
  return {base + "?passage=" + std::to_string(s.passage_id) + "&" + q + "#passage", "dans"};
}

// A model's answer: each sentence with the source it cites, and what the page must say of it.
Status add_generated(const answer::Answer& a, const std::string& query, data& page) {
  list sentences;
  for (const answer::Sentence& s : a.sentences) {
    data one;
    const Cited c = cited(s.source, query);
    one.set("text", s.text);
    one.set("link", c.link);
    one.set("where", c.where);
    one.set("title", s.source.title);
    if (!s.source.partner.empty()) one.set("partner", s.source.partner);
    sentences.push_back(one);
  }
  page.set("generated", sentences);
  page.set("has_generated", true);
  page.set("generated_by", a.generated_by);
  if (a.dropped > 0) {
    page.set("dropped", a.dropped == 1 ? std::string("Une phrase du modèle a été écartée : aucun "
                                                     "passage cité ne la disait.")
                                       : std::to_string(a.dropped) +
                                             " phrases du modèle ont été écartées : aucun "
                                             "passage cité ne les disait.");
  }
  return Status::ok();
}

}  // namespace

void api_library_answer(Context& ctx, const http::Request& req, http::Response& res) {
  auto request = search_request(req);
  if (!request.is_ok()) return problem(res, request.status());
  if (!req.has_param("q") || request->query.find_first_not_of(" \t") == std::string::npos)
    return problem(res, Status::invalid_argument("parameter 'q' (the question) is missing"));
  limit_search(viewer_of(req), *request);
  auto searcher = ctx.searcher();
  if (!searcher.is_ok()) return problem(res, searcher.status());
  auto db = ctx.catalog();
  if (!db.is_ok()) return problem(res, db.status());
  const auto got = answer::Answerer(**searcher, **db).answer(request->query, options_of(*request));
  if (!got.is_ok()) return problem(res, got.status());
  answer::Answer a = answer::with_generation(ctx.rephraser.get(), *got);
  if (!a.generation_problem.empty()) {
    // The details (the endpoint's address) are for the operator's log, not for every reader.
    if (ctx.warn) ctx.warn("answer shown without generation: " + a.generation_problem);
    a.generation_problem = kGenerationFailed;
  }
  res.set_content(answer::to_json(a), "application/json");
}

Status add_answer(Context& ctx, const search::SearchResponse& found,
                  const search::SearchRequest& request, data& page) {
  if (request.offset > 0 || !answer::is_question(request.query)) return Status::ok();
  REPERE_ASSIGN_OR_RETURN(auto searcher, ctx.searcher());
  REPERE_ASSIGN_OR_RETURN(auto db, ctx.catalog());
  REPERE_ASSIGN_OR_RETURN(answer::Answer extractive,
                          answer::Answerer(*searcher, *db).answer_from(found, options_of(request)));
  const answer::Answer a = answer::with_generation(ctx.rephraser.get(), std::move(extractive));
  if (!a.answered) {
    page.set("no_answer", a.reason);
    return Status::ok();
  }
  if (!a.generated_by.empty()) return add_generated(a, request.query, page);
  if (!a.generation_problem.empty()) {
    page.set("generation_failed", true);
    if (ctx.warn) ctx.warn("answer shown without generation: " + a.generation_problem);
  }
  // Sentences that follow each other in one passage make one quotation, cited once; each
  // other quotation is cited where it is said.
  list quotes;
  data quote;
  std::string said;
  std::int64_t passage = -1;
  auto flush = [&] {
    if (passage < 0) return;
    quote.set("text", said);
    quotes.push_back(quote);
  };
  for (const answer::Sentence& s : a.sentences) {
    if (s.source.passage_id != passage) {
      flush();
      quote = data{};
      const Cited c = cited(s.source, request.query);
      quote.set("link", c.link);
      quote.set("where", c.where);
      quote.set("title", s.source.title);
      if (!s.source.partner.empty()) quote.set("partner", s.source.partner);
      said.clear();
      passage = s.source.passage_id;
    }
    said += (said.empty() ? "" : " ") + s.text;
  }
  flush();
  page.set("answer", quotes);
  page.set("has_answer", true);
  return Status::ok();
}

}  // namespace repere::web
