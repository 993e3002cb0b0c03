// One LINE channel (an official account) as the service is configured with it. Plain data.
//
// The webhook route is /webhook/line/{name}; the secret verifies its webhooks and the access
// token authorises its replies. Both come from the environment or a secrets file, never from
// the repository, and must never be logged.
#ifndef MADOGUCHI_ADAPTERS_LINE_CHANNEL_H_
#define MADOGUCHI_ADAPTERS_LINE_CHANNEL_H_

#include <string>

namespace madoguchi::line {

inline constexpr const char* kDefaultApiBaseUrl = "https://api.line.me";
// Where LINE's account-link dialog is (<this>/dialog/bot/accountLink?linkToken=…&nonce=…).
inline constexpr const char* kDefaultAccessBaseUrl = "https://access.line.me";

struct LineChannel {
  std::string name;            // the route segment and log label: "kagawa"
  std::string program;         // the knowledge-base program its members ask about
  std::string channel_secret;  // verifies X-Line-Signature
  std::string access_token;    // channel access token, sent as a bearer token
  std::string api_base_url = kDefaultApiBaseUrl;  // tests point it at a fake on 127.0.0.1
};

}  // namespace madoguchi::line

#endif  // MADOGUCHI_ADAPTERS_LINE_CHANNEL_H_
