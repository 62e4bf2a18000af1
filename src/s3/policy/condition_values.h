// Typed readings of condition values, shared by validation (policy side) and evaluation (request
// side): numbers, dates, booleans, IP ranges and ARNs, as the IAM User Guide's "IAM JSON policy
// elements: Condition operators" defines them. Every function is total: malformed input gives
// nullopt / false, never an exception.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "s3/policy/wildcard.h"

namespace stocktake::s3::policy {

// Numeric*: an integer or decimal ("10", "-2.5"). No hex, no infinities.
std::optional<double> ParseConditionNumber(std::string_view text);

// Date*: a W3C profile of ISO 8601 ("2024-01-31", "2024-01-31T12:00Z",
// "2024-01-31T12:00:00.5+02:00") or epoch seconds ("1706702400"). Milliseconds since the epoch.
std::optional<int64_t> ParseConditionDate(std::string_view text);

// Bool: "true" / "false", any case.
std::optional<bool> ParseConditionBool(std::string_view text);

// IpAddress / NotIpAddress: an IPv4 or IPv6 address with an optional "/prefix" (RFC 4632 CIDR).
// Host bits may be set ("192.168.1.1/24" is 192.168.1.0/24), as AWS accepts.
struct IpRange {
  bool v6 = false;
  std::array<uint8_t, 16> address{};  // first 4 bytes for IPv4
  int prefix_bits = 0;                // 0..32 or 0..128
};
std::optional<IpRange> ParseIpRange(std::string_view text);
// Whether `address` (a plain address, or a range whose first address is taken) lies in `range`.
// IPv4 never matches an IPv6 range or the reverse.
bool IpInRange(const IpRange& address, const IpRange& range);

// ArnEquals / ArnLike (identical in IAM): each of the six colon-separated components
// (arn:partition:service:region:account:resource) is wildcard-matched on its own, so "*" in the
// region cannot swallow the account. A pattern or value without six components is matched as a
// whole string.
bool ArnMatch(std::string_view pattern, std::string_view arn, WildcardOptions options = {});

}  // namespace stocktake::s3::policy
