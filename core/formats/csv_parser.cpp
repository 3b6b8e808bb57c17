#include "formats/csv_parser.h"

#include <algorithm>
#include <cstring>

namespace es::formats::csv {

std::string blankLinesWarning(const std::vector<std::size_t> &lines)
{
    std::string s = std::to_string(lines.size()) + (lines.size() == 1 ? " blank line" : " blank lines")
                     + " skipped (line" + (lines.size() == 1 ? " " : "s ");
    const std::size_t shown = std::min<std::size_t>(lines.size(), 10);
    for (std::size_t i = 0; i < shown; ++i)
        s += (i ? ", " : "") + std::to_string(lines[i]);
    if (shown < lines.size())
        s += ", ...";
    return s + ")";
}

namespace {

std::string fieldsWord(std::size_t n)
{
    return std::to_string(n) + (n == 1 ? " field" : " fields");
}

} // namespace

Result<ParseResult> parse(std::string_view text, const ParseConfig &config)
{
    ParseResult out;
    const char *const s = text.data();
    const std::size_t n = text.size();
    const char delim = config.delimiter;
    std::size_t pos = 0;
    std::size_t line = 1;
    std::size_t ncols = 0;
    bool haveShape = false;
    std::vector<std::string> fields;
    std::size_t nfields = 0;

    auto isEol = [&](std::size_t p) { return p >= n || s[p] == '\n' || s[p] == '\r'; };
    auto consumeEol = [&] {
        if (pos < n && s[pos] == '\r')
            ++pos;
        if (pos < n && s[pos] == '\n')
            ++pos;
        ++line;
    };
    auto where = [&](std::size_t l) { return config.name + ", line " + std::to_string(l) + ": "; };

    while (pos < n) {
        const std::size_t recordLine = line;
        if (isEol(pos) && config.skipBlankLines) {
            out.blankLines.push_back(recordLine);
            consumeEol();
            continue;
        }
        nfields = 0;
        // One record: fields separated by the delimiter, ended by a line break or the end.
        for (;;) {
            if (nfields == fields.size())
                fields.emplace_back();
            std::string &field = fields[nfields];
            field.clear();
            const std::size_t fieldStart = pos;
            const std::size_t fieldLine = line;
            bool literal = true;
            if (config.quoting && pos < n && s[pos] == '"') {
                literal = false;
                ++pos;
                for (;;) {
                    const void *q = std::memchr(s + pos, '"', n - pos);
                    if (!q)
                        return Error{where(fieldLine) + "a quoted field starting on this line is never "
                                                        "closed (unbalanced quotes)"};
                    const std::size_t qp = std::size_t(static_cast<const char *>(q) - s);
                    field.append(s + pos, qp - pos);
                    line += std::size_t(std::count(s + pos, s + qp, '\n'));
                    pos = qp + 1;
                    if (pos < n && s[pos] == '"') {
                        field.push_back('"');
                        ++pos;
                        continue;
                    }
                    break;
                }
                if (!(pos >= n || s[pos] == delim || s[pos] == '\n' || s[pos] == '\r')) {
                    if (config.strictQuotes)
                        return Error{where(line) + "unexpected text after the closing quote of a field; "
                                                   "a quote inside a quoted field must be doubled (\"\")"};
                    literal = true;
                    pos = fieldStart;
                    line = fieldLine;
                    field.clear();
                } else if (field.find('\r') != std::string::npos) {
                    // Embedded CRLF line breaks become plain '\n'.
                    std::size_t w = 0;
                    for (std::size_t r = 0; r < field.size(); ++r)
                        if (!(field[r] == '\r' && r + 1 < field.size() && field[r + 1] == '\n'))
                            field[w++] = field[r];
                    field.resize(w);
                }
            }
            if (literal) {
                std::size_t e = pos;
                while (e < n) {
                    const char c = s[e];
                    if (c == delim || c == '\n' || c == '\r')
                        break;
                    ++e;
                }
                field.assign(s + pos, e - pos);
                pos = e;
            }
            ++nfields;
            if (pos < n && s[pos] == delim) {
                ++pos;
                continue;
            }
            consumeEol();
            break;
        }

        if (config.hasHeader && !haveShape) {
            out.header.assign(fields.begin(), fields.begin() + std::ptrdiff_t(nfields));
            out.headerLine = recordLine;
            ncols = nfields;
            haveShape = true;
            out.columns.resize(ncols);
            continue;
        }
        if (!haveShape) {
            ncols = nfields;
            haveShape = true;
            out.columns.resize(ncols);
        }
        if (nfields != ncols)
            return Error{where(recordLine) + fieldsWord(nfields) + ", expected " + std::to_string(ncols)
                         + (config.hasHeader ? " (as in the header on line " + std::to_string(out.headerLine) + ")"
                                             : " (as on the first row)")
                         + (nfields > ncols ? "; a field holding the delimiter must be quoted" : "")};
        for (std::size_t c = 0; c < ncols; ++c)
            out.columns[c].push_back(std::move(fields[c]));
        out.lines.push_back(recordLine);
    }
    if (!out.blankLines.empty())
        out.warnings.push_back(config.name + ": " + blankLinesWarning(out.blankLines));
    return out;
}

} // namespace es::formats::csv
