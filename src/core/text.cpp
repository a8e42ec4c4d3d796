#include "repere/core/text.h"

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/ucnv.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <optional>

#include <uchardet/uchardet.h>

namespace repere::text {
namespace {

constexpr UChar32 kReplacement = 0xFFFD;

// One decoded code point with its byte span in the input.
struct CodePoint {
  UChar32 cp;
  std::size_t begin;
  std::size_t end;
};

std::vector<CodePoint> decode(std::string_view s) {
  std::vector<CodePoint> out;
  out.reserve(s.size());
  const auto* bytes = reinterpret_cast<const uint8_t*>(s.data());
  const auto length = static_cast<int32_t>(s.size());
  int32_t i = 0;
  while (i < length) {
    const int32_t start = i;
    UChar32 c = 0;
    U8_NEXT(bytes, i, length, c);
    out.push_back(
        {c < 0 ? kReplacement : c, static_cast<std::size_t>(start), static_cast<std::size_t>(i)});
  }
  return out;
}

std::string to_utf8(const icu::UnicodeString& u) {
  std::string out;
  u.toUTF8String(out);
  return out;
}

icu::UnicodeString from_utf8(std::string_view s) {
  // fromUTF8 replaces each ill-formed sequence with U+FFFD.
  return icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
}

bool is_apostrophe(UChar32 c) { return c == 0x27 || c == 0x2019 || c == 0x02BC; }
bool is_hyphen(UChar32 c) { return c == 0x2D || c == 0x2010 || c == 0x2011; }
bool is_group_space(UChar32 c) { return c == 0xA0 || c == 0x202F || c == 0x2009; }
bool is_decimal_mark(UChar32 c) { return c == ',' || c == '.'; }
bool is_digit(UChar32 c) { return c < 0x80 ? c >= '0' && c <= '9' : u_isdigit(c) != 0; }

// Letters and the combining marks that decorate them belong to words.
bool is_letter(UChar32 c) {
  if (c < 0x80) return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';  // ICU's answer, without a call
  if (u_isalpha(c)) return true;
  const int8_t type = u_charType(c);
  return type == U_NON_SPACING_MARK || type == U_COMBINING_SPACING_MARK || type == U_ENCLOSING_MARK;
}
bool is_word_char(UChar32 c) { return is_letter(c) || is_digit(c); }

bool is_elision_prefix(const std::string& lowered) {
  static constexpr std::array<std::string_view, 13> kPrefixes = {
      "l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"};
  return std::find(kPrefixes.begin(), kPrefixes.end(), lowered) != kPrefixes.end();
}

std::string lower_ascii_letters(const std::vector<CodePoint>& cps, std::size_t from,
                                std::size_t to) {
  std::string out;
  for (std::size_t i = from; i < to; ++i) {
    const UChar32 c = cps[i].cp;
    if (c >= 0x80) return {};  // no elision prefix has a non-ASCII letter
    out.push_back(static_cast<char>(u_tolower(c)));
  }
  return out;
}

// Scans a number starting at cps[i] (a digit); returns one past its last code point.
std::size_t scan_number(const std::vector<CodePoint>& cps, std::size_t i) {
  const std::size_t n = cps.size();
  while (i < n && is_digit(cps[i].cp)) ++i;
  while (i + 1 < n) {
    if (is_decimal_mark(cps[i].cp) && is_digit(cps[i + 1].cp)) {
      i += 1;
      while (i < n && is_digit(cps[i].cp)) ++i;
    } else if (is_group_space(cps[i].cp) && is_digit(cps[i + 1].cp)) {
      // "10 000": a group of exactly three digits after a no-break or thin space.
      std::size_t j = i + 1;
      while (j < n && is_digit(cps[j].cp)) ++j;
      if (j - (i + 1) != 3) break;
      i = j;
    } else {
      break;
    }
  }
  return i;
}

class Tokenizer {
 public:
  explicit Tokenizer(std::string_view s) : source_(s), cps_(decode(s)) {}

  std::vector<Token> run() {
    std::size_t i = 0;
    while (i < cps_.size()) {
      if (!is_word_char(cps_[i].cp)) {
        ++i;
        continue;
      }
      i = is_digit(cps_[i].cp) ? number_or_word(i) : word(i);
    }
    return std::move(tokens_);
  }

 private:
  std::size_t number_or_word(std::size_t start) {
    const std::size_t end = scan_number(cps_, start);
    if (end < cps_.size() && is_letter(cps_[end].cp)) return word(start);  // "1er", "2D"
    emit(start, end, TokenKind::kNumber);
    return end;
  }

  // Scans a word from `start`, splitting a leading elision; returns where scanning resumes.
  std::size_t word(std::size_t start) {
    const std::size_t n = cps_.size();
    std::size_t i = start;
    bool joined = false;  // whether a hyphen or apostrophe already joined two parts
    while (true) {
      while (i < n && is_word_char(cps_[i].cp)) ++i;
      if (i + 1 >= n || !is_word_char(cps_[i + 1].cp)) break;
      const UChar32 joiner = cps_[i].cp;
      if (is_apostrophe(joiner)) {
        if (!joined && is_elision_prefix(lower_ascii_letters(cps_, start, i))) {
          emit(start, i + 1, TokenKind::kElision);
          return i + 1;
        }
      } else if (!is_hyphen(joiner)) {
        break;
      }
      joined = true;
      i += 1;
    }
    emit(start, i, TokenKind::kWord);
    return i;
  }

  void emit(std::size_t from, std::size_t to, TokenKind kind) {
    Token t{.text = {}, .begin = cps_[from].begin, .end = cps_[to - 1].end, .kind = kind};
    // The bytes as they are, but for apostrophes, all written « ' », and ill-formed sequences,
    // written U+FFFD (decode() read them so).
    t.text.reserve(t.end - t.begin);
    for (std::size_t k = from; k < to; ++k) {
      const CodePoint& c = cps_[k];
      if (is_apostrophe(c.cp)) {
        t.text.push_back('\'');
      } else if (c.cp == kReplacement) {
        t.text.append("\xEF\xBF\xBD");
      } else {
        t.text.append(source_.substr(c.begin, c.end - c.begin));
      }
    }
    tokens_.push_back(std::move(t));
  }

  std::string_view source_;
  std::vector<CodePoint> cps_;
  std::vector<Token> tokens_;
};

}  // namespace

bool is_valid_utf8(std::string_view s) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(s.data());
  const auto length = static_cast<int32_t>(s.size());
  int32_t i = 0;
  while (i < length) {
    UChar32 c = 0;
    U8_NEXT(bytes, i, length, c);
    if (c < 0) return false;
  }
  return true;
}

std::string sanitize_utf8(std::string_view s) {
  if (is_valid_utf8(s)) return std::string(s);
  std::string out;
  out.reserve(s.size() + 16);
  for (const CodePoint& c : decode(s)) {
    if (c.cp == kReplacement) {
      out += "\xEF\xBF\xBD";
    } else {
      out.append(s.substr(c.begin, c.end - c.begin));
    }
  }
  return out;
}

namespace {

// Windows-1252 bytes 0x80..0x9F; 0 marks the five bytes it leaves undefined.
constexpr std::array<char16_t, 32> kCp1252High = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

std::string from_cp1252(std::string_view bytes) {
  icu::UnicodeString u;
  for (const char ch : bytes) {
    const auto b = static_cast<unsigned char>(ch);
    if (b >= 0x80 && b < 0xA0) {
      const char16_t mapped = kCp1252High[b - 0x80];
      u.append(static_cast<UChar32>(mapped == 0 ? kReplacement : mapped));
    } else {
      u.append(static_cast<UChar32>(b));
    }
  }
  return to_utf8(u);
}

std::string from_utf16(std::string_view bytes, bool little_endian) {
  icu::UnicodeString u;
  for (std::size_t i = 0; i + 1 < bytes.size(); i += 2) {
    const auto lo = static_cast<unsigned char>(bytes[little_endian ? i : i + 1]);
    const auto hi = static_cast<unsigned char>(bytes[little_endian ? i + 1 : i]);
    u.append(static_cast<char16_t>(hi << 8 | lo));
  }
  // Unpaired surrogates become U+FFFD on the way out.
  return sanitize_utf8(to_utf8(u));
}

}  // namespace

namespace {

// UTF-16 without a byte-order mark: text of Latin letters has a zero byte in every other
// position (the high byte), on the odd bytes for little-endian, the even ones for big-endian.
// Returns 1 (LE), 2 (BE) or 0 (not UTF-16), from the first 4 KiB.
int utf16_without_bom(std::string_view bytes) {
  const std::size_t n = std::min<std::size_t>(bytes.size(), 4096) & ~std::size_t{1};
  if (n < 8) return 0;
  std::size_t even = 0, odd = 0;
  for (std::size_t i = 0; i < n; i += 2) {
    if (bytes[i] == '\0') ++even;
    if (bytes[i + 1] == '\0') ++odd;
  }
  const std::size_t pairs = n / 2;
  if (odd * 10 >= pairs * 6 && even * 10 <= pairs) return 1;
  if (even * 10 >= pairs * 6 && odd * 10 <= pairs) return 2;
  return 0;
}

}  // namespace

namespace {

// What uchardet makes of `bytes` ("ISO-8859-9", "WINDOWS-1252"; "" when it cannot tell).
std::string detected_charset(std::string_view bytes) {
  uchardet_t detector = uchardet_new();
  if (detector == nullptr) return "";
  std::string out;
  if (uchardet_handle_data(detector, bytes.data(), bytes.size()) == 0) {
    uchardet_data_end(detector);
    if (const char* name = uchardet_get_charset(detector)) out = name;
  }
  uchardet_delete(detector);
  return out;
}

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Windows-1252 and the Latin-1 it extends read the text of Western Europe the same way.
bool western(std::string_view charset) {
  return same_name(charset, "WINDOWS-1252") || same_name(charset, "ISO-8859-1") ||
         same_name(charset, "ISO-8859-15");
}

// Signs of a wrong reading: replacement characters, C1 controls, a non-ASCII symbol between
// two letters (« Za¿ó³æ » is Polish read as Windows-1252; typographic apostrophes and the
// middle dot of « élève·s » belong there), and the Icelandic letters ð þ ý, which are where
// Turkish ğ ş ı land when ISO-8859-9 is read as Latin-1.
int oddities(std::string_view utf8) {
  int odd = 0;
  UChar32 before = 0, middle = 0;
  for (const CodePoint& c : decode(utf8)) {
    if (c.cp == kReplacement || (c.cp >= 0x80 && c.cp < 0xA0)) ++odd;
    if (c.cp == 0xF0 || c.cp == 0xFE || c.cp == 0xFD || c.cp == 0xD0 || c.cp == 0xDE ||
        c.cp == 0xDD)
      ++odd;
    if (middle >= 0x80 && !u_isalpha(middle) && middle != 0x2019 && middle != 0x2018 &&
        middle != 0xB7 && u_isalpha(before) && u_isalpha(c.cp))
      ++odd;
    before = middle;
    middle = c.cp;
  }
  return odd;
}

std::size_t high_bytes(std::string_view bytes) {
  return static_cast<std::size_t>(std::count_if(
      bytes.begin(), bytes.end(), [](char ch) { return static_cast<unsigned char>(ch) >= 0x80; }));
}

// Fewer non-ASCII bytes than this and a detector's answer is a guess: « Été » alone reads as
// Windows-1250 to it, « Noël » as Mac Central European.
constexpr std::size_t kEnoughToTell = 8;

// Bytes that are not UTF-8: the detector's reading against Windows-1252's, by how enough
// bytes there are to tell and how many oddities each reading has.
DecodedText legacy_encoding(std::string_view bytes) {
  DecodedText western_reading{from_cp1252(bytes), "windows-1252", ""};
  const int western_odd = oddities(western_reading.utf8);
  const std::string guess = detected_charset(bytes);
  std::optional<std::string> other;
  if (!guess.empty() && !western(guess) && !same_name(guess, "ASCII")) {
    other = decode_as(bytes, guess);
  }
  if (other) {
    const int other_odd = oddities(*other);
    const bool enough = high_bytes(bytes) >= kEnoughToTell;
    if ((enough && other_odd <= western_odd) || other_odd < western_odd) {
      std::string doubt;
      if (other_odd > 0) doubt = "read as " + guess + ", but some characters do not fit it";
      if (!enough) doubt = "read as " + guess + " from few accented letters";
      return {std::move(*other), guess, doubt};
    }
    if (western_odd > 0) western_reading.doubt = "read as windows-1252, though it may be " + guess;
    return western_reading;
  }
  if (western_odd > 0) {
    western_reading.doubt = "read as windows-1252, but some characters do not fit it";
  }
  return western_reading;
}

}  // namespace

std::optional<std::string> decode_as(std::string_view bytes, std::string_view charset) {
  UErrorCode status = U_ZERO_ERROR;
  const std::string name(charset);
  UConverter* converter = ucnv_open(name.c_str(), &status);
  if (U_FAILURE(status) || converter == nullptr) return std::nullopt;
  const icu::UnicodeString u(bytes.data(), static_cast<int32_t>(bytes.size()), converter, status);
  ucnv_close(converter);
  if (U_FAILURE(status) || u.isBogus()) return std::nullopt;
  return sanitize_utf8(to_utf8(u));
}

DecodedText decode_to_utf8(std::string_view bytes) {
  if (bytes.rfind("\xEF\xBB\xBF", 0) == 0) return {sanitize_utf8(bytes.substr(3)), "UTF-8", ""};
  if (bytes.rfind("\xFF\xFE", 0) == 0) return {from_utf16(bytes.substr(2), true), "UTF-16LE", ""};
  if (bytes.rfind("\xFE\xFF", 0) == 0) {
    return {from_utf16(bytes.substr(2), false), "UTF-16BE", ""};
  }
  if (const int utf16 = utf16_without_bom(bytes); utf16 != 0) {
    return {from_utf16(bytes, utf16 == 1), utf16 == 1 ? "UTF-16LE" : "UTF-16BE", ""};
  }
  if (is_valid_utf8(bytes)) return {std::string(bytes), "UTF-8", ""};
  return legacy_encoding(bytes);
}

std::string nfc(std::string_view s) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) return std::string(s);
  icu::UnicodeString out = nfc->normalize(from_utf8(s), status);
  if (U_FAILURE(status)) return std::string(s);
  return to_utf8(out);
}

std::string lower(std::string_view s) {
  icu::UnicodeString u = from_utf8(s);
  u.toLower(icu::Locale::getFrench());
  return nfc(to_utf8(u));
}

std::string fold(std::string_view s) {
  // ASCII folds to its lower case (what the normalisations below do to it, at a tenth of the
  // cost: searching folds every word of each snippet it shows).
  if (std::all_of(s.begin(), s.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
    std::string out(s);
    for (char& c : out) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
  }
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* casefold = icu::Normalizer2::getNFKCCasefoldInstance(status);
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) return std::string(s);
  const icu::UnicodeString decomposed =
      nfd->normalize(casefold->normalize(from_utf8(s), status), status);
  if (U_FAILURE(status)) return std::string(s);
  icu::UnicodeString stripped;
  for (int32_t i = 0; i < decomposed.length();) {
    const UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    if (u_charType(c) == U_NON_SPACING_MARK) continue;  // accents, cedillas, diaereses
    if (c == 0x0153) {
      stripped.append(u"oe");
    } else if (c == 0x00E6) {
      stripped.append(u"ae");
    } else if (c == 0x2019 || c == 0x02BC) {
      stripped.append(UChar32{'\''});
    } else {
      stripped.append(c);
    }
  }
  return to_utf8(nfc->normalize(stripped, status));
}

std::vector<Token> tokenize(std::string_view s) { return Tokenizer(s).run(); }

std::vector<std::string> search_terms(std::string_view s) {
  std::vector<std::string> out;
  for (const Token& t : tokenize(s)) {
    if (t.kind == TokenKind::kElision) continue;
    out.push_back(fold(t.text));
  }
  return out;
}

}  // namespace repere::text

#include <unicode/uversion.h>

namespace repere::text {

std::string icu_version() {
  UVersionInfo icu;
  UVersionInfo unicode;
  u_getVersion(icu);
  u_getUnicodeVersion(unicode);
  char icu_text[U_MAX_VERSION_STRING_LENGTH];
  char unicode_text[U_MAX_VERSION_STRING_LENGTH];
  u_versionToString(icu, icu_text);
  u_versionToString(unicode, unicode_text);
  return std::string(icu_text) + " (Unicode " + unicode_text + ")";
}

void append_escaped_html(std::string& out, std::string_view s) {
  for (const char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
}

std::string escape_html(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  append_escaped_html(out, s);
  return out;
}

std::string escape_control(std::string_view s) {
  static const char* const kHex = "0123456789abcdef";
  std::string out;
  out.reserve(s.size());
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\\') {
      out += "\\\\";
    } else if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += ch;
    }
  }
  return out;
}

std::string strip_control(std::string_view s, bool keep_lines) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(s[i + 1]) <= 0x9F) {
      ++i;  // a C1 control, U+0080 to U+009F
      continue;
    }
    if (c < 0x20 || c == 0x7f) {
      if (keep_lines && (c == '\n' || c == '\t')) out += s[i];
      continue;
    }
    out += s[i];
  }
  return out;
}

std::string clock_time(std::int64_t ms, bool pad_minutes) {
  const std::int64_t s = std::max<std::int64_t>(0, ms) / 1000;
  char out[48];
  if (s >= 3600) {
    std::snprintf(out, sizeof out, "%lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                  static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  } else {
    if (pad_minutes) {
      std::snprintf(out, sizeof out, "%02lld:%02lld", static_cast<long long>(s / 60),
                    static_cast<long long>(s % 60));
    } else {
      std::snprintf(out, sizeof out, "%lld:%02lld", static_cast<long long>(s / 60),
                    static_cast<long long>(s % 60));
    }
  }
  return out;
}

}  // namespace repere::text
