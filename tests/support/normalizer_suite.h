// A test suite sharing one text::Normalizer, created once before its first test (ICU loads its
// NFKC data then) and deleted after its last. Derive a fixture from it and use `normalizer_`.
#ifndef MADOGUCHI_TESTS_SUPPORT_NORMALIZER_SUITE_H_
#define MADOGUCHI_TESTS_SUPPORT_NORMALIZER_SUITE_H_

#include <gtest/gtest.h>

#include "text/normalizer.h"

namespace madoguchi::support {

class NormalizerSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto created = text::Normalizer::Create();
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    normalizer_ = std::move(created).value().release();
  }
  static void TearDownTestSuite() {
    delete normalizer_;
    normalizer_ = nullptr;
  }

  static inline const text::Normalizer* normalizer_ = nullptr;
};

}  // namespace madoguchi::support

#endif  // MADOGUCHI_TESTS_SUPPORT_NORMALIZER_SUITE_H_
