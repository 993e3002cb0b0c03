#include "search/retrieval_metrics.h"

#include <gtest/gtest.h>

#include <cmath>

namespace madoguchi::search {
namespace {

TEST(RetrievalMetricsTest, EmptyIsZero) {
  RetrievalMetrics m;
  EXPECT_EQ(m.queries(), 0);
  EXPECT_EQ(m.Ndcg(), 0);
  EXPECT_EQ(m.Mrr(), 0);
}

TEST(RetrievalMetricsTest, FirstPlaceIsPerfect) {
  RetrievalMetrics m;
  m.Add(1);
  EXPECT_DOUBLE_EQ(m.Ndcg(), 1);
  EXPECT_DOUBLE_EQ(m.Recall(), 1);
  EXPECT_DOUBLE_EQ(m.Mrr(), 1);
  EXPECT_DOUBLE_EQ(m.Top1(), 1);
}

TEST(RetrievalMetricsTest, LowerRanksDiscountAndMissesCountAsZero) {
  RetrievalMetrics m;
  m.Add(3);   // nDCG 1/log2(4) = 0.5, RR 1/3
  m.Add(0);   // not returned
  m.Add(12);  // past the cutoff: MRR only
  EXPECT_EQ(m.queries(), 3);
  EXPECT_DOUBLE_EQ(m.Ndcg(), 0.5 / 3);
  EXPECT_DOUBLE_EQ(m.Recall(), 1.0 / 3);
  EXPECT_DOUBLE_EQ(m.Mrr(), (1.0 / 3 + 1.0 / 12) / 3);
  EXPECT_DOUBLE_EQ(m.Top1(), 0);
}

}  // namespace
}  // namespace madoguchi::search
