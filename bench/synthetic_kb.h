// Generates a large synthetic knowledge base from the vocabulary of a real one, for measuring
// load time and answer latency at scale (10,000 entries and more).
#ifndef MADOGUCHI_BENCH_SYNTHETIC_KB_H_
#define MADOGUCHI_BENCH_SYNTHETIC_KB_H_

#include <string>
#include <vector>

namespace madoguchi::bench {

// Writes DIR/<program>/{program.json,faq.json} with `entries` entries whose questions and
// alternates are random recombinations of the words found in `source_kb`'s questions. Returns
// sample queries (alternates of random generated entries). Deterministic for a given seed.
std::vector<std::string> WriteSyntheticKb(const std::string& source_kb, const std::string& dir,
                                          const std::string& program, int entries,
                                          unsigned seed = 42);

}  // namespace madoguchi::bench

#endif  // MADOGUCHI_BENCH_SYNTHETIC_KB_H_
