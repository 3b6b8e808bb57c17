#include "formats/detect.h"

#include "formats/fileio.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <system_error>

namespace es::formats {

namespace {

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

// The first bytes of a file: enough lines for the content checks.
std::string head(const std::string &path, std::size_t bytes = 1 << 20)
{
    std::string out(bytes, '\0');
    std::FILE *f = std::fopen(path.c_str(), "rb");
    if (!f)
        return {};
    out.resize(std::fread(out.data(), 1, bytes, f));
    std::fclose(f);
    return out;
}

// Up to max complete lines of text (the last, possibly cut, line is dropped when the
// head was cut); blank lines skipped, '\r' removed.
std::vector<std::string_view> firstLines(std::string_view text, std::size_t max, bool cut)
{
    stripBom(text);
    std::vector<std::string_view> lines;
    std::size_t pos = 0;
    while (pos < text.size() && lines.size() < max) {
        std::size_t e = text.find('\n', pos);
        if (e == std::string_view::npos) {
            if (cut)
                break;
            e = text.size();
        }
        std::string_view l = text.substr(pos, e - pos);
        if (!l.empty() && l.back() == '\r')
            l.remove_suffix(1);
        if (l.find_first_not_of(" \t") != std::string_view::npos)
            lines.push_back(l);
        pos = e + 1;
    }
    return lines;
}

std::vector<std::string_view> split(std::string_view l, bool onTab)
{
    std::vector<std::string_view> out;
    std::size_t pos = 0;
    if (onTab) {
        for (;;) {
            const std::size_t e = l.find('\t', pos);
            out.push_back(l.substr(pos, e == std::string_view::npos ? std::string_view::npos : e - pos));
            if (e == std::string_view::npos)
                return out;
            pos = e + 1;
        }
    }
    splitWhitespace(l, out);
    return out;
}

bool isNumber(std::string_view t)
{
    while (!t.empty() && t.front() == ' ')
        t.remove_prefix(1);
    while (!t.empty() && t.back() == ' ')
        t.remove_suffix(1);
    if (!t.empty() && t.front() == '+')
        t.remove_prefix(1);
    if (t.empty())
        return false;
    double v;
    const auto r = std::from_chars(t.data(), t.data() + t.size(), v);
    return r.ec == std::errc() && r.ptr == t.data() + t.size();
}

bool isCount(std::string_view t)
{
    unsigned long long v;
    const auto r = std::from_chars(t.data(), t.data() + t.size(), v);
    return r.ec == std::errc() && r.ptr == t.data() + t.size() && v > 0;
}

// word2vec / GloVe text: "COUNT DIM" first, or every sampled line a word followed by the
// same number (at least two) of numbers.
bool looksLikeWord2vec(const std::vector<std::string_view> &lines)
{
    if (lines.empty())
        return false;
    const auto first = split(lines[0], false);
    if (first.size() == 2 && isCount(first[0]) && isCount(first[1]))
        return true;
    std::size_t numbers = 0;
    for (const auto &l : lines) {
        const auto tok = split(l, false);
        if (tok.size() < 3)
            return false;
        std::size_t k = tok.size();
        while (k > 1 && isNumber(tok[k - 1]))
            --k;
        const std::size_t count = tok.size() - k;
        if (k == tok.size() || count < 2)
            return false;
        if (numbers && count != numbers)
            return false;
        numbers = count;
    }
    return true;
}

bool firstRowAllNumbers(const std::vector<std::string_view> &lines)
{
    if (lines.empty())
        return false;
    const auto cells = split(lines[0], true);
    return std::all_of(cells.begin(), cells.end(), isNumber);
}

const char *kSupported = "supported: .txt, .csv, .tsv, .jsonl (texts); .npy, projector .tsv, word2vec/GloVe "
                         ".txt or .vec (vectors); .embedscope (project)";

} // namespace

Result<Detected> detectInput(const std::string &path, const std::string &format)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    const auto st = fs::status(path, ec);
    if (ec || !fs::exists(st))
        return Error{path + ": no such file"};
    if (fs::is_directory(st))
        return Error{path + ": is a folder, not a file"};

    const std::string f = lower(format);
    if (!f.empty()) {
        if (f == "txt" || f == "csv" || f == "tsv" || f == "jsonl")
            return Detected{InputKind::Texts, f};
        if (f == "npy" || f == "projector" || f == "word2vec")
            return Detected{InputKind::Vectors, f};
        if (f == "embedscope")
            return Detected{InputKind::Project, f};
        return Error{"unknown format '" + format
                     + "'; use one of txt, csv, tsv, jsonl, npy, projector, word2vec, embedscope"};
    }

    std::string ext = lower(fs::path(path).extension().string());
    if (!ext.empty())
        ext = ext.substr(1);
    if (ext == "npy")
        return Detected{InputKind::Vectors, "npy"};
    if (ext == "embedscope")
        return Detected{InputKind::Project, "embedscope"};
    if (ext == "csv")
        return Detected{InputKind::Texts, "csv"};
    if (ext == "jsonl" || ext == "ndjson")
        return Detected{InputKind::Texts, "jsonl"};
    if (ext == "vec")
        return Detected{InputKind::Vectors, "word2vec"};
    if (ext == "tsv" || ext == "txt") {
        const std::size_t size = std::size_t(fs::file_size(path, ec));
        const std::string h = head(path);
        const auto lines = firstLines(h, 10, !ec && size > h.size());
        if (ext == "tsv")
            return firstRowAllNumbers(lines) ? Detected{InputKind::Vectors, "projector"}
                                             : Detected{InputKind::Texts, "tsv"};
        return looksLikeWord2vec(lines) ? Detected{InputKind::Vectors, "word2vec"}
                                        : Detected{InputKind::Texts, "txt"};
    }
    return Error{displayName(path) + ": unknown input format"
                 + (ext.empty() ? std::string(" (no file extension)") : " '." + ext + "'") + "; " + kSupported
                 + "; or name the format explicitly"};
}

} // namespace es::formats
