#pragma once
// The local model file (.esm): GloVe word vectors converted once into a binary that is
// memory-mapped, so opening it costs a few page faults and nothing is built at load.
//
// Layout (little-endian; every section starts on a 64-byte boundary):
//   header (128 bytes, ModelHeader below)
//   word offsets   u32[vocab + 1]   byte offsets of word i in the strings blob
//   strings blob   UTF-8 words, no separators, in frequency order (rank 0 = most frequent)
//   hash table     u64[hashCapacity], open addressing with linear probing; a slot holds
//                  (word index + 1) in the low 32 bits (0 = empty) and the high 32 bits
//                  of the word's FNV-1a hash, so most probes never touch the strings
//   matrix         float32[vocab][dims], row i = vector of word i, exactly as published
//   component      float32[dims], unit length: the common component removed by SIF
//   unknown vector float32[dims]: used for a text with no known word
// The checksum (ModelHeader::checksum) covers the whole file with that field read as
// zero; it is computed at conversion and by --check, and becomes part of the embedder id.
#include "util/result.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace es::local {

inline constexpr char kModelMagic[8] = {'E', 'S', 'M', 'O', 'D', 'E', 'L', '1'};
inline constexpr std::uint32_t kModelVersion = 1;
inline constexpr std::size_t kModelAlign = 64;

// How the two derived vectors were computed (recorded in the header, see model_convert.h).
inline constexpr std::uint32_t kComponentWords = 20000; // most frequent words
inline constexpr std::uint32_t kUnknownWords = 10000;   // rarest words

struct ModelHeader {
    char magic[8];
    std::uint32_t version;
    std::uint32_t dims;
    std::uint32_t vocabSize;
    std::uint32_t hashCapacity;   // power of two, >= 2 * vocabSize
    std::uint64_t fileSize;
    std::uint64_t wordOffsetsOffset;
    std::uint64_t stringsOffset;
    std::uint64_t stringsSize;
    std::uint64_t hashOffset;
    std::uint64_t matrixOffset;
    std::uint64_t componentOffset;
    std::uint64_t unknownOffset;
    std::uint32_t componentWords; // rows used for the common component
    std::uint32_t unknownWords;   // rarest rows averaged into the unknown vector
    std::uint64_t checksum;
    char name[24];                // "glove-100d", NUL padded
};
static_assert(sizeof(ModelHeader) == 128);

// 64-bit checksum (the XXH64 round structure: four lanes of multiply-rotate, then a
// merge and avalanche). Incremental so a file can be hashed while it is written or read.
class Checksum {
public:
    void update(const void *data, std::size_t size);
    std::uint64_t digest() const;

private:
    void block(const unsigned char *p);
    std::uint64_t lanes_[4] = {0x60EA27EEADC0B5D6ULL, 0xC2B2AE3D27D4EB4FULL, 0,
                               0x61C8864E7A143579ULL}; // XXH64 seed-0 lanes
    unsigned char buf_[32] = {};
    std::size_t bufLen_ = 0;
    std::uint64_t total_ = 0;
};

// FNV-1a 64 of a word: the hash-table key.
std::uint64_t wordHash(std::string_view word);

// Checksum of a model file image: the whole file with the checksum field read as zero.
std::uint64_t modelChecksum(const unsigned char *data, std::size_t size);

// Builds the hash table for the words (index = rank); duplicates keep their first rank.
// capacity must be a power of two larger than words.size().
std::vector<std::uint64_t> buildHashTable(const std::vector<std::string> &words,
                                          std::uint32_t capacity);

// A memory-mapped, validated model. Read-only and safe to share between threads.
class ModelFile {
public:
    ~ModelFile();
    ModelFile(const ModelFile &) = delete;
    ModelFile &operator=(const ModelFile &) = delete;

    // Maps the file and checks magic, version, sizes and section bounds (cheap). With
    // verifyChecksum, also recomputes the checksum over the whole file (reads it all).
    static Result<std::unique_ptr<ModelFile>> open(const std::string &path,
                                                   bool verifyChecksum = false);

    const std::string &path() const { return path_; }
    std::string name() const;
    int dims() const { return int(h_->dims); }
    int vocabSize() const { return int(h_->vocabSize); }
    std::uint64_t checksum() const { return h_->checksum; }
    std::string checksumHex() const;
    const ModelHeader &header() const { return *h_; }

    // Rank of the word (0 = most frequent), or -1 when it is not in the vocabulary.
    int find(std::string_view word) const;
    std::string_view word(int index) const
    {
        return {strings_ + wordOffsets_[index],
                std::size_t(wordOffsets_[index + 1] - wordOffsets_[index])};
    }
    const float *vector(int index) const { return matrix_ + std::size_t(index) * h_->dims; }
    const float *component() const { return component_; }
    const float *unknownVector() const { return unknown_; }

private:
    ModelFile() = default;

    std::string path_;
    void *map_ = nullptr;
    std::size_t mapSize_ = 0;
    const ModelHeader *h_ = nullptr;
    const std::uint32_t *wordOffsets_ = nullptr;
    const char *strings_ = nullptr;
    const std::uint64_t *hash_ = nullptr;
    const float *matrix_ = nullptr;
    const float *component_ = nullptr;
    const float *unknown_ = nullptr;
};

// Where the model is looked for (DESIGN.md s.3), in order: the explicit path, then
// $EMBEDSCOPE_MODEL, ${XDG_DATA_HOME:-~/.local/share}/embedscope/models/glove-100d.esm,
// then ../share/embedscope/models/glove-100d.esm beside the running executable.
struct ModelLocation {
    std::string path;   // the first existing candidate, "" when none exists
    std::vector<std::string> searched; // every candidate, described ("$EMBEDSCOPE_MODEL=...")
};
ModelLocation locateModel(const std::string &explicitPath);

// Finds and opens the model; when missing, the error lists where it looked and how to get it.
Result<std::unique_ptr<ModelFile>> findAndOpenModel(const std::string &explicitPath);

inline constexpr const char *kModelFileName = "glove-100d.esm";
inline constexpr const char *kHowToGetModel =
    "run packaging/setup.sh, or install the embedscope-model-glove package";

} // namespace es::local
