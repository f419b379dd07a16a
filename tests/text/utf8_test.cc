#include "text/utf8.h"

#include <gtest/gtest.h>

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

TEST(Utf8Test, CodePointOffsetsCountCharactersNotBytes) {
  const std::string text = "يا كلب";  // 2 + 1 + 3 code points, 11 bytes
  EXPECT_EQ(CodePointOffset(text, 0), 0u);
  EXPECT_EQ(CodePointOffset(text, 4), 2u);
  EXPECT_EQ(CodePointOffset(text, 5), 3u);
  EXPECT_EQ(CodePointOffset(text, text.size()), 6u);
}

}  // namespace
}  // namespace hakam
