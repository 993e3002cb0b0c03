// The one normalizer used for indexing and for queries, so that both sides meet in the same
// form whatever the member's keyboard or IME produced.
//
// Thread safety: a Normalizer is immutable after construction; Normalize() may be called from
// any number of threads at once.
#ifndef MADOGUCHI_TEXT_NORMALIZER_H_
#define MADOGUCHI_TEXT_NORMALIZER_H_

#include <unicode/utypes.h>  // ICU's versioned namespace, for the declaration below

#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

U_NAMESPACE_BEGIN
class Normalizer2;
U_NAMESPACE_END

namespace madoguchi::text {

// What Normalize() does, in order:
//  1. invalid UTF-8 repaired (U+FFFD), control and zero-width characters removed;
//  2. NFKC (full-width ASCII → ASCII, half-width kana → full-width, ① → 1, ㈱ → (株) …);
//  3. ASCII and other Latin letters lower-cased;
//  4. every dash, minus and box-drawing bar: after kana → ー (long vowel), else → "-";
//     wave dashes (〜 ～ 〰) → "~";
//  5. iteration marks ゝゞヽヾ spelled out (〻 → 々, which the dictionary knows);
//  6. runs of white space → one ASCII space, trimmed.
class Normalizer {
 public:
  // Fails only when ICU's NFKC data cannot be loaded.
  static StatusOr<std::unique_ptr<Normalizer>> Create();

  std::string Normalize(std::string_view input) const;

 private:
  explicit Normalizer(const icu::Normalizer2* nfkc) : nfkc_(nfkc) {}
  const icu::Normalizer2* nfkc_;  // owned by ICU, lives for the process
};

}  // namespace madoguchi::text

#endif  // MADOGUCHI_TEXT_NORMALIZER_H_
