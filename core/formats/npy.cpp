#include "formats/npy.h"

#include "formats/fileio.h"
#include "util/validate.h"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>

namespace es::formats::npy {

static_assert(std::endian::native == std::endian::little, "the .npy code assumes a little-endian host");

namespace {

struct Header {
    std::string descr;
    bool fortran = false;
    std::vector<long long> shape;
};

void skipSpace(std::string_view s, std::size_t &p)
{
    while (p < s.size() && (s[p] == ' ' || s[p] == '\t' || s[p] == '\n'))
        ++p;
}

// Parses the Python dict literal of a .npy header; returns "" or what is wrong.
std::string parseHeader(std::string_view s, Header &h)
{
    std::size_t p = 0;
    skipSpace(s, p);
    if (p >= s.size() || s[p] != '{')
        return "the header is not a Python dict";
    ++p;
    bool haveDescr = false, haveOrder = false, haveShape = false;
    for (;;) {
        skipSpace(s, p);
        if (p < s.size() && s[p] == '}')
            break;
        if (p >= s.size() || (s[p] != '\'' && s[p] != '"'))
            return "unexpected text in the header";
        const char q = s[p];
        const std::size_t e = s.find(q, p + 1);
        if (e == std::string_view::npos)
            return "unterminated key in the header";
        const std::string key(s.substr(p + 1, e - p - 1));
        p = e + 1;
        skipSpace(s, p);
        if (p >= s.size() || s[p] != ':')
            return "missing ':' in the header";
        ++p;
        skipSpace(s, p);
        if (key == "descr") {
            if (p < s.size() && s[p] == '[')
                return "structured arrays (record dtypes) are not supported; save a plain 2-D float array";
            if (p >= s.size() || (s[p] != '\'' && s[p] != '"'))
                return "unreadable 'descr' in the header";
            const char q2 = s[p];
            const std::size_t e2 = s.find(q2, p + 1);
            if (e2 == std::string_view::npos)
                return "unreadable 'descr' in the header";
            h.descr = std::string(s.substr(p + 1, e2 - p - 1));
            p = e2 + 1;
            haveDescr = true;
        } else if (key == "fortran_order") {
            if (s.substr(p, 4) == "True") {
                h.fortran = true;
                p += 4;
            } else if (s.substr(p, 5) == "False") {
                h.fortran = false;
                p += 5;
            } else {
                return "unreadable 'fortran_order' in the header";
            }
            haveOrder = true;
        } else if (key == "shape") {
            if (p >= s.size() || s[p] != '(')
                return "unreadable 'shape' in the header";
            ++p;
            for (;;) {
                skipSpace(s, p);
                if (p < s.size() && s[p] == ')') {
                    ++p;
                    break;
                }
                long long v = 0;
                std::size_t digits = 0;
                while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
                    if (v > (1LL << 50))
                        return "'shape' too large";
                    v = v * 10 + (s[p] - '0');
                    ++p;
                    ++digits;
                }
                if (p < s.size() && s[p] == 'L') // Python 2 long
                    ++p;
                if (!digits)
                    return "unreadable 'shape' in the header";
                h.shape.push_back(v);
                skipSpace(s, p);
                if (p < s.size() && s[p] == ',')
                    ++p;
            }
            haveShape = true;
        } else {
            return "unknown key '" + key + "' in the header";
        }
        skipSpace(s, p);
        if (p < s.size() && s[p] == ',')
            ++p;
    }
    if (!haveDescr || !haveOrder || !haveShape)
        return "the header lacks 'descr', 'fortran_order' or 'shape'";
    return {};
}

float halfToFloat(std::uint16_t h)
{
    const std::uint32_t sign = std::uint32_t(h >> 15) << 31;
    const int exp = (h >> 10) & 0x1F;
    const std::uint32_t mant = h & 0x3FF;
    float v;
    if (exp == 0)
        v = std::ldexp(float(mant), -24); // zero or subnormal
    else if (exp == 31)
        v = mant ? std::numeric_limits<float>::quiet_NaN() : std::numeric_limits<float>::infinity();
    else
        v = std::ldexp(float(mant | 0x400), exp - 25);
    return sign ? -v : v;
}

std::string shapeText(const std::vector<long long> &shape)
{
    std::string s = "(";
    for (std::size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + (shape.size() == 1 ? ",)" : ")");
}

struct FileCloser {
    void operator()(std::FILE *f) const { std::fclose(f); }
};

} // namespace

Result<LoadedVectors> load(const std::string &path)
{
    namespace fs = std::filesystem;
    const std::string name = displayName(path);
    std::error_code ec;
    const auto st = fs::status(path, ec);
    if (ec || !fs::exists(st))
        return Error{path + ": no such file"};
    if (fs::is_directory(st))
        return Error{path + ": is a folder, not a file"};
    const auto fileSize = std::uint64_t(fs::file_size(path, ec));
    std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path.c_str(), "rb"));
    if (!f)
        return Error{path + ": cannot open: " + std::strerror(errno), false, false};

    unsigned char pre[12] = {};
    const std::size_t got = std::fread(pre, 1, sizeof pre, f.get());
    if (got >= 2 && pre[0] == 'P' && pre[1] == 'K')
        return Error{name + ": is a .npz archive (a zip of arrays), not a .npy file; extract one array "
                            "(np.save('vectors.npy', np.load('" + name + "')['arr_0']))"};
    if (got < 10 || std::memcmp(pre, "\x93NUMPY", 6) != 0)
        return Error{name + ": not a .npy file (it does not start with the \\x93NUMPY magic)"};
    const int major = pre[6], minor = pre[7];
    std::uint64_t headerLen, prefix;
    if (major == 1) {
        headerLen = std::uint64_t(pre[8]) | std::uint64_t(pre[9]) << 8;
        prefix = 10;
    } else if (major == 2 || major == 3) {
        if (got < 12)
            return Error{name + ": truncated .npy header"};
        headerLen = std::uint64_t(pre[8]) | std::uint64_t(pre[9]) << 8 | std::uint64_t(pre[10]) << 16
                    | std::uint64_t(pre[11]) << 24;
        prefix = 12;
    } else {
        return Error{name + ": unsupported .npy format version " + std::to_string(major) + "."
                     + std::to_string(minor) + " (versions 1.0 to 3.0 are read)"};
    }
    if (prefix + headerLen > fileSize)
        return Error{name + ": truncated: the header says " + std::to_string(headerLen)
                     + " bytes of header, the file is only " + std::to_string(fileSize) + " bytes"};
    std::string headerText(headerLen, '\0');
    std::fseek(f.get(), long(prefix), SEEK_SET);
    if (std::fread(headerText.data(), 1, headerLen, f.get()) != headerLen)
        return Error{name + ": read error in the header", false, false};

    Header h;
    if (auto err = parseHeader(headerText, h); !err.empty())
        return Error{name + ": " + err};
    const std::string &d = h.descr;
    if (d.size() < 2)
        return Error{name + ": unreadable dtype '" + d + "'"};
    const char order = d[0];
    const char kind = d[1];
    const int itemSize = d.size() > 2 ? std::atoi(d.c_str() + 2) : 0;
    if (kind == 'O')
        return Error{name + ": holds Python objects (dtype object, stored with pickle); these are refused "
                            "because unpickling can run code. Save a float array: "
                            "np.save(path, np.asarray(x, dtype=np.float32))"};
    if (kind == 'i' || kind == 'u' || kind == 'b')
        return Error{name + ": holds " + (kind == 'b' ? std::string("booleans") : "integers") + " (dtype '" + d
                     + "'), not embedding vectors; convert with arr.astype(np.float32)"};
    if (kind != 'f' || (itemSize != 2 && itemSize != 4 && itemSize != 8))
        return Error{name + ": unsupported dtype '" + d + "'; float16, float32 or float64 arrays are read"};
    const bool bigEndian = order == '>';
    if (h.shape.size() != 2) {
        if (h.shape.size() == 1)
            return Error{name + ": a 1-D array of " + std::to_string(h.shape[0])
                         + " values; vectors must be 2-D (rows x dimensions): use arr.reshape(1, -1) for one "
                           "vector"};
        return Error{name + ": shape " + shapeText(h.shape) + " has " + std::to_string(h.shape.size())
                     + " dimensions; vectors must be a 2-D array (rows x dimensions)"};
    }
    const long long rows = h.shape[0], cols = h.shape[1];
    if (rows == 0 || cols == 0)
        return Error{name + ": the array is empty (shape " + shapeText(h.shape) + ")"};

    const std::uint64_t count = std::uint64_t(rows) * std::uint64_t(cols);
    if (count / std::uint64_t(rows) != std::uint64_t(cols) || count > (1ULL << 40))
        return Error{name + ": shape " + shapeText(h.shape) + " is too large"};
    const std::uint64_t expected = count * std::uint64_t(itemSize);
    const std::uint64_t actual = fileSize - prefix - headerLen;
    const std::string typeName = "float" + std::to_string(itemSize * 8);
    if (actual < expected)
        return Error{name + ": truncated: shape " + shapeText(h.shape) + " " + typeName + " needs "
                     + std::to_string(expected) + " bytes of data, the file holds " + std::to_string(actual)};

    LoadedVectors out;
    if (actual > expected)
        out.warnings.push_back(name + ": " + std::to_string(actual - expected)
                               + " bytes after the array data were ignored");
    Matrix m(rows, cols);
    std::fseek(f.get(), long(prefix + headerLen), SEEK_SET);
    if (itemSize == 4 && !bigEndian && !h.fortran) {
        // The common case reads straight into the matrix.
        if (std::fread(m.data(), 4, count, f.get()) != count)
            return Error{name + ": read error in the data", false, false};
    } else {
        std::vector<unsigned char> buf(expected);
        if (std::fread(buf.data(), 1, expected, f.get()) != expected)
            return Error{name + ": read error in the data", false, false};
        const unsigned char *b = buf.data();
        auto value = [&](std::uint64_t i) -> float {
            unsigned char tmp[8];
            std::memcpy(tmp, b + i * std::uint64_t(itemSize), std::size_t(itemSize));
            if (bigEndian)
                std::reverse(tmp, tmp + itemSize);
            if (itemSize == 2) {
                std::uint16_t v;
                std::memcpy(&v, tmp, 2);
                return halfToFloat(v);
            }
            if (itemSize == 4) {
                float v;
                std::memcpy(&v, tmp, 4);
                return v;
            }
            double v;
            std::memcpy(&v, tmp, 8);
            // Doubles beyond float range become inf, which checkVectors reports.
            return float(v);
        };
        for (long long r = 0; r < rows; ++r)
            for (long long c = 0; c < cols; ++c) {
                const std::uint64_t i = h.fortran ? std::uint64_t(c) * std::uint64_t(rows) + std::uint64_t(r)
                                                  : std::uint64_t(r) * std::uint64_t(cols) + std::uint64_t(c);
                m(r, c) = value(i);
            }
    }
    VectorCheck check;
    check.rejectZeroRows = false;
    check.what = name;
    if (auto ok = checkVectors(m, check); !ok)
        return ok.error();
    out.vectors = std::move(m);
    return out;
}

std::string headerFor(std::int64_t rows, std::int64_t cols)
{
    std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::to_string(rows) + ", "
                       + std::to_string(cols) + "), }";
    // NumPy >= 1.24 leaves room for the row count to grow in place (GROWTH_AXIS_MAX_DIGITS).
    const std::size_t digits = std::to_string(rows).size();
    if (digits < 21)
        dict.append(21 - digits, ' ');
    const std::size_t hlen = dict.size() + 1;
    const std::size_t pad = 64 - (10 + hlen) % 64;
    dict.append(pad, ' ');
    dict.push_back('\n');
    std::string out = "\x93NUMPY";
    out.push_back('\x01');
    out.push_back('\x00');
    const std::size_t len = dict.size();
    out.push_back(char(len & 0xFF));
    out.push_back(char((len >> 8) & 0xFF));
    return out + dict;
}

} // namespace es::formats::npy
