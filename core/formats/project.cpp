#include "formats/project.h"

#include "formats/fileio.h"
#include "formats/vectors.h"
#include "util/json_depth.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <limits>

#ifndef EMBEDSCOPE_VERSION
#define EMBEDSCOPE_VERSION "unknown"
#endif

namespace es::formats {

using json = nlohmann::json;

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string nowUtc()
{
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

json encodeMatrix(const Matrix &m)
{
    return json{{"rows", m.rows()},
                {"dims", m.cols()},
                {"dtype", "float32"},
                {"byte_order", "little"},
                {"encoding", "base64"},
                {"data", encodeBase64(std::string_view(reinterpret_cast<const char *>(m.data()),
                                                       std::size_t(m.size()) * sizeof(float)))}};
}

// A failure while reading: which field, and what is wrong with it.
struct FieldError {
    std::string message;
};

const json &field(const json &obj, const char *key, const std::string &where)
{
    const auto it = obj.find(key);
    if (it == obj.end())
        throw FieldError{where + (where.empty() ? "" : ".") + key + ": missing"};
    return *it;
}

std::string typeError(const std::string &where, const char *expected, const json &v)
{
    return where + ": expected " + expected + ", found " + v.type_name();
}

std::vector<std::string> stringArray(const json &v, const std::string &where)
{
    if (!v.is_array())
        throw FieldError{typeError(where, "an array of strings", v)};
    std::vector<std::string> out;
    out.reserve(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (!v[i].is_string())
            throw FieldError{typeError(where + "[" + std::to_string(i) + "]", "a string", v[i])};
        out.push_back(v[i].get<std::string>());
    }
    return out;
}

std::string optString(const json &obj, const char *key, const std::string &where)
{
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null())
        return {};
    if (!it->is_string())
        throw FieldError{typeError(where + (where.empty() ? "" : ".") + key, "a string", *it)};
    return it->get<std::string>();
}

// An integer in [min, max], checked before it is narrowed (get<int>() of 4294967297 is 1);
// `expected` says what the value should be ("a column index (the data set has 2 columns)").
long long integerIn(const json &v, const std::string &what, long long min, long long max, const std::string &expected)
{
    if (!v.is_number_integer())
        throw FieldError{typeError(what, expected.c_str(), v)};
    const bool inRange = v.is_number_unsigned()
                             ? max >= 0 && v.get<std::uint64_t>() <= std::uint64_t(max)
                                   && (min <= 0 || v.get<std::uint64_t>() >= std::uint64_t(min))
                             : v.get<std::int64_t>() >= min && v.get<std::int64_t>() <= max;
    if (!inRange)
        throw FieldError{what + ": " + v.dump() + " is not " + expected};
    return v.is_number_unsigned() ? static_cast<long long>(v.get<std::uint64_t>()) : v.get<std::int64_t>();
}

long long count(const json &obj, const char *key, const std::string &where)
{
    return integerIn(field(obj, key, where), where + "." + key, 0, std::numeric_limits<long long>::max(),
                     "a count (a non-negative integer)");
}

Matrix decodeMatrix(const json &v, const std::string &where)
{
    if (!v.is_object())
        throw FieldError{typeError(where, "an object", v)};
    const long long rows = count(v, "rows", where), dims = count(v, "dims", where);
    if (optString(v, "dtype", where) != "float32")
        throw FieldError{where + ".dtype: only float32 is read"};
    if (const auto bo = optString(v, "byte_order", where); !bo.empty() && bo != "little")
        throw FieldError{where + ".byte_order: only little is read"};
    if (const auto enc = optString(v, "encoding", where); enc != "base64")
        throw FieldError{where + ".encoding: only base64 is read"};
    const json &data = field(v, "data", where);
    if (!data.is_string())
        throw FieldError{typeError(where + ".data", "a base64 string", data)};
    if (rows > (1LL << 31) || dims > (1LL << 20))
        throw FieldError{where + ": " + std::to_string(rows) + " x " + std::to_string(dims) + " is too large"};
    std::string bytes;
    if (!decodeBase64(data.get_ref<const std::string &>(), bytes))
        throw FieldError{where + ".data: invalid base64"};
    const std::size_t expected = std::size_t(rows) * std::size_t(dims) * sizeof(float);
    if (bytes.size() != expected)
        throw FieldError{where + ": " + std::to_string(bytes.size()) + " bytes, expected " + std::to_string(expected)
                         + " for " + std::to_string(rows) + " x " + std::to_string(dims) + " float32"};
    Matrix m(rows, dims);
    if (expected)
        std::memcpy(m.data(), bytes.data(), expected);
    return m;
}

// The invariants both save and load check; "" when the project is consistent.
std::string checkProject(const Project &p)
{
    const Dataset &d = p.dataset;
    const std::size_t n = d.size();
    if (!d.lines.empty() && d.lines.size() != n)
        return "dataset.lines: " + std::to_string(d.lines.size()) + " entries for " + std::to_string(n) + " texts";
    for (const auto &c : d.columns)
        if (c.values.size() != n)
            return "dataset column '" + c.name + "': " + std::to_string(c.values.size()) + " values for "
                   + std::to_string(n) + " texts";
    if (d.labelColumn < -1 || d.labelColumn >= int(d.columns.size()))
        return "dataset.label_column: " + std::to_string(d.labelColumn) + " is not a column index (the data set has "
               + std::to_string(d.columns.size()) + " columns)";
    const bool hasVectors = p.vectors.size() > 0;
    if (hasVectors && n > 0 && std::size_t(p.vectors.rows()) != n)
        return "vectors: " + std::to_string(p.vectors.rows()) + " rows for " + std::to_string(n) + " texts";
    const std::size_t rows = hasVectors ? std::size_t(p.vectors.rows()) : n;
    auto finite = [](const Matrix &m, const std::string &what) -> std::string {
        for (Eigen::Index r = 0; r < m.rows(); ++r)
            for (Eigen::Index c = 0; c < m.cols(); ++c)
                if (!std::isfinite(m(r, c)))
                    return what + ": row " + std::to_string(r + 1) + ", column " + std::to_string(c + 1) + " is "
                           + (std::isnan(m(r, c)) ? "NaN" : "infinite");
        return {};
    };
    if (auto e = finite(p.vectors, "vectors"); !e.empty())
        return e;
    for (const auto &[name, m] : p.projections) {
        if (name.empty())
            return "projections: a projection without a name";
        if (m.cols() != 2 && m.cols() != 3)
            return "projections." + name + ": " + std::to_string(m.cols()) + " columns; a projection has 2 or 3";
        if (std::size_t(m.rows()) != rows)
            return "projections." + name + ": " + std::to_string(m.rows()) + " rows for " + std::to_string(rows)
                   + (hasVectors ? " vectors" : " texts");
        if (auto e = finite(m, "projections." + name); !e.empty())
            return e;
    }
    if (!p.parameters.is_object())
        return std::string("parameters: expected a JSON object, found ") + p.parameters.type_name();
    if (!p.marks.empty() && p.marks.size() != n)
        return "doctor.marks: " + std::to_string(p.marks.size()) + " marks for " + std::to_string(n) + " texts";
    for (std::size_t i = 0; i < p.marks.size(); ++i)
        if (const auto &m = p.marks[i]; !m.empty() && m != "keep" && m != "fix" && m != "drop")
            return "doctor.marks[" + std::to_string(i) + "]: unknown mark '" + m + "' (keep, fix, drop or empty)";
    return {};
}

} // namespace

std::string encodeBase64(std::string_view bytes)
{
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    const auto *s = reinterpret_cast<const unsigned char *>(bytes.data());
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const std::uint32_t v = std::uint32_t(s[i]) << 16 | std::uint32_t(s[i + 1]) << 8 | s[i + 2];
        out += kAlphabet[v >> 18];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += kAlphabet[v & 63];
    }
    if (const std::size_t rest = bytes.size() - i) {
        std::uint32_t v = std::uint32_t(s[i]) << 16;
        if (rest == 2)
            v |= std::uint32_t(s[i + 1]) << 8;
        out += kAlphabet[v >> 18];
        out += kAlphabet[(v >> 12) & 63];
        out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

bool decodeBase64(std::string_view text, std::string &out)
{
    static const auto table = [] {
        std::array<signed char, 256> t{};
        t.fill(-1);
        for (int i = 0; i < 64; ++i)
            t[static_cast<unsigned char>(kAlphabet[i])] = static_cast<signed char>(i);
        return t;
    }();
    out.clear();
    if (text.size() % 4 != 0)
        return false;
    out.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        const bool last = i + 4 == text.size();
        int v[4];
        int pad = 0;
        for (int k = 0; k < 4; ++k) {
            const char c = text[i + std::size_t(k)];
            if (c == '=' && last && k >= 2) {
                v[k] = 0;
                ++pad;
                continue;
            }
            if (pad)
                return false; // data after padding
            v[k] = table[static_cast<unsigned char>(c)];
            if (v[k] < 0)
                return false;
        }
        const std::uint32_t w = std::uint32_t(v[0]) << 18 | std::uint32_t(v[1]) << 12 | std::uint32_t(v[2]) << 6
                                | std::uint32_t(v[3]);
        out += char(w >> 16);
        if (pad < 2)
            out += char((w >> 8) & 0xFF);
        if (pad < 1)
            out += char(w & 0xFF);
    }
    return true;
}

Status saveProject(const std::string &path, Project &project)
{
    const std::string name = displayName(path);
    if (auto e = checkProject(project); !e.empty())
        return Error{name + ": cannot save: " + e};
    project.appVersion = EMBEDSCOPE_VERSION;
    project.modified = nowUtc();
    if (project.created.empty())
        project.created = project.modified;

    const Dataset &d = project.dataset;
    json columns = json::array();
    for (const auto &c : d.columns)
        columns.push_back({{"name", c.name}, {"values", c.values}});
    json doc = {
        {"format", kProjectFormat},
        {"version", kProjectVersion},
        {"app_version", project.appVersion},
        {"created", project.created},
        {"modified", project.modified},
        {"dataset",
         {{"source", d.source},
          {"text_column", d.textColumn},
          {"texts", d.texts},
          {"lines", d.lines},
          {"columns", columns},
          {"label_column", d.labelColumn >= 0 ? json(d.labelColumn) : json(nullptr)}}},
        {"embedding", {{"provider", project.provider}, {"model", project.model}}},
        {"vectors", project.vectors.size() > 0 ? encodeMatrix(project.vectors) : json(nullptr)},
        {"projections", json::object()},
        {"parameters", project.parameters},
    };
    for (const auto &[pname, m] : project.projections)
        doc["projections"][pname] = encodeMatrix(m);
    if (!project.marks.empty())
        doc["doctor"] = {{"marks", project.marks}};
    std::string text;
    try {
        // Invalid UTF-8 in a text would make dump() throw; replace it rather than fail.
        text = doc.dump(1, ' ', false, json::error_handler_t::replace);
    } catch (const std::exception &e) {
        return Error{name + ": cannot save: " + e.what()};
    }
    text += '\n';
    return writeFileAtomic(path, text);
}

Result<Project> loadProject(const std::string &path)
{
    const std::string name = displayName(path);
    auto data = readFile(path);
    if (!data)
        return data.error();
    // Copying or comparing a value recurses once per level: refuse deep text before parsing.
    if (const auto at = findJsonTooDeep(*data); at != std::string::npos)
        return Error{name + ": nested too deep at byte " + std::to_string(at + 1) + " (line "
                     + std::to_string(lineOfOffset(*data, at)) + "): more than " + std::to_string(kMaxJsonDepth)
                     + " levels of arrays and objects; not a project EmbedScope wrote"};
    json doc;
    try {
        doc = json::parse(*data);
    } catch (const json::parse_error &e) {
        return Error{name + ": not a valid project file (JSON syntax error at byte " + std::to_string(e.byte) + ")"};
    }
    if (!doc.is_object() || !doc.contains("format") || doc["format"] != kProjectFormat)
        return Error{name + ": not an EmbedScope project (no \"format\": \"" + kProjectFormat + "\")"};
    if (!doc.contains("version") || doc["version"].is_null())
        return Error{name + ": the project has no format version"};
    const json &v = doc["version"];
    if (!v.is_number_integer())
        return Error{name + ": version: expected an integer, found " + v.type_name()};
    if (v.is_number_unsigned() ? v.get<std::uint64_t>() > std::uint64_t(kProjectVersion)
                               : v.get<std::int64_t>() > kProjectVersion)
        return Error{name + ": written by a newer EmbedScope (project format version " + v.dump()
                     + "; this version reads up to " + std::to_string(kProjectVersion) + ")"};
    if (v.get<std::int64_t>() < 1)
        return Error{name + ": invalid project format version " + v.dump()};

    Project p;
    try {
        p.appVersion = optString(doc, "app_version", "");
        p.created = optString(doc, "created", "");
        p.modified = optString(doc, "modified", "");
        const json &ds = field(doc, "dataset", "");
        if (!ds.is_object())
            throw FieldError{typeError("dataset", "an object", ds)};
        Dataset &d = p.dataset;
        d.source = optString(ds, "source", "dataset");
        d.textColumn = optString(ds, "text_column", "dataset");
        d.texts = stringArray(field(ds, "texts", "dataset"), "dataset.texts");
        if (const auto it = ds.find("lines"); it != ds.end() && !it->is_null()) {
            if (!it->is_array())
                throw FieldError{typeError("dataset.lines", "an array of line numbers", *it)};
            for (std::size_t i = 0; i < it->size(); ++i)
                d.lines.push_back(std::size_t(integerIn((*it)[i], "dataset.lines[" + std::to_string(i) + "]", 1,
                                                        std::numeric_limits<long long>::max(),
                                                        "a line number (1 or more)")));
        }
        if (const auto it = ds.find("columns"); it != ds.end() && !it->is_null()) {
            if (!it->is_array())
                throw FieldError{typeError("dataset.columns", "an array", *it)};
            for (std::size_t i = 0; i < it->size(); ++i) {
                const std::string w = "dataset.columns[" + std::to_string(i) + "]";
                const json &c = (*it)[i];
                if (!c.is_object())
                    throw FieldError{typeError(w, "an object", c)};
                d.columns.push_back(Column{optString(c, "name", w), stringArray(field(c, "values", w), w + ".values")});
            }
        }
        if (const auto it = ds.find("label_column"); it != ds.end() && !it->is_null()) {
            d.labelColumn = int(integerIn(*it, "dataset.label_column", -1, (long long)d.columns.size() - 1,
                                          "a column index (the data set has " + std::to_string(d.columns.size())
                                              + " columns)"));
        }
        if (const auto it = doc.find("embedding"); it != doc.end() && !it->is_null()) {
            if (!it->is_object())
                throw FieldError{typeError("embedding", "an object", *it)};
            p.provider = optString(*it, "provider", "embedding");
            p.model = optString(*it, "model", "embedding");
        }
        if (const auto it = doc.find("vectors"); it != doc.end() && !it->is_null())
            p.vectors = decodeMatrix(*it, "vectors");
        if (const auto it = doc.find("projections"); it != doc.end() && !it->is_null()) {
            if (!it->is_object())
                throw FieldError{typeError("projections", "an object", *it)};
            for (auto pr = it->begin(); pr != it->end(); ++pr)
                p.projections[pr.key()] = decodeMatrix(pr.value(), "projections." + pr.key());
        }
        if (const auto it = doc.find("parameters"); it != doc.end() && !it->is_null())
            p.parameters = *it;
        if (const auto it = doc.find("doctor"); it != doc.end() && !it->is_null()) {
            if (!it->is_object())
                throw FieldError{typeError("doctor", "an object", *it)};
            if (const auto m = it->find("marks"); m != it->end() && !m->is_null())
                p.marks = stringArray(*m, "doctor.marks");
        }
    } catch (const FieldError &e) {
        return Error{name + ": " + e.message};
    } catch (const json::exception &e) {
        return Error{name + ": " + e.what()};
    }
    if (auto e = checkProject(p); !e.empty())
        return Error{name + ": " + e};
    return p;
}

} // namespace es::formats
