#include "http_front/request_parser.h"

#include <gtest/gtest.h>

#include <string>

namespace madoguchi::http_front {
namespace {

ParseError Parse(const std::string& head, Request& r, BodyFraming& f,
                 const ParserLimits& limits = {}) {
  return ParseHead(head, limits, r, f);
}

TEST(FindHeadEnd, FindsTheBlankLineWithOrWithoutCarriageReturns) {
  EXPECT_EQ(FindHeadEnd("GET / HTTP/1.1\r\nA: b\r\n\r\nbody", 0), 24u);
  EXPECT_EQ(FindHeadEnd("GET / HTTP/1.1\nA: b\n\nbody", 0), 21u);
  EXPECT_EQ(FindHeadEnd("GET / HTTP/1.1\r\nA: b\r\n", 0), std::string::npos);
}

TEST(FindHeadEnd, ResumesWhereItLeftOff) {
  const std::string head = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  // Fed one byte at a time, it finds the end exactly when the last byte arrives.
  size_t scanned = 0;
  for (size_t n = 1; n <= head.size(); ++n) {
    const size_t end = FindHeadEnd(std::string_view(head).substr(0, n), scanned);
    if (n < head.size()) {
      ASSERT_EQ(end, std::string::npos) << n;
    } else {
      EXPECT_EQ(end, head.size());
    }
    scanned = n;
  }
}

TEST(ParseHead, ReadsRequestLineHeadersAndQuery) {
  Request r;
  BodyFraming f;
  ASSERT_TRUE(Parse("GET /api/v1/search?program=kagawa&q=%E6%9C%89+%E5%8A%B9 HTTP/1.1\r\n"
                    "Host: example\r\nX-Thing:  spaced value \t\r\n\r\n",
                    r, f)
                  .ok());
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.path, "/api/v1/search");
  EXPECT_EQ(r.Param("program"), "kagawa");
  EXPECT_EQ(r.Param("q"), "有 効");
  EXPECT_EQ(r.Header("x-thing"), "spaced value");
  EXPECT_EQ(f.mode, BodyFraming::Mode::kNone);
  EXPECT_TRUE(f.keep_alive);
}

TEST(ParseHead, ConnectionDefaultsFollowTheVersion) {
  Request r1, r2, r3;
  BodyFraming f1, f2, f3;
  ASSERT_TRUE(Parse("GET / HTTP/1.1\r\nConnection: close\r\n\r\n", r1, f1).ok());
  EXPECT_FALSE(f1.keep_alive);
  ASSERT_TRUE(Parse("GET / HTTP/1.0\r\n\r\n", r2, f2).ok());
  EXPECT_FALSE(f2.keep_alive);
  ASSERT_TRUE(Parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", r3, f3).ok());
  EXPECT_TRUE(f3.keep_alive);
}

TEST(ParseHead, FramesBodiesByLengthOrChunks) {
  Request r1, r2;
  BodyFraming f1, f2;
  ASSERT_TRUE(
      Parse("POST / HTTP/1.1\r\nContent-Length: 12\r\nExpect: 100-continue\r\n\r\n", r1, f1).ok());
  EXPECT_EQ(f1.mode, BodyFraming::Mode::kLength);
  EXPECT_EQ(f1.length, 12u);
  EXPECT_TRUE(f1.expect_continue);
  ASSERT_TRUE(Parse("POST / HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n", r2, f2).ok());
  EXPECT_EQ(f2.mode, BodyFraming::Mode::kChunked);
}

TEST(ParseHead, RefusesWhatCouldBeSmuggledOrIsTooBig) {
  struct Case {
    const char* head;
    int status;
  };
  const Case cases[] = {
      {"POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501},
      {"POST / HTTP/1.1\r\nContent-Length: 70000\r\n\r\n", 413},
      {"GET / HTTP/2.0\r\n\r\n", 505},
      {"GET / FTP/1.0\r\n\r\n", 400},
      {"GET http://evil/ HTTP/1.1\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\n folded: header\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nBad Name: x\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nNoColon\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nX: a\x01z\r\n\r\n", 400},
      {"GET\r\n\r\n", 400},
  };
  for (const Case& c : cases) {
    Request r;
    BodyFraming f;
    EXPECT_EQ(Parse(c.head, r, f).status, c.status) << c.head;
  }
}

TEST(ParseHead, CountsHeadersAndBytes) {
  std::string many = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 65; ++i) many += "X-" + std::to_string(i) + ": v\r\n";
  many += "\r\n";
  Request r1;
  BodyFraming f1;
  EXPECT_EQ(Parse(many, r1, f1).status, 431);
  Request r2;
  BodyFraming f2;
  const std::string big = "GET / HTTP/1.1\r\nX: " + std::string(20000, 'a') + "\r\n\r\n";
  EXPECT_EQ(Parse(big, r2, f2).status, 431);
}

std::string Decode(ChunkedDecoder& d, const std::string& wire, ParseError* error, bool* done) {
  std::string body;
  size_t consumed = 0;
  *error = d.Feed(wire, consumed, body, *done);
  return body;
}

TEST(ChunkedDecoder, DecodesWithExtensionsAndTrailers) {
  ChunkedDecoder d(ParserLimits{});
  ParseError e;
  bool done = false;
  const std::string body =
      Decode(d, "5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nTrailer: x\r\n\r\n", &e, &done);
  EXPECT_TRUE(e.ok());
  EXPECT_TRUE(done);
  EXPECT_EQ(body, "hello, world");
}

TEST(ChunkedDecoder, TakesBytesOneAtATime) {
  ChunkedDecoder d(ParserLimits{});
  const std::string wire = "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
  std::string body;
  bool done = false;
  for (size_t i = 0; i < wire.size(); ++i) {
    size_t consumed = 0;
    ASSERT_TRUE(d.Feed(wire.substr(i, 1), consumed, body, done).ok());
    ASSERT_EQ(consumed, 1u);
    ASSERT_EQ(done, i + 1 == wire.size());
  }
  EXPECT_EQ(body, "abcde");
}

TEST(ChunkedDecoder, RefusesABodyOverTheLimitBeforeReadingIt) {
  ParserLimits limits;
  limits.max_body_bytes = 10;
  ChunkedDecoder d(limits);
  ParseError e;
  bool done = false;
  Decode(d, "8\r\n12345678\r\n8\r\n", &e, &done);
  EXPECT_EQ(e.status, 413);
  ChunkedDecoder huge(limits);
  Decode(huge, "ffffffffffffff\r\n", &e, &done);
  EXPECT_EQ(e.status, 413);
}

TEST(ChunkedDecoder, RefusesMalformedFraming) {
  for (const char* wire : {"zz\r\n", "3\r\nabcdef\r\n", "\r\n", "fffffffffffffffffff\r\n"}) {
    ChunkedDecoder d(ParserLimits{});
    ParseError e;
    bool done = false;
    Decode(d, wire, &e, &done);
    EXPECT_EQ(e.status, 400) << wire;
  }
  ChunkedDecoder long_line(ParserLimits{});
  ParseError e;
  bool done = false;
  Decode(long_line, std::string(5000, '1'), &e, &done);
  EXPECT_EQ(e.status, 400);
}

TEST(DecodeUrl, DecodesEscapesAndKeepsBrokenOnes) {
  EXPECT_EQ(DecodeUrl("a%20b+c", false), "a b+c");
  EXPECT_EQ(DecodeUrl("a%20b+c", true), "a b c");
  EXPECT_EQ(DecodeUrl("100%", true), "100%");
  EXPECT_EQ(DecodeUrl("%zz%4", true), "%zz%4");
}

}  // namespace
}  // namespace madoguchi::http_front
