#include "text/utf8.h"

#include <gtest/gtest.h>
#include <unicode/utf8.h>

#include <string>
#include <vector>

namespace hakam {
namespace {

TEST(Utf8Test, AcceptsAsciiArabicEmojiAndEmpty) {
  EXPECT_TRUE(ValidateUtf8("", "t").ok());
  EXPECT_TRUE(ValidateUtf8("hello", "t").ok());
  EXPECT_TRUE(ValidateUtf8("مرحبا بالعالم", "t").ok());
  EXPECT_TRUE(ValidateUtf8("\xF0\x9F\x98\x80", "t").ok());  // U+1F600
  EXPECT_TRUE(ValidateUtf8(absl::string_view("a\0b", 3), "t").ok());
}

TEST(Utf8Test, NamesFieldAndOffsetOfFirstBadByte) {
  const absl::Status s = ValidateUtf8("ok \xC3\x28 more", "comment.text");
  ASSERT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "comment.text: invalid UTF-8 at byte offset 3 (byte 0xC3)");
}

TEST(Utf8Test, RejectsOverlongSurrogateTruncatedAndTooLarge) {
  EXPECT_EQ(FindInvalidUtf8("\xC0\xAF"), 0u);              // overlong '/'
  EXPECT_EQ(FindInvalidUtf8("ab\xED\xA0\x80"), 2u);        // U+D800
  EXPECT_EQ(FindInvalidUtf8("abc\xE2\x82"), 3u);           // truncated
  EXPECT_EQ(FindInvalidUtf8("\xF4\x90\x80\x80"), 0u);      // > U+10FFFF
  EXPECT_EQ(FindInvalidUtf8("\x80"), 0u);                  // lone continuation
  EXPECT_EQ(FindInvalidUtf8("كلب\xFF"), 6u);
}

// The first invalid offset as ICU's U8_NEXT finds it, one code point at a
// time: what FindInvalidUtf8 (simdjson's validator, then its own scan with
// fast paths) must agree with.
size_t ReferenceFindInvalid(absl::string_view text) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t n = static_cast<int32_t>(text.size());
  int32_t i = 0;
  while (i < n) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (c < 0) return static_cast<size_t>(start);
  }
  return text.size();
}

TEST(Utf8Test, AgreesWithIcuOnRandomText) {
  // Mostly ASCII and 2-byte sequences (the fast paths), with longer
  // sequences and stray bytes at every position relative to 16- and 64-byte
  // blocks.
  // The first kValid pieces are valid; among them the edges of each
  // sequence length (U+0800, U+D7FF before the surrogates, U+E000 after
  // them, U+FFFF, U+10000, U+10FFFF), where a validator's range checks sit.
  constexpr size_t kValid = 16;
  const std::vector<std::string> pieces = {"a",
                                           " ",
                                           "Z",
                                           "\x01",
                                           "\xD9\x84",
                                           "\xD8\xA7",
                                           "\xC3\xA9",
                                           "\xC2\x80",
                                           "\xDF\xBF",
                                           "\xE2\x80\x8B",
                                           "\xE0\xA0\x80",
                                           "\xED\x9F\xBF",
                                           "\xEE\x80\x80",
                                           "\xEF\xBF\xBF",
                                           "\xF0\x90\x80\x80",
                                           "\xF4\x8F\xBF\xBF",
                                           "\xF0\x9F\x98\x80",
                                           "\x80",
                                           "\xBF",
                                           "\xC0\xAF",
                                           "\xC1\xBF",
                                           "\xC2",
                                           "\xD9",
                                           "\xE2\x82",
                                           "\xED\xA0\x80",
                                           "\xF4\x90\x80\x80",
                                           "\xF5",
                                           "\xFF",
                                           "\xFE",
                                           "\xE0\x9F\xBF",
                                           "\xF0\x8F\xBF\xBF",
                                           "\xED\xBF\xBF"};
  uint64_t state = 42;
  auto next = [&state]() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  };
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    const int len = static_cast<int>(next() % 160);
    const bool clean = next() % 2;  // mostly valid: errors late in the text
    for (int k = 0; k < len; ++k) {
      const uint64_t r = next() % 100;
      const size_t piece =
          clean && r < 97 ? r % kValid : next() % pieces.size();
      text += pieces[piece];
    }
    ASSERT_EQ(FindInvalidUtf8(text), ReferenceFindInvalid(text))
        << "round " << round << " " << testing::PrintToString(text);
  }
}

TEST(Utf8Test, CodePointOffsetsCountCharactersNotBytes) {
  const std::string text = "يا كلب";  // 2 + 1 + 3 code points, 11 bytes
  EXPECT_EQ(CodePointOffset(text, 0), 0u);
  EXPECT_EQ(CodePointOffset(text, 4), 2u);
  EXPECT_EQ(CodePointOffset(text, 5), 3u);
  EXPECT_EQ(CodePointOffset(text, text.size()), 6u);
}

}  // namespace
}  // namespace hakam
