// Deterministic, bounded random inputs for the fuzz tests: valid seeds mutated the way broken
// clients, truncated uploads and hostile senders break them (bit flips, cut and repeated
// ranges, invalid UTF-8, tokens of the format), JSON documents mutated node by node (wrong
// types, missing keys, huge values, deep nesting), and a few extreme inputs every parser must
// survive. A fixed seed makes every run the same, so a failure names the input that caused it.
//
// MADOGUCHI_FUZZ_ITERATIONS scales the iterations of every test (default 1: the counts the
// tests give, a few seconds each in a Debug build); e.g. 50 for a longer local run.
#ifndef MADOGUCHI_TESTS_FUZZ_MUTATOR_H_
#define MADOGUCHI_TESTS_FUZZ_MUTATOR_H_

#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace madoguchi::fuzz {

// The iterations a test runs: `base` times MADOGUCHI_FUZZ_ITERATIONS.
inline int Iterations(int base) {
  const char* scale = std::getenv("MADOGUCHI_FUZZ_ITERATIONS");
  const long factor = scale != nullptr ? std::strtol(scale, nullptr, 10) : 1;
  return base * static_cast<int>(factor > 0 ? factor : 1);
}

// Byte sequences that are not UTF-8, or are UTF-8 that text code often gets wrong.
inline const std::vector<std::string>& TrickyBytes() {
  static const std::vector<std::string> kBytes = {
      "\x80",                                          // a lone continuation byte
      "\xc3",                                          // a lead byte without its continuation
      "\xe3\x81",                                      // a three-byte character cut short
      "\xc0\x80",                                      // an overlong NUL
      "\xed\xa0\x80",                                  // a UTF-16 surrogate
      "\xf4\x90\x80\x80",                              // beyond U+10FFFF
      "\xff\xfe",                                      // never valid
      std::string("\0", 1),                            // NUL
      "\xef\xbb\xbf",                                  // a byte-order mark
      "\xe2\x80\x8b",                                  // zero-width space
      "\xcc\x81\xcc\x81\xcc\x81",                      // combining marks
      "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9",  // an emoji sequence with a joiner
      "\xef\xbc\x91\xef\xbc\x92",                      // full-width digits
      "\xef\xbd\xb6\xef\xbe\x9e",                      // half-width kana with a voicing mark
  };
  return kBytes;
}

class Mutator {
 public:
  explicit Mutator(uint64_t seed) : rng_(seed) {}

  size_t Below(size_t n) {
    return n == 0 ? 0 : std::uniform_int_distribution<size_t>(0, n - 1)(rng_);
  }
  bool OneIn(size_t n) { return Below(n) == 0; }
  uint8_t Byte() { return static_cast<uint8_t>(Below(256)); }

  // `input` with 1 to 4 random edits; `dictionary`: tokens of the input's format, inserted
  // whole so the parser gets past its first checks.
  std::string Mutate(std::string input, const std::vector<std::string>& dictionary = {}) {
    const size_t edits = 1 + Below(4);
    for (size_t i = 0; i < edits; ++i) Edit(input, dictionary);
    return input;
  }

  // A string of `n` random bytes, or of random pieces of the tricky bytes and the dictionary.
  std::string Random(size_t n, const std::vector<std::string>& dictionary = {}) {
    std::string out;
    while (out.size() < n) {
      switch (Below(3)) {
        case 0:
          out += static_cast<char>(Byte());
          break;
        case 1:
          out += TrickyBytes()[Below(TrickyBytes().size())];
          break;
        default:
          if (!dictionary.empty()) out += dictionary[Below(dictionary.size())];
      }
    }
    return out;
  }

  // `doc` with one node replaced, removed or wrapped: wrong types, huge or negative numbers,
  // strings of every kind, empty and deeply nested containers.
  void MutateJson(nlohmann::json& doc) {
    std::vector<nlohmann::json*> nodes;
    Collect(doc, nodes);
    nlohmann::json* node = nodes[Below(nodes.size())];
    switch (Below(4)) {
      case 0:  // a key or element removed
        if (node->is_object() && !node->empty()) {
          auto it = node->begin();
          std::advance(it, static_cast<long>(Below(node->size())));
          const std::string key = it.key();
          node->erase(key);
          return;
        }
        if (node->is_array() && !node->empty()) {
          node->erase(Below(node->size()));
          return;
        }
        [[fallthrough]];
      case 1:  // a key added with an odd value
        if (node->is_object()) {
          (*node)[AnyKey(*node)] = AnyValue();
          return;
        }
        [[fallthrough]];
      default:  // the node replaced
        *node = AnyValue();
    }
  }

 private:
  void Edit(std::string& s, const std::vector<std::string>& dictionary) {
    const size_t at = Below(s.size() + 1);
    switch (Below(9)) {
      case 0:  // flip a bit
        if (!s.empty()) s[Below(s.size())] ^= static_cast<char>(1 << Below(8));
        break;
      case 1:  // set a byte
        if (!s.empty()) s[Below(s.size())] = static_cast<char>(Byte());
        break;
      case 2:  // insert random bytes
        s.insert(at, Random(1 + Below(8)));
        break;
      case 3: {  // delete a range
        const size_t n = Below(s.size() - std::min(at, s.size()) + 1);
        s.erase(std::min(at, s.size()), n);
        break;
      }
      case 4:  // truncate, often inside a multi-byte character
        s.resize(at);
        break;
      case 5: {  // repeat a range
        if (s.empty()) break;
        const size_t from = Below(s.size());
        const std::string piece = s.substr(from, 1 + Below(std::min<size_t>(64, s.size() - from)));
        for (size_t k = 1 + Below(8); k > 0; --k) s.insert(std::min(at, s.size()), piece);
        break;
      }
      case 6:  // invalid or tricky UTF-8
        s.insert(at, TrickyBytes()[Below(TrickyBytes().size())]);
        break;
      case 7:  // a token of the format
        if (!dictionary.empty()) s.insert(at, dictionary[Below(dictionary.size())]);
        break;
      default:  // swap two bytes
        if (s.size() > 1) std::swap(s[Below(s.size())], s[Below(s.size())]);
    }
  }

  static void Collect(nlohmann::json& j, std::vector<nlohmann::json*>& out) {
    out.push_back(&j);
    if (j.is_structured()) {
      for (auto& child : j) Collect(child, out);
    }
  }

  std::string AnyKey(const nlohmann::json& object) {
    if (!object.empty() && OneIn(2)) {
      auto it = object.begin();
      std::advance(it, static_cast<long>(Below(object.size())));
      return it.key() + (OneIn(2) ? "" : "x");
    }
    static const std::vector<std::string> kKeys = {"",       "type",    "id",     "text",
                                                   "events", "message", "source", "event"};
    return kKeys[Below(kKeys.size())];
  }

  nlohmann::json AnyValue() {
    switch (Below(12)) {
      case 0:
        return nullptr;
      case 1:
        return OneIn(2);
      case 2:
        return static_cast<int64_t>(rng_());
      case 3:
        return OneIn(2) ? INT64_MIN : INT64_MAX;
      case 4:
        return UINT64_MAX;
      case 5:
        return OneIn(2) ? -1.5e308 : 1e-300;
      case 6:
        return std::string();
      case 7:
        return std::string(1000 + Below(20'000), OneIn(2) ? 'a' : ' ');
      case 8:
        // Valid UTF-8 only: a json string is dumped, and invalid bytes cannot be.
        return std::string("\xe4\xbb\xa4\xe5\x92\x8c") + std::to_string(Below(100)) +
               "\xe5\xb9\xb4";  // 令和N年
      case 9:
        return nlohmann::json::array();
      case 10:
        return nlohmann::json::object();
      default: {
        nlohmann::json deep = nlohmann::json::array();
        for (size_t depth = 1 + Below(200); depth > 0; --depth) {
          deep = nlohmann::json::array({std::move(deep)});
        }
        return deep;
      }
    }
  }

  std::mt19937_64 rng_;
};

// Inputs every parser of text or JSON must survive, whatever it makes of them.
inline std::vector<std::string> ExtremeInputs(const std::string& seed) {
  std::vector<std::string> out = {
      "",
      std::string(1, '\0'),
      std::string(100'000, '['),
      std::string(100'000, '{'),
      [] {
        std::string s;
        for (int i = 0; i < 50'000; ++i) s += "{\"a\":";
        return s;
      }(),
      std::string(1 << 20, 'a'),
      std::string(20'000, '9'),
      [] {
        std::string s;
        for (int b = 0; b < 256; ++b) s += static_cast<char>(b);
        return s;
      }(),
  };
  std::string repeated;
  while (!seed.empty() && repeated.size() < (1 << 20)) repeated += seed;
  out.push_back(repeated);
  std::string tricky;
  for (int i = 0; i < 2000; ++i) tricky += TrickyBytes()[i % TrickyBytes().size()];
  out.push_back(tricky);
  return out;
}

}  // namespace madoguchi::fuzz

#endif  // MADOGUCHI_TESTS_FUZZ_MUTATOR_H_
