#include "repere/answer/generate.h"

#include <httplib.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "repere/core/endpoint.h"
#include "repere/core/text.h"
#include "repere/index/lexical.h"
#include "sentences.h"

namespace repere::answer {

namespace {

constexpr std::size_t kEvidenceBytes = 2000;  // of each passage, in the prompt
constexpr std::string_view kNoAnswerFr = "AUCUNE RÉPONSE";
constexpr std::string_view kNoAnswerEn = "NO ANSWER";

bool english(const std::string& language) { return language.rfind("en", 0) == 0; }

// What a model adds to plain text: emphasis, headings, list bullets.
std::string plain(std::string_view generated) {
  std::string out;
  out.reserve(generated.size());
  bool line_start = true;
  for (std::size_t i = 0; i < generated.size(); ++i) {
    const char c = generated[i];
    if (c == '*' || c == '#' || c == '_' || c == '`') continue;
    if (line_start && (c == '-' || c == ' ') && i + 1 < generated.size() && generated[i + 1] == ' ')
      continue;
    if (line_start && generated.substr(i, 3) == "\u2022") {  // •
      i += 2;
      continue;
    }
    out += c;
    line_start = c == '\n';
  }
  return out;
}

// Takes the citations out of `s` (« [1] », « [1, 2] », « [1][2] »): their numbers, in order.
std::vector<int> take_citations(std::string& s) {
  std::vector<int> cites;
  std::string kept;
  for (std::size_t i = 0; i < s.size();) {
    if (s[i] == '[') {
      const std::size_t close = s.find(']', i);
      if (close != std::string::npos) {
        const std::string inside = s.substr(i + 1, close - i - 1);
        if (!inside.empty() && inside.find_first_not_of("0123456789 ,;") == std::string::npos &&
            inside.find_first_of("0123456789") != std::string::npos) {
          int n = 0;
          bool in_number = false;
          for (const char c : inside + ",") {
            if (c >= '0' && c <= '9') {
              n = std::min(n * 10 + (c - '0'), 1000);
              in_number = true;
            } else if (in_number) {
              if (std::find(cites.begin(), cites.end(), n) == cites.end()) cites.push_back(n);
              n = 0;
              in_number = false;
            }
          }
          while (!kept.empty() && kept.back() == ' ') kept.pop_back();
          i = close + 1;
          continue;
        }
      }
    }
    kept += s[i++];
  }
  // « … poreux . » once « [1] » is gone before the full stop.
  std::string tidy;
  for (std::size_t i = 0; i < kept.size(); ++i) {
    if (kept[i] == ' ' && i + 1 < kept.size() &&
        (kept[i + 1] == '.' || kept[i + 1] == ',' || kept[i + 1] == ';'))
      continue;
    tidy += kept[i];
  }
  const std::size_t first = tidy.find_first_not_of(" \t\n");
  const std::size_t last = tidy.find_last_not_of(" \t\n");
  s = first == std::string::npos ? "" : tidy.substr(first, last - first + 1);
  return cites;
}

// The numbers a text gives, spaces taken out (« 10 000 » and « 10000 » are one), decimal
// commas as points.
std::set<std::string> numbers_in(std::string_view text) {
  std::set<std::string> out;
  for (const text::Token& t : text::tokenize(text)) {
    const bool number = t.kind == text::TokenKind::kNumber ||
                        (t.kind == text::TokenKind::kWord &&
                         t.text.find_first_not_of("0123456789") == std::string::npos);
    if (!number) continue;
    std::string n;
    for (const char c : t.text) {
      if (c >= '0' && c <= '9') n += c;
      if (c == ',' || c == '.') n += '.';
    }
    if (!n.empty()) out.insert(n);
  }
  return out;
}

std::set<std::string> stems_of(std::string_view text, const std::string& language) {
  std::set<std::string> out;
  for (const index::StemmedWord& w : index::stemmed_words(text, language)) {
    if (w.word.find_first_not_of("0123456789") == std::string::npos) continue;
    out.insert(w.stem);
  }
  return out;
}

std::string cut_utf8(const std::string& s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end) + " …";
}

}  // namespace

std::vector<CheckedSentence> check_generated(std::string_view generated,
                                             const std::vector<Evidence>& evidence,
                                             const std::string& language, double min_support) {
  const std::string text = plain(generated);
  std::vector<CheckedSentence> out;
  for (const Span& span : split_sentences(text)) {
    std::string s = text.substr(span.begin, span.end - span.begin);
    std::vector<int> cites = take_citations(s);
    if (s.find_first_not_of(" .,;:!?\"'()") == std::string::npos) {
      // Only citations (« [2] » after the full stop): they belong to the sentence before.
      if (!out.empty()) {
        for (const int n : cites) {
          if (std::find(out.back().cites.begin(), out.back().cites.end(), n) ==
              out.back().cites.end())
            out.back().cites.push_back(n);
        }
      }
      continue;
    }
    out.push_back({.text = std::move(s), .cites = std::move(cites), .kept = false, .why = ""});
  }
  for (CheckedSentence& c : out) {
    if (c.cites.empty()) {
      c.why = "sans citation";
      continue;
    }
    std::string cited;
    for (const int n : c.cites) {
      if (n < 1 || n > static_cast<int>(evidence.size())) {
        c.why = "cite un passage qui n'existe pas [" + std::to_string(n) + "]";
        break;
      }
      cited += evidence[static_cast<std::size_t>(n - 1)].text + "\n";
    }
    if (!c.why.empty()) continue;
    const std::set<std::string> said = stems_of(c.text, language);
    if (said.empty()) {
      c.why = "ne dit rien";
      continue;
    }
    const std::set<std::string> source = stems_of(cited, language);
    std::size_t found = 0;
    for (const std::string& stem : said) found += source.count(stem);
    const std::set<std::string> given = numbers_in(cited);
    for (const std::string& n : numbers_in(c.text)) {
      if (!given.count(n))
        c.why = "donne un nombre que les passages cités ne donnent pas (" + n + ")";
    }
    if (!c.why.empty()) continue;
    if (static_cast<double>(found) < min_support * static_cast<double>(said.size())) {
      c.why = "non appuyée par les passages cités (" + std::to_string(found) + " mots sur " +
              std::to_string(said.size()) + ")";
      continue;
    }
    c.kept = true;
  }
  return out;
}

Prompt make_prompt(const Answer& extractive) {
  Prompt p;
  const bool en = english(extractive.language);
  p.system =
      en ? "You help a teacher. Answer the question only with what the numbered passages below "
           "say, in two to four plain sentences, in English. End each sentence with the number "
           "of the passage that says it, in square brackets, for example [1]. Add no fact, figure "
           "or name the passages do not give. If the passages do not answer the question, write "
           "only: " +
               std::string(kNoAnswerEn)
         : "Tu aides un enseignant. Réponds à sa question uniquement avec ce que disent les "
           "extraits numérotés ci-dessous, en deux à quatre phrases simples, en français. Termine "
           "chaque phrase par le numéro de l'extrait qui la dit, entre crochets, par exemple [1]. "
           "N'ajoute aucun fait, aucun chiffre ni aucun nom que les extraits ne donnent pas. Si "
           "les extraits ne répondent pas à la question, écris seulement : " +
               std::string(kNoAnswerFr);
  p.user = (en ? "Question: " : "Question : ") + text::sanitize_utf8(extractive.query) + "\n\n" +
           (en ? "Passages:\n" : "Extraits :\n");
  for (std::size_t i = 0; i < extractive.evidence.size(); ++i) {
    const Evidence& e = extractive.evidence[i];
    p.user += "[" + std::to_string(i + 1) + "] « " + text::sanitize_utf8(e.source.title) +
              " » : " + cut_utf8(text::sanitize_utf8(e.text), kEvidenceBytes) + "\n\n";
  }
  return p;
}

Rephraser::Rephraser(GenerationOptions options, std::string origin, std::string prefix)
    : options_(std::move(options)), origin_(std::move(origin)), prefix_(std::move(prefix)) {}

Result<std::unique_ptr<Rephraser>> Rephraser::create(const GenerationOptions& options) {
  REPERE_ASSIGN_OR_RETURN(EndpointUrl url,
                          split_endpoint_url(options.base_url, "answers.generation_endpoint"));
  if (options.model.empty()) {
    return Status::invalid_argument(
        "answers.generation_model is empty: name the model the endpoint should run");
  }
  return std::unique_ptr<Rephraser>(
      new Rephraser(options, std::move(url.origin), std::move(url.prefix)));
}

std::string Rephraser::name() const {
  return options_.model + "@" + endpoint_host(EndpointUrl{.origin = origin_, .prefix = prefix_});
}

Result<Answer> Rephraser::rephrase(const Answer& extractive) const {
  if (!extractive.answered || extractive.evidence.empty()) {
    return Status::invalid_argument("nothing to rephrase: the library gave no answer");
  }
  const Prompt prompt = make_prompt(extractive);
  const nlohmann::json body = {{"model", options_.model},
                               {"messages",
                                {{{"role", "system"}, {"content", prompt.system}},
                                 {{"role", "user"}, {"content", prompt.user}}}},
                               {"temperature", 0},
                               {"max_tokens", options_.max_tokens},
                               {"stream", false}};
  httplib::Client client(origin_);
  client.set_connection_timeout(options_.timeout_seconds);
  client.set_read_timeout(options_.timeout_seconds);
  client.set_write_timeout(options_.timeout_seconds);
  httplib::Headers headers;
  if (!options_.api_key.empty()) headers.emplace("Authorization", "Bearer " + options_.api_key);
  const std::string path = prefix_ + "/v1/chat/completions";
  const std::string where = origin_ + path;
  const auto res = client.Post(path, headers, body.dump(), "application/json");
  if (!res && res.error() == httplib::Error::Read) {
    return Status::unavailable("the generation endpoint " + where + " did not answer within " +
                               std::to_string(options_.timeout_seconds) + " s");
  }
  if (!res) {
    return Status::unavailable("cannot reach the generation endpoint " + where + ": " +
                               httplib::to_string(res.error()));
  }
  REPERE_RETURN_IF_ERROR(
      endpoint_answer_status(res->status, res->body, "the generation endpoint", where));
  const auto json = nlohmann::json::parse(res->body, nullptr, false);
  const nlohmann::json* content = nullptr;
  if (!json.is_discarded() && json.is_object() && json.contains("choices") &&
      json["choices"].is_array() && !json["choices"].empty() && json["choices"][0].is_object() &&
      json["choices"][0].contains("message") && json["choices"][0]["message"].is_object() &&
      json["choices"][0]["message"].contains("content") &&
      json["choices"][0]["message"]["content"].is_string()) {
    content = &json["choices"][0]["message"]["content"];
  }
  if (content == nullptr) {
    return Status::invalid_argument("the generation endpoint " + where +
                                    " did not answer a chat completion");
  }
  const std::string generated = text::sanitize_utf8(content->get<std::string>());
  if (generated.find(kNoAnswerFr) != std::string::npos ||
      generated.find(kNoAnswerEn) != std::string::npos) {
    return Status::not_found("the model " + name() + " found no answer in the passages");
  }
  Answer out = extractive;
  out.sentences.clear();
  out.generated_by = name();
  out.dropped = 0;
  for (const CheckedSentence& c :
       check_generated(generated, extractive.evidence, extractive.language, options_.min_support)) {
    if (!c.kept) {
      ++out.dropped;
      continue;
    }
    Sentence s;
    s.text = c.text;
    s.source = extractive.evidence[static_cast<std::size_t>(c.cites.front() - 1)].source;
    out.sentences.push_back(std::move(s));
  }
  if (out.sentences.empty()) {
    return Status::not_found("none of the " + std::to_string(out.dropped) + " sentences of " +
                             name() + " was said by the passages it cited");
  }
  return out;
}

Answer with_generation(const Rephraser* rephraser, Answer extractive) {
  if (rephraser == nullptr || !extractive.answered) return extractive;
  auto generated = rephraser->rephrase(extractive);
  if (generated.is_ok()) return std::move(*generated);
  extractive.generation_problem = generated.status().message();
  return extractive;
}

}  // namespace repere::answer
