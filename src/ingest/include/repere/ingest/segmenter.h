// The passage segmenter: turns the cues of a track into passages, the units search returns.
//
// Timed media: windows of about 10–40 s cut at cue boundaries, at the first sentence end past
// 10 s; the next window starts with the next sentence. A window cut inside a sentence (none
// ended before 40 s) is overlapped slightly by the next, so that no answer is cut in two. Short
// windows land a teacher closer to where a topic starts: on the moment set of the French Debian
// Reference (scripts/make-moment-set), 10–40 s land inside the right section more often than
// 20–60 s did; cutting at pauses (paragraph ends) instead did not help there.
// Documents and images: a passage never spans two pages. Words laid out on a page (cues with
// boxes: a PDF's words, a scan's or a slide's OCR) are read as lines, blocks (a gap wider than
// the page's usual line step) and headings (type at least 1.12 times the body's, 15 words at
// most); a passage ends at a sentence's or a block's end once min_chars long, a heading opens
// a new one and is followed by '\n', and a section's end shorter than min_chars / 2 joins the
// passage before it. Paragraph cues (web pages, notes, plain text) are grouped up to the size.
// Every passage has text (never empty) and at most about `max_chars` characters: a single
// cue longer than that is split at sentence, then word, boundaries.
// Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "repere/catalog/types.h"

namespace repere::ingest {

struct SegmentOptions {
  std::int64_t min_ms = 10000;     // a timed passage is cut at a sentence end once this long
  std::int64_t max_ms = 40000;     // ... and always before it grows past this
  std::int64_t overlap_ms = 4000;  // how far a window cut mid-sentence is reached back into
  std::size_t min_chars = 200;     // a document passage grows to at least this, within a page
  std::size_t max_chars = 1000;    // no passage is longer (in bytes of UTF-8)
};

// Passages of a timed track (cues with start_ms/end_ms, in any order). Cues without times
// or without text are ignored. Passages carry start/end ms, the track id and language given.
std::vector<catalog::Passage> segment_timed(const std::vector<catalog::Cue>& cues,
                                            const SegmentOptions& options = {});

// Passages of a document or image track: cues in reading order, with or without pages.
std::vector<catalog::Passage> segment_document(const std::vector<catalog::Cue>& cues,
                                               const SegmentOptions& options = {});

// Removes what repeats at the start or the end of most units of a track — a slide's or a
// page's running header or footer (« SVT 5e — La photosynthèse 3 ») — so that it is not in
// every passage. A unit is a page (its cues) when cues have pages, else a cue. An edge is
// removed when it is at least 3 words long (page numbers aside) and 60 % of the units, and at
// least 3, share it; a unit that has only the edge's last (or first) words, 3 or more — OCR
// misread the others — loses those. Cues left without text are dropped. Returns how many
// units lost an edge.
int strip_repeated_edges(std::vector<catalog::Cue>& cues);

}  // namespace repere::ingest
