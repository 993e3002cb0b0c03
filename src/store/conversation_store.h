// What the conversation keeps between messages, behind one interface so the embedded SQLite
// store and a shared one (PostgreSQL, for several replicas) are interchangeable.
//
// A conversation is keyed by (channel, user): "line:U4af4…", "api:widget-123". Nothing here
// holds a typed member number, birth date or auth code in clear text: flow slots and links are
// sealed (see sealer.h) before they reach the store, and unanswered questions are redacted.
//
// Thread safety: implementations are safe to call from many threads at once.
#ifndef MADOGUCHI_STORE_CONVERSATION_STORE_H_
#define MADOGUCHI_STORE_CONVERSATION_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace madoguchi::store {

struct ConversationKey {
  std::string channel;  // "line", "slack", "api", "cli"
  std::string user;     // the channel's user id
  std::string ToString() const { return channel + ":" + user; }
};

struct ConversationState {
  std::string program;
  std::string last_entry_id;  // the last topic answered, for short follow-ups
  std::string flow;           // the multi-step flow in progress: "", "reissue"
  int flow_step = 0;
  int flow_failures = 0;
  std::string sealed_slots;  // the flow's slots, sealed
  bool greeted = false;      // the welcome message was shown
  int64_t updated_at = 0;    // unix seconds
};

struct Link {
  std::string program;
  std::string sealed_member_id;  // sealed member number
  int64_t linked_at = 0;
};

struct LinkToken {
  ConversationKey key;
  std::string program;
  int64_t expires_at = 0;
  // Which of the channel's accounts the link was asked through (a LINE channel's name), for
  // flows that finish on that same account; "" where a channel has one account.
  std::string account{};
};

// LINE's account-link flow between the link page and LINE's accountLink event: the member
// proved who they are on the page, and LINE has yet to confirm which chat account is theirs.
// Stored by the nonce's SHA-256, never in clear; the member number is sealed.
struct LinkNonce {
  ConversationKey key;  // the conversation the page's token was issued for
  std::string account;  // the channel account (LINE channel's name) whose link token it goes with
  std::string program;
  std::string sealed_member_id;
  int64_t expires_at = 0;
};

struct Feedback {
  ConversationKey key;
  std::string program;
  std::string entry_id;
  bool resolved = false;
  int64_t at = 0;
};

struct Unanswered {
  std::string program;
  std::string channel;
  std::string redacted_text;
  std::string nearest_entry_id;  // empty when nothing was near
  float confidence = 0;
  int64_t at = 0;
};

// How many replies of one program had each outcome on one Asia/Tokyo calendar day: counts only,
// never what was asked or answered, so they can be kept for as long as staff want the trend.
struct DailyOutcomes {
  std::string day;  // "2026-04-15"
  int64_t answer = 0;
  int64_t clarify = 0;
  int64_t fallback = 0;
};

// What every store honours, whichever database holds it.
struct ConversationStoreOptions {
  // Conversation state untouched for longer reads as absent. Default: 24 hours.
  int64_t state_ttl_seconds = 24 * 3600;
};

class ConversationStore {
 public:
  virtual ~ConversationStore() = default;

  // State older than the store's time-to-live (ConversationStoreOptions) reads as absent: the
  // topic and any flow are forgotten, but the program and whether the member was greeted are
  // kept, so a returning member is not welcomed as new.
  virtual StatusOr<std::optional<ConversationState>> GetState(const ConversationKey& key) = 0;
  virtual Status PutState(const ConversationKey& key, const ConversationState& state) = 0;
  // Forgets state, link and pending link nonces (a LINE unfollow, a member's request).
  virtual Status Forget(const ConversationKey& key) = 0;

  virtual StatusOr<std::optional<Link>> GetLink(const ConversationKey& key) = 0;
  virtual Status PutLink(const ConversationKey& key, const Link& link) = 0;
  virtual Status DeleteLink(const ConversationKey& key) = 0;

  // One-time link tokens are stored by their SHA-256, never in clear.
  virtual Status PutLinkToken(const std::string& token_hash, const LinkToken& token) = 0;
  // Returns the token and deletes it in one step, so a token works once; NotFound when it is
  // unknown, used or expired (expired tokens are deleted too).
  virtual StatusOr<LinkToken> ConsumeLinkToken(const std::string& token_hash, int64_t now) = 0;
  // Reads without consuming (to show the link page); NotFound as above.
  virtual StatusOr<LinkToken> PeekLinkToken(const std::string& token_hash, int64_t now) = 0;

  // Link nonces (LINE's account-link flow), stored by their SHA-256 like link tokens.
  virtual Status PutLinkNonce(const std::string& nonce_hash, const LinkNonce& nonce) = 0;
  // Returns the nonce and deletes it in one step, so a nonce works once whatever the caller
  // then decides; NotFound when it is unknown, used or expired (expired ones are deleted too).
  virtual StatusOr<LinkNonce> ConsumeLinkNonce(const std::string& nonce_hash, int64_t now) = 0;

  virtual Status AddFeedback(const Feedback& feedback) = 0;
  virtual StatusOr<std::vector<Feedback>> RecentFeedback(const std::string& program, int limit) = 0;
  virtual Status AddUnanswered(const Unanswered& question) = 0;
  virtual StatusOr<std::vector<Unanswered>> RecentUnanswered(const std::string& program,
                                                             int limit) = 0;

  // Adds one reply with `outcome` ("answer", "clarify" or "fallback", as dialogue::OutcomeName
  // names them; InvalidArgument for anything else) to `program`'s count for the Asia/Tokyo day
  // of `at` (Unix seconds; 0 means now). One small write, durable like the others, and the same
  // count from every replica sharing the store.
  virtual Status CountOutcome(const std::string& program, const std::string& outcome,
                              int64_t at = 0) = 0;
  // The `days` most recent days on which `program` replied at all (clamped to at least 1),
  // oldest first; an outcome that did not occur on a day counts 0.
  virtual StatusOr<std::vector<DailyOutcomes>> OutcomesByDay(const std::string& program,
                                                             int days) = 0;

  // Whether a write succeeds now, for readiness checks (/readyz): writes one heartbeat row and
  // commits it like a member's write, since merely reaching the database succeeds on a full
  // disk, a damaged file or a read-only server. Unavailable with the database's reason ("database
  // or disk is full", "connection refused") when it fails. Cheap enough to call every few
  // seconds; it touches no member's data.
  virtual Status CheckWritable() = 0;
};

}  // namespace madoguchi::store

#endif  // MADOGUCHI_STORE_CONVERSATION_STORE_H_
