// Sentences of a text, for answers. Internal to src/answer.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace repere::answer {

// A sentence as byte offsets [begin, end) into its text, trimmed of spaces.
struct Span {
  std::size_t begin = 0, end = 0;
};

// Cuts a text into sentences: after « . », « ! », « ? », « … » (with the closing quotes and
// brackets that follow them) when a space or the end follows; at a line break; at « ; » or « : »
// before a line break. Not after an initial or a common abbreviation (« M. Dupont »,
// « J.-C. », « etc. » followed by a lower-case word, « art. 226-4 », « p. 12 »). Pure.
std::vector<Span> split_sentences(std::string_view text);

}  // namespace repere::answer
