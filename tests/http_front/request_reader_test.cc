#include "http_front/request_reader.h"

#include <gtest/gtest.h>

#include <string>

namespace madoguchi::http_front {
namespace {

using Progress = RequestReader::Progress;

TEST(RequestReader, ReadsPipelinedRequestsOneAtATime) {
  RequestReader r(ParserLimits{});
  std::string in =
      "\r\nPOST /a HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
      "Content-Length: 7\r\n\r\nk=v%20wGET /b HTTP/1.1\r\n\r\n";
  ASSERT_EQ(r.Advance(in), Progress::kComplete);
  EXPECT_EQ(r.request().path, "/a");
  EXPECT_EQ(r.request().Param("k"), "v w");  // the form body's parameters
  r.Reset();
  EXPECT_FALSE(r.started());
  ASSERT_EQ(r.Advance(in), Progress::kComplete);
  EXPECT_EQ(r.request().path, "/b");
  EXPECT_TRUE(in.empty());
}

TEST(RequestReader, WaitsForTheBodyAndSaysWhenToContinue) {
  RequestReader r(ParserLimits{});
  std::string in = "POST /a HTTP/1.1\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n";
  EXPECT_EQ(r.Advance(in), Progress::kNeedMore);
  EXPECT_TRUE(r.started());
  EXPECT_TRUE(r.TakeContinue());
  EXPECT_FALSE(r.TakeContinue()) << "once";
  in += "hi";
  ASSERT_EQ(r.Advance(in), Progress::kComplete);
  EXPECT_EQ(r.request().body, "hi");
}

TEST(RequestReader, RefusesAHeadThatNeverEndsOnceItPassesTheLimit) {
  ParserLimits limits;
  limits.max_header_bytes = 64;
  RequestReader r(limits);
  std::string in = "GET / HTTP/1.1\r\nX: " + std::string(40, 'a');
  EXPECT_EQ(r.Advance(in), Progress::kNeedMore);
  in += std::string(40, 'a');
  EXPECT_EQ(r.Advance(in), Progress::kRefused);
  EXPECT_EQ(r.error().status, 431);
}

TEST(RequestReader, RefusesAChunkedBodyOverTheLimit) {
  ParserLimits limits;
  limits.max_body_bytes = 4;
  RequestReader r(limits);
  std::string in = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\n";
  EXPECT_EQ(r.Advance(in), Progress::kRefused);
  EXPECT_EQ(r.error().status, 413);
}

}  // namespace
}  // namespace madoguchi::http_front
