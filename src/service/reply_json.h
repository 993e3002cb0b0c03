// The JSON form of a reply, shared by `madoguchi ask --json`, the evaluation and the HTTP API
// (POST /api/v1/ask answers exactly this object). Pure; thread-safe.
#ifndef MADOGUCHI_SERVICE_REPLY_JSON_H_
#define MADOGUCHI_SERVICE_REPLY_JSON_H_

#include <nlohmann/json.hpp>

#include "dialogue/reply.h"

namespace madoguchi::service {

// {"outcome","id","action","confidence","text","choices":[{label,payload}],"links":[…],
//  "candidates":[{"id","score","question","matched","why":[…]}]}
nlohmann::ordered_json ReplyToJson(const dialogue::Reply& reply);

}  // namespace madoguchi::service

#endif  // MADOGUCHI_SERVICE_REPLY_JSON_H_
