#include "text/normalizer.h"

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include "text/kana.h"
#include "text/utf8.h"

namespace madoguchi::text {

namespace {

bool IsDashLike(char32_t c) {
  switch (c) {
    case U'-':
    case 0x2010:
    case 0x2011:
    case 0x2012:
    case 0x2013:
    case 0x2014:
    case 0x2015:
    case 0x2212:
    case 0x2043:
    case 0xFE58:
    case 0xFE63:
    case 0xFF0D:
    case 0x2500:
    case 0x2501:
    case 0x30FC:
    case 0xFF70:
    case 0x2E3A:
    case 0x2E3B:
      return true;
    default:
      return false;
  }
}

bool IsWaveDash(char32_t c) { return c == 0x301C || c == 0xFF5E || c == 0x3030 || c == U'~'; }

bool IsRemovable(char32_t c) {
  if (c == U'\t' || c == U'\n' || c == U'\r') return false;  // white space, folded below
  if (c < 0x20 || (c >= 0x7F && c < 0xA0)) return true;
  // Zero-width characters and the BOM: invisible, and they break tokens apart.
  return c == 0x200B || c == 0x200C || c == 0x200D || c == 0x2060 || c == 0xFEFF ||
         (c >= 0xFE00 && c <= 0xFE0F);
}

char32_t Voiced(char32_t c) {
  // か→が style: the voiced kana is the next code point for the rows that have one.
  bool has_voiced = (c >= 0x304B && c <= 0x3062 && (c - 0x304B) % 2 == 0) ||
                    (c >= 0x3064 && c <= 0x3069 && (c - 0x3064) % 2 == 0) ||
                    (c >= 0x306F && c <= 0x307D && (c - 0x306F) % 3 == 0);
  if (has_voiced) return c + 1;
  if (c >= 0x30A1 && c <= 0x30F6) {
    char32_t h = Voiced(c - 0x60);
    return h == c - 0x60 ? c : h + 0x60;
  }
  return c;
}

}  // namespace

StatusOr<std::unique_ptr<Normalizer>> Normalizer::Create() {
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(err);
  if (U_FAILURE(err) || nfkc == nullptr) {
    return Internal(std::string("ICU NFKC data unavailable: ") + u_errorName(err));
  }
  return std::unique_ptr<Normalizer>(new Normalizer(nfkc));
}

std::string Normalizer::Normalize(std::string_view input) const {
  // 1. Repair and drop invisible characters before ICU sees the text.
  std::u32string pre;
  for (char32_t c : DecodeUtf8(input)) {
    if (!IsRemovable(c)) pre.push_back(c);
  }
  // 2. NFKC.
  std::string repaired = EncodeUtf8(pre);
  icu::UnicodeString us = icu::UnicodeString::fromUTF8(repaired);
  UErrorCode err = U_ZERO_ERROR;
  icu::UnicodeString nfkc = nfkc_->normalize(us, err);
  if (U_FAILURE(err)) nfkc = us;
  // 3. Lower case (ASCII and Latin; kana and kanji have no case).
  nfkc.toLower(icu::Locale::getRoot());
  std::string folded;
  nfkc.toUTF8String(folded);

  // 4–6. Character-level folds that depend on neighbours.
  std::u32string in = DecodeUtf8(folded);
  std::u32string out;
  out.reserve(in.size());
  bool pending_space = false;
  for (char32_t c : in) {
    if (c == U' ' || c == U'\t' || c == U'\n' || c == U'\r' || c == 0x3000 || u_isUWhiteSpace(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) {
      out.push_back(U' ');
      pending_space = false;
    }
    char32_t prev = out.empty() ? 0 : out.back();
    if (IsDashLike(c)) {
      out.push_back(IsKana(prev) && prev != 0x30FC ? 0x30FC : (prev == 0x30FC ? 0 : U'-'));
      if (out.back() == 0) out.pop_back();  // ーー → ー: a doubled long vowel is the same word
      continue;
    }
    if (IsWaveDash(c)) {
      out.push_back(U'~');
      continue;
    }
    if (c == 0x303B) {  // 〻 → 々
      out.push_back(0x3005);
      continue;
    }
    if ((c == 0x309D || c == 0x30FD) && IsKana(prev)) {  // ゝ ヽ repeat the previous kana
      out.push_back(prev);
      continue;
    }
    if ((c == 0x309E || c == 0x30FE) && IsKana(prev)) {  // ゞ ヾ repeat it voiced
      out.push_back(Voiced(prev));
      continue;
    }
    out.push_back(c);
  }
  return EncodeUtf8(out);
}

}  // namespace madoguchi::text
