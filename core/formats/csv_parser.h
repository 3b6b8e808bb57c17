#pragma once
// Delimited-text parser (CSV/TSV, RFC 4180 quoting) with no dependency beyond the standard
// library: a configuration in, the table column by column plus warnings out. Rows keep the
// 1-based line where they start, so every later error can name it.
#include "util/result.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace es::formats::csv {

struct ParseConfig {
    char delimiter = ',';
    bool quoting = true;        // a field starting with '"' is quoted ("" inside means ")
    bool strictQuotes = true;   // text after a closing quote is an error; false: the field
                                // is read literally up to the next delimiter (TSV habit)
    bool skipBlankLines = true; // blank lines are skipped and listed; false: a blank line is
                                // a row with one empty field (projector metadata)
    bool hasHeader = true;      // the first (non-blank) row names the columns
    std::string name;           // file name used in messages
};

struct ParseResult {
    std::vector<std::string> header;               // empty when hasHeader is false
    std::size_t headerLine = 0;
    std::vector<std::vector<std::string>> columns; // columns[c][row]
    std::vector<std::size_t> lines;                // 1-based first line of each data row
    std::vector<std::size_t> blankLines;           // skipped blank lines (1-based)
    Warnings warnings;

    std::size_t rows() const { return lines.size(); }
};

// Parses text (already valid UTF-8, BOM removed). Errors name config.name and the line:
// unbalanced quotes (the line where the quoted field started), text after a closing
// quote, a row with the wrong number of fields.
Result<ParseResult> parse(std::string_view text, const ParseConfig &config);

// "N blank lines skipped (lines 4, 9, 12)", listing at most the first 10 line numbers.
std::string blankLinesWarning(const std::vector<std::size_t> &lines);

} // namespace es::formats::csv
