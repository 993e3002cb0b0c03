#include "text/spellings.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "support/normalizer_suite.h"
#include "text/lexicon.h"
#include "text/normalizer.h"

namespace madoguchi::text {
namespace {

namespace fs = std::filesystem;

class SpellingsTest : public support::NormalizerSuite {
 protected:
  void SetUp() override {
    path_ = fs::temp_directory_path() / ("madoguchi_spellings_" + std::to_string(::getpid()) + "_" +
                                         UnitTest()->current_test_info()->name() + ".tsv");
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove(path_, ec);
  }
  static ::testing::UnitTest* UnitTest() { return ::testing::UnitTest::GetInstance(); }

  // Loads `text`, each spelling written as the normalizer and `lexicon` make it (the engine
  // passes the analyzer, which does that and finds the base form).
  StatusOr<Spellings> LoadText(const std::string& text, const Lexicon& lexicon = Lexicon()) {
    std::ofstream(path_, std::ios::binary) << text;
    return Spellings::Load(path_.string(), [&](std::string_view spelling) {
      return lexicon.Canonical(normalizer_->Normalize(spelling));
    });
  }
  static std::vector<std::string> Words(const std::vector<const std::string*>& of) {
    std::vector<std::string> out;
    for (const std::string* s : of) out.push_back(*s);
    std::sort(out.begin(), out.end());
    return out;
  }

  fs::path path_;
};

TEST_F(SpellingsTest, EverySpellingReachesTheOthersButNotItself) {
  auto s = LoadText(
      "# a comment\n"
      "スマートフォン\tスマホ\tスマフォ\n"
      "\n"
      "メールアドレス\tメアド\r\n");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->word_count(), 2u);
  EXPECT_EQ(Words(s->Of("スマホ")), (std::vector<std::string>{"スマフォ", "スマートフォン"}));
  EXPECT_EQ(Words(s->Of("スマートフォン")), (std::vector<std::string>{"スマフォ", "スマホ"}));
  EXPECT_EQ(Words(s->Of("メアド")), (std::vector<std::string>{"メールアドレス"}));
  EXPECT_TRUE(s->Of("パソコン").empty());
}

TEST_F(SpellingsTest, AMarkedSpellingIsReachedButReachesNothing) {
  // SP is also "special" and "security police": スマホ may reach it, it may not reach スマホ.
  auto s = LoadText("スマートフォン\t~SP\tスマホ\n");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  // The normalizer lower-cases letters, as it does in every text the analyzer reads.
  EXPECT_EQ(Words(s->Of("スマホ")), (std::vector<std::string>{"sp", "スマートフォン"}));
  EXPECT_TRUE(s->Of("sp").empty());
}

TEST_F(SpellingsTest, TheMarkIsReadBeforeTheNormalizerMakesAWaveDashOne) {
  // 〜 normalizes to '~': a spelling written with it still reaches.
  auto s = LoadText("〜以上\t～以上\t~以上\n");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  const std::string dashed = normalizer_->Normalize("〜以上");
  ASSERT_EQ(dashed.rfind('~', 0), 0u) << dashed;
  EXPECT_EQ(Words(s->Of(dashed)), (std::vector<std::string>{"以上"}));
  EXPECT_TRUE(s->Of("以上").empty()) << "marked: reached, reaches nothing";
}

TEST_F(SpellingsTest, ASpellingMarkedOnceAndPlainOnceReaches) {
  // The same word twice (after normalizing), marked first: the plain one decides.
  auto s = LoadText("~ｍ２\tm2\t平方メートル\n");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(Words(s->Of("m2")), (std::vector<std::string>{"平方メートル"}));
}

TEST_F(SpellingsTest, ASpellingTheAnalyzerCannotMakeOneWordIsDropped) {
  auto s = Spellings::Load("", [](std::string_view) { return std::string(); });
  EXPECT_FALSE(s.ok()) << "no path";
  std::ofstream(path_, std::ios::binary) << "アルコール中毒\tアル中\nスマートフォン\tスマホ\n";
  auto one_word = Spellings::Load(path_.string(), [](std::string_view spelling) {
    return spelling == "アルコール中毒" ? std::string() : std::string(spelling);
  });
  ASSERT_TRUE(one_word.ok()) << one_word.status().ToString();
  EXPECT_EQ(one_word->word_count(), 1u) << "アル中 alone has nothing to reach";
  EXPECT_TRUE(one_word->Of("アル中").empty());
  EXPECT_EQ(Words(one_word->Of("スマホ")), (std::vector<std::string>{"スマートフォン"}));
}

TEST_F(SpellingsTest, SpellingsAreNormalizedAndFoldedAsTheAnalyzerWritesWords) {
  // Full-width letters normalize; a curated group's variant becomes its canonical word, the
  // form an index holds.
  Lexicon lexicon;
  lexicon.AddGroup({"メールアドレス", "アドレス"});
  auto s = LoadText("ＰＣ\tパソコン\nメアド\tアドレス\n", lexicon);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(Words(s->Of("パソコン")), (std::vector<std::string>{normalizer_->Normalize("ＰＣ")}));
  EXPECT_EQ(Words(s->Of("メアド")), (std::vector<std::string>{"メールアドレス"}));
  EXPECT_TRUE(s->Of("アドレス").empty()) << "folded away: only the canonical word is a spelling";
}

TEST_F(SpellingsTest, AWordOnTwoLinesReachesBothAndEachSpellingOnce) {
  auto s = LoadText("話\tはなし\n咄\tはなし\t話\n");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(Words(s->Of("はなし")), (std::vector<std::string>{"咄", "話"}));
}

TEST_F(SpellingsTest, AMissingFileIsNotFound) {
  auto s = Spellings::Load(path_.string() + ".absent",
                           [](std::string_view w) { return std::string(w); });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kNotFound);
}

// Each bundled file loads whole and holds a pair it was built for.
TEST_F(SpellingsTest, TheBundledFilesLoad) {
  struct Bundled {
    const char* file;
    size_t at_least;
    const char* word;
    const char* other;
  };
  for (const Bundled& b : {Bundled{"spellings.tsv", 5000, "ウオーキング", "ウォーキング"},
                           Bundled{"near-synonyms.tsv", 9000, "職場", "勤務先"}}) {
    auto s = Spellings::Load(std::string(MADOGUCHI_SOURCE_DIR) + "/dictionaries/" + b.file,
                             [&](std::string_view w) { return normalizer_->Normalize(w); });
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_GT(s->word_count(), b.at_least) << b.file;
    const std::vector<std::string> of = Words(s->Of(b.word));
    EXPECT_NE(std::find(of.begin(), of.end(), b.other), of.end()) << b.file;
  }
}

}  // namespace
}  // namespace madoguchi::text
