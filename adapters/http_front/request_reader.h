// One request after another off a connection's bytes, as they arrive: the request parser's
// pieces (request_parser.h) in the order the wire gives them, head, then the body framed as the
// head says. The front runs one per connection; tests drive it with bytes cut anywhere.
//
// Value type; thread-compatible.
#ifndef MADOGUCHI_ADAPTERS_HTTP_FRONT_REQUEST_READER_H_
#define MADOGUCHI_ADAPTERS_HTTP_FRONT_REQUEST_READER_H_

#include <optional>
#include <string>

#include "http_front/request.h"
#include "http_front/request_parser.h"

namespace madoguchi::http_front {

class RequestReader {
 public:
  enum class Progress { kNeedMore, kComplete, kRefused };

  explicit RequestReader(const ParserLimits& limits) : limits_(limits) {}

  // Consumes what it can from the front of `in` (bytes of a later request stay there).
  // kComplete: request() is whole, the parameters of a form body included. kRefused: error()
  // says with which status, as soon as the head or body passes the limits or cannot be framed.
  // After either, call Reset() before reading on.
  Progress Advance(std::string& in);
  // Ready for the next request on the same connection.
  void Reset();

  // Whether the current request's first byte has arrived (blank lines before it are skipped).
  bool started() const { return started_; }
  // True once, right after a head that asks "Expect: 100-continue" when none of its body has
  // arrived yet: the moment to send "100 Continue".
  bool TakeContinue();

  Request& request() { return request_; }
  const Request& request() const { return request_; }
  const BodyFraming& framing() const { return framing_; }
  const ParseError& error() const { return error_; }

 private:
  Progress Refused(ParseError error);

  ParserLimits limits_;
  bool started_ = false;
  bool head_done_ = false;
  bool continue_due_ = false;
  size_t scanned_ = 0;  // of the head, so far without its end
  BodyFraming framing_;
  std::optional<ChunkedDecoder> chunked_;
  Request request_;
  ParseError error_;
};

}  // namespace madoguchi::http_front

#endif  // MADOGUCHI_ADAPTERS_HTTP_FRONT_REQUEST_READER_H_
