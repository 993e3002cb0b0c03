// The helpdesk conversation: one member's message in, the replies out, with what must be
// remembered between messages (last topic, a reissue in progress, the account link) kept in the
// ConversationStore.
//
//   answer     an FAQ entry and its follow-ups, the program's own with feedback buttons
//              (解決した / 解決しない; not greetings, thanks or help); a linked member gets only
//              the variant for their age;
//   live       a linked member's balance, lapsing points, exchange, rank or history from the
//              points core; unlinked members get the general rule and how to link, never data;
//   reissue    member number → birth date → confirm → a postcard request (the code is never shown);
//   link       a one-time URL to the link page; 「連携解除」 unlinks;
//   clarify    close candidates as choices; a tap answers;
//   fallback   nearest topics, the program's contacts and hours, and the question kept
//              (redacted) for staff.
//
// Each message is answered from one snapshot of the knowledge (KnowledgeSource::Current(),
// taken when Handle() starts), so a reload while it runs never mixes two knowledge bases.
//
// Thread safety: Handle() may run on many threads at once; two messages of the same
// conversation should be handled in order (channels deliver them so).
#ifndef MADOGUCHI_DIALOGUE_CONVERSATION_H_
#define MADOGUCHI_DIALOGUE_CONVERSATION_H_

#include <optional>
#include <string>

#include "base/date.h"
#include "base/status.h"
#include "dialogue/account_link.h"
#include "dialogue/answerer.h"
#include "dialogue/knowledge_source.h"
#include "dialogue/message.h"
#include "points/points_core.h"
#include "store/conversation_store.h"
#include "store/sealer.h"
#include "text/normalizer.h"

namespace madoguchi::dialogue {

struct ConversationOptions {
  // Questions longer than this many code points are cut before matching (the whole text is
  // never stored). Default: 1,000.
  size_t max_text_code_points = 1000;
  // Wrong inputs in a flow before it ends politely. Default: 3.
  int max_flow_failures = 3;
  // A short message with no clear answer of its own is read against the last topic.
  // Default: 25 code points.
  size_t follow_up_max_code_points = 25;
  int history_limit = 5;
};

class Conversation {
 public:
  // Everything borrowed; it must outlive the Conversation. The clock is borrowed once for the
  // Conversation's life, so a knowledge source that changes must keep the same clock.
  Conversation(const KnowledgeSource* knowledge, points::PointsCore* core,
               store::ConversationStore* store, AccountLinker* linker, const store::Sealer* sealer,
               const Clock* clock, const text::Normalizer* normalizer,
               const ConversationOptions& options = {});

  // NotFound for an unknown program; Unavailable when the conversation store fails (the caller
  // should retry: nothing was changed). A points core that is down is not an error: the member
  // is told politely and given the general answer.
  StatusOr<Turn> Handle(const Message& message);

 private:
  struct Context;
  Reply Welcome(const kb::ProgramKb& program) const;
  Reply Answer(Context& c, const Reply& matched);
  // The linked member's age today, when the conversation is linked and the core knows them.
  std::optional<int> LinkedAge(Context& c);
  Reply Live(Context& c, const kb::Entry& entry, const Reply& general);
  Reply StartReissue(Context& c);
  Reply ContinueReissue(Context& c, const std::string& text, const std::string& postback);
  // True (and the flow ended) when a message in the middle of a flow is plainly another
  // question: 「アカウント連携したい」 while being asked for a birth date.
  bool LeavesFlow(Context& c, const std::string& text);
  Reply LinkReply(Context& c);
  Reply Feedback(Context& c, const std::string& payload);
  void AddFeedbackChoices(Reply& r) const;
  void RecordUnanswered(const Context& c, const std::string& text, const Reply& r);

  const KnowledgeSource* knowledge_;
  points::PointsCore* core_;
  store::ConversationStore* store_;
  AccountLinker* linker_;
  const store::Sealer* sealer_;
  const Clock* clock_;
  const text::Normalizer* normalizer_;
  ConversationOptions options_;
};

}  // namespace madoguchi::dialogue

#endif  // MADOGUCHI_DIALOGUE_CONVERSATION_H_
