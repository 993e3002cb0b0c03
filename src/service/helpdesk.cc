#include "service/helpdesk.h"

#include <filesystem>

namespace madoguchi::service {

StatusOr<std::unique_ptr<Helpdesk>> Helpdesk::Create(const HelpdeskOptions& options,
                                                     std::unique_ptr<points::PointsCore> core) {
  if (options.data_dir.empty()) return InvalidArgument("a data directory is required");
  if (core == nullptr) return InvalidArgument("a points core is required");
  std::error_code ec;
  std::filesystem::create_directories(options.data_dir, ec);
  if (ec) return Unavailable(options.data_dir + ": " + ec.message());

  std::unique_ptr<Helpdesk> h(new Helpdesk());
  auto engine = Engine::Create(options.engine);
  if (!engine.ok()) return engine.status();
  h->engine_ = std::move(engine).value();
  h->core_ = std::move(core);
  auto store =
      store::SqliteConversationStore::Open(options.data_dir + "/conversations.db", options.store);
  if (!store.ok()) return store.status();
  h->store_ = std::move(store).value();
  auto sealer = store::Sealer::FromEnvironmentOrFile(options.data_dir + "/state.key");
  if (!sealer.ok()) return sealer.status();
  h->sealer_ = std::make_unique<store::Sealer>(std::move(sealer).value());
  auto normalizer = text::Normalizer::Create();
  if (!normalizer.ok()) return normalizer.status();
  h->normalizer_ = std::move(normalizer).value();
  h->linker_ = std::make_unique<dialogue::AccountLinker>(h->store_.get(), h->core_.get(),
                                                         h->sealer_.get(), options.link);
  h->conversation_ = std::make_unique<dialogue::Conversation>(
      &h->engine_->answerer(), &h->engine_->knowledge_base(), h->core_.get(), h->store_.get(),
      h->linker_.get(), h->sealer_.get(), &h->engine_->clock(), h->normalizer_.get(),
      options.conversation);
  return h;
}

}  // namespace madoguchi::service
