// `serve --log-format json`: one JSON object a line on stderr, for log shippers —
//   {"time":"2026-12-08T05:00:01.234Z","level":"info","msg":"<the text line>", ...}
// plus the message's key=value fields as members (numbers as numbers): the request line's
// bucket, status, op, us, code and reason, so that `jq 'select(.status == 403) | .reason'`
// works. `text` keeps spdlog's default pattern.
#pragma once

#include <spdlog/formatter.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace stocktake::cli {

// The JSON line (without the newline) of one log message.
std::string JsonLogRecord(int64_t epoch_ms, std::string_view level, std::string_view message);

class JsonLogFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;
};

}  // namespace stocktake::cli
