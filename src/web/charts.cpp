#include "charts.h"

#include <algorithm>
#include <cstdio>

#include "repere/core/text.h"

namespace repere::web {
namespace {

constexpr int kLabelWidth = 240;  // the labels' column, right-aligned against the bars
constexpr int kBarWidth = 300;
constexpr int kFigureWidth = 110;
constexpr int kRow = 26;

// At most `n` characters (code points) of `s`, with « … » when cut.
std::string cut(const std::string& s, std::size_t n) {
  std::size_t count = 0, i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (count == n) return s.substr(0, i) + "…";
    ++count;
  }
  return s;
}

std::string number(double v) {
  char out[32];
  std::snprintf(out, sizeof out, "%.1f", v);
  return out;
}

}  // namespace

std::string bar_chart(const std::string& id, const std::string& title,
                      const std::vector<Bar>& bars) {
  const int width = kLabelWidth + kBarWidth + kFigureWidth;
  const int height = kRow * static_cast<int>(std::max<std::size_t>(bars.size(), 1)) + 8;
  std::string out = "<svg class=\"graphique\" role=\"img\" aria-labelledby=\"" +
                    text::escape_html(id) + "\" viewBox=\"0 0 " + std::to_string(width) + " " +
                    std::to_string(height) +
                    "\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\"><title id=\"" +
                    text::escape_html(id) + "\">" + text::escape_html(title) +
                    " (les chiffres sont dans le tableau qui suit)</title>";
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    const int y = 4 + kRow * static_cast<int>(i);
    const double length = std::clamp(b.share, 0.0, 1.0) * kBarWidth;
    const std::string middle = std::to_string(y + kRow / 2 + 5);
    out += "<text x=\"" + std::to_string(kLabelWidth - 8) + "\" y=\"" + middle +
           "\" text-anchor=\"end\">" + text::escape_html(cut(b.label, 32)) + "</text>";
    out += "<rect class=\"fond\" x=\"" + std::to_string(kLabelWidth) + "\" y=\"" +
           std::to_string(y + 3) + "\" width=\"" + std::to_string(kBarWidth) + "\" height=\"" +
           std::to_string(kRow - 6) + "\"/>";
    out += "<rect class=\"barre\" x=\"" + std::to_string(kLabelWidth) + "\" y=\"" +
           std::to_string(y + 3) + "\" width=\"" + number(length) + "\" height=\"" +
           std::to_string(kRow - 6) + "\"/>";
    out += "<text x=\"" + std::to_string(kLabelWidth + kBarWidth + 8) + "\" y=\"" + middle + "\">" +
           text::escape_html(b.shown) + "</text>";
  }
  out += "</svg>";
  return out;
}

}  // namespace repere::web
