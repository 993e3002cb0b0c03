#include "http_front/request_parser.h"

#include <cctype>
#include <vector>

namespace madoguchi::http_front {

namespace {

constexpr ParseError kOk{};

// RFC 9110 §5.6.2: the characters of a method or a header name.
bool IsTokenChar(char c) {
  const unsigned char u = static_cast<unsigned char>(c);
  if (std::isalnum(u)) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view StripCr(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// Whether a comma-separated header value lists `token` (Connection: keep-alive, Upgrade).
bool ListsToken(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    const size_t comma = value.find(',');
    if (EqualsIgnoreCase(Trim(value.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

bool ParseDecimal(std::string_view s, size_t& out) {
  if (s.empty() || s.size() > 18) return false;
  size_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<size_t>(c - '0');
  }
  out = v;
  return true;
}

bool ParseHex(std::string_view s, size_t& out) {
  if (s.empty() || s.size() > 15) return false;
  size_t v = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      d = c - 'A' + 10;
    } else {
      return false;
    }
    v = v * 16 + static_cast<size_t>(d);
  }
  out = v;
  return true;
}

ParseError ParseRequestLine(std::string_view line, Request& out) {
  const size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return {400, "malformed request line"};
  const size_t sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return {400, "malformed request line"};
  const std::string_view method = line.substr(0, sp1);
  const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  if (!IsToken(method)) return {400, "malformed method"};
  if (target.empty() || target.front() != '/') return {400, "target is not a path"};
  for (char c : target) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return {400, "malformed target"};
  }
  if (version != "HTTP/1.1" && version != "HTTP/1.0") {
    return version.rfind("HTTP/", 0) == 0 ? ParseError{505, "HTTP version not supported"}
                                          : ParseError{400, "malformed version"};
  }
  out.method = std::string(method);
  out.target = std::string(target);
  out.version = std::string(version);
  const size_t question = target.find('?');
  out.path = DecodeUrl(target.substr(0, question), false);
  if (question != std::string_view::npos) ParseQuery(target.substr(question + 1), out.params);
  return kOk;
}

ParseError ParseHeaderLine(std::string_view line, Request& out) {
  if (line.front() == ' ' || line.front() == '\t') return {400, "folded header"};
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return {400, "header without a colon"};
  const std::string_view name = line.substr(0, colon);
  if (!IsToken(name)) return {400, "malformed header name"};
  const std::string_view value = Trim(line.substr(colon + 1));
  for (char c : value) {
    const unsigned char u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) return {400, "control character in a header"};
  }
  out.headers.emplace_back(std::string(name), std::string(value));
  return kOk;
}

ParseError DecideFraming(const Request& request, const ParserLimits& limits, BodyFraming& framing) {
  framing = BodyFraming{};
  bool has_length = false;
  size_t length = 0;
  bool has_coding = false;
  std::string connection;
  for (const auto& [name, value] : request.headers) {
    if (EqualsIgnoreCase(name, "Content-Length")) {
      size_t n;
      if (!ParseDecimal(value, n)) return {400, "malformed Content-Length"};
      if (has_length && n != length) return {400, "conflicting Content-Length"};
      has_length = true;
      length = n;
    } else if (EqualsIgnoreCase(name, "Transfer-Encoding")) {
      // Only a single "chunked" is understood; anything else could be framed differently by a
      // proxy in front, which is how requests get smuggled.
      if (has_coding || !EqualsIgnoreCase(value, "chunked")) {
        return {501, "transfer coding not supported"};
      }
      has_coding = true;
    } else if (EqualsIgnoreCase(name, "Connection")) {
      connection += value + ",";
    }
  }
  if (has_length && has_coding) return {400, "both Content-Length and Transfer-Encoding"};
  framing.keep_alive = request.version == "HTTP/1.1" ? !ListsToken(connection, "close")
                                                     : ListsToken(connection, "keep-alive");
  if (has_coding) {
    framing.mode = BodyFraming::Mode::kChunked;
  } else if (has_length && length > 0) {
    if (length > limits.max_body_bytes) return {413, "declared body over the limit"};
    framing.mode = BodyFraming::Mode::kLength;
    framing.length = length;
  }
  framing.expect_continue = framing.mode != BodyFraming::Mode::kNone &&
                            EqualsIgnoreCase(request.Header("Expect"), "100-continue");
  return kOk;
}

}  // namespace

size_t FindHeadEnd(std::string_view buffer, size_t from) {
  size_t pos = from >= 3 ? from - 3 : 0;
  while (pos < buffer.size()) {
    const size_t nl = buffer.find('\n', pos);
    if (nl == std::string_view::npos) return std::string_view::npos;
    if (nl + 1 < buffer.size() && buffer[nl + 1] == '\n') return nl + 2;
    if (nl + 2 < buffer.size() && buffer[nl + 1] == '\r' && buffer[nl + 2] == '\n') return nl + 3;
    pos = nl + 1;
  }
  return std::string_view::npos;
}

ParseError ParseHead(std::string_view head, const ParserLimits& limits, Request& out,
                     BodyFraming& framing) {
  if (head.size() > limits.max_header_bytes) return {431, "request head over the limit"};
  bool first = true;
  size_t header_count = 0;
  while (!head.empty()) {
    const size_t nl = head.find('\n');
    const std::string_view line = StripCr(head.substr(0, nl));
    head = nl == std::string_view::npos ? std::string_view() : head.substr(nl + 1);
    if (first) {
      const ParseError e = ParseRequestLine(line, out);
      if (!e.ok()) return e;
      first = false;
      continue;
    }
    if (line.empty()) break;
    if (++header_count > limits.max_headers) return {431, "too many headers"};
    const ParseError e = ParseHeaderLine(line, out);
    if (!e.ok()) return e;
  }
  if (first) return {400, "empty request"};
  return DecideFraming(out, limits, framing);
}

ParseError ChunkedDecoder::Feed(std::string_view data, size_t& consumed, std::string& body,
                                bool& done) {
  done = false;
  size_t i = 0;
  while (i < data.size()) {
    if (state_ == State::kData) {
      const size_t n = std::min(remaining_, data.size() - i);
      body.append(data.substr(i, n));
      i += n;
      remaining_ -= n;
      if (remaining_ == 0) state_ = State::kDataEnd;
      continue;
    }
    // The other states read a line.
    const size_t nl = data.find('\n', i);
    const size_t end = nl == std::string_view::npos ? data.size() : nl;
    line_.append(data.substr(i, end - i));
    i = nl == std::string_view::npos ? data.size() : nl + 1;
    if (line_.size() > kMaxLineBytes) {
      consumed = i;
      return {400, "chunk line too long"};
    }
    if (nl == std::string_view::npos) break;
    const std::string_view line = StripCr(line_);
    switch (state_) {
      case State::kSize: {
        size_t size;
        if (!ParseHex(Trim(line.substr(0, line.find(';'))), size)) {
          consumed = i;
          return {400, "malformed chunk size"};
        }
        if (size == 0) {
          state_ = State::kTrailer;
        } else if (size > limits_.max_body_bytes - std::min(body.size(), limits_.max_body_bytes) ||
                   body.size() >= limits_.max_body_bytes) {
          consumed = i;
          return {413, "chunked body over the limit"};
        } else {
          remaining_ = size;
          state_ = State::kData;
        }
        break;
      }
      case State::kDataEnd:
        if (!line.empty()) {
          consumed = i;
          return {400, "chunk longer than its size"};
        }
        state_ = State::kSize;
        break;
      case State::kTrailer:
        if (line.empty()) {
          line_.clear();
          consumed = i;
          done = true;
          return kOk;
        }
        trailer_bytes_ += line.size();
        if (trailer_bytes_ > limits_.max_header_bytes) {
          consumed = i;
          return {431, "trailers over the limit"};
        }
        break;
      case State::kData:
        break;
    }
    line_.clear();
  }
  consumed = i;
  return kOk;
}

}  // namespace madoguchi::http_front
