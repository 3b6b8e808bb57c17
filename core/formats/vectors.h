#pragma once
// Vector loaders and writers: .npy (float32/float64, C or Fortran order, v1-v3 headers;
// object/pickled arrays refused), TensorFlow Projector vectors.tsv (+ metadata.tsv),
// word2vec / GloVe text. Writers: .npy (float32), .csv. Writes are atomic
// (temporary file, then rename) so a failed write never destroys an existing file.
#include "dataset/dataset.h"
#include "util/result.h"
#include "util/types.h"

#include <optional>
#include <string>
#include <vector>

namespace es::formats {

struct VectorLoadOptions {
    std::string format;        // "" = detect: npy | projector | word2vec
    std::string metadataPath;  // projector: "" = metadata.tsv beside the vectors, if present
};

struct LoadedVectors {
    Matrix vectors;
    std::optional<Dataset> metadata; // projector metadata or word2vec words as texts
    Warnings warnings;
};

Result<LoadedVectors> loadVectors(const std::string &path, const VectorLoadOptions &options = {});

Status writeNpy(const std::string &path, const Matrix &m);
// CSV (RFC 4180 quoting) with a header row (none when header is empty); every row must
// have as many fields as the header. Format numbers with floatText() to round-trip float32.
Status writeCsv(const std::string &path, const std::vector<std::string> &header,
                const std::vector<std::vector<std::string>> &rows);
// Writes vectors.tsv and metadata.tsv (columns of the data set, texts first) for
// projector.tensorflow.org. One column (texts only) is written without a header row, as
// the projector expects; tabs and line breaks in values become spaces. No metadata file
// when metadataPath or the data set is empty.
Status writeProjectorTsv(const std::string &vectorsPath, const std::string &metadataPath,
                         const Matrix &m, const Dataset &dataset);

// Shortest decimal text that reads back as exactly the same float ("0.1", "-1e-05").
std::string floatText(float v);

// Writes a file atomically: temporary file in the same folder, fsync, rename.
Status writeFileAtomic(const std::string &path, const std::string &bytes);

} // namespace es::formats
