#include "cli/log_format.h"

#include <gtest/gtest.h>

namespace stocktake::cli {
namespace {

TEST(JsonLogRecordTest, FieldsOfTheRequestLine) {
  EXPECT_EQ(JsonLogRecord(0, "info",
                          "r1 127.0.0.1 GET bucket=b status=403 op=GetObject us=12 "
                          "code=AccessDenied reason=\"denied by policy: s3:GetObject on x\""),
            "{\"time\":\"1970-01-01T00:00:00.000Z\",\"level\":\"info\",\"msg\":\"r1 127.0.0.1 GET "
            "bucket=b status=403 op=GetObject us=12 code=AccessDenied reason=\\\"denied by policy: "
            "s3:GetObject on x\\\"\",\"bucket\":\"b\",\"status\":403,\"op\":\"GetObject\","
            "\"us\":12,\"code\":\"AccessDenied\",\"reason\":\"denied by policy: s3:GetObject on "
            "x\"}");
}

TEST(JsonLogRecordTest, PlainMessagesAndBadBytes) {
  EXPECT_EQ(JsonLogRecord(1000, "warn", "stopped cleanly"),
            "{\"time\":\"1970-01-01T00:00:01.000Z\",\"level\":\"warn\",\"msg\":\"stopped "
            "cleanly\"}");
  EXPECT_EQ(JsonLogRecord(0, "info", "bucket= level=x \xff"),
            "{\"time\":\"1970-01-01T00:00:00.000Z\",\"level\":\"info\",\"msg\":\"bucket= level=x "
            "\xef\xbf\xbd\",\"bucket\":\"\"}");
}

}  // namespace
}  // namespace stocktake::cli
