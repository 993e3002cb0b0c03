#include "slack/app.h"

namespace madoguchi::slack {

const SlackWorkspace* SlackApp::FindWorkspace(std::string_view team_id) const {
  const SlackWorkspace* wildcard = nullptr;
  for (const SlackWorkspace& w : workspaces) {
    if (w.team_id.empty()) {
      if (wildcard == nullptr) wildcard = &w;
    } else if (w.team_id == team_id) {
      return &w;
    }
  }
  return wildcard;
}

std::string SlackApp::ProgramFor(std::string_view team_id, std::string_view channel_id) const {
  const SlackWorkspace* w = FindWorkspace(team_id);
  if (w == nullptr) return {};
  auto it = w->channel_programs.find(channel_id);
  return it != w->channel_programs.end() ? it->second : w->program;
}

}  // namespace madoguchi::slack
