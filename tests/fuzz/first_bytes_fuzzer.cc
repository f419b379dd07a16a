// libFuzzer target over MatchFirstBytes, which decides which comments may
// skip an RE2::Set of moderators' patterns: input is a pattern, a NUL byte,
// then a text. Checks the contract: wherever in the text a non-empty match
// starts, its first byte is in the set. A miss here would be a hit the
// engine silently never reports.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "re2/re2.h"
#include "rules/first_bytes.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t nul = input.find('\0');
  if (nul == std::string::npos || nul > 256) return 0;
  const std::string pattern = input.substr(0, nul);
  const std::string text = input.substr(nul + 1, 256);
  RE2::Options options;
  options.set_encoding(RE2::Options::EncodingUTF8);
  options.set_log_errors(false);
  const std::optional<hakam::ByteSet> first =
      hakam::MatchFirstBytes(pattern, options);
  const RE2 re(pattern, options);
  if (!first || !re.ok()) return 0;
  for (size_t pos = 0; pos < text.size(); ++pos) {
    re2::StringPiece m;
    if (!re.Match(text, pos, text.size(), RE2::ANCHOR_START, &m, 1) ||
        m.empty()) {
      continue;
    }
    if (!first->Contains(static_cast<unsigned char>(text[pos]))) {
      std::fprintf(
          stderr, "pattern /%s/ matches at %zu, byte 0x%02x not in the set\n",
          pattern.c_str(), pos,
          static_cast<unsigned>(static_cast<unsigned char>(text[pos])));
      std::abort();
    }
  }
  return 0;
}
