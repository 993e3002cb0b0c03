// What one HTTP request and its response are to the service's handlers, with no transport in
// them: the front (server.h) fills a Request from the wire and writes the Response back.
//
// Header names compare case-insensitively; parameters come from the query string and, for a
// form post (application/x-www-form-urlencoded), from the body, both percent-decoded.
// Plain values: thread-compatible.
#ifndef MADOGUCHI_ADAPTERS_HTTP_FRONT_REQUEST_H_
#define MADOGUCHI_ADAPTERS_HTTP_FRONT_REQUEST_H_

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace madoguchi::http_front {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;   // as sent: "GET", "POST"
  std::string target;   // as sent: path and query
  std::string path;     // the target's path, percent-decoded
  std::string version;  // "HTTP/1.1" or "HTTP/1.0"
  HeaderList headers;   // in order, names as sent, values without surrounding blanks
  std::multimap<std::string, std::string> params;
  std::string body;         // decoded (chunked bodies arrive whole)
  std::string remote_addr;  // the peer's address, without the port
  // What a router's pattern captured from the path ("/v1/members/{}/grants"), in order; the
  // front leaves it empty.
  std::vector<std::string> path_params;

  // The first value of the header, or empty.
  std::string Header(std::string_view name) const;
  bool HasHeader(std::string_view name) const;
  // The first value of the parameter, or empty.
  std::string Param(std::string_view name) const;
  bool HasParam(std::string_view name) const;
};

struct Response {
  int status = 200;
  HeaderList headers;  // Content-Length and Connection are the front's to write
  std::string body;

  // Replaces every header of that name.
  void SetHeader(std::string name, std::string value);
  void SetContent(std::string body, std::string content_type);
  std::string Header(std::string_view name) const;
};

bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// Percent-decoding; `plus_as_space` for query strings and form bodies. A malformed escape is
// kept as it was.
std::string DecodeUrl(std::string_view text, bool plus_as_space);
// Adds each "name=value" of a query string or form body to `params`, decoded.
void ParseQuery(std::string_view query, std::multimap<std::string, std::string>& params);

// The reason phrase of a status line ("Not Found"); "Unknown" for statuses the service never
// sends.
const char* ReasonPhrase(int status);

}  // namespace madoguchi::http_front

#endif  // MADOGUCHI_ADAPTERS_HTTP_FRONT_REQUEST_H_
