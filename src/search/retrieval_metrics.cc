#include "search/retrieval_metrics.h"

#include <cmath>

namespace madoguchi::search {

void RetrievalMetrics::Add(int rank) {
  ++queries_;
  if (rank <= 0) return;
  mrr_ += 1.0 / rank;
  if (rank == 1) top1_ += 1;
  if (rank <= kCutoff) {
    recall_ += 1;
    ndcg_ += 1.0 / std::log2(rank + 1.0);
  }
}

double RetrievalMetrics::Ndcg() const { return Mean(ndcg_); }
double RetrievalMetrics::Recall() const { return Mean(recall_); }
double RetrievalMetrics::Mrr() const { return Mean(mrr_); }
double RetrievalMetrics::Top1() const { return Mean(top1_); }

}  // namespace madoguchi::search
