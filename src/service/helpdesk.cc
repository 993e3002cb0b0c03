#include "service/helpdesk.h"

#include <filesystem>
#include <string>
#include <utility>

#include "base/private_files.h"

namespace madoguchi::service {

class Helpdesk::EngineKnowledge : public dialogue::KnowledgeSource {
 public:
  explicit EngineKnowledge(const Helpdesk* helpdesk) : helpdesk_(helpdesk) {}
  dialogue::Knowledge Current() const override {
    std::shared_ptr<const Engine> engine = helpdesk_->engine();
    const dialogue::Answerer* answerer = &engine->answerer();
    const kb::KnowledgeBase* kb = &engine->knowledge_base();
    return {std::move(engine), answerer, kb};
  }

 private:
  const Helpdesk* helpdesk_;
};

Helpdesk::~Helpdesk() = default;

StatusOr<std::unique_ptr<Helpdesk>> Helpdesk::Create(
    const HelpdeskOptions& options, std::unique_ptr<points::PointsCore> core,
    std::unique_ptr<store::ConversationStore> store) {
  if (options.data_dir.empty()) return InvalidArgument("a data directory is required");
  if (core == nullptr) return InvalidArgument("a points core is required");
  // Members' data lives here: the service's user only.
  MADOGUCHI_RETURN_IF_ERROR(MakePrivateDirectory(options.data_dir));

  std::unique_ptr<Helpdesk> h(new Helpdesk());
  h->engine_options_ = options.engine;
  if (h->engine_options_.clock == nullptr) {
    h->engine_options_.clock = std::make_shared<SystemClock>();
  }
  auto engine = Engine::Create(h->engine_options_);
  if (!engine.ok()) return engine.status();
  h->engine_ = std::move(engine).value();
  h->knowledge_ = std::make_unique<EngineKnowledge>(h.get());
  h->core_ = std::move(core);
  if (store != nullptr) {
    h->store_ = std::move(store);
  } else {
    auto sqlite =
        store::SqliteConversationStore::Open(options.data_dir + "/conversations.db", options.store);
    if (!sqlite.ok()) return sqlite.status();
    h->store_ = std::move(sqlite).value();
  }
  auto sealer = store::Sealer::FromEnvironmentOrFile(options.data_dir + "/state.key");
  if (!sealer.ok()) return sealer.status();
  h->sealer_ = std::make_unique<store::Sealer>(std::move(sealer).value());
  auto normalizer = text::Normalizer::Create();
  if (!normalizer.ok()) return normalizer.status();
  h->normalizer_ = std::move(normalizer).value();
  h->linker_ = std::make_unique<dialogue::AccountLinker>(h->store_.get(), h->core_.get(),
                                                         h->sealer_.get(), options.link);
  h->conversation_ = std::make_unique<dialogue::Conversation>(
      h->knowledge_.get(), h->core_.get(), h->store_.get(), h->linker_.get(), h->sealer_.get(),
      h->engine_options_.clock.get(), h->normalizer_.get(), options.conversation);
  return h;
}

std::shared_ptr<const Engine> Helpdesk::engine() const {
  std::lock_guard<std::mutex> lock(engine_mu_);
  return engine_;
}

StatusOr<dialogue::Turn> Helpdesk::Handle(const dialogue::Message& message) {
  StatusOr<dialogue::Turn> turn = conversation_->Handle(message);
  if (!turn.ok()) return turn;
  for (const dialogue::Reply& r : turn->messages) {
    // Best effort: the member's reply matters more than one count of the trend.
    store_->CountOutcome(message.program, dialogue::OutcomeName(r.outcome));
  }
  return turn;
}

std::string Helpdesk::kb_dir() const {
  return engine_options_.kb_dir.empty() ? DefaultDataPath("faq") : engine_options_.kb_dir;
}

StatusOr<std::shared_ptr<const Engine>> Helpdesk::ReloadKnowledge() {
  std::lock_guard<std::mutex> reload(reload_mu_);
  // Built outside engine_mu_: loading takes a while (MeCab, every index) and requests keep
  // taking snapshots of the old engine meanwhile.
  StatusOr<std::unique_ptr<Engine>> built = Engine::Create(engine_options_);
  if (!built.ok()) {
    const Status& s = built.status();
    // The loader's errors (a broken file, a missing folder) are the knowledge base's state, not
    // a bad request or an outage: refused by a rule, with the loader's own message.
    if (s.code() == StatusCode::kInvalidArgument || s.code() == StatusCode::kNotFound) {
      std::string message = s.message();
      while (!message.empty() && message.back() == '\n') message.pop_back();
      return Status(StatusCode::kFailedPrecondition, std::move(message), kReasonKbInvalid);
    }
    return s;
  }
  std::shared_ptr<const Engine> fresh = std::move(built).value();
  std::shared_ptr<const Engine> old;
  {
    std::lock_guard<std::mutex> lock(engine_mu_);
    old = std::exchange(engine_, fresh);
  }
  // `old` is freed here, or by the last request still holding it: never under engine_mu_.
  return fresh;
}

}  // namespace madoguchi::service
