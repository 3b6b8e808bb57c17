#include "formats/coordinates.h"

#include "formats/csv_parser.h"
#include "formats/fileio.h"
#include "formats/npy.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <limits>
#include <vector>

namespace es::formats {

namespace {

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

enum class NumberKind { Ok, Empty, NotANumber, NotFinite };

// One decimal number (a leading '+' allowed, spaces around it ignored).
NumberKind parseNumber(std::string_view cell, double &out)
{
    cell = trim(cell);
    if (cell.empty())
        return NumberKind::Empty;
    if (cell.front() == '+')
        cell.remove_prefix(1);
    const char *end = cell.data() + cell.size();
    const auto [p, ec] = std::from_chars(cell.data(), end, out);
    if (p != end)
        return NumberKind::NotANumber;
    if (ec == std::errc::result_out_of_range) {
        out = std::numeric_limits<double>::infinity();
        return NumberKind::NotFinite;
    }
    if (ec != std::errc())
        return NumberKind::NotANumber;
    if (!std::isfinite(out) || !std::isfinite(float(out)))
        return NumberKind::NotFinite;
    return NumberKind::Ok;
}

bool isNumber(std::string_view cell)
{
    double v = 0;
    const NumberKind k = parseNumber(cell, v);
    return k == NumberKind::Ok || k == NumberKind::NotFinite;
}

std::string cellText(std::string_view s)
{
    constexpr std::size_t kMax = 40;
    std::string out = "'" + std::string(s.substr(0, kMax)) + (s.size() > kMax ? "...'" : "'");
    return out;
}

} // namespace

std::string coordinatesMethodFromName(const std::string &path)
{
    const std::string stem = lower(std::filesystem::path(path).stem().string());
    if (stem.find("umap") != std::string::npos)
        return "umap";
    for (const char *t : {"tsne", "t-sne", "t_sne"})
        if (stem.find(t) != std::string::npos)
            return "tsne";
    if (stem.find("pca") != std::string::npos)
        return "pca";
    return {};
}

Result<LoadedCoordinates> parseCoordinatesCsv(std::string_view text, const std::string &name,
                                              const CoordinatesLoadOptions &options)
{
    stripBom(text);
    if (std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); }))
        return Error{name + ": the file is empty (no coordinates)"};
    if (const auto bad = findInvalidUtf8(text); bad != std::string_view::npos)
        return Error{invalidUtf8Message(name, text, bad)};
    csv::ParseConfig cfg;
    cfg.name = name;
    cfg.hasHeader = false; // decided below: a first row that is not all numbers is the header
    auto parsed = csv::parse(text, cfg);
    if (!parsed)
        return parsed.error();
    csv::ParseResult &t = *parsed;
    const std::size_t ncols = t.columns.size();
    const auto where = [&](std::size_t line) { return name + ", line " + std::to_string(line) + ": "; };

    bool header = false;
    for (std::size_t c = 0; c < ncols; ++c)
        header = header || !isNumber(t.columns[c][0]);

    LoadedCoordinates out;
    out.method = coordinatesMethodFromName(name);
    int xi = -1, yi = -1, zi = -1, ri = -1;
    std::vector<std::string> names(ncols);
    if (header) {
        std::vector<std::string> ignored;
        for (std::size_t c = 0; c < ncols; ++c) {
            names[c] = std::string(trim(t.columns[c][0]));
            const std::string h = lower(names[c]);
            int *slot = h == "x" ? &xi : h == "y" ? &yi : h == "z" ? &zi
                      : (h == "row" || h == "id" || h == "index") ? &ri : nullptr;
            if (slot && *slot < 0)
                *slot = int(c);
            else
                ignored.push_back(names[c]);
        }
        if (xi < 0 || yi < 0) {
            std::string found;
            for (const auto &n : names)
                found += (found.empty() ? "" : ", ") + cellText(n);
            return Error{where(t.lines[0]) + "no columns named x and y in the header (columns: " + found
                         + "); a coordinates file has columns x, y and optionally z, and optionally a "
                           "row column (row, id or index)"};
        }
        if (!ignored.empty()) {
            std::string list;
            for (const auto &n : ignored)
                list += (list.empty() ? "" : ", ") + cellText(n);
            out.warnings.push_back(name + ": column" + (ignored.size() > 1 ? "s " : " ") + list + " ignored");
        }
    } else {
        if (ncols != 2 && ncols != 3)
            return Error{where(t.lines[0]) + std::to_string(ncols) + " numbers; a coordinates file without a "
                         + "header has 2 (x, y) or 3 (x, y, z) numbers a line"};
        xi = 0;
        yi = 1;
        zi = ncols == 3 ? 2 : -1;
        names = ncols == 3 ? std::vector<std::string>{"x", "y", "z"} : std::vector<std::string>{"x", "y"};
    }
    const std::size_t first = header ? 1 : 0;
    const std::size_t n = t.rows() - first;
    if (n == 0)
        return Error{where(t.lines[0]) + "a header but no coordinates"};
    if (options.expectedRows > 0 && n != options.expectedRows)
        return Error{name + ": " + std::to_string(n) + (n == 1 ? " row" : " rows") + " of coordinates (lines "
                     + std::to_string(t.lines[first]) + " to " + std::to_string(t.lines.back()) + "), but the data set has "
                     + std::to_string(options.expectedRows) + " rows; the file must have one line per row"};

    const int dims = zi >= 0 ? 3 : 2;
    const int cols[3] = {xi, yi, zi};
    Matrix coords(Eigen::Index(n), dims);
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t row = first + i;
        for (int d = 0; d < dims; ++d) {
            const std::size_t c = std::size_t(cols[d]);
            double v = 0;
            const std::string &cell = t.columns[c][row];
            switch (parseNumber(cell, v)) {
            case NumberKind::Ok:
                break;
            case NumberKind::Empty:
                return Error{where(t.lines[row]) + "column '" + names[c] + "' is empty; every row needs a number"};
            case NumberKind::NotANumber:
                return Error{where(t.lines[row]) + "column '" + names[c] + "' holds " + cellText(trim(cell))
                             + ", not a number"};
            case NumberKind::NotFinite:
                return Error{where(t.lines[row]) + "column '" + names[c] + "' holds " + cellText(trim(cell))
                             + (std::isnan(v) ? " (not a number, NaN)" : " (infinite, or too large for a float)")
                             + "; coordinates must be finite"};
            }
            coords(Eigen::Index(i), d) = float(v);
        }
    }
    if (ri < 0) {
        out.coords = std::move(coords);
        return out;
    }

    // The row column says which data-set row each line is: 0-based (as `embedscope project`
    // writes it) or 1-based, each row once.
    std::vector<long long> rowOf(n);
    long long lowest = std::numeric_limits<long long>::max();
    std::size_t lowestAt = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const std::string_view cell = trim(t.columns[std::size_t(ri)][first + i]);
        long long r = 0;
        const auto [p, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), r);
        if (cell.empty() || ec != std::errc() || p != cell.data() + cell.size())
            return Error{where(t.lines[first + i]) + "column '" + names[std::size_t(ri)] + "' holds " + cellText(cell)
                         + ", not a row number (a whole number)"};
        rowOf[i] = r;
        if (r < lowest) {
            lowest = r;
            lowestAt = i;
        }
    }
    if (lowest != 0 && lowest != 1)
        return Error{where(t.lines[first + lowestAt]) + "row numbers start at " + std::to_string(lowest)
                     + "; expected 0 to " + std::to_string(n - 1) + " (0-based) or 1 to " + std::to_string(n)
                     + " (1-based), one line per row"};
    std::vector<std::size_t> lineOf(n, 0);
    Matrix ordered(Eigen::Index(n), dims);
    for (std::size_t i = 0; i < n; ++i) {
        const long long r = rowOf[i] - lowest;
        const std::size_t line = t.lines[first + i];
        if (r < 0 || r >= (long long)n)
            return Error{where(line) + "row " + std::to_string(rowOf[i]) + " is outside " + std::to_string(lowest)
                         + " to " + std::to_string((long long)n - 1 + lowest) + " (the file has " + std::to_string(n)
                         + " rows)"};
        if (lineOf[std::size_t(r)] != 0)
            return Error{where(line) + "row " + std::to_string(rowOf[i]) + " appears a second time (first on line "
                         + std::to_string(lineOf[std::size_t(r)]) + ")"};
        lineOf[std::size_t(r)] = line;
        ordered.row(Eigen::Index(r)) = coords.row(Eigen::Index(i));
    }
    out.coords = std::move(ordered);
    return out;
}

Result<LoadedCoordinates> loadCoordinates(const std::string &path, const CoordinatesLoadOptions &options)
{
    const std::string name = displayName(path);
    if (lower(std::filesystem::path(path).extension().string()) == ".npy") {
        auto v = npy::load(path);
        if (!v)
            return v.error();
        LoadedCoordinates out;
        out.method = coordinatesMethodFromName(path);
        const Matrix &m = v->vectors;
        if (m.cols() != 2 && m.cols() != 3)
            return Error{name + ": " + std::to_string(m.cols()) + " columns; coordinates are N x 2 or N x 3"};
        if (options.expectedRows > 0 && std::size_t(m.rows()) != options.expectedRows)
            return Error{name + ": " + std::to_string(m.rows()) + " rows of coordinates, but the data set has "
                         + std::to_string(options.expectedRows) + " rows"};
        for (Eigen::Index r = 0; r < m.rows(); ++r)
            for (Eigen::Index c = 0; c < m.cols(); ++c)
                if (!std::isfinite(m(r, c)))
                    return Error{name + ", row " + std::to_string(r + 1) + ": column " + std::to_string(c + 1)
                                 + (std::isnan(m(r, c)) ? " is NaN" : " is infinite") + "; coordinates must be finite"};
        out.coords = std::move(v->vectors);
        out.warnings = std::move(v->warnings);
        return out;
    }
    auto data = readFile(path);
    if (!data)
        return data.error();
    auto r = parseCoordinatesCsv(*data, name, options);
    if (r)
        r->method = coordinatesMethodFromName(path);
    return r;
}

} // namespace es::formats
