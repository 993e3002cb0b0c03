#include "base/status.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <utility>

namespace madoguchi {
namespace {

TEST(StatusTest, DefaultIsOk) {
  Status status;
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kOk);
  EXPECT_TRUE(status.message().empty());
  EXPECT_TRUE(status.reason().empty());
  EXPECT_EQ(status.ToString(), "ok");
  EXPECT_TRUE(Status::Ok().ok());
}

TEST(StatusTest, CarriesCodeMessageAndReason) {
  Status status(StatusCode::kFailedPrecondition, "exchange is closed in April", "exchange_closed");
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(), "exchange is closed in April");
  EXPECT_EQ(status.reason(), "exchange_closed");
  EXPECT_EQ(status.ToString(), "failed_precondition/exchange_closed: exchange is closed in April");
}

TEST(StatusTest, ToStringWithoutReasonOrMessage) {
  EXPECT_EQ(Status(StatusCode::kNotFound, "no such member").ToString(),
            "not_found: no such member");
  EXPECT_EQ(Status(StatusCode::kInternal, "").ToString(), "internal");
}

TEST(StatusTest, HelpersSetTheirCodes) {
  EXPECT_EQ(InvalidArgument("x").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(NotFound("x").code(), StatusCode::kNotFound);
  EXPECT_EQ(Internal("x").code(), StatusCode::kInternal);
  EXPECT_EQ(Unavailable("x").code(), StatusCode::kUnavailable);
  EXPECT_EQ(InvalidArgument("bad date").message(), "bad date");
}

TEST(StatusTest, CodeNamesAreStableAndDistinct) {
  EXPECT_STREQ(StatusCodeName(StatusCode::kOk), "ok");
  EXPECT_STREQ(StatusCodeName(StatusCode::kInvalidArgument), "invalid_argument");
  EXPECT_STREQ(StatusCodeName(StatusCode::kNotFound), "not_found");
  EXPECT_STREQ(StatusCodeName(StatusCode::kAlreadyExists), "already_exists");
  EXPECT_STREQ(StatusCodeName(StatusCode::kFailedPrecondition), "failed_precondition");
  EXPECT_STREQ(StatusCodeName(StatusCode::kPermissionDenied), "permission_denied");
  EXPECT_STREQ(StatusCodeName(StatusCode::kResourceExhausted), "resource_exhausted");
  EXPECT_STREQ(StatusCodeName(StatusCode::kUnavailable), "unavailable");
  EXPECT_STREQ(StatusCodeName(StatusCode::kInternal), "internal");
  std::set<std::string> names;
  for (int c = 0; c <= static_cast<int>(StatusCode::kInternal); ++c) {
    names.insert(StatusCodeName(static_cast<StatusCode>(c)));
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(StatusCode::kInternal) + 1);
}

TEST(StatusOrTest, HoldsAValue) {
  StatusOr<std::string> value = std::string("令和8年3月31日");
  ASSERT_TRUE(value.ok());
  EXPECT_TRUE(value.status().ok());
  EXPECT_EQ(value.value(), "令和8年3月31日");
  EXPECT_EQ(*value, "令和8年3月31日");
  EXPECT_EQ(value->size(), std::string("令和8年3月31日").size());
  value.value() += "まで";
  EXPECT_EQ(*value, "令和8年3月31日まで");
}

TEST(StatusOrTest, HoldsAnError) {
  StatusOr<int> error = NotFound("unknown program \"nowhere\"");
  EXPECT_FALSE(error.ok());
  EXPECT_EQ(error.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(error.status().message(), "unknown program \"nowhere\"");
}

TEST(StatusOrTest, MovesOutMoveOnlyValues) {
  StatusOr<std::unique_ptr<int>> holder = std::make_unique<int>(42);
  ASSERT_TRUE(holder.ok());
  std::unique_ptr<int> taken = std::move(holder).value();
  ASSERT_NE(taken, nullptr);
  EXPECT_EQ(*taken, 42);
}

TEST(StatusOrTest, CopiesKeepTheirState) {
  StatusOr<int> a = 7;
  StatusOr<int> b = a;
  EXPECT_EQ(*b, 7);
  StatusOr<int> c = Status(StatusCode::kResourceExhausted, "locked", "locked_out");
  StatusOr<int> d = c;
  EXPECT_FALSE(d.ok());
  EXPECT_EQ(d.status().reason(), "locked_out");
}

Status FailsWhen(bool fail, int* reached) {
  MADOGUCHI_RETURN_IF_ERROR(fail ? InvalidArgument("stop here") : Status::Ok());
  ++*reached;
  return Status::Ok();
}

TEST(StatusMacroTest, ReturnIfErrorReturnsEarlyOnlyOnError) {
  int reached = 0;
  Status failed = FailsWhen(true, &reached);
  EXPECT_EQ(failed.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(failed.message(), "stop here");
  EXPECT_EQ(reached, 0);
  EXPECT_TRUE(FailsWhen(false, &reached).ok());
  EXPECT_EQ(reached, 1);
}

}  // namespace
}  // namespace madoguchi
