#include "text/view.h"

#include <algorithm>

#include "absl/numeric/bits.h"
#include "absl/strings/str_cat.h"
#include "text/byte_classes.h"

#if defined(__SSE2__)
#endif

namespace hakam {

namespace {
constexpr std::array<absl::string_view, kViewCount> kViewNames = {
    "raw", "folded", "arabic", "skeleton", "compact", "translit"};
}  // namespace

absl::string_view ViewName(ViewId id) {
  return kViewNames[static_cast<int>(id)];
}

absl::StatusOr<ViewId> ParseViewName(absl::string_view name) {
  for (int i = 0; i < kViewCount; ++i) {
    if (kViewNames[i] == name) return static_cast<ViewId>(i);
  }
  std::string valid;
  for (int i = 0; i < kViewCount; ++i) {
    absl::StrAppend(&valid, i ? ", " : "", kViewNames[i]);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown view \"", name, "\" (valid: ", valid, ")"));
}

namespace {

// Bit j set iff s[j] is a word byte, for j < len <= 64.
uint64_t WordByteMask(const uint8_t* s, uint32_t len) {
  uint64_t mask = 0;
  uint32_t j = 0;
#if defined(__SSE2__)
  for (; j + 16 <= len; j += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + j));
    const __m128i word = internal::WordBytes(x);
    mask |=
        static_cast<uint64_t>(static_cast<uint16_t>(_mm_movemask_epi8(word)))
        << j;
  }
#endif
  for (; j < len; ++j) mask |= static_cast<uint64_t>(IsWordByte(s[j])) << j;
  return mask;
}

}  // namespace

std::vector<Token> Tokenize(absl::string_view text) {
  // Word/non-word transitions come every few bytes, so a loop that
  // branches on each byte mispredicts constantly. Instead: a bit mask of
  // word bytes per 64 bytes, and one step per transition in it. Text
  // starts outside a word, so boundaries alternate begin, end, begin...
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const uint32_t n = static_cast<uint32_t>(text.size());
  std::vector<Token> tokens;
  // An empty text is common (the translit view of an Arabic comment with
  // no Latin letter): no allocation for it.
  if (n == 0) return tokens;
  tokens.reserve(n / 4 + 1);
  uint64_t carry = 0;  // whether the byte before the block is a word byte
  for (uint32_t base = 0; base < n; base += 64) {
    const uint32_t len = std::min<uint32_t>(64, n - base);
    const uint64_t words = WordByteMask(s + base, len);
    uint64_t edges = words ^ ((words << 1) | carry);
    carry = words >> 63;
    while (edges != 0) {
      const uint32_t at =
          base + static_cast<uint32_t>(absl::countr_zero(edges));
      edges &= edges - 1;
      if ((words >> (at - base)) & 1) {
        tokens.push_back({at, n});
      } else {
        tokens.back().end = at;
      }
    }
  }
  return tokens;
}

View View::Identity(ViewId id, absl::string_view original) {
  View v;
  v.id_ = id;
  v.external_ = original;
  v.identity_ = true;
  v.original_size_ = static_cast<uint32_t>(original.size());
  return v;
}

View View::FromMap(ViewId id, std::string text,
                   internal::PodVector<OriginalRange> map,
                   uint32_t original_size) {
  View v;
  v.id_ = id;
  v.owned_ = std::move(text);
  v.map_ = std::move(map);
  v.original_size_ = original_size;
  return v;
}

OriginalRange View::MapToOriginal(uint32_t begin, uint32_t end) const {
  if (identity_) return {begin, end};
  if (begin >= end) {
    const uint32_t at =
        begin < map_.size() ? map_[begin].begin : original_size_;
    return {at, at};
  }
  return {map_[begin].begin, map_[end - 1].end};
}

ViewBuilder::ViewBuilder(ViewId id, const View& source) : source_(source) {
  view_.id_ = id;
  view_.original_size_ = source.original_size_;
  view_.owned_.reserve(source.text().size() + 16);
  view_.map_.Reserve(source.text().size() + 16);
}

void ViewBuilder::Append(absl::string_view out, uint32_t src_begin,
                         uint32_t src_end) {
  if (out.empty()) return;
  FlushCopy();
  const OriginalRange r = source_.MapToOriginal(src_begin, src_end);
  view_.owned_.append(out.data(), out.size());
  view_.map_.AppendFill(out.size(), r);
}

void ViewBuilder::Copy(uint32_t src_begin, uint32_t src_end) {
  if (src_end <= src_begin) return;
  if (src_begin == copy_end_ && copy_end_ > copy_begin_) {
    copy_end_ = src_end;
    return;
  }
  FlushCopy();
  copy_begin_ = src_begin;
  copy_end_ = src_end;
}

void ViewBuilder::FlushCopy() {
  const uint32_t src_begin = copy_begin_, src_end = copy_end_;
  if (src_end <= src_begin) return;
  copy_begin_ = copy_end_ = 0;
  const absl::string_view text = source_.text();
  view_.owned_.append(text.data() + src_begin, src_end - src_begin);
  if (source_.identity_) {
    for (uint32_t i = src_begin; i < src_end; ++i) {
      view_.map_.PushBack({i, i + 1});
    }
    return;
  }
  view_.map_.Append(source_.map_.data() + src_begin, src_end - src_begin);
}

void ViewBuilder::Absorb(uint32_t src_begin, uint32_t src_end) {
  FlushCopy();
  if (view_.owned_.empty() || src_end <= src_begin) return;
  const uint32_t end = source_.MapToOriginal(src_begin, src_end).end;
  size_t k = view_.owned_.size();
  do {
    --k;
    if (view_.map_[k].end < end) view_.map_[k].end = end;
  } while (k > 0 && (static_cast<uint8_t>(view_.owned_[k]) & 0xC0) == 0x80);
}

View ViewBuilder::Finish() && {
  FlushCopy();
  View v = std::move(view_);
  return v;
}
}  // namespace hakam
