// The JSON form of a reply, shared by `madoguchi ask --json`, the evaluation and the HTTP API.
#ifndef MADOGUCHI_CLI_REPLY_JSON_H_
#define MADOGUCHI_CLI_REPLY_JSON_H_

#include <nlohmann/json.hpp>

#include "dialogue/reply.h"

namespace madoguchi::cli {

// {"outcome","id","action","confidence","text","choices":[{label,payload}],"links":[…],
//  "candidates":[{"id","score","question","matched","why":[…]}]}
nlohmann::ordered_json ReplyToJson(const dialogue::Reply& reply);

}  // namespace madoguchi::cli

#endif  // MADOGUCHI_CLI_REPLY_JSON_H_
