// Charts drawn on the server as SVG, for the teachers' dashboard: no chart library, no script.
// Each chart is an image with an accessible name (its <title>) that says the figures are in the
// table beside it; the page puts that table (the same figures) next to every chart.
// Internal to src/web.
#pragma once

#include <string>
#include <vector>

namespace repere::web {

struct Bar {
  std::string label;  // the row's name (« Question 2 », « 2026-12-03 »); cut at 32 characters
  double share = 0;   // 0 to 1: the bar's length
  std::string shown;  // the figure written after the bar (« 80 % », « 12 élèves »)
};

// Horizontal bars, one per row, in the order given, as an inline <svg> whose <title> (id
// `id`) is `title`. Labels and figures are escaped.
std::string bar_chart(const std::string& id, const std::string& title,
                      const std::vector<Bar>& bars);

}  // namespace repere::web
