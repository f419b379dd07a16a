#include "text/view.h"

#include "absl/strings/str_cat.h"

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

std::vector<Token> Tokenize(absl::string_view text) {
  std::vector<Token> tokens;
  tokens.reserve(text.size() / 5 + 1);
  const uint32_t n = static_cast<uint32_t>(text.size());
  uint32_t i = 0;
  while (i < n) {
    while (i < n && !IsWordByte(text[i])) ++i;
    if (i == n) break;
    const uint32_t start = i;
    while (i < n && IsWordByte(text[i])) ++i;
    tokens.push_back({start, i});
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

View View::FromMaps(ViewId id, std::string text, std::vector<uint32_t> begin,
                    std::vector<uint32_t> end, uint32_t original_size) {
  View v;
  v.id_ = id;
  v.owned_ = std::move(text);
  v.begin_ = std::move(begin);
  v.end_ = std::move(end);
  v.original_size_ = original_size;
  return v;
}

OriginalRange View::MapToOriginal(uint32_t begin, uint32_t end) const {
  if (identity_) return {begin, end};
  if (begin >= end) {
    const uint32_t at = begin < begin_.size() ? begin_[begin] : original_size_;
    return {at, at};
  }
  return {begin_[begin], end_[end - 1]};
}

ViewBuilder::ViewBuilder(ViewId id, const View& source) : source_(source) {
  view_.id_ = id;
  view_.original_size_ = source.original_size_;
  view_.owned_.reserve(source.text().size() + 16);
  view_.begin_.reserve(source.text().size() + 16);
  view_.end_.reserve(source.text().size() + 16);
}

void ViewBuilder::Append(absl::string_view out, uint32_t src_begin,
                         uint32_t src_end) {
  if (out.empty()) return;
  const OriginalRange r = source_.MapToOriginal(src_begin, src_end);
  view_.owned_.append(out.data(), out.size());
  view_.begin_.insert(view_.begin_.end(), out.size(), r.begin);
  view_.end_.insert(view_.end_.end(), out.size(), r.end);
}

void ViewBuilder::Copy(uint32_t src_begin, uint32_t src_end) {
  if (src_end <= src_begin) return;
  const absl::string_view text = source_.text();
  view_.owned_.append(text.data() + src_begin, src_end - src_begin);
  if (source_.identity_) {
    for (uint32_t i = src_begin; i < src_end; ++i) {
      view_.begin_.push_back(i);
      view_.end_.push_back(i + 1);
    }
    return;
  }
  view_.begin_.insert(view_.begin_.end(), source_.begin_.begin() + src_begin,
                      source_.begin_.begin() + src_end);
  view_.end_.insert(view_.end_.end(), source_.end_.begin() + src_begin,
                    source_.end_.begin() + src_end);
}

void ViewBuilder::Absorb(uint32_t src_begin, uint32_t src_end) {
  if (view_.owned_.empty() || src_end <= src_begin) return;
  const uint32_t end = source_.MapToOriginal(src_begin, src_end).end;
  size_t k = view_.owned_.size();
  do {
    --k;
    if (view_.end_[k] < end) view_.end_[k] = end;
  } while (k > 0 && (static_cast<uint8_t>(view_.owned_[k]) & 0xC0) == 0x80);
}

View ViewBuilder::Finish() && {
  View v = std::move(view_);
  return v;
}

}  // namespace hakam
