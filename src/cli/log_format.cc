#include "cli/log_format.h"

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "common/time_format.h"

namespace stocktake::cli {
namespace {

bool AllDigits(std::string_view s) {
  if (s.empty() || s.size() > 18) return false;  // fits int64
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

std::string JsonLogRecord(int64_t epoch_ms, std::string_view level, std::string_view message) {
  nlohmann::ordered_json record = {
      {"time", FormatIso8601Millis(epoch_ms)}, {"level", level}, {"msg", message}};
  // key=value and key="value with spaces" tokens; other words stay in msg only.
  size_t i = 0;
  while (i < message.size()) {
    size_t end = message.find(' ', i);
    if (end == std::string_view::npos) end = message.size();
    std::string_view token = message.substr(i, end - i);
    size_t eq = token.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      i = end + 1;
      continue;
    }
    std::string key(token.substr(0, eq));
    std::string_view value = message.substr(i + eq + 1);
    if (value.starts_with('"')) {
      size_t close = value.find('"', 1);
      if (close == std::string_view::npos) close = value.size();
      value = value.substr(1, close - 1);
      end = i + eq + 1 + close + 1;
    } else {
      value = token.substr(eq + 1);
    }
    if (key != "time" && key != "level" && key != "msg") {
      if (AllDigits(value)) {
        record[key] = std::stoll(std::string(value));
      } else {
        record[key] = value;
      }
    }
    i = end + 1;
  }
  // Messages may quote bytes that are not UTF-8: replaced, never a failure to log.
  return record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void JsonLogFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  int64_t ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch()).count();
  auto level = spdlog::level::to_string_view(msg.level);
  std::string line = JsonLogRecord(ms, std::string_view(level.data(), level.size()),
                                   std::string_view(msg.payload.data(), msg.payload.size()));
  line += '\n';
  dest.append(line.data(), line.data() + line.size());
}

std::unique_ptr<spdlog::formatter> JsonLogFormatter::clone() const {
  return std::make_unique<JsonLogFormatter>();
}

}  // namespace stocktake::cli
