#include "formats/texts.h"

#include "formats/csv_parser.h"
#include "formats/fileio.h"
#include "util/json_depth.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <filesystem>
#include <unordered_map>
#include <unordered_set>

namespace es::formats {

namespace {

constexpr std::array kTextNames = {"text", "sentence", "sentences", "document", "content", "body"};
constexpr std::array kLabelNames = {"label", "category", "class", "topic", "labels"};

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

std::string extensionOf(const std::string &path)
{
    std::string ext = lower(std::filesystem::path(path).extension().string());
    return ext.empty() ? ext : ext.substr(1);
}

bool isBlank(std::string_view s)
{
    return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); });
}

std::string listNames(const std::vector<std::string> &names)
{
    std::string s;
    for (const auto &n : names)
        s += (s.empty() ? "'" : ", '") + n + "'";
    return s.empty() ? "none" : s;
}

// Index of the column named `wanted` (exact, then case-insensitive), or -1.
int findColumn(const std::vector<std::string> &names, const std::string &wanted)
{
    for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i] == wanted)
            return int(i);
    const std::string w = lower(wanted);
    for (std::size_t i = 0; i < names.size(); ++i)
        if (lower(names[i]) == w)
            return int(i);
    return -1;
}

template <std::size_t N>
int findByNames(const std::vector<std::string> &names, const std::array<const char *, N> &candidates, int skip)
{
    for (const char *c : candidates)
        for (std::size_t i = 0; i < names.size(); ++i)
            if (int(i) != skip && lower(names[i]) == c)
                return int(i);
    return -1;
}

// Builds the Dataset of a table: picks the text and label columns, checks every text.
// kind names a column ("column") or a key ("key") in messages.
Result<Dataset> assemble(const std::string &name, std::vector<std::string> header,
                         std::vector<std::vector<std::string>> columns, std::vector<std::size_t> lines,
                         const TextLoadOptions &options, const char *kind)
{
    int textIdx = -1;
    if (!options.textColumn.empty()) {
        textIdx = findColumn(header, options.textColumn);
        if (textIdx < 0)
            return Error{name + ": no " + kind + " named '" + options.textColumn + "'; " + kind + "s found: "
                         + listNames(header)};
    } else {
        textIdx = findByNames(header, kTextNames, -1);
        if (textIdx < 0 && header.size() == 1)
            textIdx = 0;
        if (textIdx < 0)
            return Error{name + ": no text " + kind + " (expected one named text, sentence, document, content "
                         + "or body, or choose one); " + kind + "s found: " + listNames(header)};
    }
    int labelIdx = -1;
    if (options.labelColumn == "-") {
        labelIdx = -1;
    } else if (!options.labelColumn.empty()) {
        labelIdx = findColumn(header, options.labelColumn);
        if (labelIdx < 0)
            return Error{name + ": no " + kind + " named '" + options.labelColumn + "' for the labels; " + kind
                         + "s found: " + listNames(header)};
        if (labelIdx == textIdx)
            return Error{name + ": the label " + kind + " '" + options.labelColumn + "' is also the text " + kind};
    } else {
        labelIdx = findByNames(header, kLabelNames, textIdx);
    }

    std::vector<std::string> &texts = columns[std::size_t(textIdx)];
    for (std::size_t r = 0; r < texts.size(); ++r)
        if (isBlank(texts[r]))
            return Error{name + ", line " + std::to_string(lines[r]) + ": empty text in " + kind + " '"
                         + header[std::size_t(textIdx)] + "'"};

    Dataset ds;
    ds.textColumn = header[std::size_t(textIdx)];
    ds.texts = std::move(texts);
    ds.lines = std::move(lines);
    for (std::size_t c = 0; c < header.size(); ++c) {
        if (int(c) == textIdx)
            continue;
        if (int(c) == labelIdx)
            ds.labelColumn = int(ds.columns.size());
        ds.columns.push_back(Column{header[c], std::move(columns[c])});
    }
    return ds;
}

// Header names: trimmed; empty ones become "column N"; repeated ones get " (2)", " (3)".
// The names taken so far are kept in a set: counting them in the header for every column
// made a 100,000-column table take 9 s.
void tidyHeader(std::vector<std::string> &header)
{
    std::unordered_set<std::string> taken;
    taken.reserve(header.size());
    for (std::size_t i = 0; i < header.size(); ++i) {
        auto &h = header[i];
        const auto b = h.find_first_not_of(" \t");
        h = b == std::string::npos ? std::string() : h.substr(b, h.find_last_not_of(" \t") - b + 1);
        if (h.empty())
            h = "column " + std::to_string(i + 1);
        const std::string base = h;
        for (int k = 2; taken.count(h) > 0; ++k)
            h = base + " (" + std::to_string(k) + ")";
        taken.insert(h);
    }
}

Result<LoadedTexts> loadTable(const std::string &name, std::string_view text, char delim,
                              const TextLoadOptions &options)
{
    csv::ParseConfig cfg;
    cfg.delimiter = delim;
    cfg.strictQuotes = delim == ',';
    cfg.name = name;
    auto parsed = csv::parse(text, cfg);
    if (!parsed)
        return parsed.error();
    auto &t = *parsed;
    if (t.header.empty())
        return Error{name + ": no header row (the file holds only blank lines)"};
    if (t.rows() == 0)
        return Error{name + ": a header (line " + std::to_string(t.headerLine) + ") but no data rows"};
    tidyHeader(t.header);
    auto ds = assemble(name, std::move(t.header), std::move(t.columns), std::move(t.lines), options, "column");
    if (!ds)
        return ds.error();
    return LoadedTexts{std::move(*ds), std::move(t.warnings)};
}

Result<LoadedTexts> loadTxt(const std::string &name, std::string_view text)
{
    LoadedTexts out;
    std::vector<std::size_t> blank;
    forEachLine(text, [&](std::string_view l, std::size_t line) {
        if (isBlank(l)) {
            blank.push_back(line);
        } else {
            out.dataset.texts.emplace_back(l);
            out.dataset.lines.push_back(line);
        }
        return true;
    });
    if (out.dataset.texts.empty())
        return Error{name + ": no texts (the file holds only blank lines)"};
    if (!blank.empty())
        out.warnings.push_back(name + ": " + csv::blankLinesWarning(blank));
    return out;
}

std::string scalarText(const nlohmann::json &v)
{
    if (v.is_string())
        return v.get<std::string>();
    if (v.is_null())
        return {};
    return v.dump();
}

Result<LoadedTexts> loadJsonl(const std::string &name, std::string_view text, const TextLoadOptions &options)
{
    std::vector<std::string> keys;
    std::unordered_map<std::string, std::size_t> keyIndex; // key -> its column
    std::vector<std::vector<std::string>> columns;
    std::vector<std::size_t> lines, blank;
    std::vector<std::string> skippedKeys;
    std::unordered_set<std::string> skipped;
    std::size_t pos = 0, line = 1;
    while (pos < text.size()) {
        std::size_t e = text.find('\n', pos);
        if (e == std::string_view::npos)
            e = text.size();
        std::string_view l = text.substr(pos, e - pos);
        const std::size_t thisLine = line;
        pos = e + 1;
        ++line;
        if (isBlank(l)) {
            blank.push_back(thisLine);
            continue;
        }
        // Copying or comparing a value recurses once per level: refuse deep lines unparsed.
        if (findJsonTooDeep(l) != std::string_view::npos)
            return Error{name + ", line " + std::to_string(thisLine) + ": nested too deep (more than "
                         + std::to_string(kMaxJsonDepth) + " levels of arrays and objects)"};
        nlohmann::json obj;
        try {
            obj = nlohmann::json::parse(l.begin(), l.end());
        } catch (const nlohmann::json::parse_error &e) {
            return Error{name + ", line " + std::to_string(thisLine) + ": invalid JSON (syntax error at byte "
                         + std::to_string(e.byte) + " of the line)"};
        }
        if (!obj.is_object())
            return Error{name + ", line " + std::to_string(thisLine)
                         + ": expected a JSON object ({\"text\": ...}), found " + obj.type_name()};
        const std::size_t row = lines.size();
        lines.push_back(thisLine);
        for (auto it = obj.begin(); it != obj.end(); ++it) {
            if (it->is_object() || it->is_array()) {
                if (skipped.insert(it.key()).second)
                    skippedKeys.push_back(it.key());
                continue;
            }
            const auto [k, added] = keyIndex.try_emplace(it.key(), keys.size());
            const std::size_t c = k->second;
            if (added) {
                keys.push_back(it.key());
                columns.emplace_back(row); // earlier rows lack this key
            }
            columns[c].resize(row);
            columns[c].push_back(scalarText(*it));
        }
        for (auto &col : columns)
            col.resize(row + 1);
    }
    if (lines.empty())
        return Error{name + ": no JSON objects (the file holds only blank lines)"};
    Warnings warnings;
    if (!blank.empty())
        warnings.push_back(name + ": " + csv::blankLinesWarning(blank));
    for (const auto &k : skippedKeys)
        warnings.push_back(name + ": key '" + k + "' holds objects or arrays; it is not loaded");
    auto ds = assemble(name, keys, std::move(columns), std::move(lines), options, "key");
    if (!ds)
        return ds.error();
    return LoadedTexts{std::move(*ds), std::move(warnings)};
}

} // namespace

Result<LoadedTexts> loadTexts(const std::string &path, const TextLoadOptions &options)
{
    const std::string name = displayName(path);
    std::string format = lower(options.format);
    if (format.empty()) {
        format = extensionOf(path);
        if (format == "ndjson")
            format = "jsonl";
        if (format != "txt" && format != "csv" && format != "tsv" && format != "jsonl")
            return Error{name + ": unknown text format '." + format
                         + "'; texts are read from .txt, .csv, .tsv and .jsonl files"};
    } else if (format != "txt" && format != "csv" && format != "tsv" && format != "jsonl") {
        return Error{name + ": '" + format + "' is not a text format (txt, csv, tsv, jsonl)"};
    }
    auto data = readFile(path);
    if (!data)
        return data.error();
    std::string_view text(*data);
    stripBom(text);
    if (text.empty())
        return Error{name + ": the file is empty"};
    if (const auto bad = findInvalidUtf8(text); bad != std::string_view::npos)
        return Error{invalidUtf8Message(name, text, bad)};

    Result<LoadedTexts> r = Error{};
    if (format == "txt")
        r = loadTxt(name, text);
    else if (format == "csv")
        r = loadTable(name, text, ',', options);
    else if (format == "tsv")
        r = loadTable(name, text, '\t', options);
    else
        r = loadJsonl(name, text, options);
    if (r)
        r->dataset.source = path;
    return r;
}

Dataset textsFromLines(const std::string &pasted)
{
    std::string_view text(pasted);
    stripBom(text);
    auto r = loadTxt({}, text);
    return r ? std::move(r->dataset) : Dataset{};
}

} // namespace es::formats
