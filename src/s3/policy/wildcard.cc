// The classic two-pointer glob match: on a mismatch, resume after the last "*" one character
// further into the text. Only the last star matters because "*" matches any run, so no
// backtracking stack is needed.
#include "s3/policy/wildcard.h"

#include <cstddef>

namespace stocktake::s3::policy {
namespace {

char Fold(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

enum class TokenKind { kLiteral, kAnyRun, kAnyOne };

// Reads the token at `pos` of `pattern`; sets *next to the position after it.
TokenKind ReadToken(std::string_view pattern, size_t pos, bool escapes, char* literal,
                    size_t* next) {
  char c = pattern[pos];
  *next = pos + 1;
  if (escapes && c == '\\' && pos + 1 < pattern.size()) {
    *literal = pattern[pos + 1];
    *next = pos + 2;
    return TokenKind::kLiteral;
  }
  if (c == '*') return TokenKind::kAnyRun;
  if (c == '?') return TokenKind::kAnyOne;
  *literal = c;
  return TokenKind::kLiteral;
}

}  // namespace

bool WildcardMatch(std::string_view pattern, std::string_view text, WildcardOptions options) {
  const bool escapes = options.backslash_escapes;
  size_t p = 0;
  size_t t = 0;
  size_t star_p = std::string_view::npos;  // pattern position just after the last "*"
  size_t star_t = 0;                       // text position that "*" is currently extended to
  while (t < text.size()) {
    if (p < pattern.size()) {
      char literal = 0;
      size_t next = 0;
      TokenKind kind = ReadToken(pattern, p, escapes, &literal, &next);
      if (kind == TokenKind::kAnyRun) {
        star_p = next;
        star_t = t;
        p = next;
        continue;
      }
      bool same = kind == TokenKind::kAnyOne ||
                  (options.ignore_case ? Fold(literal) == Fold(text[t]) : literal == text[t]);
      if (same) {
        p = next;
        ++t;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p;
    t = ++star_t;
  }
  // The text is consumed: the rest of the pattern must be stars only.
  while (p < pattern.size()) {
    char literal = 0;
    size_t next = 0;
    if (ReadToken(pattern, p, escapes, &literal, &next) != TokenKind::kAnyRun) return false;
    p = next;
  }
  return true;
}

bool HasWildcard(std::string_view text) {
  return text.find_first_of("*?") != std::string_view::npos;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Fold(a[i]) != Fold(b[i])) return false;
  }
  return true;
}

}  // namespace stocktake::s3::policy
