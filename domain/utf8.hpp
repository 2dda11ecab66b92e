// UTF-8 decoding shared by validation (client_rules) and name folding
// (views/client_search). Pure, no allocation.
#pragma once

#include <cstddef>
#include <string>

namespace callboard::domain {

inline constexpr char32_t kInvalidCodePoint = 0xFFFFFFFF;

// Decodes the code point starting at s[i] and moves i past it. A byte that
// does not start a well-formed sequence (bad lead or continuation byte,
// truncated, overlong, a surrogate, past U+10FFFF) gives kInvalidCodePoint
// and moves i by one byte, so a caller can resynchronise. Requires i < s.size().
char32_t decode_utf8(const std::string& s, std::size_t& i);

}  // namespace callboard::domain
