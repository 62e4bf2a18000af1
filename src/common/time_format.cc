#include "common/time_format.h"

#include <cstdio>
#include <ctime>

namespace stocktake {
namespace {

struct CivilTime {
  int year, month, day, hour, minute, second, millis, weekday;
};

// Howard Hinnant's days-from-civil algorithms: exact for the proleptic Gregorian calendar.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

CivilTime ToCivil(int64_t epoch_ms) {
  int64_t secs = epoch_ms >= 0 ? epoch_ms / 1000 : (epoch_ms - 999) / 1000;
  int millis = static_cast<int>(epoch_ms - secs * 1000);
  int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  int64_t rem = secs - days * 86400;
  int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  int weekday = static_cast<int>((days % 7 + 11) % 7);  // 1970-01-01 was a Thursday (4)
  return CivilTime{static_cast<int>(y + (m <= 2)),
                   static_cast<int>(m),
                   static_cast<int>(d),
                   static_cast<int>(rem / 3600),
                   static_cast<int>(rem % 3600 / 60),
                   static_cast<int>(rem % 60),
                   millis,
                   weekday};
}

int64_t FromCivil(int year, int month, int day, int hour, int minute, int second) {
  return (DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
          hour * 3600 + minute * 60 + second) *
         1000;
}

bool ValidCivil(int mo, int d, int h, int mi, int s) {
  return mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h >= 0 && h <= 23 && mi >= 0 && mi <= 59 &&
         s >= 0 && s <= 60;
}

// "YYYY-MM-DDTHH:MM:SS", every field with all its digits: what S3 sends (a scan parses one per
// listed object). sscanf reads it the same, slower; it stays for any other spelling.
constexpr int kCanonicalIso8601SecondsChars = 19;

bool ParseCanonicalIso8601Seconds(std::string_view text, int* y, int* mo, int* d, int* h, int* mi,
                                  int* s) {
  constexpr std::string_view kShape = "0000-00-00T00:00:00";
  if (text.size() < kShape.size()) return false;
  for (size_t i = 0; i < kShape.size(); ++i) {
    bool digit = text[i] >= '0' && text[i] <= '9';
    if (kShape[i] == '0' ? !digit : text[i] != kShape[i]) return false;
  }
  auto number = [&](size_t pos, size_t digits) {
    int v = 0;
    for (size_t i = pos; i < pos + digits; ++i) v = v * 10 + (text[i] - '0');
    return v;
  };
  *y = number(0, 4);
  *mo = number(5, 2);
  *d = number(8, 2);
  *h = number(11, 2);
  *mi = number(14, 2);
  *s = number(17, 2);
  return true;
}

constexpr const char* kWeekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

}  // namespace

void AppendIso8601Millis(std::string* out, int64_t epoch_ms) {
  // Hot path of CSV reports (one or more per row): digits written directly, no snprintf.
  CivilTime t = ToCivil(epoch_ms);
  if (t.year < 0 || t.year > 9999) {
    char buf[40];
    int n = std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", t.year, t.month,
                          t.day, t.hour, t.minute, t.second, t.millis);
    out->append(buf, static_cast<size_t>(n));
    return;
  }
  char buf[25] = "0000-00-00T00:00:00.000Z";
  auto put2 = [&buf](int pos, int v) {
    buf[pos] = static_cast<char>('0' + v / 10);
    buf[pos + 1] = static_cast<char>('0' + v % 10);
  };
  put2(0, t.year / 100);
  put2(2, t.year % 100);
  put2(5, t.month);
  put2(8, t.day);
  put2(11, t.hour);
  put2(14, t.minute);
  put2(17, t.second);
  buf[20] = static_cast<char>('0' + t.millis / 100);
  put2(21, t.millis % 100);
  out->append(buf, 24);
}

std::string FormatIso8601Millis(int64_t epoch_ms) {
  std::string out;
  AppendIso8601Millis(&out, epoch_ms);
  return out;
}

std::string FormatHttpDate(int64_t epoch_ms) {
  CivilTime t = ToCivil(epoch_ms);
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%s, %02d %s %04d %02d:%02d:%02d GMT", kWeekdays[t.weekday],
                t.day, kMonths[t.month - 1], t.year, t.hour, t.minute, t.second);
  return buf;
}

std::string FormatAmzDate(int64_t epoch_ms) {
  CivilTime t = ToCivil(epoch_ms);
  char buf[24];
  std::snprintf(buf, sizeof(buf), "%04d%02d%02dT%02d%02d%02dZ", t.year, t.month, t.day, t.hour,
                t.minute, t.second);
  return buf;
}

std::string FormatInventoryFolder(int64_t epoch_ms) {
  CivilTime t = ToCivil(epoch_ms);
  char buf[24];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d-%02dZ", t.year, t.month, t.day, t.hour,
                t.minute);
  return buf;
}

std::string FormatHiveDt(int64_t epoch_ms) {
  CivilTime t = ToCivil(epoch_ms);
  char buf[24];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d-%02d-%02d", t.year, t.month, t.day, t.hour,
                t.minute);
  return buf;
}

std::optional<int64_t> ParseAmzDate(std::string_view text) {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return std::nullopt;
  int y, mo, d, h, mi, s;
  std::string copy(text);
  if (std::sscanf(copy.c_str(), "%4d%2d%2dT%2d%2d%2dZ", &y, &mo, &d, &h, &mi, &s) != 6) {
    return std::nullopt;
  }
  if (!ValidCivil(mo, d, h, mi, s)) return std::nullopt;
  return FromCivil(y, mo, d, h, mi, s);
}

std::optional<int64_t> ParseInventoryFolder(std::string_view text) {
  if (text.size() != 17 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != '-' ||
      text[16] != 'Z') {
    return std::nullopt;
  }
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15}) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  auto num = [&](size_t at, size_t n) {
    int v = 0;
    for (size_t i = at; i < at + n; ++i) v = v * 10 + (text[i] - '0');
    return v;
  };
  int y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2);
  if (!ValidCivil(mo, d, h, mi, 0)) return std::nullopt;
  int64_t ms = FromCivil(y, mo, d, h, mi, 0);
  // Rejects days past the month's end (2026-02-31).
  if (FormatInventoryFolder(ms) != text) return std::nullopt;
  return ms;
}

std::optional<int64_t> ParseHttpDate(std::string_view text) {
  // "Wed, 12 Oct 2009 17:50:00 GMT"
  std::string copy(text);
  char wd[4], mon[4];
  int d, y, h, mi, s;
  if (std::sscanf(copy.c_str(), "%3s, %d %3s %d %d:%d:%d GMT", wd, &d, mon, &y, &h, &mi, &s) != 7) {
    return std::nullopt;
  }
  for (int m = 0; m < 12; ++m) {
    if (std::string_view(mon) == kMonths[m]) {
      if (!ValidCivil(m + 1, d, h, mi, s)) return std::nullopt;
      return FromCivil(y, m + 1, d, h, mi, s);
    }
  }
  return std::nullopt;
}

std::optional<int64_t> ParseIso8601(std::string_view text) {
  int y, mo, d, h, mi, s, consumed = 0;
  if (ParseCanonicalIso8601Seconds(text, &y, &mo, &d, &h, &mi, &s)) {
    consumed = kCanonicalIso8601SecondsChars;
  } else {
    std::string copy(text);
    if (std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s,
                    &consumed) != 6) {
      return std::nullopt;
    }
  }
  if (!ValidCivil(mo, d, h, mi, s)) return std::nullopt;
  int64_t ms = FromCivil(y, mo, d, h, mi, s);
  std::string_view rest = text.substr(static_cast<size_t>(consumed));
  if (!rest.empty() && rest[0] == '.') {
    size_t i = 1;
    int frac = 0, digits = 0;
    while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') {
      if (digits < 3) frac = frac * 10 + (rest[i] - '0'), ++digits;
      ++i;
    }
    while (digits < 3) frac *= 10, ++digits;
    ms += frac;
    rest = rest.substr(i);
  }
  if (rest != "Z" && rest != "+00:00") return std::nullopt;
  return ms;
}

}  // namespace stocktake
