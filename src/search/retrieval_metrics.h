// Ranking quality over a set of queries that each have one relevant entry: what
// `madoguchi eval-retrieval` reports. Plain value type; not thread-safe to Add() from several
// threads at once.
#ifndef MADOGUCHI_SEARCH_RETRIEVAL_METRICS_H_
#define MADOGUCHI_SEARCH_RETRIEVAL_METRICS_H_

namespace madoguchi::search {

class RetrievalMetrics {
 public:
  static constexpr int kCutoff = 10;  // nDCG@10, Recall@10

  // `rank` is the 1-based position of the relevant entry, or 0 when it was not returned.
  // Ranks past the cutoff count for MRR only.
  void Add(int rank);

  int queries() const { return queries_; }
  // Means over the queries added; 0 when none were.
  double Ndcg() const;    // 1 / log2(rank + 1) within the cutoff: one relevant entry, ideal 1
  double Recall() const;  // the share found within the cutoff
  double Mrr() const;     // mean of 1 / rank
  double Top1() const;    // the share found first

 private:
  double Mean(double sum) const { return queries_ ? sum / queries_ : 0; }
  int queries_ = 0;
  double ndcg_ = 0, recall_ = 0, mrr_ = 0, top1_ = 0;
};

}  // namespace madoguchi::search

#endif  // MADOGUCHI_SEARCH_RETRIEVAL_METRICS_H_
