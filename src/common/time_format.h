// Time formats on the wire: ISO-8601 with milliseconds (S3 XML, inventory CSV), RFC 1123 (HTTP
// headers), the SigV4 basic form (20130524T000000Z), and the inventory folder stamps.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace stocktake {

std::string FormatIso8601Millis(int64_t epoch_ms);  // 2022-12-12T13:20:39.000Z
void AppendIso8601Millis(std::string* out, int64_t epoch_ms);
std::string FormatHttpDate(int64_t epoch_ms);         // Wed, 12 Oct 2009 17:50:00 GMT
std::string FormatAmzDate(int64_t epoch_ms);          // 20130524T000000Z
std::string FormatInventoryFolder(int64_t epoch_ms);  // 2016-11-06T21-32Z
std::string FormatHiveDt(int64_t epoch_ms);           // 2016-11-06-21-32

std::optional<int64_t> ParseAmzDate(std::string_view text);          // 20130524T000000Z
std::optional<int64_t> ParseHttpDate(std::string_view text);         // RFC 1123
std::optional<int64_t> ParseIso8601(std::string_view text);          // 2022-12-12T13:20:39[.000]Z
std::optional<int64_t> ParseInventoryFolder(std::string_view text);  // 2016-11-06T21-32Z

}  // namespace stocktake
