#include "text/lexicon.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "support/normalizer_suite.h"

namespace madoguchi::text {
namespace {

namespace fs = std::filesystem;

// A fresh folder per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() /
            ("madoguchi_lexicon_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string Write(const std::string& name, const std::string& content) const {
    fs::path p = path_ / name;
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }
  std::string Path(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

class LexiconTest : public support::NormalizerSuite {
 protected:
  // Loads the sample files below.
  StatusOr<Lexicon> LoadSample() {
    std::string synonyms = dir_.Write("synonyms.tsv",
                                      "# comment line\n"
                                      "パスワード\tPW\tパス\n"
                                      "\n"
                                      "はがき\tハガキ\t葉書\n"
                                      "ログイン\tさいんいん\n"
                                      "認証コード\t認証番号\r\n"
                                      "交換\tＨＩＫＩＫＡＥ\n");
    std::string stopwords = dir_.Write("stopwords.txt", "# comment\nする\nこと\r\nＡＢＣ\n\n");
    std::string aspects = dir_.Write("aspect-words.txt", "# comment\n定義\nてじゅん\nＦＡＱ\r\n");
    return Lexicon::Load({synonyms, stopwords, aspects}, *normalizer_);
  }

  TempDir dir_;
};

TEST_F(LexiconTest, CanonicalOfEveryVariant) {
  auto lexicon = LoadSample();
  ASSERT_TRUE(lexicon.ok()) << lexicon.status().ToString();
  EXPECT_EQ(lexicon->Canonical("パス"), "パスワード");
  EXPECT_EQ(lexicon->Canonical("パスワード"), "パスワード");
  EXPECT_EQ(lexicon->Canonical("葉書"), "はがき");
  EXPECT_EQ(lexicon->Canonical("はがき"), "はがき");
  EXPECT_EQ(lexicon->Canonical("認証番号"), "認証コード")
      << "a CRLF line end is not part of a word";
}

TEST_F(LexiconTest, WordsAreNormalizedOnLoad) {
  auto lexicon = LoadSample();
  ASSERT_TRUE(lexicon.ok()) << lexicon.status().ToString();
  // Lookups take normalized words, as the analyzer gives them: PW → pw, ＨＩＫＩＫＡＥ → hikikae.
  EXPECT_EQ(lexicon->Canonical("pw"), "パスワード");
  EXPECT_EQ(lexicon->Canonical("hikikae"), "交換");
}

TEST_F(LexiconTest, HiraganaWordsAreAlsoRegisteredInKatakana) {
  auto lexicon = LoadSample();
  ASSERT_TRUE(lexicon.ok()) << lexicon.status().ToString();
  EXPECT_EQ(lexicon->Canonical("ハガキ"), "はがき");
  // さいんいん is listed only in hiragana; its katakana spelling meets the group too.
  EXPECT_EQ(lexicon->Canonical("さいんいん"), "ログイン");
  EXPECT_EQ(lexicon->Canonical("サインイン"), "ログイン");
}

TEST_F(LexiconTest, UnknownWordIsItsOwnCanonical) {
  auto lexicon = LoadSample();
  ASSERT_TRUE(lexicon.ok()) << lexicon.status().ToString();
  const std::string word = "ポイント";
  EXPECT_EQ(lexicon->Canonical(word), "ポイント");
  EXPECT_EQ(&lexicon->Canonical(word), &word) << "returns the argument itself, no copy";
  EXPECT_EQ(lexicon->Canonical(""), "");
}

TEST_F(LexiconTest, StopWords) {
  auto lexicon = LoadSample();
  ASSERT_TRUE(lexicon.ok()) << lexicon.status().ToString();
  EXPECT_TRUE(lexicon->IsStopWord("する"));
  EXPECT_TRUE(lexicon->IsStopWord("スル"));
  EXPECT_TRUE(lexicon->IsStopWord("こと"));
  EXPECT_TRUE(lexicon->IsStopWord("コト"));
  EXPECT_TRUE(lexicon->IsStopWord("abc")) << "stop words are normalized";
  EXPECT_FALSE(lexicon->IsStopWord("# comment"));
  EXPECT_FALSE(lexicon->IsStopWord(""));
  EXPECT_FALSE(lexicon->IsStopWord("パスワード"));
}

TEST_F(LexiconTest, AspectWords) {
  auto lexicon = LoadSample();
  ASSERT_TRUE(lexicon.ok()) << lexicon.status().ToString();
  EXPECT_TRUE(lexicon->IsAspectWord("定義"));
  EXPECT_TRUE(lexicon->IsAspectWord("てじゅん"));
  EXPECT_TRUE(lexicon->IsAspectWord("テジュン")) << "hiragana is also registered in katakana";
  EXPECT_TRUE(lexicon->IsAspectWord("faq")) << "aspect words are normalized";
  EXPECT_FALSE(lexicon->IsAspectWord("# comment"));
  EXPECT_FALSE(lexicon->IsAspectWord("する")) << "a stop word is not an aspect word";
  EXPECT_FALSE(lexicon->IsStopWord("定義")) << "an aspect word is not dropped";
}

TEST_F(LexiconTest, SynonymCountCoversEveryWord) {
  auto lexicon = LoadSample();
  ASSERT_TRUE(lexicon.ok()) << lexicon.status().ToString();
  // 12 words in 5 groups, plus katakana spellings of the hiragana ones.
  EXPECT_GE(lexicon->synonym_count(), 12u);
}

TEST_F(LexiconTest, ABlankLineOfAFileSavedOnWindowsIsBlank) {
  std::string synonyms = dir_.Write("crlf.tsv", "パスワード\tPW\r\n\r\nはがき\t葉書\r\n");
  auto lexicon = Lexicon::Load({synonyms, "", ""}, *normalizer_);
  ASSERT_TRUE(lexicon.ok()) << lexicon.status().ToString();
  EXPECT_EQ(lexicon->Canonical("葉書"), "はがき");
}

TEST_F(LexiconTest, GroupWithOneWordIsAnErrorNamingFileAndLine) {
  std::string synonyms = dir_.Write("bad.tsv", "# groups\nパスワード\tPW\n孤独\n");
  auto lexicon = Lexicon::Load({synonyms, "", ""}, *normalizer_);
  ASSERT_FALSE(lexicon.ok());
  EXPECT_EQ(lexicon.status().code(), StatusCode::kInvalidArgument);
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, synonyms + ":3", lexicon.status().message());
}

TEST_F(LexiconTest, GroupOfEmptyFieldsIsAnError) {
  std::string synonyms = dir_.Write("bad.tsv", "単語\t\t \n");
  auto lexicon = Lexicon::Load({synonyms, "", ""}, *normalizer_);
  ASSERT_FALSE(lexicon.ok());
  EXPECT_EQ(lexicon.status().code(), StatusCode::kInvalidArgument);
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, ":1", lexicon.status().message());
}

TEST_F(LexiconTest, MissingFilesAreNotFound) {
  auto no_synonyms = Lexicon::Load({dir_.Path("missing.tsv"), "", ""}, *normalizer_);
  ASSERT_FALSE(no_synonyms.ok());
  EXPECT_EQ(no_synonyms.status().code(), StatusCode::kNotFound);
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "missing.tsv", no_synonyms.status().message());

  auto no_stopwords = Lexicon::Load({"", dir_.Path("missing.txt"), ""}, *normalizer_);
  ASSERT_FALSE(no_stopwords.ok());
  EXPECT_EQ(no_stopwords.status().code(), StatusCode::kNotFound);

  auto no_aspects = Lexicon::Load({"", "", dir_.Path("missing-aspects.txt")}, *normalizer_);
  ASSERT_FALSE(no_aspects.ok());
  EXPECT_EQ(no_aspects.status().code(), StatusCode::kNotFound);
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "missing-aspects.txt", no_aspects.status().message());
}

TEST_F(LexiconTest, EmptyPathsGiveAnEmptyLexicon) {
  auto lexicon = Lexicon::Load({}, *normalizer_);
  ASSERT_TRUE(lexicon.ok()) << lexicon.status().ToString();
  EXPECT_EQ(lexicon->synonym_count(), 0u);
  EXPECT_FALSE(lexicon->IsStopWord("する"));
  EXPECT_FALSE(lexicon->IsAspectWord("定義"));
}

TEST(LexiconRuntimeTest, AddGroupAndStopWord) {
  Lexicon lexicon;
  EXPECT_EQ(lexicon.synonym_count(), 0u);
  lexicon.AddGroup({"交換", "ひきかえ", "引換"});
  EXPECT_EQ(lexicon.Canonical("引換"), "交換");
  EXPECT_EQ(lexicon.Canonical("ひきかえ"), "交換");
  EXPECT_EQ(lexicon.Canonical("ヒキカエ"), "交換");
  lexicon.AddGroup({});  // ignored
  lexicon.AddStopWord("です");
  EXPECT_TRUE(lexicon.IsStopWord("です"));
  EXPECT_TRUE(lexicon.IsStopWord("デス"));
}

}  // namespace
}  // namespace madoguchi::text
