// The Slack app as the service is configured with it: one signing secret (one app, one Events
// API request URL, /webhook/slack) and the workspaces it is installed in, each with its bot token
// and the program its members ask about. Plain data, plus the lookups the handler and the worker
// share.
//
// Secrets (signing secret, bot tokens) come from the environment or a secrets file, never from
// the repository, and must never be logged.
#ifndef MADOGUCHI_ADAPTERS_SLACK_APP_H_
#define MADOGUCHI_ADAPTERS_SLACK_APP_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace madoguchi::slack {

// Slack's Web API, methods below it ("/chat.postMessage").
inline constexpr const char* kDefaultApiBaseUrl = "https://slack.com/api";

// One installation of the app.
struct SlackWorkspace {
  // Slack's team id ("T0123ABCD"). Empty: any team not listed elsewhere (a single-workspace
  // deployment need not know its id).
  std::string team_id;
  std::string bot_token;  // xoxb-…: authorises chat.postMessage in this workspace
  // The program of direct messages, and of channels not in `channel_programs`. Empty: only the
  // listed channels are answered.
  std::string program;
  // Slack channel id ("C0123…") → program, for workspaces where channels serve different
  // programs (#kagawa-points → kagawa).
  std::map<std::string, std::string, std::less<>> channel_programs;
};

struct SlackApp {
  std::string signing_secret;                     // verifies X-Slack-Signature
  std::string api_base_url = kDefaultApiBaseUrl;  // tests point it at a fake on 127.0.0.1
  // Team ids must be unique; at most one wildcard (empty team_id), which is consulted last.
  std::vector<SlackWorkspace> workspaces;

  // The workspace events of `team_id` belong to: the exact match, else the wildcard, else null.
  // The pointer is into `workspaces`, valid while it is not modified.
  const SlackWorkspace* FindWorkspace(std::string_view team_id) const;
  // The program a message in `channel_id` of `team_id` is answered from; empty when the
  // workspace is unknown or neither the channel nor the workspace names one (not ours).
  std::string ProgramFor(std::string_view team_id, std::string_view channel_id) const;
};

}  // namespace madoguchi::slack

#endif  // MADOGUCHI_ADAPTERS_SLACK_APP_H_
