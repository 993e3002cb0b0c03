#include "http_front/request_reader.h"

namespace madoguchi::http_front {

RequestReader::Progress RequestReader::Refused(ParseError error) {
  error_ = error;
  return Progress::kRefused;
}

void RequestReader::Reset() { *this = RequestReader(limits_); }

bool RequestReader::TakeContinue() {
  const bool due = continue_due_;
  continue_due_ = false;
  return due;
}

RequestReader::Progress RequestReader::Advance(std::string& in) {
  if (!head_done_) {
    if (!started_) {
      // Blank lines before a request line are tolerated (RFC 9112 §2.2).
      const size_t skip = in.find_first_not_of("\r\n");
      in.erase(0, skip == std::string::npos ? in.size() : skip);
      if (in.empty()) return Progress::kNeedMore;
      started_ = true;
    }
    const size_t end = FindHeadEnd(in, scanned_);
    if (end == std::string::npos) {
      scanned_ = in.size();
      if (in.size() > limits_.max_header_bytes) {
        return Refused({431, "request head over the limit"});
      }
      return Progress::kNeedMore;
    }
    const ParseError e =
        ParseHead(std::string_view(in).substr(0, end), limits_, request_, framing_);
    in.erase(0, end);
    head_done_ = true;
    if (!e.ok()) return Refused(e);
    if (framing_.mode == BodyFraming::Mode::kChunked) chunked_.emplace(limits_);
    continue_due_ = framing_.expect_continue && in.empty();
  }
  bool complete = false;
  switch (framing_.mode) {
    case BodyFraming::Mode::kNone:
      complete = true;
      break;
    case BodyFraming::Mode::kLength:
      if (in.size() >= framing_.length) {
        request_.body = in.substr(0, framing_.length);
        in.erase(0, framing_.length);
        complete = true;
      }
      break;
    case BodyFraming::Mode::kChunked: {
      size_t consumed = 0;
      const ParseError e = chunked_->Feed(in, consumed, request_.body, complete);
      in.erase(0, consumed);
      if (!e.ok()) return Refused(e);
      break;
    }
  }
  if (!complete) return Progress::kNeedMore;
  if (request_.method == "POST" &&
      request_.Header("Content-Type").rfind("application/x-www-form-urlencoded", 0) == 0) {
    ParseQuery(request_.body, request_.params);
  }
  return Progress::kComplete;
}

}  // namespace madoguchi::http_front
