#include "util/memory_trimmer.h"

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace hakam {
namespace {

// Anonymous resident memory of this process (RssAnon), in kB; -1 if
// /proc does not say.
int64_t RssAnonKb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("RssAnon:", 0) == 0) return std::atoll(line.c_str() + 8);
  }
  return -1;
}

TEST(MemoryTrimmerTest, FreedHeapPagesGoBackToTheKernel) {
#if defined(__SANITIZE_ADDRESS__)
  // ASan keeps freed blocks in its own quarantine, not in glibc's arenas.
  GTEST_SKIP() << "AddressSanitizer build: freed memory is ASan's";
#endif
  ASSERT_TRUE(MemoryTrimmer::TrimNow()) << "built without glibc";
  ASSERT_GE(RssAnonKb(), 0) << "no RssAnon in /proc/self/status";
  // What a backlog leaves behind: many small blocks freed among a few
  // still in use, so no heap is left empty and no heap's top can shrink;
  // free() alone returns none of it. On a thread of its own, as gRPC's
  // threads allocate from arenas of their own.
  constexpr int kBlocks = 2048;
  constexpr size_t kBlockSize = 16 * 1024;  // 32 MiB in all
  constexpr int kKeepEvery = 32;            // 64 blocks stay, 512 KiB apart
  std::vector<char*> kept;
  int64_t before_free = 0;
  int64_t after_free = 0;
  std::thread([&] {
    std::vector<char*> blocks;
    for (int i = 0; i < kBlocks; ++i) {
      auto* p = static_cast<char*>(std::malloc(kBlockSize));
      std::memset(p, 1, kBlockSize);  // resident
      blocks.push_back(p);
    }
    before_free = RssAnonKb();
    for (int i = 0; i < kBlocks; ++i) {
      if (i % kKeepEvery == kKeepEvery - 1) {
        kept.push_back(blocks[i]);
      } else {
        std::free(blocks[i]);
      }
    }
    after_free = RssAnonKb();
  }).join();
  // glibc kept the freed memory: the state the trimmer is for.
  ASSERT_GE(after_free, before_free - 8 * 1024)
      << "RssAnon fell from " << before_free << " to " << after_free
      << " kB without a trim";
  const int64_t untrimmed = RssAnonKb();
  ASSERT_TRUE(MemoryTrimmer::TrimNow());
  const int64_t trimmed = RssAnonKb();
  EXPECT_GE(untrimmed - trimmed, 24 * 1024)
      << "RssAnon " << untrimmed << " kB before the trim, " << trimmed
      << " kB after (" << before_free << " with every block in use)";
  for (char* p : kept) std::free(p);
}

TEST(MemoryTrimmerTest, TrimsOnItsInterval) {
  MemoryTrimmerOptions options;
  options.interval = absl::Milliseconds(5);  // raised to the minimum
  std::unique_ptr<MemoryTrimmer> trimmer = MemoryTrimmer::Start(options);
  // Liveness, not timing: the bound is generous.
  for (int i = 0; i < 4000 && trimmer->trims() < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_GE(trimmer->trims(), 3);
}

TEST(MemoryTrimmerTest, StopsWithoutWaitingForTheInterval) {
  MemoryTrimmerOptions options;
  options.interval = absl::Hours(1);
  std::unique_ptr<MemoryTrimmer> trimmer = MemoryTrimmer::Start(options);
  EXPECT_EQ(trimmer->trims(), 0);
  const absl::Time start = absl::Now();
  trimmer.reset();
  // Liveness with an hour's margin, not timing: waiting out the interval
  // would take 60 times this bound.
  EXPECT_LT(absl::Now() - start, absl::Minutes(1));
}

}  // namespace
}  // namespace hakam
