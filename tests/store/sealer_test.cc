#include "store/sealer.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace madoguchi::store {
namespace {

const char kKey[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

TEST(SealerTest, RoundTripsAndHidesThePlaintext) {
  auto s = Sealer::FromHexKey(kKey);
  ASSERT_TRUE(s.ok());
  std::string sealed = s->Seal("12345678");
  EXPECT_EQ(sealed.find("12345678"), std::string::npos);
  auto opened = s->Open(sealed);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, "12345678");
}

TEST(SealerTest, SameTextSealsDifferentlyEachTime) {
  auto s = Sealer::FromHexKey(kKey);
  EXPECT_NE(s->Seal("abc"), s->Seal("abc"));
}

TEST(SealerTest, TamperingAndWrongKeysAreRefused) {
  auto s = Sealer::FromHexKey(kKey);
  std::string sealed = s->Seal("member 42");
  std::string tampered = sealed;
  tampered[10] = tampered[10] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(s->Open(tampered).ok());
  auto other = Sealer::FromHexKey(std::string(64, '7'));
  EXPECT_FALSE(other->Open(sealed).ok());
  EXPECT_FALSE(s->Open("not base64 !").ok());
}

TEST(SealerTest, BadKeysAreRejected) {
  EXPECT_FALSE(Sealer::FromHexKey("short").ok());
  EXPECT_FALSE(Sealer::FromHexKey(std::string(64, 'g')).ok());
}

TEST(SealerTest, KeyFileIsCreatedPrivateAndReused) {
  unsetenv("MADOGUCHI_STATE_KEY");
  auto dir = std::filesystem::temp_directory_path() / ("sealer-" + RandomToken(6));
  std::string file = (dir / "state.key").string();
  auto first = Sealer::FromEnvironmentOrFile(file);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto perms = std::filesystem::status(file).permissions();
  EXPECT_EQ(perms & std::filesystem::perms::group_read, std::filesystem::perms::none);
  EXPECT_EQ(perms & std::filesystem::perms::others_read, std::filesystem::perms::none);
  auto second = Sealer::FromEnvironmentOrFile(file);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second->Open(first->Seal("x")), "x");
  std::filesystem::remove_all(dir);
}

TEST(SealerTest, TokensAndHashes) {
  std::string a = RandomToken(24), b = RandomToken(24);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a.find_first_of("+/="), std::string::npos);
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace madoguchi::store
