// A message from a member as the conversation sees it, whatever channel carried it.
#ifndef MADOGUCHI_DIALOGUE_MESSAGE_H_
#define MADOGUCHI_DIALOGUE_MESSAGE_H_

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
};

// What the conversation says back: usually one reply, sometimes a welcome before it.
struct Turn {
  std::vector<Reply> messages;
};

}  // namespace madoguchi::dialogue

#endif  // MADOGUCHI_DIALOGUE_MESSAGE_H_
