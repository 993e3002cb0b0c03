// The helpdesk assembled: the answering engine, a points core, the conversation store, the
// account linker and the conversation, with their lifetimes tied together. What `madoguchi
// serve` and `madoguchi chat` run; adapters talk to it, never to the parts.
//
// The points core is given by the caller (embedded SQLite, or an HTTP client from
// adapters/points_http): this layer links no transport.
// Thread safety: immutable after Create(); every member may be used from many threads.
#ifndef MADOGUCHI_SERVICE_HELPDESK_H_
#define MADOGUCHI_SERVICE_HELPDESK_H_

#include <memory>
#include <string>

#include "dialogue/account_link.h"
#include "dialogue/conversation.h"
#include "points/points_core.h"
#include "service/engine.h"
#include "store/sealer.h"
#include "store/sqlite_conversation_store.h"

namespace madoguchi::service {

struct HelpdeskOptions {
  EngineOptions engine;
  // Where conversation state and the state key live. Required.
  std::string data_dir;
  dialogue::LinkOptions link;
  dialogue::ConversationOptions conversation;
  store::SqliteStoreOptions store;
};

class Helpdesk {
 public:
  static StatusOr<std::unique_ptr<Helpdesk>> Create(const HelpdeskOptions& options,
                                                    std::unique_ptr<points::PointsCore> core);

  const Engine& engine() const { return *engine_; }
  dialogue::Conversation& conversation() { return *conversation_; }
  dialogue::AccountLinker& linker() { return *linker_; }
  points::PointsCore& points() { return *core_; }
  store::SqliteConversationStore& store() { return *store_; }
  const text::Normalizer& normalizer() const { return *normalizer_; }

 private:
  Helpdesk() = default;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<points::PointsCore> core_;
  std::unique_ptr<store::SqliteConversationStore> store_;
  std::unique_ptr<store::Sealer> sealer_;
  std::unique_ptr<text::Normalizer> normalizer_;
  std::unique_ptr<dialogue::AccountLinker> linker_;
  std::unique_ptr<dialogue::Conversation> conversation_;
};

}  // namespace madoguchi::service

#endif  // MADOGUCHI_SERVICE_HELPDESK_H_
