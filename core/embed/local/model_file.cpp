#include "embed/local/model_file.h"

#include <bit>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static_assert(std::endian::native == std::endian::little,
              "the .esm model format is little-endian");

namespace es::local {
namespace {

constexpr std::uint64_t P1 = 0x9E3779B185EBCA87ULL;
constexpr std::uint64_t P2 = 0xC2B2AE3D27D4EB4FULL;
constexpr std::uint64_t P3 = 0x165667B19E3779F9ULL;
constexpr std::uint64_t P4 = 0x85EBCA77C2B2AE63ULL;
constexpr std::uint64_t P5 = 0x27D4EB2F165667C5ULL;

inline std::uint64_t read64(const unsigned char *p)
{
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
}
inline std::uint32_t read32(const unsigned char *p)
{
    std::uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
}
inline std::uint64_t round64(std::uint64_t acc, std::uint64_t input)
{
    acc += input * P2;
    acc = std::rotl(acc, 31);
    return acc * P1;
}
inline std::uint64_t mergeRound(std::uint64_t acc, std::uint64_t val)
{
    acc ^= round64(0, val);
    return acc * P1 + P4;
}

std::string hex64(std::uint64_t v)
{
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

} // namespace

// XXH64 with seed 0.
void Checksum::update(const void *data, std::size_t size)
{
    auto p = static_cast<const unsigned char *>(data);
    total_ += size;
    if (bufLen_ > 0) {
        const std::size_t take = std::min(size, 32 - bufLen_);
        std::memcpy(buf_ + bufLen_, p, take);
        bufLen_ += take;
        p += take;
        size -= take;
        if (bufLen_ < 32)
            return;
        block(buf_);
        bufLen_ = 0;
    }
    while (size >= 32) {
        block(p);
        p += 32;
        size -= 32;
    }
    std::memcpy(buf_, p, size);
    bufLen_ = size;
}

void Checksum::block(const unsigned char *p)
{
    lanes_[0] = round64(lanes_[0], read64(p));
    lanes_[1] = round64(lanes_[1], read64(p + 8));
    lanes_[2] = round64(lanes_[2], read64(p + 16));
    lanes_[3] = round64(lanes_[3], read64(p + 24));
}

std::uint64_t Checksum::digest() const
{
    std::uint64_t h;
    if (total_ >= 32) {
        h = std::rotl(lanes_[0], 1) + std::rotl(lanes_[1], 7) + std::rotl(lanes_[2], 12)
            + std::rotl(lanes_[3], 18);
        for (auto v : lanes_)
            h = mergeRound(h, v);
    } else {
        h = P5;
    }
    h += total_;
    const unsigned char *p = buf_;
    std::size_t n = bufLen_;
    while (n >= 8) {
        h ^= round64(0, read64(p));
        h = std::rotl(h, 27) * P1 + P4;
        p += 8;
        n -= 8;
    }
    if (n >= 4) {
        h ^= std::uint64_t(read32(p)) * P1;
        h = std::rotl(h, 23) * P2 + P3;
        p += 4;
        n -= 4;
    }
    while (n > 0) {
        h ^= (*p) * P5;
        h = std::rotl(h, 11) * P1;
        ++p;
        --n;
    }
    h ^= h >> 33;
    h *= P2;
    h ^= h >> 29;
    h *= P3;
    h ^= h >> 32;
    return h;
}

std::uint64_t wordHash(std::string_view word)
{
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : word) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return h;
}

std::uint64_t modelChecksum(const unsigned char *data, std::size_t size)
{
    Checksum c;
    if (size < sizeof(ModelHeader)) {
        c.update(data, size);
        return c.digest();
    }
    ModelHeader h;
    std::memcpy(&h, data, sizeof h);
    h.checksum = 0;
    c.update(&h, sizeof h);
    c.update(data + sizeof h, size - sizeof h);
    return c.digest();
}

std::vector<std::uint64_t> buildHashTable(const std::vector<std::string> &words,
                                          std::uint32_t capacity)
{
    std::vector<std::uint64_t> table(capacity, 0);
    const std::uint64_t mask = capacity - 1;
    for (std::size_t i = 0; i < words.size(); ++i) {
        const std::uint64_t h = wordHash(words[i]);
        std::uint64_t slot = h & mask;
        bool duplicate = false;
        while (table[slot] != 0) {
            const std::uint64_t e = table[slot];
            if ((e >> 32) == (h >> 32) && words[(e & 0xffffffffULL) - 1] == words[i]) {
                duplicate = true;
                break;
            }
            slot = (slot + 1) & mask;
        }
        if (!duplicate)
            table[slot] = (h & 0xffffffff00000000ULL) | std::uint64_t(i + 1);
    }
    return table;
}

ModelFile::~ModelFile()
{
    if (map_)
        ::munmap(map_, mapSize_);
}

Result<std::unique_ptr<ModelFile>> ModelFile::open(const std::string &path, bool verifyChecksum)
{
    const std::string hint = " Convert it again: " + std::string(kHowToGetModel) + ".";
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return Error{path + ": cannot open the model file: " + std::strerror(errno), false, false};
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return Error{path + ": not a regular file", true, false};
    }
    const auto size = static_cast<std::size_t>(st.st_size);
    if (size < sizeof(ModelHeader)) {
        ::close(fd);
        return Error{path + ": not an EmbedScope model (file too short: " + std::to_string(size)
                     + " bytes)." + hint};
    }
    void *map = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
    ::close(fd);
    if (map == MAP_FAILED)
        return Error{path + ": cannot map the model file: " + std::strerror(errno), false, false};

    std::unique_ptr<ModelFile> m(new ModelFile);
    m->path_ = path;
    m->map_ = map;
    m->mapSize_ = size;
    const auto *base = static_cast<const unsigned char *>(map);
    const auto *h = reinterpret_cast<const ModelHeader *>(base);
    m->h_ = h;

    auto bad = [&](const std::string &why) -> Error {
        return Error{path + ": invalid model file: " + why + "." + hint};
    };
    if (std::memcmp(h->magic, kModelMagic, 8) != 0)
        return Error{path + ": not an EmbedScope model (magic is not ESMODEL1)." + hint};
    if (h->version != kModelVersion)
        return bad("format version " + std::to_string(h->version) + ", this build reads version "
                   + std::to_string(kModelVersion));
    if (h->fileSize != size)
        return bad("the header says " + std::to_string(h->fileSize) + " bytes but the file has "
                   + std::to_string(size) + " (truncated or appended to)");
    if (h->dims == 0 || h->dims > 65536)
        return bad("dimension " + std::to_string(h->dims));
    if (h->vocabSize == 0 || h->vocabSize > (1u << 30))
        return bad("vocabulary size " + std::to_string(h->vocabSize));
    if (!std::has_single_bit(h->hashCapacity) || h->hashCapacity <= h->vocabSize)
        return bad("hash table capacity " + std::to_string(h->hashCapacity));

    const std::uint64_t vocab = h->vocabSize, dims = h->dims;
    struct Section {
        const char *what;
        std::uint64_t offset, bytes;
    } sections[] = {
        {"word offsets", h->wordOffsetsOffset, (vocab + 1) * 4},
        {"strings", h->stringsOffset, h->stringsSize},
        {"hash table", h->hashOffset, std::uint64_t(h->hashCapacity) * 8},
        {"matrix", h->matrixOffset, vocab * dims * 4},
        {"common component", h->componentOffset, dims * 4},
        {"unknown-word vector", h->unknownOffset, dims * 4},
    };
    for (const auto &s : sections) {
        if (s.offset < sizeof(ModelHeader) || s.offset % 8 != 0 || s.offset > size
            || s.bytes > size - s.offset)
            return bad(std::string("the ") + s.what + " section lies outside the file");
    }
    if (h->matrixOffset % kModelAlign != 0)
        return bad("the matrix is not 64-byte aligned");

    m->wordOffsets_ = reinterpret_cast<const std::uint32_t *>(base + h->wordOffsetsOffset);
    m->strings_ = reinterpret_cast<const char *>(base + h->stringsOffset);
    m->hash_ = reinterpret_cast<const std::uint64_t *>(base + h->hashOffset);
    m->matrix_ = reinterpret_cast<const float *>(base + h->matrixOffset);
    m->component_ = reinterpret_cast<const float *>(base + h->componentOffset);
    m->unknown_ = reinterpret_cast<const float *>(base + h->unknownOffset);

    if (m->wordOffsets_[0] != 0 || m->wordOffsets_[vocab] != h->stringsSize)
        return bad("the word offsets do not match the strings section");
    for (std::uint64_t i = 0; i < vocab; ++i)
        if (m->wordOffsets_[i] >= m->wordOffsets_[i + 1])
            return bad("word " + std::to_string(i) + " is empty or out of order");
    double norm2 = 0, unk2 = 0;
    for (std::uint64_t d = 0; d < dims; ++d) {
        if (!std::isfinite(m->component_[d]) || !std::isfinite(m->unknown_[d]))
            return bad("the common component or the unknown-word vector is not finite");
        norm2 += double(m->component_[d]) * m->component_[d];
        unk2 += double(m->unknown_[d]) * m->unknown_[d];
    }
    if (std::abs(norm2 - 1.0) > 1e-3)
        return bad("the common component is not a unit vector");
    if (unk2 == 0)
        return bad("the unknown-word vector is zero");

    if (verifyChecksum) {
        const std::uint64_t c = modelChecksum(base, size);
        if (c != h->checksum)
            return bad("checksum mismatch (stored " + hex64(h->checksum) + ", computed "
                       + hex64(c) + "): the file is damaged");
        for (std::uint64_t i = 0; i < vocab * dims; ++i)
            if (!std::isfinite(m->matrix_[i]))
                return bad("word " + std::to_string(i / dims) + " has a value that is not finite");
    }
    return m;
}

std::string ModelFile::name() const
{
    return std::string(h_->name, strnlen(h_->name, sizeof h_->name));
}

std::string ModelFile::checksumHex() const
{
    return hex64(h_->checksum);
}

int ModelFile::find(std::string_view w) const
{
    const std::uint64_t h = wordHash(w);
    const std::uint64_t mask = h_->hashCapacity - 1;
    std::uint64_t slot = h & mask;
    for (std::uint32_t probes = 0; probes < h_->hashCapacity; ++probes) {
        const std::uint64_t e = hash_[slot];
        if (e == 0)
            return -1;
        const std::uint64_t idx = (e & 0xffffffffULL) - 1;
        if ((e >> 32) == (h >> 32) && idx < h_->vocabSize) {
            const std::uint32_t begin = wordOffsets_[idx], len = wordOffsets_[idx + 1] - begin;
            if (len == w.size() && std::memcmp(strings_ + begin, w.data(), len) == 0)
                return int(idx);
        }
        slot = (slot + 1) & mask;
    }
    return -1;
}

ModelLocation locateModel(const std::string &explicitPath)
{
    namespace fs = std::filesystem;
    ModelLocation loc;
    std::error_code ec;
    auto exists = [&](const std::string &p) { return !p.empty() && fs::is_regular_file(p, ec); };
    if (!explicitPath.empty()) {
        loc.searched.push_back(explicitPath + " (given explicitly)");
        if (exists(explicitPath))
            loc.path = explicitPath;
        return loc;
    }
    std::vector<std::pair<std::string, std::string>> candidates;
    if (const char *env = std::getenv("EMBEDSCOPE_MODEL"); env && *env)
        candidates.push_back({env, "$EMBEDSCOPE_MODEL"});
    else
        loc.searched.push_back("$EMBEDSCOPE_MODEL (not set)");
    std::string data;
    if (const char *x = std::getenv("XDG_DATA_HOME"); x && *x)
        data = x;
    else if (const char *home = std::getenv("HOME"); home && *home)
        data = std::string(home) + "/.local/share";
    if (!data.empty())
        candidates.push_back({data + "/embedscope/models/" + kModelFileName, "user data directory"});
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec && !exe.empty())
        candidates.push_back({(exe.parent_path().parent_path() / "share/embedscope/models"
                               / kModelFileName).lexically_normal().string(),
                              "installed beside the executable"});
    for (const auto &[path, what] : candidates) {
        loc.searched.push_back(path + " (" + what + ")");
        if (loc.path.empty() && exists(path))
            loc.path = path;
    }
    return loc;
}

Result<std::unique_ptr<ModelFile>> findAndOpenModel(const std::string &explicitPath)
{
    ModelLocation loc = locateModel(explicitPath);
    if (loc.path.empty()) {
        std::string msg = "the local model (" + std::string(kModelFileName)
                          + ") was not found. Looked in:";
        for (const auto &s : loc.searched)
            msg += "\n  " + s;
        msg += "\nTo get it: " + std::string(kHowToGetModel)
               + " (or pass --model-path FILE, or set EMBEDSCOPE_MODEL). Vectors loaded from "
                 "files work without it.";
        return Error{msg, false, false};
    }
    return ModelFile::open(loc.path, false);
}

} // namespace es::local
