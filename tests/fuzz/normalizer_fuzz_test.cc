// The normalizer on mutated questions and extreme inputs: never a crash, always valid UTF-8
// out (what every later stage, MeCab included, relies on).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fuzz/mutator.h"
#include "text/normalizer.h"
#include "text/utf8.h"

namespace madoguchi::fuzz {
namespace {

const std::vector<std::string> kSeeds = {
    "ポイントの有効期限は？",
    "にんしょうこーどなくした",
    "令和6年10月にもらったポイントはいつ失効？",
    "ﾊﾟｽﾜｰﾄﾞ忘れた　ＰＷ　ＡＢＣ－１２３",
    "ゝゞヽヾ〻 〜～〰 ―‐−ｰ─",
    "QUPiO Plus のログインができません！！",
    "元気アップ！りいばらき ① ㈱ ㍻",
};
const std::vector<std::string> kDictionary = {"ー", "－", "〜", "ゝ", "ﾞ",  "ﾟ",  "　",
                                              "\t", "\n", "Ａ", "①",  "㍻", "ヽ", "〻"};

TEST(NormalizerFuzz, MutatedQuestionsGiveValidUtf8) {
  auto normalizer = text::Normalizer::Create();
  ASSERT_TRUE(normalizer.ok()) << normalizer.status().ToString();
  Mutator m(0x6e6f726d);
  for (int i = 0; i < Iterations(4000); ++i) {
    const std::string input = m.OneIn(8) ? m.Random(1 + m.Below(64), kDictionary)
                                         : m.Mutate(kSeeds[m.Below(kSeeds.size())], kDictionary);
    const std::string out = (*normalizer)->Normalize(input);
    ASSERT_TRUE(text::IsValidUtf8(out)) << "iteration " << i;
  }
}

TEST(NormalizerFuzz, ExtremeInputsGiveValidUtf8) {
  auto normalizer = text::Normalizer::Create();
  ASSERT_TRUE(normalizer.ok());
  for (const std::string& input : ExtremeInputs(kSeeds[0])) {
    EXPECT_TRUE(text::IsValidUtf8((*normalizer)->Normalize(input))) << input.size() << " bytes";
  }
}

}  // namespace
}  // namespace madoguchi::fuzz
