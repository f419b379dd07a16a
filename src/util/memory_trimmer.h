// MemoryTrimmer: hands the heap's free pages back to the kernel now and
// then, so a server's resident memory follows its load instead of keeping
// the high-water mark of its worst backlog.
//
// Calls queued during a stall (a slow disk, the VM descheduled) hold their
// gRPC arenas, requests, replies and audit records at once. Once they are
// answered, glibc keeps the freed memory in its arenas for reuse and RSS
// stays up (docs/operations.md has the measurements). A flat RSS is what
// operators (and a leak check) read; a high-water mark looks like a leak.
//
//   MemoryTrimmerOptions options;                 // every 10 s
//   std::unique_ptr<MemoryTrimmer> t = MemoryTrimmer::Start(options);
//   ...
//   t.reset();   // stops; returns promptly whatever the interval
//
// malloc_trim walks each arena under its lock and releases whole free
// pages (madvise): 0.1-0.8 ms on hakamd under load, a few ms right after a
// stall, during which allocations from the arena being walked wait; an
// allocation that wants one of those pages again pays a page fault. Every
// 10 s that is noise. Where glibc's malloc_trim is missing, Start() still
// returns a trimmer, which does nothing (trims() stays 0).
//
// Thread safety: thread-safe; the trimming runs on the trimmer's own
// thread ("mem-trimmer").
#pragma once

#include <cstdint>
#include <memory>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace hakam {

struct MemoryTrimmerOptions {
  // Time between two trims. Intervals under 100 ms are raised to 100 ms:
  // trimming much more often would hold the arenas' locks a noticeable
  // share of the time. Default 10 s.
  absl::Duration interval = absl::Seconds(10);
};

class MemoryTrimmer {
 public:
  static std::unique_ptr<MemoryTrimmer> Start(
      const MemoryTrimmerOptions& options);

  // Releases free heap pages on the calling thread, now. Returns false if
  // this build has no way to (not glibc).
  static bool TrimNow();

  MemoryTrimmer(const MemoryTrimmer&) = delete;
  MemoryTrimmer& operator=(const MemoryTrimmer&) = delete;
  // Stops the thread; a trim in progress finishes first.
  ~MemoryTrimmer();

  // Trims run so far (for stats and tests).
  int64_t trims() const;

 private:
  explicit MemoryTrimmer(const MemoryTrimmerOptions& options);
  void Loop();

  const MemoryTrimmerOptions options_;
  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  int64_t trims_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;
};

}  // namespace hakam
