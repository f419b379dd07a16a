// A View is one normalized rendering of a comment's text that remembers, for
// every byte it holds, which bytes of the original text produced it.
//
// Rules match on views; evidence is reported in the original. A view byte i
// came from original bytes [OriginalBegin(i), OriginalEnd(i)); deletions
// leave no view bytes, insertions and expansions map every produced byte to
// the source character that caused them. Maps are monotone: i < j implies
// OriginalBegin(i) <= OriginalBegin(j).
//
//   ViewBuilder b(ViewId::kFolded, source_view);
//   b.AppendFromSource("a", src_begin, src_end);   // produced from source bytes
//   View folded = std::move(b).Finish();
//   OriginalRange r = folded.MapToOriginal(match_start, match_end);
//
// Word boundaries: in every view other than `raw`, any non-ASCII code point
// that is not a letter, mark or digit has been replaced by an ASCII space,
// so a word boundary is always an ASCII non-alphanumeric byte (other than
// the marker bytes below), the start or the end of the text. Rule patterns
// rely on this (RE2's \b is ASCII-only).
//
// Marker bytes: `compact` and `translit` write a few ASCII control bytes
// that stand for something a rule must be able to match but that is not a
// letter; they are word bytes, never boundaries:
//
// Thread safety: thread-compatible (tokens() fills a cache on first use);
// a NormalizedText and its views belong to one evaluation.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"

namespace hakam {

// The closed set of views, in the order they are built. See
// docs/normalization.md for what each one does.
enum class ViewId : uint8_t {
  kRaw = 0,       // the validated original text
  kFolded = 1,    // NFKC + case folding; Unicode separators as ASCII spaces
  kArabic = 2,    // folded + Arabic orthographic folding
  kSkeleton = 3,  // arabic + invisibles/stacked marks removed, look-alikes
                  // folded across scripts, RLO-reversed runs restored
  kCompact = 4,   // skeleton + stretched letters, spaced letters and masks
  kTranslit = 5,  // skeleton's Latin words read as leetspeak and Arabizi
};
inline constexpr int kViewCount = 6;

// Bit set of views, bit i for ViewId i.
using ViewMask = uint32_t;
inline constexpr ViewMask ViewBit(ViewId id) {
  return ViewMask{1} << static_cast<int>(id);
}
inline constexpr ViewMask kAllViews = (ViewMask{1} << kViewCount) - 1;

// "raw", "folded", ...
absl::string_view ViewName(ViewId id);
// Inverse of ViewName; INVALID_ARGUMENT listing the valid names otherwise.
absl::StatusOr<ViewId> ParseViewName(absl::string_view name);

// A half-open byte range of the original text.
struct OriginalRange {
  uint32_t begin = 0;
  uint32_t end = 0;
};

// A maximal run of word bytes (ASCII letters and digits, any non-ASCII
// byte) in a view, as view byte offsets [begin, end).
struct Token {
  uint32_t begin = 0;
  uint32_t end = 0;
};

// Splits `text` into tokens (see Token).
std::vector<Token> Tokenize(absl::string_view text);

namespace internal {

// A growable array of a trivially copyable type whose new elements are not
// initialized: a view's offset map is written once per byte right after it
// is sized, and std::vector would first zero it (about a tenth of building
// the folded view). malloc'd storage holds implicit-lifetime objects.
template <typename T>
class PodVector {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  PodVector() = default;
  PodVector(const PodVector& other) { Append(other.data_, other.size_); }
  PodVector(PodVector&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)),
        size_(std::exchange(other.size_, 0)),
        capacity_(std::exchange(other.capacity_, 0)) {}
  PodVector& operator=(PodVector other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    std::swap(capacity_, other.capacity_);
    return *this;
  }
  ~PodVector() { std::free(data_); }

  T* data() { return data_; }
  const T* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }

  void Reserve(size_t n) {
    if (n <= capacity_) return;
    void* p = std::realloc(data_, n * sizeof(T));
    if (p == nullptr) std::abort();  // as operator new would throw
    data_ = static_cast<T*>(p);
    capacity_ = n;
  }
  // New elements are uninitialized.
  void ResizeUninitialized(size_t n) {
    if (n > capacity_) Reserve(n);
    size_ = n;
  }
  void Append(const T* from, size_t n) {
    if (n == 0) return;
    Grow(n);
    std::memcpy(data_ + size_, from, n * sizeof(T));
    size_ += n;
  }
  void AppendFill(size_t n, const T& value) {
    Grow(n);
    for (size_t i = 0; i < n; ++i) data_[size_ + i] = value;
    size_ += n;
  }
  void PushBack(const T& value) {
    Grow(1);
    data_[size_++] = value;
  }

 private:
  void Grow(size_t n) {
    if (size_ + n > capacity_) Reserve(std::max(size_ + n, 2 * capacity_));
  }

  T* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace internal

struct ArabicFoldingOptions;  // arabic_view.h

class View {
 public:
  View() = default;

  // The identity view over `original` (which must outlive the view).
  static View Identity(ViewId id, absl::string_view original);

  // A view whose text and per-byte map into the original were computed
  // elsewhere. Precondition: map.size() == text.size(), map monotone and
  // within [0, original_size].
  static View FromMap(ViewId id, std::string text,
                      internal::PodVector<OriginalRange> map,
                      uint32_t original_size);

  ViewId id() const { return id_; }
  // Size in bytes of the original text the view maps into.
  uint32_t original_size() const { return original_size_; }
  absl::string_view text() const {
    return identity_ ? external_ : absl::string_view(owned_);
  }

  // Original byte range that produced view bytes [begin, end).
  // Precondition: begin <= end <= text().size(). An empty range maps to the
  // empty original range at the position of view byte `begin`.
  OriginalRange MapToOriginal(uint32_t begin, uint32_t end) const;

  // Words of this view, in order. Computed on first use (most views are
  // only scanned by RE2), which is why View is thread-compatible rather
  // than immutable until tokens() has been called once.
  const std::vector<Token>& tokens() const {
    if (!tokenized_) {
      tokens_ = Tokenize(text());
      tokenized_ = true;
    }
    return tokens_;
  }

 private:
  friend class ViewBuilder;
  // Rewrites a folded view it is handed into the arabic view, in place.
  friend bool FoldArabicInPlace(const ArabicFoldingOptions& options,
                                View* view, uint32_t* letters_changed);

  ViewId id_ = ViewId::kRaw;
  bool identity_ = false;
  mutable bool tokenized_ = false;
  uint32_t original_size_ = 0;
  std::string owned_;          // the text, unless identity_
  absl::string_view external_;  // the original text, if identity_
  // Per view byte: original byte range. Empty for identity views. One
  // array of pairs rather than two: half the allocations, and composing
  // maps is a single memcpy.
  internal::PodVector<OriginalRange> map_;
  mutable std::vector<Token> tokens_;
};

// Builds a view from a source view (which may itself be derived), composing
// offset maps so the result always points into the original text.
//
// Thread safety: thread-compatible; one builder per view being built.
class ViewBuilder {
 public:
  // `source` must outlive the builder.
  ViewBuilder(ViewId id, const View& source);

  // Appends `out`, produced from source view bytes [src_begin, src_end).
  // If src_begin == src_end (pure insertion), the output maps to the
  // original position of source byte src_begin, as an empty range.
  void Append(absl::string_view out, uint32_t src_begin, uint32_t src_end);

  // Copies source bytes [src_begin, src_end) unchanged, byte for byte.
  void Copy(uint32_t src_begin, uint32_t src_end);


  // Source bytes [src_begin, src_end) produce no output (a removed mark, a
  // cut letter): the last code point appended so far is widened to cover
  // them, so a span ending there includes what the reader typed after it.
  // No effect before the first output.
  void Absorb(uint32_t src_begin, uint32_t src_end);

  View Finish() &&;

 private:
  // Copies of adjacent source ranges are merged and done at once: builders
  // copy word by word, and each copy costs two appends.
  void FlushCopy();

  const View& source_;
  View view_;
  uint32_t copy_begin_ = 0;  // the source range Copy has yet to append
  uint32_t copy_end_ = 0;
};


// Marker bytes (see above).
inline constexpr char kMaskMarker = '\x1a';     // compact: a masked letter (f*ck)
inline constexpr char kIOrLMarker = '\x1c';     // translit: leet 1 (i or l)
inline constexpr char kVowelAMarker = '\x1d';   // translit: Arabizi a
inline constexpr char kVowelIMarker = '\x1e';   // translit: Arabizi e/i
inline constexpr char kVowelUMarker = '\x1f';   // translit: Arabizi o/u

namespace internal {
// A table rather than a chain of comparisons: Tokenize and the view
// builders call this for every byte.
inline constexpr std::array<bool, 256> kWordBytes = [] {
  std::array<bool, 256> t{};
  for (int c = 0x80; c < 256; ++c) t[c] = true;
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = t[c - 'a' + 'A'] = true;
  t[0x1a] = true;
  for (int c = 0x1c; c <= 0x1f; ++c) t[c] = true;
  return t;
}();
}  // namespace internal

// True for the bytes that belong to words: ASCII letters and digits, every
// byte of a non-ASCII code point, and the marker bytes.
inline bool IsWordByte(unsigned char c) { return internal::kWordBytes[c]; }

}  // namespace hakam
