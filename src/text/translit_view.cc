#include "text/translit_view.h"

#include <algorithm>
#include <array>
#include <string>

#include "absl/strings/ascii.h"

namespace hakam {
namespace {

// Bytes that can be part of a Latin word written with leet or Arabizi.
constexpr std::array<bool, 256> kChunkBytes = [] {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = t[c - 'a' + 'A'] = true;
  for (char c : {'@', '$', '!', '|', '+', '\''}) t[static_cast<unsigned char>(c)] = true;
  return t;
}();

// What the scan for chunks needs to know about a byte, in one lookup.
enum ByteClass : uint8_t {
  kChunkByte = 1 << 0,
  kLetterByte = 1 << 1,
  kDigitByte = 1 << 2,
  kSymbolByte = 1 << 3,  // a chunk byte that is not a letter or digit
  kNonAsciiByte = 1 << 4,
};
constexpr std::array<uint8_t, 256> kByteClass = [] {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    if (c >= 0x80) {
      t[c] = kNonAsciiByte;
    } else if (kChunkBytes[c]) {
      t[c] = kChunkByte | ((c >= '0' && c <= '9')   ? kDigitByte
                           : (c | 0x20) >= 'a' && (c | 0x20) <= 'z' ? kLetterByte
                                                                    : kSymbolByte);
    }
  }
  return t;
}();

bool IsArabiziDigit(char c) {
  return c == '2' || c == '3' || c == '5' || c == '6' || c == '7' ||
         c == '8' || c == '9';
}

// Words that only Arabizi writers use; one of them makes the comment
// Arabizi even without digits.
bool IsArabiziMarkerWord(absl::string_view w) {
  static constexpr std::array<absl::string_view, 18> kMarkers = {
      "enta", "inta", "ente", "enti", "inti", "entu", "intu", "wallah",
      "wallahi", "walla", "yalla", "mesh", "mish", "msh", "shu", "shou",
      "khalas", "habibi"};
  // Most words fail on length or first letter, before any compare.
  if (w.size() < 3 || w.size() > 7) return false;
  switch (w[0]) {
    case 'e': case 'i': case 'w': case 'y': case 'm': case 's': case 'k':
    case 'h':
      break;
    default:
      return false;
  }
  for (absl::string_view m : kMarkers) {
    if (w == m) return true;
  }
  return false;
}

// Digits followed by a unit or ordinal suffix ("45s", "3d", "5g", "2nd").
bool IsNumberWithSuffix(absl::string_view w) {
  size_t i = 0;
  while (i < w.size() && absl::ascii_isdigit(static_cast<unsigned char>(w[i]))) ++i;
  if (i == 0) return false;
  static constexpr std::array<absl::string_view, 14> kSuffixes = {
      "", "s", "d", "k", "g", "m", "h", "x", "th", "st", "nd", "rd", "am", "pm"};
  const absl::string_view suffix = w.substr(i);
  return std::find(kSuffixes.begin(), kSuffixes.end(), suffix) != kSuffixes.end();
}

// A maximal run of chunk bytes: [begin, end) in the source view.
struct Chunk {
  uint32_t begin;
  uint32_t end;
  bool has_letter = false;
  bool has_digit = false;
  bool has_symbol = false;
  bool arabizi_digit_in_word = false;
};

// The leet or Arabizi reading of a chunk.
std::string Reading(absl::string_view text, const Chunk& c, bool leet) {
  std::string result;
  uint32_t i = c.begin;
  while (i < c.end) {
    const char ch = text[i];
    const char next = i + 1 < c.end ? text[i + 1] : 0;
    if (leet) {
      absl::string_view out;
      switch (ch) {
        case '@': case '4': out = "a"; break;
        case '3': out = "e"; break;
        case '1': case '|': out = absl::string_view(&kIOrLMarker, 1); break;
        case '!':
          // Only inside a word: a final "!" is punctuation.
          out = (i + 1 < c.end) ? "i" : "";
          break;
        case '0': out = "o"; break;
        case '$': case '5': out = "s"; break;
        case '7': case '+': out = "t"; break;
        case '\'': out = " "; break;  // who're, he'll: not leet
        default: out = absl::string_view(&text[i], 1); break;
      }
      result.append(out.data(), out.size());
      ++i;
      continue;
    }
    // Arabizi: digraphs first.
    absl::string_view out;
    uint32_t len = 1;
    const char pair[3] = {ch, next, 0};
    const absl::string_view p(pair, 2);
    if (p == "sh" || p == "ch") { out = "ش"; len = 2; }
    else if (p == "kh" || p == "7'" || p == "5'") { out = "خ"; len = 2; }
    else if (p == "gh" || p == "3'") { out = "غ"; len = 2; }
    else if (p == "th") { out = "ث"; len = 2; }
    else if (p == "dh") { out = "ذ"; len = 2; }
    else if (p == "9'") { out = "ض"; len = 2; }
    else if (p == "6'") { out = "ظ"; len = 2; }
    else {
      switch (ch) {
        case 'a': case '@': out = absl::string_view(&kVowelAMarker, 1); break;
        case 'e': case 'i': out = absl::string_view(&kVowelIMarker, 1); break;
        case 'o': case 'u': out = absl::string_view(&kVowelUMarker, 1); break;
        case 'b': case 'p': out = "ب"; break;
        case 't': out = "ت"; break;
        case 'j': case 'g': out = "ج"; break;
        case 'h': out = "ه"; break;
        case 'd': out = "د"; break;
        case 'r': out = "ر"; break;
        case 'z': out = "ز"; break;
        case 's': case '$': out = "س"; break;
        case 'f': case 'v': out = "ف"; break;
        case 'q': case '8': out = "ق"; break;
        case 'k': case 'c': out = "ك"; break;
        case 'l': out = "ل"; break;
        case 'm': out = "م"; break;
        case 'n': out = "ن"; break;
        case 'w': out = "و"; break;
        case 'y': out = "ي"; break;
        case 'x': out = "كس"; break;
        case '2': out = "ء"; break;
        case '3': out = "ع"; break;
        case '4': out = "غ"; break;
        case '5': out = "خ"; break;
        case '6': out = "ط"; break;
        case '7': out = "ح"; break;
        case '9': out = "ص"; break;
        default: out = ""; break;  // 0, 1, symbols
      }
    }
    // Doubled letters and long vowels are written once (Arabic has no
    // doubled letters in writing): skip a repeat of the same reading.
    uint32_t end = i + len;
    while (end + len <= c.end && text.substr(end, len) == text.substr(i, len)) {
      end += len;
    }
    // "ou", "oo", "ee", "ei": one vowel marker.
    if (len == 1 && out.size() == 1 && out[0] >= kVowelAMarker &&
        out[0] <= kVowelUMarker) {
      while (end < c.end && ((out[0] == kVowelUMarker &&
                              (text[end] == 'o' || text[end] == 'u')) ||
                             (out[0] == kVowelIMarker &&
                              (text[end] == 'e' || text[end] == 'i')))) {
        ++end;
      }
    }
    result.append(out.data(), out.size());
    i = end;
  }
  return result;
}

}  // namespace

std::optional<View> BuildTranslitView(const View& source) {
  const absl::string_view text = source.text();
  const uint32_t n = static_cast<uint32_t>(text.size());
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  // Every kept chunk has an ASCII letter; most Arabic comments have none,
  // and this pass (unlike the chunk scan) vectorizes.
  uint8_t ascii_letter = 0, high_bits = 0;
  for (uint32_t k = 0; k < n; ++k) {
    ascii_letter |= static_cast<uint8_t>((s[k] | 0x20) - 'a') < 26;
    high_bits |= s[k];
  }
  if (!ascii_letter) {
    if (high_bits < 0x80) return std::nullopt;
    return View::FromMap(ViewId::kTranslit, "", {}, source.original_size());
  }
  std::vector<Chunk> chunks;
  bool arabizi = false;
  uint8_t seen = 0;  // ByteClass bits of the bytes outside chunks
  uint32_t i = 0;
  while (i < n) {
    if (!(kByteClass[s[i]] & kChunkByte)) {
      seen |= kByteClass[s[i]];
      ++i;
      continue;
    }
    Chunk c{i, i};
    uint8_t classes = 0;
    while (i < n && (kByteClass[s[i]] & kChunkByte)) classes |= kByteClass[s[i++]];
    c.has_letter = classes & kLetterByte;
    c.has_digit = classes & kDigitByte;
    c.has_symbol = classes & kSymbolByte;
    c.end = i;
    // Trailing symbols ("idiot!", "yes'") are punctuation, not leet.
    while (c.end > c.begin && !absl::ascii_isalnum(
                                  static_cast<unsigned char>(text[c.end - 1])) &&
           text[c.end - 1] != '$') {
      --c.end;
    }
    if (c.end == c.begin) continue;
    if (IsNumberWithSuffix(text.substr(c.begin, c.end - c.begin))) {
      continue;  // 45s, 3d, 5g, 10th: numbers, neither leet nor Arabizi
    }
    if (c.has_letter) {
      for (uint32_t k = c.begin; k < c.end; ++k) {
        if (IsArabiziDigit(text[k])) c.arabizi_digit_in_word = true;
      }
      arabizi = arabizi || c.arabizi_digit_in_word ||
                IsArabiziMarkerWord(text.substr(c.begin, c.end - c.begin));
      chunks.push_back(c);
    }
  }
  const bool any_non_ascii = (seen & kNonAsciiByte) != 0;
  const bool any_leet = std::any_of(chunks.begin(), chunks.end(), [](const Chunk& c) {
    return c.has_digit || c.has_symbol;
  });
  if (!any_non_ascii && !any_leet && !arabizi) return std::nullopt;
  if (chunks.empty()) {
    // Nothing written in Latin letters: an empty view, so Arabizi spellings
    // never meet Arabic-script text.
    return ViewBuilder(ViewId::kTranslit, source).Finish();
  }

  ViewBuilder b(ViewId::kTranslit, source);
  uint32_t done = 0;
  // Copies source [from, to) but leaves non-ASCII words out.
  auto copy_gap = [&](uint32_t from, uint32_t to) {
    uint32_t k = from;
    while (k < to) {
      if (s[k] < 0x80) {
        uint32_t j = k;
        while (j < to && s[j] < 0x80) ++j;
        b.Copy(k, j);
        k = j;
      } else {
        uint32_t j = k;
        while (j < to && (s[j] >= 0x80 || IsWordByte(s[j]))) ++j;
        b.Append(" ", k, j);
        k = j;
      }
    }
  };
  for (const Chunk& c : chunks) {
    copy_gap(done, c.begin);
    // Every byte of a reading maps to the whole word: the two readings
    // of one word cannot each map to their own letters and stay in order.
    if (arabizi) {
      std::string both = c.has_digit || c.has_symbol
                             ? Reading(text, c, /*leet=*/true)
                             : std::string(text.substr(c.begin, c.end - c.begin));
      both += ' ';
      both += Reading(text, c, /*leet=*/false);
      b.Append(both, c.begin, c.end);
    } else if (c.has_digit || c.has_symbol) {
      b.Append(Reading(text, c, /*leet=*/true), c.begin, c.end);
    } else {
      b.Copy(c.begin, c.end);
    }
    done = c.end;
  }
  copy_gap(done, n);
  return std::move(b).Finish();
}

}  // namespace hakam
