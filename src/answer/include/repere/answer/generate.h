// Optional generation, off by default: an operator's OpenAI-compatible chat endpoint (a model
// server the institution chose) may rephrase an answer from the passages it quotes, and from
// nothing else. Every generated sentence must cite a passage ([1], [2]) that says it: its
// meaningful words (stems, as search compares them) mostly, and every number it gives. A
// sentence without such a citation is dropped; when none is left, or the endpoint is down,
// slow or refuses, the library's own sentences are the answer, and the reason is kept.
// Nothing is generated for a question the library does not answer.
// Thread safety: a Rephraser is immutable; rephrase() may be called from several threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "repere/answer/answer.h"
#include "repere/core/result.h"

namespace repere::answer {

struct GenerationOptions {
  std::string base_url;      // answers.generation_endpoint: "https://llm.example.fr"; "" for none
  std::string model;         // answers.generation_model
  std::string api_key;       // answers.generation_key, sent as a Bearer token when set
  int timeout_seconds = 20;  // to connect and for the whole answer
  int max_tokens = 400;
  // The least share of a sentence's meaningful words its cited passages must say.
  double min_support = 0.75;
};

// A generated sentence's fate, for tests and logs.
struct CheckedSentence {
  std::string text;        // without its citations
  std::vector<int> cites;  // 1-based numbers of the passages it cites
  bool kept = false;
  std::string why;  // when dropped: « sans citation », « non appuyée par [1] »…
};

// Splits a model's answer into sentences and checks each against the passages it cites.
// `evidence` as the answer has it; `language` stems the words. Pure.
std::vector<CheckedSentence> check_generated(std::string_view generated,
                                             const std::vector<Evidence>& evidence,
                                             const std::string& language,
                                             double min_support = 0.75);

// The messages sent to the model: a system message (answer from the numbered passages only,
// cite each sentence, say nothing else) and the question with the passages. Pure.
struct Prompt {
  std::string system, user;
};
Prompt make_prompt(const Answer& extractive);

class Rephraser {
 public:
  // Errors: invalid_argument naming answers.generation_endpoint for a URL that is not
  // http(s), or answers.generation_model when the model is missing.
  static Result<std::unique_ptr<Rephraser>> create(const GenerationOptions& options);
  // « model@host », shown on the page beside the generated text.
  std::string name() const;
  // The answer rewritten from its evidence: the kept sentences, each with the source of its
  // first citation. Errors: unavailable (endpoint unreachable, timed out, 429 or 5xx),
  // invalid_argument (refused, or an answer that is not a chat completion), not_found (no
  // generated sentence is supported by its citations).
  Result<Answer> rephrase(const Answer& extractive) const;

 private:
  explicit Rephraser(GenerationOptions options, std::string origin, std::string prefix);
  GenerationOptions options_;
  std::string origin_, prefix_;
};

// The answer to show: the model's when `rephraser` is set, the library answered, and the model
// gave supported sentences; `extractive` otherwise, with generation_problem saying why when a
// model was asked.
Answer with_generation(const Rephraser* rephraser, Answer extractive);

}  // namespace repere::answer
