#pragma once
// File helpers shared by the loaders and writers: whole-file reads with clear errors,
// UTF-8 validation with line/column positions, atomic writes, float formatting.
#include "util/result.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace es::formats {

// The name used in messages: the file name without its folder ("sentences.csv").
std::string displayName(const std::string &path);

// Reads a whole file. Errors: missing file, a folder, unreadable (badInput false).
Result<std::string> readFile(const std::string &path);

// Byte offset of the first invalid UTF-8 sequence, or npos when the text is valid.
std::size_t findInvalidUtf8(std::string_view text);

// "name, line L, byte B: invalid UTF-8 ..." for the invalid byte at offset.
std::string invalidUtf8Message(const std::string &name, std::string_view text, std::size_t offset);

// 1-based line of a byte offset (counts '\n' before it).
std::size_t lineOfOffset(std::string_view text, std::size_t offset);

// Removes a UTF-8 byte order mark; returns true when there was one.
bool stripBom(std::string_view &text);

// Writes the pieces, in order, to path atomically: a temporary file in the same folder,
// fsync, then rename over the target. On failure the target is untouched and the
// temporary file removed. A regular file keeps its mode; a new file, or one that replaces
// a symlink, gets 0666 minus the umask. A folder, device or pipe at path is refused.
Status writePiecesAtomic(const std::string &path, const std::vector<std::string_view> &pieces);

// Iterates the lines of a text: calls fn(line, 1-based number) with '\r' removed; stops
// (returning false) when fn returns false.
template <class Fn>
bool forEachLine(std::string_view text, Fn &&fn)
{
    std::size_t pos = 0, line = 1;
    while (pos < text.size()) {
        std::size_t e = text.find('\n', pos);
        if (e == std::string_view::npos)
            e = text.size();
        std::string_view l = text.substr(pos, e - pos);
        if (!l.empty() && l.back() == '\r')
            l.remove_suffix(1);
        if (!fn(l, line))
            return false;
        pos = e + 1;
        ++line;
    }
    return true;
}
// Appends the fields of a line separated by runs of spaces and tabs (word2vec, GloVe).
inline void splitWhitespace(std::string_view l, std::vector<std::string_view> &out)
{
    std::size_t pos = 0;
    while (pos < l.size()) {
        while (pos < l.size() && (l[pos] == ' ' || l[pos] == '\t'))
            ++pos;
        std::size_t e = pos;
        while (e < l.size() && l[e] != ' ' && l[e] != '\t')
            ++e;
        if (e > pos)
            out.push_back(l.substr(pos, e - pos));
        pos = e;
    }
}

// Shortest decimal text that reads back as the same float ("0.1", "1e-05").
void appendFloat(std::string &out, float v);

} // namespace es::formats
