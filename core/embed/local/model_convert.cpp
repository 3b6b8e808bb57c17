#include "embed/local/model_convert.h"

#include "embed/local/model_file.h"
#include "util/utf8.h"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

namespace es::local {
namespace {

// Pull scanner over a FILE*: a fixed buffer, byte position kept for error messages.
class JsonStream {
public:
    JsonStream(std::FILE *f, std::string name) : f_(f), name_(std::move(name)), buf_(1 << 20) {}

    std::uint64_t position() const { return consumed_ + pos_; }
    Error error(const std::string &what) const
    {
        return Error{name_ + ": byte " + std::to_string(position()) + ": " + what};
    }
    bool readError() const { return ioError_; }

    // Next non-space byte without consuming it; -1 at the end of input.
    int peek()
    {
        for (;;) {
            if (pos_ == len_ && !fill())
                return -1;
            const char c = buf_[pos_];
            if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
                ++pos_;
            else
                return static_cast<unsigned char>(c);
        }
    }
    bool consume(char c)
    {
        if (peek() != static_cast<unsigned char>(c))
            return false;
        ++pos_;
        return true;
    }

    bool readString(std::string &out)
    {
        out.clear();
        if (!consume('"'))
            return false;
        for (;;) {
            if (pos_ == len_ && !fill())
                return false;
            // Copy the run up to the next quote or backslash at once.
            const char *start = buf_.data() + pos_;
            const char *end = buf_.data() + len_;
            const char *q = start;
            while (q < end && *q != '"' && *q != '\\')
                ++q;
            out.append(start, q);
            pos_ += std::size_t(q - start);
            if (q == end)
                continue;
            const char c = get();
            if (c == '"')
                return true;
            const int e = getOrEof();
            switch (e) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                long cp = hex4();
                if (cp < 0)
                    return false;
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    if (getOrEof() != '\\' || getOrEof() != 'u')
                        return false;
                    const long lo = hex4();
                    if (lo < 0xDC00 || lo > 0xDFFF)
                        return false;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                }
                appendUtf8(out, std::uint32_t(cp));
                break;
            }
            default:
                return false;
            }
        }
    }

    // A JSON number as double or float (from_chars: no leading '+', exact round trip).
    template <typename T>
    bool readNumber(T &value)
    {
        char tmp[64];
        std::size_t n = 0;
        if (peek() < 0)
            return false;
        for (;;) {
            if (pos_ == len_ && !fill())
                break;
            const char c = buf_[pos_];
            if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') {
                if (n == sizeof tmp - 1)
                    return false;
                tmp[n++] = c;
                ++pos_;
            } else {
                break;
            }
        }
        auto [ptr, ec] = std::from_chars(tmp, tmp + n, value);
        return n > 0 && ec == std::errc() && ptr == tmp + n;
    }

    // Skips any JSON value (used for keys this converter does not need).
    bool skipValue(int depth = 0)
    {
        if (depth > 64)
            return false;
        const int c = peek();
        if (c == '"') {
            std::string s;
            return readString(s);
        }
        if (c == '{' || c == '[') {
            const char close = c == '{' ? '}' : ']';
            ++pos_;
            if (consume(close))
                return true;
            for (;;) {
                if (c == '{') {
                    std::string k;
                    if (!readString(k) || !consume(':'))
                        return false;
                }
                if (!skipValue(depth + 1))
                    return false;
                if (consume(','))
                    continue;
                return consume(close);
            }
        }
        if (c == 't' || c == 'f' || c == 'n') {
            while (true) {
                if (pos_ == len_ && !fill())
                    return true;
                const char x = buf_[pos_];
                if (x < 'a' || x > 'z')
                    return true;
                ++pos_;
            }
        }
        double d;
        return readNumber(d);
    }

private:
    bool fill()
    {
        consumed_ += len_;
        pos_ = 0;
        len_ = std::fread(buf_.data(), 1, buf_.size(), f_);
        if (len_ == 0 && std::ferror(f_))
            ioError_ = true;
        return len_ > 0;
    }
    char get()
    {
        return buf_[pos_++];
    }
    int getOrEof()
    {
        if (pos_ == len_ && !fill())
            return -1;
        return static_cast<unsigned char>(buf_[pos_++]);
    }
    long hex4()
    {
        long v = 0;
        for (int i = 0; i < 4; ++i) {
            const int c = getOrEof();
            int d;
            if (c >= '0' && c <= '9')
                d = c - '0';
            else if (c >= 'a' && c <= 'f')
                d = c - 'a' + 10;
            else if (c >= 'A' && c <= 'F')
                d = c - 'A' + 10;
            else
                return -1;
            v = v * 16 + d;
        }
        return v;
    }

    std::FILE *f_;
    std::string name_;
    std::vector<char> buf_;
    std::size_t pos_ = 0, len_ = 0;
    std::uint64_t consumed_ = 0;
    bool ioError_ = false;
};

std::uint64_t alignUp(std::uint64_t v)
{
    return (v + kModelAlign - 1) / kModelAlign * kModelAlign;
}

// Writes sections at known offsets, zero-padding between them, hashing everything.
class Writer {
public:
    Writer(std::FILE *f) : f_(f) {}
    bool write(const void *data, std::size_t n)
    {
        sum_.update(data, n);
        pos_ += n;
        return std::fwrite(data, 1, n, f_) == n;
    }
    bool padTo(std::uint64_t offset)
    {
        static const char zeros[kModelAlign] = {};
        while (pos_ < offset)
            if (!write(zeros, std::size_t(std::min<std::uint64_t>(offset - pos_, kModelAlign))))
                return false;
        return true;
    }
    std::uint64_t digest() const { return sum_.digest(); }

private:
    std::FILE *f_;
    Checksum sum_;
    std::uint64_t pos_ = 0;
};

} // namespace

Result<ConvertSummary> convertModel(std::FILE *in, const std::string &inputName,
                                    const std::string &outPath, const ConvertOptions &options,
                                    const Progress &progress, std::stop_token stop)
{
    JsonStream js(in, inputName);
    ConvertSummary summary;
    long dims = -1, size = -1, normIndex = -1, wordIndex = -1;
    std::vector<std::string> words;
    std::vector<float> matrix;
    std::vector<char> filled;
    std::size_t vectorsRead = 0;
    std::string key;

    auto readInt = [&](long &out) -> bool {
        double d;
        if (!js.readNumber(d) || d != std::floor(d) || d < 0 || d > 1e9)
            return false;
        out = long(d);
        return true;
    };

    if (!js.consume('{'))
        return js.error("expected '{' at the start of the model JSON");
    report(progress, 0.0, "reading words");
    if (!js.consume('}')) {
        for (;;) {
            if (!js.readString(key))
                return js.error("expected a key string");
            if (!js.consume(':'))
                return js.error("expected ':' after \"" + key + "\"");
            if (key == "dimensions" || key == "size" || key == "l2NormIndex" || key == "wordIndex") {
                long v;
                if (!readInt(v))
                    return js.error("\"" + key + "\" must be a non-negative integer");
                (key == "dimensions" ? dims : key == "size" ? size : key == "l2NormIndex" ? normIndex : wordIndex) = v;
                if (key == "dimensions" && (v < 1 || v > 65536))
                    return js.error("\"dimensions\" is " + std::to_string(v));
            } else if (key == "words") {
                if (!js.consume('['))
                    return js.error("\"words\" must be an array");
                if (size > 0)
                    words.reserve(std::size_t(size));
                if (!js.consume(']')) {
                    std::string w;
                    for (;;) {
                        if (!js.readString(w))
                            return js.error("expected a word string in \"words\" (word "
                                            + std::to_string(words.size()) + ")");
                        if (w.empty())
                            return js.error("word " + std::to_string(words.size()) + " is empty");
                        words.push_back(w);
                        if (js.consume(','))
                            continue;
                        if (js.consume(']'))
                            break;
                        return js.error("expected ',' or ']' in \"words\"");
                    }
                }
                if (size >= 0 && std::size_t(size) != words.size())
                    return js.error("\"size\" is " + std::to_string(size) + " but \"words\" has "
                                    + std::to_string(words.size()) + " entries");
            } else if (key == "vectors") {
                if (dims < 1)
                    return js.error("\"dimensions\" must come before \"vectors\"");
                if (words.empty())
                    return js.error("\"words\" must come before \"vectors\"");
                const std::size_t n = words.size();
                matrix.assign(n * std::size_t(dims), 0.0f);
                filled.assign(n, 0);
                if (!js.consume('{'))
                    return js.error("\"vectors\" must be an object");
                report(progress, 0.0, "reading vectors");
                std::size_t nextReport = 0;
                std::vector<double> extra;
                if (!js.consume('}')) {
                    for (;;) {
                        if (!js.readString(key))
                            return js.error("expected a word key in \"vectors\"");
                        if (!js.consume(':') || !js.consume('['))
                            return js.error("expected ': [' after \"" + key + "\" in \"vectors\"");
                        float row[4096];
                        std::vector<float> bigRow;
                        float *dst = dims <= 4096 ? row : (bigRow.resize(std::size_t(dims)), bigRow.data());
                        long count = 0;
                        extra.clear();
                        if (!js.consume(']')) {
                            for (;;) {
                                if (count < dims) {
                                    if (!js.readNumber(dst[count]))
                                        return js.error("vector of \"" + key + "\": value "
                                                        + std::to_string(count + 1) + " is not a number");
                                    if (!std::isfinite(dst[count]))
                                        return js.error("vector of \"" + key + "\": value "
                                                        + std::to_string(count + 1) + " is not finite");
                                } else {
                                    double d;
                                    if (!js.readNumber(d))
                                        return js.error("vector of \"" + key + "\": value "
                                                        + std::to_string(count + 1) + " is not a number");
                                    extra.push_back(d);
                                }
                                ++count;
                                if (js.consume(','))
                                    continue;
                                if (js.consume(']'))
                                    break;
                                return js.error("expected ',' or ']' in the vector of \"" + key + "\"");
                            }
                        }
                        if (count < dims)
                            return js.error("vector of \"" + key + "\" has " + std::to_string(count)
                                            + " values, expected " + std::to_string(dims));
                        // Row: the stored index when the array carries one, else the order.
                        std::size_t idx = vectorsRead;
                        if (wordIndex >= dims && wordIndex < count) {
                            const double d = extra[std::size_t(wordIndex - dims)];
                            if (d < 0 || d >= double(n) || d != std::floor(d))
                                return js.error("vector of \"" + key + "\" has index "
                                                + std::to_string(d) + ", outside the vocabulary");
                            idx = std::size_t(d);
                        }
                        if (idx >= n || words[idx] != key)
                            return js.error("vector key \"" + key + "\" does not match word "
                                            + std::to_string(idx) + " of \"words\"");
                        if (filled[idx])
                            return js.error("word \"" + key + "\" has two vectors");
                        filled[idx] = 1;
                        std::memcpy(matrix.data() + idx * std::size_t(dims), dst, std::size_t(dims) * 4);
                        ++vectorsRead;
                        if (vectorsRead >= nextReport) {
                            if (stop.stop_requested())
                                return Error::cancel();
                            report(progress, double(vectorsRead) / double(n), "reading vectors");
                            nextReport = vectorsRead + std::max<std::size_t>(1, n / 100);
                        }
                        if (js.consume(','))
                            continue;
                        if (js.consume('}'))
                            break;
                        return js.error("expected ',' or '}' in \"vectors\"");
                    }
                }
            } else {
                if (!js.skipValue())
                    return js.error("malformed value of \"" + key + "\"");
            }
            if (js.consume(','))
                continue;
            if (js.consume('}'))
                break;
            return js.error("expected ',' or '}' after the value of \"" + key + "\"");
        }
    }
    if (js.readError())
        return Error{inputName + ": read error after byte " + std::to_string(js.position()), false, false};
    if (js.peek() != -1)
        return js.error("unexpected data after the end of the JSON object");
    (void)normIndex;
    if (words.empty())
        return js.error("no \"words\" array: is this the wink-embeddings JSON?");
    if (matrix.empty())
        return js.error("no \"vectors\" object: is this the wink-embeddings JSON?");
    const std::size_t n = words.size();
    const std::size_t d = std::size_t(dims);
    for (std::size_t i = 0; i < n; ++i)
        if (!filled[i])
            return Error{inputName + ": word " + std::to_string(i) + " (\"" + words[i]
                         + "\") has no vector"};
    summary.bytesRead = js.position();

    // Common component: top eigenvector of the d x d Gram matrix of the frequent rows
    // (= first right singular vector of those rows), accumulated in double.
    report(progress, 1.0, "computing the common component");
    const std::size_t k = std::min<std::size_t>(options.componentWords, n);
    Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(Eigen::Index(d), Eigen::Index(d));
    {
        Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>
            top(matrix.data(), Eigen::Index(k), Eigen::Index(d));
        const Eigen::MatrixXd topD = top.cast<double>();
        gram.noalias() = topD.transpose() * topD;
    }
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(gram);
    if (eig.info() != Eigen::Success)
        return Error{inputName + ": the common component could not be computed"};
    Eigen::VectorXd comp = eig.eigenvectors().col(Eigen::Index(d) - 1);
    Eigen::Index maxAt = 0;
    comp.cwiseAbs().maxCoeff(&maxAt);
    if (comp[maxAt] < 0)
        comp = -comp;
    comp.normalize();
    std::vector<float> component(d), unknown(d);
    for (std::size_t j = 0; j < d; ++j)
        component[j] = float(comp[Eigen::Index(j)]);

    const std::size_t u = std::min<std::size_t>(options.unknownWords, std::max<std::size_t>(1, n / 4));
    std::vector<double> acc(d, 0.0);
    for (std::size_t i = n - u; i < n; ++i)
        for (std::size_t j = 0; j < d; ++j)
            acc[j] += matrix[i * d + j];
    double unk2 = 0;
    for (std::size_t j = 0; j < d; ++j) {
        unknown[j] = float(acc[j] / double(u));
        unk2 += double(unknown[j]) * unknown[j];
    }
    if (unk2 == 0)
        return Error{inputName + ": the rarest word vectors average to zero; cannot make an unknown-word vector"};

    // Layout.
    std::vector<std::uint32_t> offsets(n + 1);
    std::uint64_t stringsSize = 0;
    for (std::size_t i = 0; i < n; ++i) {
        offsets[i] = std::uint32_t(stringsSize);
        stringsSize += words[i].size();
        if (stringsSize > 0xffffffffULL)
            return Error{inputName + ": the vocabulary is too large for this format"};
    }
    offsets[n] = std::uint32_t(stringsSize);
    const std::uint32_t capacity = std::bit_ceil(std::uint32_t(std::max<std::size_t>(16, n * 2 + 1)));
    const std::vector<std::uint64_t> table = buildHashTable(words, capacity);

    ModelHeader h{};
    std::memcpy(h.magic, kModelMagic, 8);
    h.version = kModelVersion;
    h.dims = std::uint32_t(d);
    h.vocabSize = std::uint32_t(n);
    h.hashCapacity = capacity;
    h.wordOffsetsOffset = alignUp(sizeof(ModelHeader));
    h.stringsOffset = alignUp(h.wordOffsetsOffset + (n + 1) * 4);
    h.stringsSize = stringsSize;
    h.hashOffset = alignUp(h.stringsOffset + stringsSize);
    h.matrixOffset = alignUp(h.hashOffset + std::uint64_t(capacity) * 8);
    h.componentOffset = alignUp(h.matrixOffset + n * d * 4);
    h.unknownOffset = alignUp(h.componentOffset + d * 4);
    h.fileSize = alignUp(h.unknownOffset + d * 4);
    h.componentWords = std::uint32_t(k);
    h.unknownWords = std::uint32_t(u);
    std::strncpy(h.name, options.name.c_str(), sizeof h.name - 1);

    // Write a temporary file beside the output, then rename it over the output.
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path out(outPath);
    if (out.has_parent_path())
        fs::create_directories(out.parent_path(), ec);
    const std::string tmp = outPath + ".tmp." + std::to_string(::getpid());
    std::FILE *f = std::fopen(tmp.c_str(), "wb");
    if (!f)
        return Error{outPath + ": cannot write: " + std::strerror(errno), false, false};
    report(progress, 1.0, "writing the model");
    Writer w(f);
    bool ok = w.write(&h, sizeof h) && w.padTo(h.wordOffsetsOffset)
              && w.write(offsets.data(), offsets.size() * 4) && w.padTo(h.stringsOffset);
    for (std::size_t i = 0; ok && i < n; ++i)
        ok = w.write(words[i].data(), words[i].size());
    ok = ok && w.padTo(h.hashOffset) && w.write(table.data(), table.size() * 8)
         && w.padTo(h.matrixOffset) && w.write(matrix.data(), matrix.size() * 4)
         && w.padTo(h.componentOffset) && w.write(component.data(), d * 4)
         && w.padTo(h.unknownOffset) && w.write(unknown.data(), d * 4) && w.padTo(h.fileSize);
    h.checksum = w.digest();
    ok = ok && std::fflush(f) == 0 && std::fseek(f, 0, SEEK_SET) == 0
         && std::fwrite(&h, sizeof h, 1, f) == 1 && std::fflush(f) == 0 && ::fsync(::fileno(f)) == 0;
    const int savedErrno = errno;
    ok = (std::fclose(f) == 0) && ok;
    if (!ok) {
        fs::remove(tmp, ec);
        return Error{outPath + ": writing failed: " + std::strerror(savedErrno), false, false};
    }
    fs::rename(tmp, outPath, ec);
    if (ec) {
        fs::remove(tmp, ec);
        return Error{outPath + ": cannot rename the temporary file into place: " + ec.message(), false, false};
    }
    summary.vocabSize = int(n);
    summary.dims = int(d);
    summary.checksum = h.checksum;
    summary.fileSize = h.fileSize;
    report(progress, 1.0, "done");
    return summary;
}

Result<ConvertSummary> convertModelFile(const std::string &inputPath, const std::string &outPath,
                                        const ConvertOptions &options, const Progress &progress,
                                        std::stop_token stop)
{
    if (inputPath == "-")
        return convertModel(stdin, "standard input", outPath, options, progress, stop);
    std::FILE *f = std::fopen(inputPath.c_str(), "rb");
    if (!f)
        return Error{inputPath + ": cannot open: " + std::strerror(errno), true, false};
    auto r = convertModel(f, inputPath, outPath, options, progress, stop);
    std::fclose(f);
    return r;
}

} // namespace es::local
