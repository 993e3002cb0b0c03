// Reading one HTTP/1.x request off a byte stream, within limits, without ever holding more than
// the limits allow: the request head is refused once it passes max_header_bytes, and a body is
// refused as soon as its declared length, or the sum of its chunks so far, passes
// max_body_bytes, before the rest of it is read.
//
// Strict where leniency lets requests be smuggled past a proxy: a request with both
// Content-Length and Transfer-Encoding, a transfer coding other than "chunked", conflicting
// lengths, folded or blank-named headers are all 400. A request with neither length nor coding
// has an empty body (RFC 9112 §6.3), so it never waits for bytes that will not come.
//
// Pure functions and a value type; thread-compatible.
#ifndef MADOGUCHI_ADAPTERS_HTTP_FRONT_REQUEST_PARSER_H_
#define MADOGUCHI_ADAPTERS_HTTP_FRONT_REQUEST_PARSER_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "http_front/request.h"

namespace madoguchi::http_front {

struct ParserLimits {
  // Request line and headers together, terminating blank line included. Default: 16 KiB.
  size_t max_header_bytes = 16 * 1024;
  // Header lines. Default: 64.
  size_t max_headers = 64;
  // Decoded body. Default: 64 KiB.
  size_t max_body_bytes = 64 * 1024;
};

// Where the head ends: the offset just past the blank line that ends it, or npos while it has
// not arrived. Scanning starts at `from` (a previous call's buffer size), so a head trickled in
// byte by byte costs linear time, not quadratic.
size_t FindHeadEnd(std::string_view buffer, size_t from);

// How the body that follows a head is framed.
struct BodyFraming {
  enum class Mode { kNone, kLength, kChunked };
  Mode mode = Mode::kNone;
  size_t length = 0;             // kLength
  bool expect_continue = false;  // "Expect: 100-continue" with a body to come
  bool keep_alive = true;        // the connection may carry another request after this one
};

// The outcome of parsing a head or a body: 0 when fine, else the status to refuse it with
// (400, 413, 431, 501, 505), with a short reason for the operator's log.
struct ParseError {
  int status = 0;
  const char* reason = "";
  bool ok() const { return status == 0; }
};

// Parses a complete head (as delimited by FindHeadEnd) into method, target, path, version,
// headers and query parameters of `out`, and says how its body is framed.
ParseError ParseHead(std::string_view head, const ParserLimits& limits, Request& out,
                     BodyFraming& framing);

// Decodes a chunked body as its bytes arrive.
class ChunkedDecoder {
 public:
  explicit ChunkedDecoder(const ParserLimits& limits) : limits_(limits) {}

  // Consumes what it can of `data` (sets `consumed`), appending chunk data to `body`. Returns
  // done=true once the last chunk and trailers are read; an error as soon as the body passes
  // max_body_bytes (413) or is malformed (400).
  ParseError Feed(std::string_view data, size_t& consumed, std::string& body, bool& done);

 private:
  enum class State { kSize, kData, kDataEnd, kTrailer };
  static constexpr size_t kMaxLineBytes = 1024;

  ParserLimits limits_;
  State state_ = State::kSize;
  size_t remaining_ = 0;  // of the current chunk
  size_t trailer_bytes_ = 0;
  std::string line_;  // a size or trailer line in progress
};

}  // namespace madoguchi::http_front

#endif  // MADOGUCHI_ADAPTERS_HTTP_FRONT_REQUEST_PARSER_H_
