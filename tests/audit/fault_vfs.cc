#include "audit/fault_vfs.h"

#include <sqlite3.h>

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <mutex>
#include <string_view>

namespace hakam::testing {
namespace {

std::atomic<int> g_fault{FaultVfs::kNone};
std::atomic<int> g_target{FaultVfs::kAllFiles};
std::atomic<int> g_failures{0};
sqlite3_vfs* g_real = nullptr;  // the default VFS wrapped; set once
sqlite3_vfs g_vfs;

// Our file: the wrapped VFS's own file object follows it in the same
// allocation (szOsFile covers both), aligned for any type.
struct alignas(alignof(std::max_align_t)) FaultFile {
  sqlite3_file base;
  bool spool;  // the audit spool (its name ends in "-spool")
};

sqlite3_file* Real(sqlite3_file* f) {
  return reinterpret_cast<sqlite3_file*>(reinterpret_cast<FaultFile*>(f) + 1);
}

const sqlite3_io_methods& RealMethods(sqlite3_file* f) {
  return *Real(f)->pMethods;
}

bool Failing(sqlite3_file* f, FaultVfs::Fault fault) {
  if (g_fault.load() != fault) return false;
  const int target = g_target.load();
  const bool spool = reinterpret_cast<FaultFile*>(f)->spool;
  if ((target == FaultVfs::kSpoolOnly && !spool) ||
      (target == FaultVfs::kDatabaseOnly && spool)) {
    return false;
  }
  ++g_failures;
  return true;
}

int Close(sqlite3_file* f) { return RealMethods(f).xClose(Real(f)); }
int Read(sqlite3_file* f, void* out, int n, sqlite3_int64 offset) {
  return RealMethods(f).xRead(Real(f), out, n, offset);
}
int Write(sqlite3_file* f, const void* in, int n, sqlite3_int64 offset) {
  if (Failing(f, FaultVfs::kDiskFull)) return SQLITE_FULL;
  return RealMethods(f).xWrite(Real(f), in, n, offset);
}
int Truncate(sqlite3_file* f, sqlite3_int64 size) {
  if (Failing(f, FaultVfs::kDiskFull)) return SQLITE_FULL;
  return RealMethods(f).xTruncate(Real(f), size);
}
int Sync(sqlite3_file* f, int flags) {
  if (Failing(f, FaultVfs::kSyncFails)) return SQLITE_IOERR_FSYNC;
  return RealMethods(f).xSync(Real(f), flags);
}
int FileSize(sqlite3_file* f, sqlite3_int64* size) {
  return RealMethods(f).xFileSize(Real(f), size);
}
int Lock(sqlite3_file* f, int level) {
  return RealMethods(f).xLock(Real(f), level);
}
int Unlock(sqlite3_file* f, int level) {
  return RealMethods(f).xUnlock(Real(f), level);
}
int CheckReservedLock(sqlite3_file* f, int* out) {
  return RealMethods(f).xCheckReservedLock(Real(f), out);
}
int FileControl(sqlite3_file* f, int op, void* arg) {
  return RealMethods(f).xFileControl(Real(f), op, arg);
}
int SectorSize(sqlite3_file* f) { return RealMethods(f).xSectorSize(Real(f)); }
int DeviceCharacteristics(sqlite3_file* f) {
  return RealMethods(f).xDeviceCharacteristics(Real(f));
}
int ShmMap(sqlite3_file* f, int region, int size, int extend,
           void volatile** out) {
  return RealMethods(f).xShmMap(Real(f), region, size, extend, out);
}
int ShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return RealMethods(f).xShmLock(Real(f), offset, n, flags);
}
void ShmBarrier(sqlite3_file* f) { RealMethods(f).xShmBarrier(Real(f)); }
int ShmUnmap(sqlite3_file* f, int delete_flag) {
  return RealMethods(f).xShmUnmap(Real(f), delete_flag);
}
int Fetch(sqlite3_file* f, sqlite3_int64 offset, int n, void** out) {
  return RealMethods(f).xFetch(Real(f), offset, n, out);
}
int Unfetch(sqlite3_file* f, sqlite3_int64 offset, void* p) {
  return RealMethods(f).xUnfetch(Real(f), offset, p);
}

const sqlite3_io_methods kMethods = {
    3,
    Close,
    Read,
    Write,
    Truncate,
    Sync,
    FileSize,
    Lock,
    Unlock,
    CheckReservedLock,
    FileControl,
    SectorSize,
    DeviceCharacteristics,
    ShmMap,
    ShmLock,
    ShmBarrier,
    ShmUnmap,
    Fetch,
    Unfetch,
};

int Open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags,
         int* out_flags) {
  const int rc = g_real->xOpen(g_real, name, Real(f), flags, out_flags);
  const std::string_view file_name = name != nullptr ? name : "";
  reinterpret_cast<FaultFile*>(f)->spool =
      file_name.size() >= 6 &&
      file_name.substr(file_name.size() - 6) == "-spool";
  // SQLite calls xClose even after a failed open if pMethods is set, so it
  // is set exactly when the wrapped file has methods of its own.
  const sqlite3_io_methods* real = Real(f)->pMethods;
  // kMethods forwards the version 3 methods (WAL's shared memory, mmap);
  // the default VFS on Linux has them, and a wrapped file without them
  // would make SQLite call through a null pointer.
  if (real != nullptr && real->iVersion < kMethods.iVersion) std::abort();
  f->pMethods = real != nullptr ? &kMethods : nullptr;
  return rc;
}

}  // namespace

void FaultVfs::Install() {
  static std::once_flag once;
  std::call_once(once, [] {
    g_real = sqlite3_vfs_find(nullptr);
    if (g_real == nullptr || g_real->iVersion < 3) std::abort();
    g_vfs = *g_real;
    g_vfs.zName = "hakam-fault";
    g_vfs.pNext = nullptr;
    g_vfs.szOsFile = static_cast<int>(sizeof(FaultFile)) + g_real->szOsFile;
    g_vfs.xOpen = Open;
    if (sqlite3_vfs_register(&g_vfs, /*makeDflt=*/1) != SQLITE_OK) {
      std::abort();
    }
  });
}

void FaultVfs::Set(Fault fault, Target target) {
  g_target.store(target);
  g_fault.store(fault);
}

int FaultVfs::failures() { return g_failures.load(); }

}  // namespace hakam::testing
