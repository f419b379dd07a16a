#include "util/memory_trimmer.h"

#include <pthread.h>

#include <algorithm>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace hakam {

namespace {
constexpr absl::Duration kMinInterval = absl::Milliseconds(100);
}  // namespace

std::unique_ptr<MemoryTrimmer> MemoryTrimmer::Start(
    const MemoryTrimmerOptions& options) {
  return std::unique_ptr<MemoryTrimmer>(new MemoryTrimmer(options));
}

bool MemoryTrimmer::TrimNow() {
#if defined(__GLIBC__)
  // 0: keep no padding at the top of the main heap. Since glibc 2.8 this
  // also releases the free pages inside every arena, not just the top.
  malloc_trim(0);
  return true;
#else
  return false;
#endif
}

MemoryTrimmer::MemoryTrimmer(const MemoryTrimmerOptions& options)
    : options_(options) {
  thread_ = std::thread([this] {
#if defined(__GLIBC__)
    pthread_setname_np(pthread_self(), "mem-trimmer");  // for top, perf
#endif
    Loop();
  });
}

MemoryTrimmer::~MemoryTrimmer() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

int64_t MemoryTrimmer::trims() const {
  absl::MutexLock lock(&mu_);
  return trims_;
}

void MemoryTrimmer::Loop() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      // Wakes early only to stop.
      mu_.AwaitWithTimeout(absl::Condition(&stopping_),
                           std::max(options_.interval, kMinInterval));
      if (stopping_) return;
    }
    if (!TrimNow()) continue;
    absl::MutexLock lock(&mu_);
    ++trims_;
  }
}

}  // namespace hakam
