#include "s3/policy/condition_values.h"

#include <arpa/inet.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <string>

namespace stocktake::s3::policy {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `n` digits at *pos.
std::optional<int> Digits(std::string_view s, size_t* pos, size_t n) {
  if (*pos + n > s.size()) return std::nullopt;
  int value = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[*pos + i];
    if (!IsDigit(c)) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  *pos += n;
  return value;
}

bool Consume(std::string_view s, size_t* pos, char c) {
  if (*pos < s.size() && s[*pos] == c) {
    ++*pos;
    return true;
  }
  return false;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

std::optional<int64_t> ParseIsoDate(std::string_view s) {
  size_t pos = 0;
  std::optional<int> year = Digits(s, &pos, 4);
  if (!year) return std::nullopt;
  int month = 1;
  int day = 1;
  if (Consume(s, &pos, '-')) {
    std::optional<int> m = Digits(s, &pos, 2);
    if (!m || *m < 1 || *m > 12) return std::nullopt;
    month = *m;
    if (Consume(s, &pos, '-')) {
      std::optional<int> d = Digits(s, &pos, 2);
      if (!d || *d < 1 || *d > DaysInMonth(*year, month)) return std::nullopt;
      day = *d;
    }
  }
  int64_t ms = DaysFromCivil(*year, month, day) * 86400000;
  if (pos == s.size()) return ms;
  // Time of day: hh:mm[:ss[.fraction]] and a zone designator (required by W3C-DTF).
  if (!Consume(s, &pos, 'T')) return std::nullopt;
  std::optional<int> hh = Digits(s, &pos, 2);
  if (!hh || *hh > 23 || !Consume(s, &pos, ':')) return std::nullopt;
  std::optional<int> mm = Digits(s, &pos, 2);
  if (!mm || *mm > 59) return std::nullopt;
  int ss = 0;
  int64_t frac_ms = 0;
  if (Consume(s, &pos, ':')) {
    std::optional<int> sec = Digits(s, &pos, 2);
    if (!sec || *sec > 60) return std::nullopt;  // 60: leap second
    ss = *sec;
    if (Consume(s, &pos, '.')) {
      size_t start = pos;
      int64_t scale = 100;
      while (pos < s.size() && IsDigit(s[pos])) {
        frac_ms += (s[pos] - '0') * scale;
        scale /= 10;
        ++pos;
      }
      if (pos == start) return std::nullopt;
    }
  }
  ms += ((*hh * 60 + *mm) * 60 + ss) * int64_t{1000} + frac_ms;
  if (Consume(s, &pos, 'Z')) return pos == s.size() ? std::optional<int64_t>(ms) : std::nullopt;
  if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int sign = s[pos] == '+' ? 1 : -1;
    ++pos;
    std::optional<int> oh = Digits(s, &pos, 2);
    if (!oh || *oh > 23 || !Consume(s, &pos, ':')) return std::nullopt;
    std::optional<int> om = Digits(s, &pos, 2);
    if (!om || *om > 59 || pos != s.size()) return std::nullopt;
    return ms - sign * (*oh * 60 + *om) * int64_t{60000};
  }
  return std::nullopt;
}

}  // namespace

std::optional<double> ParseConditionNumber(std::string_view text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  double value = 0;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value, std::chars_format::fixed);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::optional<int64_t> ParseConditionDate(std::string_view text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  bool all_digits = true;
  for (char c : text) all_digits = all_digits && IsDigit(c);
  // Four digits alone are a W3C year ("2024"); longer digit strings are epoch seconds.
  if (all_digits && text.size() != 4) {
    if (text.size() > 12) return std::nullopt;  // beyond year 33658: not a plausible date
    int64_t seconds = 0;
    for (char c : text) seconds = seconds * 10 + (c - '0');
    return seconds * 1000;
  }
  return ParseIsoDate(text);
}

std::optional<bool> ParseConditionBool(std::string_view text) {
  if (EqualsIgnoreCase(text, "true")) return true;
  if (EqualsIgnoreCase(text, "false")) return false;
  return std::nullopt;
}

std::optional<IpRange> ParseIpRange(std::string_view text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  std::string_view address = text;
  std::optional<int> prefix;
  if (size_t slash = text.find('/'); slash != std::string_view::npos) {
    address = text.substr(0, slash);
    std::string_view bits = text.substr(slash + 1);
    if (bits.empty() || bits.size() > 3) return std::nullopt;
    int value = 0;
    for (char c : bits) {
      if (!IsDigit(c)) return std::nullopt;
      value = value * 10 + (c - '0');
    }
    prefix = value;
  }
  std::string zero_terminated(address);  // inet_pton wants a C string
  IpRange range;
  if (inet_pton(AF_INET, zero_terminated.c_str(), range.address.data()) == 1) {
    range.v6 = false;
    range.prefix_bits = prefix.value_or(32);
    if (range.prefix_bits > 32) return std::nullopt;
    return range;
  }
  if (inet_pton(AF_INET6, zero_terminated.c_str(), range.address.data()) == 1) {
    range.v6 = true;
    range.prefix_bits = prefix.value_or(128);
    if (range.prefix_bits > 128) return std::nullopt;
    return range;
  }
  return std::nullopt;
}

bool IpInRange(const IpRange& address, const IpRange& range) {
  if (address.v6 != range.v6) return false;
  int bits = range.prefix_bits;
  for (size_t i = 0; bits > 0; ++i, bits -= 8) {
    uint8_t mask = bits >= 8 ? 0xFF : static_cast<uint8_t>(0xFF << (8 - bits));
    if ((address.address[i] & mask) != (range.address[i] & mask)) return false;
  }
  return true;
}

bool ArnMatch(std::string_view pattern, std::string_view arn, WildcardOptions options) {
  constexpr int kComponents = 6;
  std::string_view p[kComponents];
  std::string_view a[kComponents];
  auto split = [](std::string_view s, std::string_view* parts) {
    for (int i = 0; i < kComponents - 1; ++i) {
      size_t colon = s.find(':');
      if (colon == std::string_view::npos) return false;
      parts[i] = s.substr(0, colon);
      s.remove_prefix(colon + 1);
    }
    parts[kComponents - 1] = s;  // the resource part may itself hold colons
    return true;
  };
  if (!split(pattern, p) || !split(arn, a)) return WildcardMatch(pattern, arn, options);
  for (int i = 0; i < kComponents; ++i) {
    if (!WildcardMatch(p[i], a[i], options)) return false;
  }
  return true;
}

}  // namespace stocktake::s3::policy
