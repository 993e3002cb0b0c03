// The helpdesk assembled: the answering engine, a points core, the conversation store, the
// account linker and the conversation, with their lifetimes tied together. What `madoguchi
// serve` and `madoguchi chat` run; adapters talk to it, never to the parts.
//
// The points core is given by the caller (embedded SQLite, or an HTTP client from
// adapters/points_http): this layer links no transport.
//
// The engine (knowledge base, indexes, answerer) can be replaced while serving:
// ReloadKnowledge() builds a new one from the same EngineOptions (the folder's current files)
// and swaps it in only when it loads; requests already running finish on the engine they
// started with, because engine() hands out a shared snapshot. The clock, the normalizer, the
// store and the points core are the Helpdesk's and stay the same objects across reloads. What a
// reload does not change: the embedded points core's program rules (expiry, exchange window),
// which it read at start-up.
//
// Thread safety: every member may be used from many threads at once, ReloadKnowledge included
// (reloads run one at a time; requests are never blocked by one).
#ifndef MADOGUCHI_SERVICE_HELPDESK_H_
#define MADOGUCHI_SERVICE_HELPDESK_H_

#include <memory>
#include <mutex>
#include <string>

#include "dialogue/account_link.h"
#include "dialogue/conversation.h"
#include "dialogue/knowledge_source.h"
#include "points/points_core.h"
#include "service/engine.h"
#include "store/conversation_store.h"
#include "store/sealer.h"
#include "store/sqlite_conversation_store.h"

namespace madoguchi::service {

// The Status reason of a knowledge base that failed to load on ReloadKnowledge().
inline constexpr char kReasonKbInvalid[] = "kb_invalid";

struct HelpdeskOptions {
  EngineOptions engine;
  // Where the embedded conversation store (conversations.db) and the state key file live.
  // Required.
  std::string data_dir;
  dialogue::LinkOptions link;
  dialogue::ConversationOptions conversation;
  // The embedded store's options; when Create is given a store, only a fresh SQLite one uses them.
  store::SqliteStoreOptions store;
};

class Helpdesk {
 public:
  // `store`: the conversation store to keep (a shared PostgreSQL one); null opens the embedded
  // SQLite store at <data_dir>/conversations.db.
  static StatusOr<std::unique_ptr<Helpdesk>> Create(
      const HelpdeskOptions& options, std::unique_ptr<points::PointsCore> core,
      std::unique_ptr<store::ConversationStore> store = nullptr);
  ~Helpdesk();

  // The engine serving now. Hold the returned pointer for as long as anything reached through
  // it is used (one request): `helpdesk.engine()->knowledge_base()` in a longer-lived reference
  // may dangle after a reload. Never null.
  std::shared_ptr<const Engine> engine() const;

  // Builds a new engine from the options given to Create (re-reading the knowledge-base folder
  // and the dictionaries) and, when it loads, serves it from the next request on; returns it.
  // On failure the engine serving keeps serving and nothing changes. Files that do not load —
  // the knowledge base (the loader names file, entry id and field), synonyms or stop words,
  // missing or malformed — are FailedPrecondition with reason kReasonKbInvalid and the loader's
  // message; other errors (MeCab failing, kInternal) are returned as they are. Concurrent calls
  // run one after the other.
  StatusOr<std::shared_ptr<const Engine>> ReloadKnowledge();

  // The knowledge-base folder ReloadKnowledge() reads (the bundled faq/ when none was given):
  // where staff edits are written.
  std::string kb_dir() const;

  // One member message through the conversation, with each reply's outcome added to the
  // store's count for the day (ConversationStore::CountOutcome), which the staff console charts
  // as rates. What channels call: the generic API, LINE and Slack. Errors are the
  // conversation's; a count that cannot be written loses that count, never the reply (the
  // conversation has already committed the turn).
  StatusOr<dialogue::Turn> Handle(const dialogue::Message& message);

  // The conversation itself, counting nothing: for tools that are no members' channel (the
  // terminal chat) and for tests.
  dialogue::Conversation& conversation() { return *conversation_; }
  dialogue::AccountLinker& linker() { return *linker_; }
  points::PointsCore& points() { return *core_; }
  store::ConversationStore& store() { return *store_; }
  const text::Normalizer& normalizer() const { return *normalizer_; }

 private:
  class EngineKnowledge;  // the conversation's KnowledgeSource: the engine serving now

  Helpdesk() = default;
  // engine_options_.clock is set (by Create) so every engine built shares one clock, which the
  // conversation borrows for its whole life.
  EngineOptions engine_options_;
  std::mutex reload_mu_;          // held for a whole reload: one at a time
  mutable std::mutex engine_mu_;  // guards engine_ (a pointer copy or swap, nothing longer)
  std::shared_ptr<const Engine> engine_;
  std::unique_ptr<EngineKnowledge> knowledge_;
  std::unique_ptr<points::PointsCore> core_;
  std::unique_ptr<store::ConversationStore> store_;
  std::unique_ptr<store::Sealer> sealer_;
  std::unique_ptr<text::Normalizer> normalizer_;
  std::unique_ptr<dialogue::AccountLinker> linker_;
  std::unique_ptr<dialogue::Conversation> conversation_;
};

}  // namespace madoguchi::service

#endif  // MADOGUCHI_SERVICE_HELPDESK_H_
