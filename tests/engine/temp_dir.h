// A scratch directory for tests that need real files (rules directories
// to reload and watch), removed with everything in it on destruction.
//
//   TempDir dir;
//   dir.Write("en/words.yaml", "pack: x\n...");   // creates en/
//   dir.path();                                    // ".../hakam-XXXXXX"
//
// Thread safety: thread-compatible.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace hakam::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = ::testing::TempDir() + "hakam-XXXXXX";
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
    EXPECT_FALSE(path_.empty()) << "mkdtemp failed";
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Path(const std::string& relative) const {
    return path_ + "/" + relative;
  }

  // Writes `content` to `relative` in place (open, write, close), creating
  // parent directories.
  void Write(const std::string& relative, const std::string& content) const {
    const std::filesystem::path p = Path(relative);
    std::filesystem::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    EXPECT_TRUE(out.good()) << "cannot write " << p;
  }

  // Writes `content` to a hidden temporary beside `relative`, then renames
  // it into place, the way careful editors and deploy tools save.
  void WriteAtomically(const std::string& relative,
                       const std::string& content) const {
    const std::filesystem::path p = Path(relative);
    const std::filesystem::path tmp =
        p.parent_path() / ("." + p.filename().string() + ".tmp");
    std::filesystem::create_directories(p.parent_path());
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      out << content;
    }
    std::filesystem::rename(tmp, p);
  }

  void Remove(const std::string& relative) const {
    std::error_code ec;
    std::filesystem::remove(Path(relative), ec);
  }

 private:
  std::string path_;
};

}  // namespace hakam::testing
