#include "util/sha256.h"

#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace hakam {
namespace {

// FIPS 180-2 test vectors.
TEST(Sha256Test, KnownVectors) {
  EXPECT_EQ(Sha256Hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(
      Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256Test, IncrementalEqualsOneShot) {
  const std::string text = "تعليق عن العراق، with some English و رابط";
  Sha256 h;
  h.Update(text.substr(0, 7));  // splits inside a UTF-8 sequence on purpose
  h.Update(text.substr(7));
  EXPECT_EQ(h.HexDigest(), Sha256Hex(text));
}

// The algorithm is fetched once and shared; hashing from many threads at
// once must give the same answers as from one.
TEST(Sha256Test, ConcurrentHashingAgrees) {
  std::vector<std::string> inputs;
  std::vector<std::string> expected;
  for (int i = 0; i < 64; ++i) {
    inputs.push_back(std::string(i * 7, static_cast<char>('a' + i % 26)));
    expected.push_back(Sha256Hex(inputs.back()));
  }
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 50; ++round) {
        for (size_t i = 0; i < inputs.size(); ++i) {
          if (Sha256Hex(inputs[i]) != expected[i]) ++mismatches[t];
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

}  // namespace
}  // namespace hakam
