// The normalizer turns validated comment text into the named views that
// rules match on (see view.h), each mapping back to the original bytes.
//
//   absl::StatusOr<std::unique_ptr<const Normalizer>> n = Normalizer::Create();
//   absl::StatusOr<NormalizedText> t = (*n)->Normalize(text, kAllViews);
//   const View& folded = t->view(ViewId::kFolded);
//
// Views are derived in ViewId order; asking for a view also builds the views
// it derives from.
//
// Thread safety: Normalizer is immutable after Create() and may be shared by
// any number of threads. NormalizedText is thread-compatible.
#pragma once

#include <array>
#include <memory>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"
#include "text/view.h"

namespace hakam {

// The views of one comment. Holds a reference to the original text, which
// must outlive it.
class NormalizedText {
 public:
  absl::string_view original() const { return original_; }
  bool has_view(ViewId id) const { return (present_ & ViewBit(id)) != 0; }
  // Precondition: has_view(id).
  const View& view(ViewId id) const { return views_[static_cast<int>(id)]; }

 private:
  friend class Normalizer;
  absl::string_view original_;
  ViewMask present_ = 0;
  std::array<View, kViewCount> views_;
};

class Normalizer {
 public:
  // Loads the ICU data the views need. Fails only if ICU's data is missing.
  static absl::StatusOr<std::unique_ptr<const Normalizer>> Create();

  Normalizer(const Normalizer&) = delete;
  Normalizer& operator=(const Normalizer&) = delete;

  // Builds the views in `wanted` (and those they derive from) over
  // `original`, which must be valid UTF-8 (see ValidateUtf8) and must
  // outlive the result. Errors are ICU failures (INTERNAL), never a
  // property of the text.
  absl::StatusOr<NormalizedText> Normalize(absl::string_view original,
                                           ViewMask wanted) const;

 private:
  struct IcuData;
  explicit Normalizer(std::unique_ptr<const IcuData> icu);
  absl::StatusOr<View> BuildFolded(absl::string_view original) const;

  std::unique_ptr<const IcuData> icu_;

 public:
  ~Normalizer();
};

}  // namespace hakam
