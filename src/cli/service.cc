#include "cli/service.h"

#include <chrono>
#include <cstdlib>

#include "cli/rate_limited_handle.h"
#include "http/listen_address.h"
#include "ops/postgres_rate_limiter.h"
#include "store/postgres_inbox.h"
#include "store/sealer.h"
#include "store/sqlite_inbox.h"

namespace madoguchi::cli {

namespace {

// The value of a secret's environment variable; FailedPrecondition naming the variable (never
// a value) when it is unset or empty, so a half-configured channel refuses to start.
StatusOr<std::string> SecretFromEnv(const std::string& variable, const std::string& what) {
  const char* value = std::getenv(variable.c_str());
  if (value == nullptr || *value == '\0') {
    return Status(StatusCode::kFailedPrecondition,
                  what + " is read from $" + variable + ", which is not set");
  }
  return std::string(value);
}

// The inbox the webhooks write to and the workers drain. With a shared PostgreSQL store
// ("store" in the config; `postgres` is then the process's pool, AssembledHelpdesk::postgres)
// it lives in that database, so every replica's workers drain every replica's events and a
// redelivery to another replica is still recognised. Otherwise it is the SQLite file in the
// data directory, which this process owns.
StatusOr<std::unique_ptr<store::Inbox>> OpenInbox(const ServeConfig& config,
                                                  const std::shared_ptr<db::PgPool>& postgres) {
  if (postgres != nullptr) {
    // Replicas share this inbox, so a replica that dies (kill -9, a lost node) leaves its
    // claims to run out, not to be released by a restart as with the file. Short enough that
    // another replica takes a dead one's event up while its LINE reply token is still young
    // (line::LineWorkerOptions::reply_token_life, 50 s), and so retries the reply it may have
    // sent, which LINE refuses if it got through, instead of pushing a second answer. A live
    // worker slower than this is harmless once it has checkpointed: the one that takes over
    // re-sends the recorded answer with the same reply token or push retry key, which LINE
    // delivers once.
    store::InboxOptions options;
    options.lease = std::chrono::seconds(20);
    StatusOr<std::unique_ptr<store::PostgresInbox>> inbox =
        store::PostgresInbox::Open(postgres, options);
    if (!inbox.ok()) return Status(inbox.status().code(), "inbox: " + inbox.status().message());
    return std::unique_ptr<store::Inbox>(std::move(inbox).value());
  }
  StatusOr<std::unique_ptr<store::SqliteInbox>> inbox =
      store::SqliteInbox::Open(config.data_dir + "/inbox.db");
  if (!inbox.ok()) return inbox.status();
  return std::unique_ptr<store::Inbox>(std::move(inbox).value());
}

StatusOr<std::vector<line::LineChannel>> LineChannels(const ServeConfig& config) {
  std::vector<line::LineChannel> out;
  for (const LineChannelConfig& c : config.line_channels) {
    line::LineChannel channel;
    channel.name = c.name;
    channel.program = c.program;
    StatusOr<std::string> secret =
        SecretFromEnv(c.secret_env, "LINE channel " + c.name + "'s secret");
    if (!secret.ok()) return secret.status();
    StatusOr<std::string> token =
        SecretFromEnv(c.token_env, "LINE channel " + c.name + "'s access token");
    if (!token.ok()) return token.status();
    channel.channel_secret = *secret;
    channel.access_token = *token;
    if (!c.api_base_url.empty()) channel.api_base_url = c.api_base_url;
    out.push_back(std::move(channel));
  }
  return out;
}

StatusOr<slack::SlackApp> SlackAppOf(const SlackConfig& config) {
  slack::SlackApp app;
  StatusOr<std::string> secret = SecretFromEnv(config.signing_secret_env, "Slack's signing secret");
  if (!secret.ok()) return secret.status();
  app.signing_secret = *secret;
  if (!config.api_base_url.empty()) app.api_base_url = config.api_base_url;
  for (const SlackWorkspaceConfig& w : config.workspaces) {
    slack::SlackWorkspace ws;
    ws.team_id = w.team_id;
    ws.program = w.program;
    for (const auto& [channel, program] : w.channel_programs)
      ws.channel_programs[channel] = program;
    StatusOr<std::string> token =
        SecretFromEnv(w.bot_token_env, "the Slack bot token of workspace " +
                                           (w.team_id.empty() ? "(any)" : w.team_id));
    if (!token.ok()) return token.status();
    ws.bot_token = *token;
    app.workspaces.push_back(std::move(ws));
  }
  return app;
}

// The conversation, counting each reply's outcome for /metrics (Helpdesk::Handle counts it per
// day in the store too, which outlives a restart).
std::function<StatusOr<dialogue::Turn>(const dialogue::Message&)> CountingHandle(
    service::Helpdesk& helpdesk, ops::Registry& metrics) {
  return [&helpdesk, &metrics](const dialogue::Message& m) -> StatusOr<dialogue::Turn> {
    StatusOr<dialogue::Turn> turn = helpdesk.Handle(m);
    if (turn.ok()) {
      for (const dialogue::Reply& r : turn->messages) {
        http::CountOutcome(metrics, dialogue::OutcomeName(r.outcome));
      }
    }
    return turn;
  };
}

// One processed channel event: counted by outcome, and logged (when requested) without the
// message. `account` is the channel's name (LINE) or the team (Slack).
void RecordChannelEvent(ops::Registry& metrics, const ops::Logger* logger, const char* channel,
                        const std::string& account, const std::string& outcome, int attempt,
                        int64_t age_ms, const Status& status) {
  metrics
      .GetCounter("madoguchi_channel_events_total", "Channel events processed by outcome.",
                  {{"channel", channel}, {"outcome", outcome}})
      .Inc();
  if (logger == nullptr) return;
  logger->Info(std::string(channel) + "_event", {{"channel", account},
                                                 {"outcome", outcome},
                                                 {"attempt", attempt},
                                                 {"age_ms", age_ms},
                                                 {"error", status.ok() ? "" : status.ToString()}});
}

// The per-user message limit of one purpose (`scope`: "api" for POST /api/v1/messages,
// "channel" for LINE and Slack). With a shared PostgreSQL store (`postgres`, the process's
// pool) the buckets are in that database, so the limit holds across replicas; otherwise they
// are in this process's memory.
StatusOr<std::unique_ptr<ops::MessageLimiter>> LimiterFor(
    const ServeConfig& config, const std::shared_ptr<db::PgPool>& postgres,
    const std::string& scope) {
  ops::RateLimitOptions o;
  o.per_minute = config.rate_limit.per_minute;
  o.burst = config.rate_limit.burst;
  if (postgres == nullptr) {
    return std::unique_ptr<ops::MessageLimiter>(std::make_unique<ops::RateLimiter>(o));
  }
  StatusOr<std::unique_ptr<ops::PostgresRateLimiter>> shared =
      ops::PostgresRateLimiter::Open(postgres, o, scope);
  if (!shared.ok()) {
    return Status(shared.status().code(), "rate limits: " + shared.status().message());
  }
  return std::unique_ptr<ops::MessageLimiter>(std::move(shared).value());
}

// The conversation for a channel that must not answer 429 (LINE, Slack): CountingHandle behind
// the per-user limit (see rate_limited_handle.h). Limited messages are counted by channel and
// whether the member was told.
HandleFn LimitedChannelHandle(service::Helpdesk& helpdesk, ops::Registry& metrics,
                              ops::MessageLimiter* limiter) {
  RateLimitedHandleOptions o;
  o.on_limited = [&metrics](const dialogue::Message& m, bool noticed) {
    metrics
        .GetCounter("madoguchi_channel_rate_limited_total",
                    "Channel messages over the per-user limit; notice=sent for the first of a "
                    "limited spell (the member is told once), none for the rest.",
                    {{"channel", m.key.channel}, {"notice", noticed ? "sent" : "none"}})
        .Inc();
  };
  return RateLimitedHandle(CountingHandle(helpdesk, metrics), limiter, std::move(o));
}

}  // namespace

StatusOr<std::unique_ptr<Service>> Service::Start(const ServiceOptions& options) {
  StatusOr<http::ListenAddress> listen = http::ParseListenAddress(options.config.listen);
  if (!listen.ok()) return listen.status();

  // Secrets first: a missing variable is the operator's to fix, before anything is opened.
  StatusOr<std::vector<line::LineChannel>> line_channels = LineChannels(options.config);
  if (!line_channels.ok()) return line_channels.status();
  std::optional<slack::SlackApp> slack_app;
  if (!options.config.slack.signing_secret_env.empty()) {
    StatusOr<slack::SlackApp> app = SlackAppOf(options.config.slack);
    if (!app.ok()) return app.status();
    slack_app = std::move(app).value();
  }

  std::unique_ptr<Service> s(new Service());
  std::vector<std::string> staff_hashes = options.config.staff_token_sha256;
  if (!options.staff_token.empty()) {
    if (options.staff_token.size() < http::kMinApiTokenLength) {
      return InvalidArgument(std::string("the staff token (") + kStaffTokenEnvVar +
                             ") must be at least " + std::to_string(http::kMinApiTokenLength) +
                             " characters");
    }
    if (options.staff_token == options.api_token) {
      return InvalidArgument("the staff token and the API token must differ");
    }
    staff_hashes.push_back(store::Sha256Hex(options.staff_token));
  }
  s->staff_tokens_ = std::make_unique<staff::StaffTokens>(std::move(staff_hashes));

  http::HttpServerOptions ho;
  ho.host = listen->host;
  ho.port = listen->port;
  ho.api_token = options.api_token;
  ho.max_body_bytes = options.config.max_body_bytes;
  ho.worker_threads = options.config.http_threads;
  ho.access_log = options.log_requests;
  s->server_ = std::make_unique<http::HttpServer>(ho);
  // Bound first: with port 0 the link page URL names the port the system picked.
  MADOGUCHI_RETURN_IF_ERROR(s->server_->Bind());
  s->base_url_ = "http://" + listen->Authority(s->server_->port());
  s->link_page_url_ =
      options.config.link_page_url.empty() ? s->base_url_ + "/link" : options.config.link_page_url;

  AssemblyOptions ao;
  ao.config = options.config;
  ao.link_page_url = s->link_page_url_;
  ao.today = options.today;
  ao.pbkdf2_iterations = options.pbkdf2_iterations;
  ops::Registry* metrics = &s->metrics_;
  ao.on_points_error = [metrics](std::string_view op, StatusCode code) {
    metrics
        ->GetCounter("madoguchi_points_core_errors_total",
                     "Points-core calls that failed because the core could not answer "
                     "(unavailable, internal), by call.",
                     {{"op", std::string(op)}, {"code", StatusCodeName(code)}})
        .Inc();
  };
  StatusOr<AssembledHelpdesk> assembled = AssembleHelpdesk(ao);
  if (!assembled.ok()) return assembled.status();
  s->assembled_ = std::move(assembled).value();
  // After the store, on its pool: with store.postgres the process opens one pool of
  // store.pool_size connections, shared by the store, the inbox and both limiters. Every one of
  // them gives its connection back before the next is taken (a request checks the limit, then
  // reads and writes its conversation; a webhook reads the inbox depth, then enqueues), so a
  // request never holds one connection while waiting for another, whatever the pool's size.
  StatusOr<std::unique_ptr<ops::MessageLimiter>> limiter =
      LimiterFor(options.config, s->assembled_.postgres, "api");
  if (!limiter.ok()) return limiter.status();
  s->limiter_ = std::move(limiter).value();
  s->logger_ = std::make_unique<ops::Logger>(&s->assembled_.helpdesk->normalizer());
  s->log_events_ = options.log_requests;
  http::DeclareCounters(s->metrics_);

  MADOGUCHI_RETURN_IF_ERROR(s->StartChannels(options, *line_channels, slack_app));

  generic::Limits limits;
  limits.max_text_code_points = options.config.max_text_chars;
  s->routes_ = std::make_unique<http::RouteContext>(
      http::RouteContext{*s->assembled_.helpdesk, limits, options.log_requests});
  s->routes_->line_webhook = s->line_webhook_.get();
  s->routes_->slack_events = s->slack_events_.get();
  s->routes_->inbox = s->inbox_.get();
  s->routes_->metrics = &s->metrics_;
  s->routes_->message_limiter = s->limiter_.get();
  s->routes_->staff_tokens = s->staff_tokens_.get();
  if (s->line_worker_) {
    // The link page of a LINE conversation asks LINE for a link token through the channel the
    // member asked on, sharing the worker's client (connections, stop-aware retries).
    line::LineWorker* worker = s->line_worker_.get();
    s->routes_->issue_line_link_token = [worker](const std::string& channel,
                                                 const std::string& user_id) {
      line::LineClient* client = worker->ClientFor(channel);
      if (client == nullptr) {
        return StatusOr<std::string>(NotFound("no LINE channel named \"" + channel + "\""));
      }
      return client->IssueLinkToken(user_id);
    };
    if (!options.config.line_access_base_url.empty()) {
      s->routes_->line_access_base_url = options.config.line_access_base_url;
    }
  }
  if (options.log_requests) s->routes_->logger = s->logger_.get();
  MADOGUCHI_RETURN_IF_ERROR(s->server_->Start(*s->routes_));
  return s;
}

Status Service::StartChannels(const ServiceOptions& options,
                              const std::vector<line::LineChannel>& line_channels,
                              const std::optional<slack::SlackApp>& slack_app) {
  const ServeConfig& config = options.config;
  if (line_channels.empty() && !slack_app) return Status::Ok();

  StatusOr<std::unique_ptr<store::Inbox>> inbox = OpenInbox(config, assembled_.postgres);
  if (!inbox.ok()) return inbox.status();
  inbox_ = std::move(inbox).value();
  store::Inbox* inbox_ptr = inbox_.get();
  metrics_.AddGauge("madoguchi_inbox_depth", "Channel events not yet finished.", [inbox_ptr] {
    StatusOr<int64_t> depth = inbox_ptr->Depth();
    return depth.ok() ? static_cast<double>(*depth) : -1.0;
  });
  admission_ = std::make_unique<store::InboxAdmission>(
      inbox_ptr, store::InboxAdmissionOptions{config.inbox_max_depth, options.inbox_depth_refresh});
  metrics_.AddGauge("madoguchi_inbox_max_depth",
                    "Channel events not yet finished at which webhooks are refused (0: no limit).",
                    [max = config.inbox_max_depth] { return static_cast<double>(max); });
  // A refused webhook is counted by channel: the sender delivers it again later.
  auto admit = [admission = admission_.get(), metrics = &metrics_](const char* channel) {
    return [admission, metrics, channel] {
      if (admission->Admit()) return true;
      metrics
          ->GetCounter("madoguchi_webhook_refused_total",
                       "Webhooks answered 503 without enqueueing because the inbox was full.",
                       {{"channel", channel}, {"reason", "inbox_full"}})
          .Inc();
      return false;
    };
  };
  service::Helpdesk& helpdesk = *assembled_.helpdesk;
  const ops::Logger* logger = options.log_requests ? logger_.get() : nullptr;
  // The same per-user limit as POST /api/v1/messages, in a limiter of its own: its keys are
  // conversation keys ("line:U…"), which an API client's channel_user must not be able to use
  // up.
  StatusOr<std::unique_ptr<ops::MessageLimiter>> channel_limiter =
      LimiterFor(config, assembled_.postgres, "channel");
  if (!channel_limiter.ok()) return channel_limiter.status();
  channel_limiter_ = std::move(channel_limiter).value();

  if (!line_channels.empty()) {
    line::LineWorkerHooks hooks;
    hooks.handle = LimitedChannelHandle(helpdesk, metrics_, channel_limiter_.get());
    hooks.forget = [&helpdesk](const store::ConversationKey& key) {
      return helpdesk.store().Forget(key);
    };
    // LINE's account-link flow ends here: the nonce must have been issued for this user (the
    // worker's conversation key) on this channel (LinkToken::account = Message::account).
    hooks.on_account_link = [&helpdesk](const line::LineChannel& channel,
                                        const std::string& user_id, const std::string& result,
                                        const std::string& nonce) {
      return helpdesk.linker().FinishChannelLink({"line", user_id}, channel.name, result == "ok",
                                                 nonce);
    };
    line::LineWorkerOptions wo = options.line_worker;
    ops::Registry* metrics = &metrics_;
    wo.on_report = [metrics, logger](const line::LineWorkerReport& r) {
      RecordChannelEvent(*metrics, logger, "line", r.channel, r.outcome, r.attempt, r.age_ms,
                         r.status);
    };
    line_worker_ = std::make_unique<line::LineWorker>(inbox_ptr, line_channels, std::move(hooks),
                                                      std::move(wo));
    line::LineWebhookOptions lo;
    lo.max_body_bytes = config.max_body_bytes;
    line::LineWorker* worker = line_worker_.get();
    lo.on_enqueued = [worker] { worker->Notify(); };
    lo.admit = admit("line");
    line_webhook_ = std::make_unique<line::LineWebhookHandler>(inbox_ptr, line_channels, lo);
    line_worker_->Start();
  }
  if (slack_app) {
    slack::SlackWorkerOptions wo = options.slack_worker;
    ops::Registry* metrics = &metrics_;
    wo.on_report = [metrics, logger](const slack::SlackWorkerReport& r) {
      RecordChannelEvent(*metrics, logger, "slack", r.team, r.outcome, r.attempt, r.age_ms,
                         r.status);
    };
    slack_worker_ = std::make_unique<slack::SlackWorker>(
        inbox_ptr, *slack_app, LimitedChannelHandle(helpdesk, metrics_, channel_limiter_.get()),
        std::move(wo));
    slack::SlackEventsOptions so;
    so.max_body_bytes = config.max_body_bytes;
    slack::SlackWorker* worker = slack_worker_.get();
    so.on_enqueued = [worker] { worker->Notify(); };
    so.admit = admit("slack");
    slack_events_ = std::make_unique<slack::SlackEventsHandler>(inbox_ptr, *slack_app, so);
    slack_worker_->Start();
  }
  return Status::Ok();
}

Status Service::ReloadKnowledge() {
  const auto start = std::chrono::steady_clock::now();
  StatusOr<std::shared_ptr<const service::Engine>> reloaded = helpdesk().ReloadKnowledge();
  http::CountKbReload(metrics_, reloaded.status());
  if (log_events_) {
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (reloaded.ok()) {
      nlohmann::json programs = nlohmann::json::object();
      for (const auto& [id, program] : (*reloaded)->knowledge_base().programs) {
        programs[id] = program.entries.size();
      }
      logger_->Info("kb_reload",
                    {{"outcome", "reloaded"}, {"duration_ms", ms}, {"programs", programs}});
    } else {
      // The loader's message names files and lines, never a member's data.
      logger_->Warn("kb_reload", {{"outcome", "kept_previous"},
                                  {"duration_ms", ms},
                                  {"error", reloaded.status().message()}});
    }
  }
  return reloaded.status();
}

Service::~Service() { Stop(); }

void Service::Stop() {
  // The server first, so no webhook enqueues behind the workers' backs; then the workers
  // finish the events in hand. Unclaimed events stay in the inbox for the next start.
  if (server_) server_->Stop();
  if (line_worker_) line_worker_->Stop();
  if (slack_worker_) slack_worker_->Stop();
}

}  // namespace madoguchi::cli
