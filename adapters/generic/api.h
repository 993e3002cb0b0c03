// The generic JSON channel's two calls, on the assembled helpdesk: parse the request, call the
// service, render its answer. adapters/http routes requests here and maps errors to HTTP.
//
// Thread safety: as the helpdesk: any number of calls at once.
#ifndef MADOGUCHI_ADAPTERS_GENERIC_API_H_
#define MADOGUCHI_ADAPTERS_GENERIC_API_H_

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "generic/wire.h"
#include "service/helpdesk.h"

namespace madoguchi::generic {

// POST /api/v1/messages: one member message through the conversation, keyed
// {"api", channel_user}. Errors: the request's (wire.h); NotFound (unknown_program);
// Unavailable when the conversation store fails (nothing was changed: the caller may retry).
StatusOr<nlohmann::ordered_json> PostMessage(service::Helpdesk& helpdesk,
                                             const nlohmann::json& body, const Limits& limits);

// POST /api/v1/ask: a one-shot question, no conversation, no account: the object
// `madoguchi ask --json` prints (service/reply_json.h).
StatusOr<nlohmann::ordered_json> PostAsk(const service::Helpdesk& helpdesk,
                                         const nlohmann::json& body, const Limits& limits);

}  // namespace madoguchi::generic

#endif  // MADOGUCHI_ADAPTERS_GENERIC_API_H_
