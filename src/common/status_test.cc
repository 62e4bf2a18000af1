#include "common/status.h"

#include <gtest/gtest.h>

#include "common/result.h"

namespace stocktake {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return Status::InvalidArgument("odd");
  return x / 2;
}

Status Quarter(int x, int* out) {
  ASSIGN_OR_RETURN(int half, Half(x));
  ASSIGN_OR_RETURN(*out, Half(half));
  return Status::OK();
}

TEST(StatusTest, OkIsCheapAndEmpty) {
  Status st;
  EXPECT_TRUE(st.ok());
  EXPECT_EQ(st.ToString(), "OK");
  EXPECT_EQ(st.message(), "");
}

TEST(StatusTest, ErrorCarriesCodeMessageAndContext) {
  Status st = Status::NotFound("no bucket").WithContext("GetBucket");
  EXPECT_TRUE(st.IsNotFound());
  EXPECT_EQ(st.message(), "GetBucket: no bucket");
  Status copy = st;
  EXPECT_EQ(copy.ToString(), "NotFound: GetBucket: no bucket");
}

TEST(ResultTest, PropagatesErrorsThroughMacros) {
  int out = 0;
  EXPECT_TRUE(Quarter(8, &out).ok());
  EXPECT_EQ(out, 2);
  Status st = Quarter(6, &out);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message(), "odd");
}

}  // namespace
}  // namespace stocktake
