#include "http/api_error.h"

#include <gtest/gtest.h>

namespace madoguchi::http {
namespace {

TEST(HttpStatusFor, MapsEveryCode) {
  EXPECT_EQ(HttpStatusFor(Status::Ok()), 200);
  EXPECT_EQ(HttpStatusFor(InvalidArgument("x")), 400);
  EXPECT_EQ(HttpStatusFor(NotFound("x")), 404);
  EXPECT_EQ(HttpStatusFor(Status(StatusCode::kAlreadyExists, "x")), 409);
  EXPECT_EQ(HttpStatusFor(Status(StatusCode::kFailedPrecondition, "x")), 409);
  EXPECT_EQ(HttpStatusFor(Status(StatusCode::kPermissionDenied, "x")), 403);
  EXPECT_EQ(HttpStatusFor(Status(StatusCode::kResourceExhausted, "x", "locked")), 429);
  EXPECT_EQ(HttpStatusFor(Unavailable("x")), 503);
  EXPECT_EQ(HttpStatusFor(Internal("x")), 500);
}

TEST(HttpStatusFor, TransportErrorsHaveTheirOwn) {
  EXPECT_EQ(HttpStatusFor(UnauthorizedError()), 401);
  EXPECT_EQ(HttpStatusFor(PayloadTooLargeError()), 413);
  EXPECT_EQ(HttpStatusFor(MalformedJsonError()), 400);
  EXPECT_EQ(HttpStatusFor(InvalidUtf8Error()), 400);
  EXPECT_EQ(HttpStatusFor(NoRouteError()), 404);
  EXPECT_EQ(HttpStatusFor(BadRequestError()), 400);
}

TEST(ErrorJson, ShowsMessagesForPeopleAndHidesOperatorDetail) {
  Status for_people(StatusCode::kInvalidArgument, "「text」を指定してください。",
                    "invalid_request");
  EXPECT_EQ(ErrorJson(for_people).dump(),
            R"({"error":"invalid_request","message":"「text」を指定してください。"})");
  // No reason: the message is operator detail.
  nlohmann::ordered_json j = ErrorJson(NotFound("unknown program \"x\" in /etc/secret"));
  EXPECT_EQ(j["error"], "not_found");
  EXPECT_EQ(j["message"].get<std::string>().find("secret"), std::string::npos);
  // Unavailable and internal never show theirs, even with a reason.
  j = ErrorJson(Status(StatusCode::kUnavailable, "sqlite: disk I/O error", "unavailable"));
  EXPECT_EQ(j["error"], "unavailable");
  EXPECT_EQ(j["message"].get<std::string>().find("sqlite"), std::string::npos);
  EXPECT_NE(j["message"].get<std::string>().find("ただいま"), std::string::npos);
  j = ErrorJson(Internal("null pointer"));
  EXPECT_EQ(j["error"], "internal");
  EXPECT_EQ(j["message"].get<std::string>().find("null"), std::string::npos);
}

TEST(Dump, NeverThrowsOnInvalidUtf8) {
  nlohmann::ordered_json j = {{"text", std::string("a\xff"
                                                   "b")}};
  std::string out;
  EXPECT_NO_THROW(out = Dump(j));
  EXPECT_EQ(out,
            "{\"text\":\"a\xEF\xBF\xBD"
            "b\"}");
}

}  // namespace
}  // namespace madoguchi::http
