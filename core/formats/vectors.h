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
// CSV with a header row; values written with enough digits to round-trip float32.
Status writeCsv(const std::string &path, const std::vector<std::string> &header,
                const std::vector<std::vector<std::string>> &rows);
// Writes vectors.tsv and metadata.tsv (columns of the data set, texts first) for
// projector.tensorflow.org.
Status writeProjectorTsv(const std::string &vectorsPath, const std::string &metadataPath,
                         const Matrix &m, const Dataset &dataset);

// Writes a file atomically: temporary file in the same folder, fsync, rename.
Status writeFileAtomic(const std::string &path, const std::string &bytes);

} // namespace es::formats
