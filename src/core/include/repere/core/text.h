// French-aware text utilities over ICU: normalisation, folding and word tokenisation.
//
// All functions take and return UTF-8. Ill-formed UTF-8 never fails: each ill-formed
// sequence becomes U+FFFD (the replacement character). All functions are pure and
// thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace repere::text {

// True when `s` is well-formed UTF-8.
bool is_valid_utf8(std::string_view s);

// `s` with each ill-formed UTF-8 sequence replaced by U+FFFD; well-formed text is unchanged.
std::string sanitize_utf8(std::string_view s);

// Text bytes of unknown encoding, as UTF-8: a UTF-8, UTF-16LE or UTF-16BE byte-order mark
// decides; else well-formed UTF-8 is kept; else a charset detector (uchardet) is asked, and
// its answer taken when there are enough non-ASCII bytes to tell and it reads no worse than
// Windows-1252 (the usual encoding of French subtitles and text files made on Windows, which
// maps every byte and is the fallback). The byte-order mark is removed.
struct DecodedText {
  std::string utf8;
  std::string encoding;  // "UTF-8", "UTF-16LE", "UTF-16BE", "windows-1252", "ISO-8859-9", ...
  // "" when the encoding is sure; else, in English, why not (« read as windows-1252, though it
  // may be ISO-8859-9 »), for a warning that asks someone to check the accents.
  std::string doubt;
};
DecodedText decode_to_utf8(std::string_view bytes);

// `bytes` read as `charset`, any name ICU knows ("ISO-8859-9", "windows-1254", "KOI8-R");
// nullopt when it knows none by that name. Bytes the charset leaves undefined become U+FFFD.
std::optional<std::string> decode_as(std::string_view bytes, std::string_view charset);

// Unicode NFC (canonical composition): "e\u0301" becomes "é". Ill-formed bytes become U+FFFD.
std::string nfc(std::string_view s);

// Lower case, accents kept, NFC: "Œuvre ÉLÈVE" -> "œuvre élève" (for dictionaries whose
// words carry their accents).
std::string lower(std::string_view s);

// The search key of a text: compatibility-normalised, case-folded, accents removed,
// ligatures expanded (œ -> oe, æ -> ae, ﬁ -> fi, ß -> ss) and typographic apostrophes
// (’ ʼ) turned into '. "Œuvre ÉLÈVE l’été" -> "oeuvre eleve l'ete".
std::string fold(std::string_view s);

enum class TokenKind {
  kWord,     // letters, possibly with digits, inner hyphens or inner apostrophes
  kNumber,   // digits with decimal separators or grouped thousands: "3,14", "10 000"
  kElision,  // an elided article or conjunction split off its word: "l'", "qu'", "jusqu'"
};

struct Token {
  std::string text;   // the token as written, apostrophes normalised to '
  std::size_t begin;  // byte offset of the first byte in the input
  std::size_t end;    // byte offset one past the last byte in the input
  TokenKind kind;
};

// Splits text into words and numbers, in order, skipping spaces and punctuation.
//  - French elisions are split: "l'ADN" -> "l'" (kElision), "ADN"; likewise d', j', m', n',
//    s', t', c', qu', jusqu', lorsqu', puisqu', quoiqu'. Lexicalised apostrophes stay whole:
//    "aujourd'hui", "presqu'île", "prud'homme".
//  - Hyphenated words stay whole: "porte-monnaie", "est-ce", "Saint-Étienne".
//  - Numbers keep French decimal commas and digit grouping: "3,14", "10 000" (with a
//    no-break or thin space), "1.5". A number glued to letters is a word: "XIXe", "1er", "2D".
// Offsets index the input as given; ill-formed bytes are treated as separators.
std::vector<Token> tokenize(std::string_view s);

// Convenience: the folded text of every kWord and kNumber token (elisions dropped), which is
// what search indexes and queries compare. "L'Œuvre d’art" -> {"oeuvre", "art"}.
std::vector<std::string> search_terms(std::string_view s);

}  // namespace repere::text

namespace repere::text {

// Appends `s` with the characters HTML gives a meaning to (& < > ") as entities.
void append_escaped_html(std::string& out, std::string_view s);
std::string escape_html(std::string_view s);

// For a log line or a terminal: control bytes (C0, DEL) and backslash written as "\x0a",
// "\\", so that a file name or a URL can never start a line of its own or move the cursor.
std::string escape_control(std::string_view s);

// For a name or a text that people typed: C0 controls, DEL and the C1 controls (U+0080 to
// U+009F) removed, and NUL too; tabs and newlines kept only when `keep_lines` (a free text).
std::string strip_control(std::string_view s, bool keep_lines);

// A time as people read it: "02:07" (`pad_minutes`) or "2:07", and "1:02:03" past an hour.
// Negative times read as 00:00.
std::string clock_time(std::int64_t ms, bool pad_minutes = true);

// The ICU library version and the Unicode version it implements, e.g. "72.1 (Unicode 15.0)".
std::string icu_version();
}  // namespace repere::text
