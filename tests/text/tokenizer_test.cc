#include "text/tokenizer.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "text/kana.h"
#include "text/normalizer.h"
#include "text/utf8.h"

namespace madoguchi::text {
namespace {

class TokenizerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto normalizer = Normalizer::Create();
    ASSERT_TRUE(normalizer.ok()) << normalizer.status().ToString();
    normalizer_ = std::move(normalizer).value().release();
    TokenizerOptions options;
    options.user_dictionary = DefaultUserDictionaryPath();
    auto tokenizer = Tokenizer::Create(options);
    ASSERT_TRUE(tokenizer.ok()) << tokenizer.status().ToString();
    tokenizer_ = std::move(tokenizer).value().release();
  }
  static void TearDownTestSuite() {
    delete tokenizer_;
    delete normalizer_;
    tokenizer_ = nullptr;
    normalizer_ = nullptr;
  }

  // Tokens of the normalized text, as the analyzer produces them.
  static std::vector<Token> Tokens(std::string_view raw) {
    return tokenizer_->Tokenize(normalizer_->Normalize(raw));
  }
  static const Token* FindByBase(const std::vector<Token>& tokens, const std::string& base) {
    for (const Token& t : tokens) {
      if (t.base == base) return &t;
    }
    return nullptr;
  }
  static std::string Describe(const std::vector<Token>& tokens) {
    std::string s;
    for (const Token& t : tokens) s += "[" + t.surface + "|" + t.base + "|" + t.pos + "]";
    return s;
  }

  static const Normalizer* normalizer_;
  static const Tokenizer* tokenizer_;
};

const Normalizer* TokenizerTest::normalizer_ = nullptr;
const Tokenizer* TokenizerTest::tokenizer_ = nullptr;

TEST_F(TokenizerTest, DomainWordsAreOneToken) {
  for (const char* word :
       {"認証コード", "特定保健指導", "組合員証", "任意継続組合員", "人間ドック", "健康企業宣言",
        "受診率", "元気アップ！りいばらき", "保健福祉担当", "シルバーリハビリ体操", "有効期限"}) {
    std::string normalized = normalizer_->Normalize(word);
    std::vector<Token> tokens = tokenizer_->Tokenize(normalized);
    ASSERT_EQ(tokens.size(), 1u) << word << " → " << Describe(tokens);
    EXPECT_EQ(tokens[0].surface, normalized) << word;
    EXPECT_TRUE(tokens[0].known) << word;
    EXPECT_EQ(tokens[0].pos, "名詞") << word;
    EXPECT_TRUE(tokens[0].IsContent()) << word;
  }
}

TEST_F(TokenizerTest, BaseFormsAreInTheNormalizedCase) {
  // The domain dictionary writes ログインID and QRコード; the normalized text is lower case.
  for (const char* word : {"ログインID", "QRコード"}) {
    std::vector<Token> tokens = tokenizer_->Tokenize(normalizer_->Normalize(word));
    ASSERT_EQ(tokens.size(), 1u) << word << " → " << Describe(tokens);
    EXPECT_EQ(tokens[0].base, normalizer_->Normalize(word)) << word;
  }
}

TEST_F(TokenizerTest, NormalizedProgramNameIsOneToken) {
  // The member may type the full-width ！ or an ASCII !; both normalize to the same token.
  for (const char* typed :
       {"元気アップ！りいばらき", "元気アップ!りいばらき", "元気ｱｯﾌﾟ!りいばらき"}) {
    std::vector<Token> tokens = Tokens(typed);
    ASSERT_EQ(tokens.size(), 1u) << typed << " → " << Describe(tokens);
    EXPECT_EQ(tokens[0].surface, "元気アップ!りいばらき");
    EXPECT_EQ(tokens[0].reading, "ゲンキアップリイバラキ");
  }
  // Typed without its punctuation the name is the same word.
  const std::vector<Token> with = Tokens("元気アップ!りいばらき");
  const std::vector<Token> without = Tokens("元気アップりいばらきって何");
  ASSERT_FALSE(with.empty());
  ASSERT_FALSE(without.empty());
  EXPECT_EQ(without[0].surface, "元気アップりいばらき") << Describe(without);
  EXPECT_EQ(without[0].base, with[0].base);
}

TEST_F(TokenizerTest, DomainWordsStayWholeInsideSentences) {
  std::vector<Token> tokens = Tokens("認証コードのはがきが届かないので組合員証を確認したい");
  const Token* code = FindByBase(tokens, "認証コード");
  ASSERT_NE(code, nullptr) << Describe(tokens);
  EXPECT_EQ(code->surface, "認証コード");
  const Token* card = FindByBase(tokens, "組合員証");
  ASSERT_NE(card, nullptr) << Describe(tokens);

  tokens = Tokens("特定保健指導の終了者は受診率に入りますか");
  EXPECT_NE(FindByBase(tokens, "特定保健指導"), nullptr) << Describe(tokens);
  EXPECT_NE(FindByBase(tokens, "受診率"), nullptr) << Describe(tokens);
}

TEST_F(TokenizerTest, TokensCarryBaseFormPosAndReading) {
  std::vector<Token> tokens = Tokens("パスワードを忘れました");
  ASSERT_GE(tokens.size(), 3u) << Describe(tokens);
  EXPECT_EQ(tokens[0].surface, "パスワード");
  EXPECT_EQ(tokens[0].pos, "名詞");
  EXPECT_EQ(tokens[0].reading, "パスワード");
  EXPECT_EQ(tokens[1].surface, "を");
  EXPECT_EQ(tokens[1].pos, "助詞");
  EXPECT_FALSE(tokens[1].IsContent());
  EXPECT_EQ(tokens[2].surface, "忘れ");
  EXPECT_EQ(tokens[2].base, "忘れる");
  EXPECT_EQ(tokens[2].pos, "動詞");
  EXPECT_EQ(tokens[2].pos1, "自立");
  EXPECT_EQ(tokens[2].reading, "ワスレ");
  EXPECT_TRUE(tokens[2].IsContent());
  // The polite ending is an auxiliary, not a content word.
  for (size_t i = 3; i < tokens.size(); ++i)
    EXPECT_FALSE(tokens[i].IsContent()) << tokens[i].surface;
}

TEST_F(TokenizerTest, AnInterjectionsBaseFormIsHowItIsSaid) {
  // Greetings are written as said as often as by the rule: は and わ sound alike.
  for (const auto& [rule, said] : std::vector<std::pair<const char*, const char*>>{
           {"こんにちは", "こんにちわ"}, {"こんばんは", "こんばんわ"}}) {
    auto a = Tokens(rule);
    auto b = Tokens(said);
    ASSERT_EQ(a.size(), 1u) << rule;
    ASSERT_EQ(b.size(), 1u) << said;
    EXPECT_EQ(a[0].pos, "感動詞") << rule;
    EXPECT_EQ(a[0].base, b[0].base) << rule << " / " << said;
    EXPECT_EQ(a[0].reading, b[0].reading) << rule << " / " << said;
    EXPECT_EQ(a[0].surface, rule) << "the text itself is kept";
  }
  // Other words keep their dictionary form.
  auto noun = Tokens("登録");
  ASSERT_EQ(noun.size(), 1u);
  EXPECT_EQ(noun[0].base, "登録");
}

TEST_F(TokenizerTest, NowBeforeANounIsTheWordNow) {
  // MeCab reads 今 before a noun as the prefix of 今シーズン (コン), which no word keeps; a
  // member's 「今ポイント交換できる？」 means いま, the word that asks whether it is open now.
  for (const char* text : {"今ポイント交換できる？", "今残高いくら"}) {
    std::vector<Token> tokens = Tokens(text);
    ASSERT_FALSE(tokens.empty()) << text;
    EXPECT_EQ(tokens[0].base, "今") << text << " → " << Describe(tokens);
    EXPECT_EQ(tokens[0].reading, "イマ") << text;
    EXPECT_TRUE(tokens[0].IsContent()) << text << " → " << Describe(tokens);
  }
  // It sounds as the kana spelling does.
  std::vector<Token> kana = Tokens("いまポイント交換できる？");
  ASSERT_FALSE(kana.empty());
  EXPECT_EQ(kana[0].reading, "イマ");
  // Other prefixes stay as they are: お of お問い合わせ says nothing of the topic.
  std::vector<Token> polite = Tokens("お問い合わせ");
  ASSERT_FALSE(polite.empty());
  EXPECT_EQ(polite[0].pos, "接頭詞");
  EXPECT_FALSE(polite[0].IsContent());
}

TEST_F(TokenizerTest, KanaSpellingsOfShortWordsCutNoEverydayWord) {
  // The domain dictionary's 歳 spelled さい would cut ください into くだ|さい: a noun くだ and
  // an age in every polite request.
  std::vector<Token> tokens = Tokens("詳しく教えてください");
  ASSERT_FALSE(tokens.empty());
  EXPECT_EQ(tokens.back().base, "くださる") << Describe(tokens);
  for (const Token& t : tokens) EXPECT_NE(t.base, "歳") << Describe(tokens);
  // Written in kanji it is still the word.
  std::vector<Token> age = Tokens("16歳");
  ASSERT_FALSE(age.empty());
  EXPECT_EQ(age.back().base, "歳") << Describe(age);
}

TEST_F(TokenizerTest, DomainWordReadingIsKatakana) {
  std::vector<Token> tokens = Tokens("認証コード");
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].base, "認証コード");
  EXPECT_EQ(tokens[0].reading, "ニンショウコード");
}

TEST_F(TokenizerTest, ReadingsOfKanaWordsAreKatakana) {
  for (const Token& t : Tokens("ポイントはいつまで使えますか。交換の時期を教えてください")) {
    if (!IsAllKana(t.surface)) continue;
    EXPECT_EQ(t.reading, HiraganaToKatakana(t.reading)) << t.surface << " reads " << t.reading;
    EXPECT_TRUE(IsAllKana(t.reading)) << t.surface << " reads " << t.reading;
  }
}

TEST_F(TokenizerTest, AllHiraganaReachesKanjiEntries) {
  std::vector<Token> tokens = Tokens("にんしょうこーど");
  ASSERT_EQ(tokens.size(), 1u) << Describe(tokens);
  EXPECT_EQ(tokens[0].base, "認証コード");
  EXPECT_EQ(tokens[0].reading, "ニンショウコード");

  tokens = Tokens("ぱすわーど");
  ASSERT_EQ(tokens.size(), 1u) << Describe(tokens);
  EXPECT_EQ(tokens[0].base, "パスワード");

  tokens = Tokens("にんしょうこーどがとどかない");
  EXPECT_NE(FindByBase(tokens, "認証コード"), nullptr) << Describe(tokens);
}

TEST_F(TokenizerTest, KatakanaSpellingReachesKanjiEntries) {
  std::vector<Token> tokens = Tokens("ニンショウコード");
  ASSERT_EQ(tokens.size(), 1u) << Describe(tokens);
  EXPECT_EQ(tokens[0].base, "認証コード");
}

TEST_F(TokenizerTest, HalfWidthKatakanaAfterNormalization) {
  std::vector<Token> tokens = Tokens("ﾊﾟｽﾜｰﾄﾞ");
  ASSERT_EQ(tokens.size(), 1u) << Describe(tokens);
  EXPECT_EQ(tokens[0].base, "パスワード");
}

TEST_F(TokenizerTest, UnknownWordsAreMarkedAndStillContent) {
  std::vector<Token> tokens = Tokens("xyzzyqw");
  ASSERT_EQ(tokens.size(), 1u) << Describe(tokens);
  EXPECT_FALSE(tokens[0].known);
  EXPECT_EQ(tokens[0].base, "xyzzyqw");  // no dictionary base: the surface
  EXPECT_TRUE(tokens[0].IsContent());

  tokens = Tokens("ズンドコベロンチョ");
  ASSERT_FALSE(tokens.empty());
  for (const Token& t : tokens) {
    if (t.known) continue;
    EXPECT_EQ(t.reading, HiraganaToKatakana(t.surface)) << "unknown words read as their surface";
  }
}

TEST_F(TokenizerTest, EmptyTextHasNoTokens) { EXPECT_TRUE(tokenizer_->Tokenize("").empty()); }

TEST_F(TokenizerTest, OddInputDoesNotCrash) {
  std::string long_text;
  for (int i = 0; i < 10000; ++i) long_text += "あ";
  std::vector<Token> tokens = tokenizer_->Tokenize(long_text);
  std::string joined;
  for (const Token& t : tokens) joined += t.surface;
  EXPECT_EQ(joined, long_text) << "surfaces cover the text";

  tokens = Tokens("😀👍");
  for (const Token& t : tokens) EXPECT_TRUE(IsValidUtf8(t.surface));
  tokens = Tokens("？？？");
  for (const Token& t : tokens) EXPECT_FALSE(t.surface.empty());
}

TEST_F(TokenizerTest, AsciiPunctuationIsPunctuation) {
  // The normalizer turns ？ into ?, which the dictionary would read as an unknown noun, and
  // then it takes そもそも before it for a noun too.
  const std::vector<Token> tokens = Tokens("ポイントってそもそも何？");
  ASSERT_GE(tokens.size(), 2u);
  EXPECT_EQ(tokens.back().surface, "?");
  EXPECT_EQ(tokens.back().pos, "記号");
  for (const Token& t : tokens) {
    if (t.surface == "そもそも") {
      EXPECT_NE(t.pos, "名詞");
    }
  }
  for (const char* text : {"使える(はず)?", "a,b/c~d", "「健康ポイント」とは!"}) {
    const std::string normalized = normalizer_->Normalize(text);
    std::string joined;
    for (const Token& t : tokenizer_->Tokenize(normalized)) {
      joined += t.surface;
      if (t.surface == "(" || t.surface == ")" || t.surface == "!" || t.surface == "?") {
        EXPECT_EQ(t.pos, "記号") << normalized;
      }
    }
    EXPECT_EQ(joined, normalized) << "the tokens keep the text's own characters";
  }
}

TEST_F(TokenizerTest, SurfacesCoverTheText) {
  const std::string text =
      normalizer_->Normalize("令和3年12月にもらったポイントはいつ失効しますか?");
  std::string joined;
  for (const Token& t : tokenizer_->Tokenize(text)) joined += t.surface;
  EXPECT_EQ(joined, text);
}

TEST(TokenizerCreateTest, MissingSystemDictionaryIsNotFound) {
  TokenizerOptions options;
  options.system_dictionary = "/nonexistent/madoguchi/ipadic";
  auto tokenizer = Tokenizer::Create(options);
  ASSERT_FALSE(tokenizer.ok());
  EXPECT_EQ(tokenizer.status().code(), StatusCode::kNotFound);
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "/nonexistent/madoguchi/ipadic",
                      tokenizer.status().message());
}

TEST(TokenizerCreateTest, MissingUserDictionaryIsNotFound) {
  TokenizerOptions options;
  options.user_dictionary = "/nonexistent/madoguchi/user.dic";
  auto tokenizer = Tokenizer::Create(options);
  ASSERT_FALSE(tokenizer.ok());
  EXPECT_EQ(tokenizer.status().code(), StatusCode::kNotFound);
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "/nonexistent/madoguchi/user.dic",
                      tokenizer.status().message());
}

TEST(TokenizerCreateTest, WorksWithoutUserDictionary) {
  TokenizerOptions options;  // system dictionary only
  auto tokenizer = Tokenizer::Create(options);
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.status().ToString();
  std::vector<Token> tokens = (*tokenizer)->Tokenize("認証コード");
  // Without the user dictionary the domain word falls apart: proof that the user dictionary is
  // what keeps it whole in the tests above.
  EXPECT_GT(tokens.size(), 1u);
}

TEST(TokenizerCreateTest, DefaultUserDictionaryHonoursEnvironment) {
  const std::string built_in = DefaultUserDictionaryPath();
  EXPECT_FALSE(built_in.empty());
  ASSERT_EQ(setenv("MADOGUCHI_USER_DIC", "/tmp/elsewhere/user.dic", 1), 0);
  EXPECT_EQ(DefaultUserDictionaryPath(), "/tmp/elsewhere/user.dic");
  ASSERT_EQ(unsetenv("MADOGUCHI_USER_DIC"), 0);
  EXPECT_EQ(DefaultUserDictionaryPath(), built_in);
}

bool SameTokens(const std::vector<Token>& a, const std::vector<Token>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].surface != b[i].surface || a[i].base != b[i].base || a[i].reading != b[i].reading ||
        a[i].pos != b[i].pos || a[i].pos1 != b[i].pos1 || a[i].known != b[i].known) {
      return false;
    }
  }
  return true;
}

TEST_F(TokenizerTest, ConcurrentTokenizeGivesIdenticalResults) {
  std::vector<std::string> texts;
  for (const char* raw : {"認証コードのはがきが届きません", "にんしょうこーどをなくした",
                          "ポイントの有効期限はいつですか", "特定保健指導の終了者の数え方",
                          "元気アップ！りいばらきのランクについて", "ﾊﾟｽﾜｰﾄﾞを忘れました",
                          "令和3年12月にもらったポイント", "xyzzy😀テスト"}) {
    texts.push_back(normalizer_->Normalize(raw));
  }
  std::vector<std::vector<Token>> expected;
  for (const std::string& t : texts) expected.push_back(tokenizer_->Tokenize(t));

  constexpr int kThreads = 8;
  constexpr int kRounds = 60;
  std::vector<int> mismatches(kThreads, 0);
  std::vector<std::thread> threads;
  for (int th = 0; th < kThreads; ++th) {
    threads.emplace_back([&, th] {
      for (int round = 0; round < kRounds; ++round) {
        size_t i = static_cast<size_t>(th + round) % texts.size();
        if (!SameTokens(tokenizer_->Tokenize(texts[i]), expected[i])) ++mismatches[th];
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int th = 0; th < kThreads; ++th) EXPECT_EQ(mismatches[th], 0) << "thread " << th;
}

}  // namespace
}  // namespace madoguchi::text
