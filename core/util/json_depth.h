#pragma once
// A nesting limit for JSON read from files and servers. nlohmann's parser is iterative,
// but copying, comparing and dumping a value recurse once per level: 100,000 nested
// arrays in a 200 KB project overflowed the stack. One linear pre-scan finds such text
// before it is parsed, so every reader can say where ("nested too deep").
#include <cstddef>
#include <string_view>

namespace es {

// Far more than any project, JSONL record or provider response needs.
inline constexpr int kMaxJsonDepth = 64;

// Byte offset of the bracket that opens level maxDepth + 1 of arrays and objects in the
// JSON text, or npos. Brackets inside strings do not count; the text need not be valid.
inline std::size_t findJsonTooDeep(std::string_view text, int maxDepth = kMaxJsonDepth)
{
    int depth = 0;
    bool inString = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\')
                ++i; // the escaped character, whatever it is
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > maxDepth)
                return i;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return std::string_view::npos;
}

} // namespace es
