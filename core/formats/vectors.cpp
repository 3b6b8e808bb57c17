#include "formats/vectors.h"

#include "formats/csv_parser.h"
#include "formats/detect.h"
#include "formats/fileio.h"
#include "formats/npy.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <filesystem>

namespace es::formats {

namespace {

namespace fs = std::filesystem;

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

std::string where(const std::string &name, std::size_t line)
{
    return name + ", line " + std::to_string(line) + ": ";
}

// Parses one number cell; "" on success, else the message tail.
std::string parseValue(std::string_view t, float &v)
{
    while (!t.empty() && (t.front() == ' ' || t.front() == '\t'))
        t.remove_prefix(1);
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t'))
        t.remove_suffix(1);
    std::string_view num = t;
    if (!num.empty() && num.front() == '+')
        num.remove_prefix(1);
    const auto r = std::from_chars(num.data(), num.data() + num.size(), v);
    if (num.empty() || r.ec == std::errc::invalid_argument || r.ptr != num.data() + num.size()) {
        std::string msg(1, '\'');
        msg.append(t.substr(0, 40)).append("' is not a number");
        return msg;
    }
    if (r.ec == std::errc::result_out_of_range) {
        // Underflow to zero is harmless; overflow is an infinite value.
        double d = 0;
        std::from_chars(num.data(), num.data() + num.size(), d);
        if (std::abs(d) > 1.0)
            return "'" + std::string(t) + "' is too large for float32";
        v = float(d);
    }
    if (std::isnan(v))
        return "value is NaN";
    if (std::isinf(v))
        return "value is infinite";
    return {};
}

bool isBlank(std::string_view s)
{
    return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

Matrix toMatrix(const std::vector<float> &values, std::size_t rows, std::size_t cols)
{
    Matrix m;
    m.resize(Eigen::Index(rows), Eigen::Index(cols));
    std::copy(values.begin(), values.end(), m.data());
    return m;
}

// metadata.tsv: one column without a header, or a header row and several columns.
Result<Dataset> loadProjectorMetadata(const std::string &path, std::size_t expectedRows)
{
    const std::string name = displayName(path);
    auto data = readFile(path);
    if (!data)
        return data.error();
    std::string_view text(*data);
    stripBom(text);
    if (auto bad = findInvalidUtf8(text); bad != std::string_view::npos)
        return Error{invalidUtf8Message(name, text, bad)};
    // A final line break ends the last row rather than starting an empty one.
    csv::ParseConfig cfg;
    cfg.delimiter = '\t';
    cfg.quoting = false;
    cfg.skipBlankLines = false;
    cfg.hasHeader = false;
    cfg.name = name;
    auto parsed = csv::parse(text, cfg);
    if (!parsed)
        return parsed.error();
    auto &t = *parsed;
    Dataset ds;
    ds.source = path;
    if (t.columns.size() <= 1) {
        if (t.rows() != expectedRows)
            return Error{name + ": " + std::to_string(t.rows()) + " rows, but the vectors file has "
                         + std::to_string(expectedRows) + " (a one-column metadata file has no header row)"};
        ds.texts = t.columns.empty() ? std::vector<std::string>(expectedRows) : std::move(t.columns[0]);
        ds.lines = std::move(t.lines);
        return ds;
    }
    if (t.rows() - 1 != expectedRows)
        return Error{name + ": " + std::to_string(t.rows() - 1) + " rows after the header, but the vectors file has "
                     + std::to_string(expectedRows)};
    std::vector<std::string> header;
    for (auto &c : t.columns) {
        header.push_back(c.front());
        c.erase(c.begin());
    }
    static constexpr std::array textNames = {"text", "sentence", "sentences", "document", "content", "body"};
    static constexpr std::array labelNames = {"label", "category", "class", "topic", "labels"};
    auto find = [&](const auto &names, int skip) {
        for (const char *n : names)
            for (std::size_t i = 0; i < header.size(); ++i)
                if (int(i) != skip && lower(header[i]) == n)
                    return int(i);
        return -1;
    };
    int textIdx = find(textNames, -1);
    if (textIdx < 0)
        textIdx = 0;
    const int labelIdx = find(labelNames, textIdx);
    ds.textColumn = header[std::size_t(textIdx)];
    ds.texts = std::move(t.columns[std::size_t(textIdx)]);
    ds.lines.assign(t.lines.begin() + 1, t.lines.end());
    for (std::size_t c = 0; c < header.size(); ++c) {
        if (int(c) == textIdx)
            continue;
        if (int(c) == labelIdx)
            ds.labelColumn = int(ds.columns.size());
        ds.columns.push_back(Column{header[c], std::move(t.columns[c])});
    }
    return ds;
}

Result<LoadedVectors> loadProjector(const std::string &path, const VectorLoadOptions &options)
{
    const std::string name = displayName(path);
    auto data = readFile(path);
    if (!data)
        return data.error();
    std::string_view text(*data);
    stripBom(text);
    if (isBlank(text))
        return Error{name + ": the file is empty"};
    std::vector<float> values;
    std::size_t cols = 0, rows = 0, firstLine = 0, blankLine = 0;
    std::vector<std::string_view> cells;
    std::string error;
    forEachLine(text, [&](std::string_view l, std::size_t line) {
        if (isBlank(l)) {
            if (!blankLine)
                blankLine = line;
            return true;
        }
        if (blankLine) {
            error = where(name, blankLine) + "blank line between vectors; each line must hold one vector";
            return false;
        }
        std::size_t n = 0, pos = 0;
        for (;;) {
            const std::size_t e = l.find('\t', pos);
            std::string_view cell = l.substr(pos, e == std::string_view::npos ? std::string_view::npos : e - pos);
            float v;
            if (auto err = parseValue(cell, v); !err.empty()) {
                error = where(name, line) + "column " + std::to_string(n + 1) + ": " + err;
                return false;
            }
            values.push_back(v);
            ++n;
            if (e == std::string_view::npos)
                break;
            pos = e + 1;
        }
        if (!rows) {
            cols = n;
            firstLine = line;
        } else if (n != cols) {
            error = where(name, line) + std::to_string(n) + " values, expected " + std::to_string(cols)
                    + " (as on line " + std::to_string(firstLine) + ")";
            return false;
        }
        ++rows;
        return true;
    });
    if (!error.empty())
        return Error{error};
    LoadedVectors out;
    out.vectors = toMatrix(values, rows, cols);

    std::string meta = options.metadataPath;
    if (meta.empty()) {
        // Projector naming: vectors.tsv + metadata.tsv, or NAME_vectors.tsv + NAME_metadata.tsv.
        const fs::path p(path);
        std::string file = p.filename().string();
        std::vector<fs::path> candidates;
        if (auto k = file.rfind("vectors"); k != std::string::npos)
            candidates.push_back(p.parent_path() / (file.substr(0, k) + "metadata" + file.substr(k + 7)));
        candidates.push_back(p.parent_path() / "metadata.tsv");
        for (const auto &c : candidates) {
            std::error_code ec;
            if (fs::is_regular_file(c, ec) && c != p) {
                meta = c.string();
                break;
            }
        }
    }
    if (!meta.empty()) {
        auto md = loadProjectorMetadata(meta, rows);
        if (!md)
            return md.error();
        out.metadata = std::move(*md);
    }
    return out;
}

Result<LoadedVectors> loadWord2vec(const std::string &path)
{
    const std::string name = displayName(path);
    auto data = readFile(path);
    if (!data)
        return data.error();
    std::string_view text(*data);
    stripBom(text);
    if (isBlank(text))
        return Error{name + ": the file is empty"};
    if (auto bad = findInvalidUtf8(text); bad != std::string_view::npos)
        return Error{invalidUtf8Message(name, text, bad)};

    std::vector<float> values;
    Dataset ds;
    ds.source = path;
    ds.textColumn = "word";
    std::size_t dims = 0, headerCount = 0, headerLine = 0, firstLine = 0;
    bool first = true;
    std::vector<std::string_view> tok;
    std::vector<std::size_t> blank;
    std::string error;
    forEachLine(text, [&](std::string_view l, std::size_t line) {
        if (isBlank(l)) {
            blank.push_back(line);
            return true;
        }
        tok.clear();
        splitWhitespace(l, tok);
        if (first) {
            first = false;
            unsigned long long c = 0, d = 0;
            if (tok.size() == 2) {
                const auto r1 = std::from_chars(tok[0].data(), tok[0].data() + tok[0].size(), c);
                const auto r2 = std::from_chars(tok[1].data(), tok[1].data() + tok[1].size(), d);
                if (r1.ec == std::errc() && r1.ptr == tok[0].data() + tok[0].size() && r2.ec == std::errc()
                    && r2.ptr == tok[1].data() + tok[1].size() && c > 0 && d > 0) {
                    headerCount = c;
                    dims = d;
                    headerLine = line;
                    // Trust the header only as far as the file could hold it (>= 2 bytes a value).
                    values.reserve(std::min<std::size_t>(c * d, text.size() / 2));
                    return true;
                }
            }
        }
        if (!dims) {
            if (tok.size() < 2) {
                error = where(name, line) + "expected a word followed by numbers";
                return false;
            }
            dims = tok.size() - 1;
            firstLine = line;
        }
        if (tok.size() < dims + 1) {
            error = where(name, line) + std::to_string(tok.size() - 1) + " values, expected " + std::to_string(dims)
                    + (headerLine ? " (as the header says)" : " (as on line " + std::to_string(firstLine) + ")");
            return false;
        }
        // A word may hold spaces (GloVe 840B): the last `dims` tokens are the numbers.
        const std::size_t wordTokens = tok.size() - dims;
        std::string word(tok[0]);
        for (std::size_t i = 1; i < wordTokens; ++i)
            word.append(" ").append(tok[i]);
        for (std::size_t i = wordTokens; i < tok.size(); ++i) {
            float v;
            if (auto err = parseValue(tok[i], v); !err.empty()) {
                error = where(name, line) + "value " + std::to_string(i - wordTokens + 1) + ": " + err;
                return false;
            }
            values.push_back(v);
        }
        ds.texts.push_back(std::move(word));
        ds.lines.push_back(line);
        return true;
    });
    if (!error.empty())
        return Error{error};
    if (ds.texts.empty())
        return Error{name + ": no vectors after the header"};
    if (headerLine && headerCount != ds.texts.size())
        return Error{name + ": the header (line " + std::to_string(headerLine) + ") says "
                     + std::to_string(headerCount) + " vectors, the file holds " + std::to_string(ds.texts.size())
                     + (ds.texts.size() < headerCount ? " (truncated?)" : "")};
    LoadedVectors out;
    if (!blank.empty())
        out.warnings.push_back(name + ": " + csv::blankLinesWarning(blank));
    out.vectors = toMatrix(values, ds.texts.size(), dims);
    out.metadata = std::move(ds);
    return out;
}

std::string csvField(const std::string &s)
{
    if (s.find_first_of(",\"\r\n") == std::string::npos)
        return s;
    std::string q = "\"";
    for (char c : s) {
        if (c == '"')
            q += '"';
        q += c;
    }
    return q + '"';
}

std::string tsvField(std::string s)
{
    std::replace_if(s.begin(), s.end(), [](char c) { return c == '\t' || c == '\n' || c == '\r'; }, ' ');
    return s;
}

} // namespace

Result<LoadedVectors> loadVectors(const std::string &path, const VectorLoadOptions &options)
{
    std::string format = lower(options.format);
    if (format.empty()) {
        auto d = detectInput(path);
        if (!d)
            return d.error();
        if (d->kind != InputKind::Vectors)
            return Error{displayName(path) + ": not a vectors file (detected as " + d->format
                         + "); vectors are read from .npy, projector .tsv and word2vec/GloVe text"};
        format = d->format;
    }
    if (format == "npy")
        return npy::load(path);
    if (format == "projector")
        return loadProjector(path, options);
    if (format == "word2vec")
        return loadWord2vec(path);
    return Error{"'" + options.format + "' is not a vectors format (npy, projector, word2vec)"};
}

Status writeNpy(const std::string &path, const Matrix &m)
{
    const std::string header = npy::headerFor(m.rows(), m.cols());
    return writePiecesAtomic(path, {header, std::string_view(reinterpret_cast<const char *>(m.data()),
                                                             std::size_t(m.size()) * sizeof(float))});
}

Status writeCsv(const std::string &path, const std::vector<std::string> &header,
                const std::vector<std::vector<std::string>> &rows)
{
    std::string out;
    auto appendRow = [&](const std::vector<std::string> &row) {
        for (std::size_t i = 0; i < row.size(); ++i) {
            if (i)
                out += ',';
            out += csvField(row[i]);
        }
        out += '\n';
    };
    if (!header.empty())
        appendRow(header);
    for (std::size_t r = 0; r < rows.size(); ++r) {
        if (!header.empty() && rows[r].size() != header.size())
            return Error{path + ": row " + std::to_string(r + 1) + " has " + std::to_string(rows[r].size())
                         + " fields, the header " + std::to_string(header.size())};
        appendRow(rows[r]);
    }
    return writeFileAtomic(path, out);
}

Status writeProjectorTsv(const std::string &vectorsPath, const std::string &metadataPath, const Matrix &m,
                         const Dataset &dataset)
{
    std::string vec;
    vec.reserve(std::size_t(m.size()) * 12);
    for (Eigen::Index r = 0; r < m.rows(); ++r) {
        for (Eigen::Index c = 0; c < m.cols(); ++c) {
            if (c)
                vec += '\t';
            appendFloat(vec, m(r, c));
        }
        vec += '\n';
    }
    const bool withMeta = !metadataPath.empty() && dataset.size() > 0;
    if (withMeta && dataset.size() != std::size_t(m.rows()))
        return Error{metadataPath + ": the data set has " + std::to_string(dataset.size()) + " rows, the vectors "
                     + std::to_string(m.rows())};
    if (auto s = writeFileAtomic(vectorsPath, vec); !s)
        return s;
    if (!withMeta)
        return Ok{};
    std::string meta;
    // One column is written without a header (projector's rule); several get one.
    if (!dataset.columns.empty()) {
        meta += tsvField(dataset.textColumn.empty() ? "text" : dataset.textColumn);
        for (const auto &c : dataset.columns)
            meta += '\t' + tsvField(c.name);
        meta += '\n';
    }
    for (std::size_t r = 0; r < dataset.size(); ++r) {
        meta += tsvField(dataset.texts[r]);
        for (const auto &c : dataset.columns)
            meta += '\t' + tsvField(r < c.values.size() ? c.values[r] : std::string());
        meta += '\n';
    }
    return writeFileAtomic(metadataPath, meta);
}

} // namespace es::formats
