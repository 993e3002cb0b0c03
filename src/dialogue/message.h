// A message from a member as the conversation sees it, whatever channel carried it.
#ifndef MADOGUCHI_DIALOGUE_MESSAGE_H_
#define MADOGUCHI_DIALOGUE_MESSAGE_H_

#include <memory>
#include <string>
#include <vector>

#include "dialogue/reply.h"
#include "store/conversation_store.h"

namespace madoguchi::dialogue {

struct Message {
  store::ConversationKey key;  // channel and user
  std::string program;
  std::string text;      // what the member typed; empty for a postback
  std::string postback;  // the payload of a tapped choice ("entry:kagawa-18", "feedback:yes:…")
  bool follow = false;   // the member just added the bot (LINE follow): welcome them
  // Which of the channel's accounts carried it: the LINE channel's name (one official account
  // among several); "" where a channel has one account. The account-link flow of LINE must
  // finish on the account the member talks to.
  std::string account{};
};

// What the conversation says back: usually one reply, sometimes a welcome before it.
struct Turn {
  std::vector<Reply> messages;
  // Keeps alive the knowledge the replies point into (Reply::candidates[].entry) for as long as
  // the Turn lives, so rendering it after a knowledge reload reads no freed entries. May be
  // null when the replies hold no such pointers. (Initialized so `Turn{{reply}}` stays an
  // aggregate without missing-initializer warnings.)
  std::shared_ptr<const void> knowledge = nullptr;
};

}  // namespace madoguchi::dialogue

#endif  // MADOGUCHI_DIALOGUE_MESSAGE_H_
