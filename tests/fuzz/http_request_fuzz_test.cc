// The HTTP front's request reader (adapters/http_front/request_reader.h) on mutated requests,
// fed whole and in random slices as a socket delivers them: never a crash, every refusal a
// status the front knows, nothing kept past the limits, and a request that parses the same
// however it was sliced.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "fuzz/mutator.h"
#include "http_front/request_reader.h"

namespace madoguchi::fuzz {
namespace {

using http_front::ParserLimits;
using http_front::RequestReader;

const std::vector<std::string> kSeeds = {
    "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
    "POST /api/v1/ask?x=%E6%9C%89+1 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    "Content-Length: 42\r\n\r\n{\"program\":\"kagawa\",\"text\":\"有効期限は？\"}",
    "POST /webhook/line/main HTTP/1.1\r\nTransfer-Encoding: chunked\r\nX-Line-Signature: abc=\r\n"
    "\r\n5;ext\r\nhello\r\n3\r\n!!!\r\n0\r\nTrailer: y\r\n\r\n",
    "POST /link HTTP/1.0\r\nConnection: keep-alive\r\nContent-Type: "
    "application/x-www-form-urlencoded\r\nContent-Length: 11\r\nExpect: 100-continue\r\n\r\n"
    "token=a%2Bb",
};
const std::vector<std::string> kDictionary = {"\r\n",
                                              "\r\n\r\n",
                                              "\n",
                                              ":",
                                              " ",
                                              "HTTP/1.1",
                                              "HTTP/1.0",
                                              "HTTP/2",
                                              "GET ",
                                              "POST ",
                                              "Content-Length: ",
                                              "Transfer-Encoding: chunked",
                                              "Connection: close",
                                              "Expect: 100-continue",
                                              "0\r\n\r\n",
                                              "ffffffffffffff\r\n",
                                              "%",
                                              "%zz",
                                              "?",
                                              "&",
                                              "=",
                                              "18446744073709551616",
                                              "-1",
                                              "\t"};

const std::set<int> kStatuses = {400, 413, 431, 501, 505};

struct Outcome {
  int status = 0;  // 0: parsed (complete or waiting for more)
  bool complete = false;
  std::string method, target, body;
};

// Feeds the reader the front runs per connection, the input cut into the pieces a socket
// would deliver (`cuts`: where each piece ends).
Outcome Feed(const std::string& input, const std::vector<size_t>& cuts,
             const ParserLimits& limits) {
  Outcome out;
  RequestReader reader(limits);
  std::string buffer;
  size_t from = 0;
  for (size_t k = 0; k <= cuts.size(); ++k) {
    const size_t to = k < cuts.size() ? cuts[k] : input.size();
    buffer.append(input, from, to - from);
    from = to;
    const RequestReader::Progress p = reader.Advance(buffer);
    EXPECT_LE(reader.framing().length, limits.max_body_bytes);
    EXPECT_LE(reader.request().body.size(), limits.max_body_bytes);
    if (p == RequestReader::Progress::kRefused) {
      out.status = reader.error().status;
      break;
    }
    if (p == RequestReader::Progress::kComplete) {
      out.complete = true;
      break;
    }
  }
  out.method = reader.request().method;
  out.target = reader.request().target;
  out.body = reader.request().body;
  return out;
}

std::vector<size_t> RandomCuts(Mutator& m, size_t size) {
  std::vector<size_t> cuts;
  size_t at = 0;
  while (size > 0 && at < size && cuts.size() < 64) {
    at += 1 + m.Below(std::max<size_t>(1, size / 4));
    if (at < size) cuts.push_back(at);
  }
  return cuts;
}

TEST(HttpRequestFuzz, MutatedRequestsParseTheSameHoweverTheyArrive) {
  ParserLimits limits;
  limits.max_body_bytes = 256;
  limits.max_header_bytes = 512;
  limits.max_headers = 16;
  Mutator m(0x68747470);
  for (int i = 0; i < Iterations(4000); ++i) {
    const std::string input = m.OneIn(8) ? m.Random(1 + m.Below(600), kDictionary)
                                         : m.Mutate(kSeeds[m.Below(kSeeds.size())], kDictionary);
    const Outcome whole = Feed(input, {}, limits);
    const Outcome sliced = Feed(input, RandomCuts(m, input.size()), limits);
    if (whole.status != 0) {
      EXPECT_TRUE(kStatuses.count(whole.status)) << whole.status;
    }
    // Slicing never changes a completed request; it may only refuse earlier (a head over the
    // limit is seen before its end arrives) or still be waiting.
    if (whole.complete && sliced.complete) {
      EXPECT_EQ(whole.method, sliced.method);
      EXPECT_EQ(whole.target, sliced.target);
      EXPECT_EQ(whole.body, sliced.body);
    }
    if (HasFailure()) FAIL() << "iteration " << i << ": " << testing::PrintToString(input);
  }
}

TEST(HttpRequestFuzz, ExtremeInputs) {
  ParserLimits limits;
  std::vector<std::string> inputs = ExtremeInputs(kSeeds[1]);
  inputs.push_back("GET / HTTP/1.1\r\n" + std::string(1 << 20, 'a'));
  inputs.push_back("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" +
                   std::string(1 << 20, '1'));
  std::string many = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 100000; ++i) many += "1\r\na\r\n";
  inputs.push_back(many);
  for (const std::string& input : inputs) {
    const Outcome o = Feed(input, {}, limits);
    if (o.status != 0) {
      EXPECT_TRUE(kStatuses.count(o.status)) << o.status;
    }
    EXPECT_LE(o.body.size(), limits.max_body_bytes);
  }
}

}  // namespace
}  // namespace madoguchi::fuzz
