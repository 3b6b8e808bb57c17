#pragma once
// Map coordinates from a file, for showing a map made elsewhere (File > Import coordinates):
//  - a CSV with a header naming x, y and optionally z (case-insensitive), and optionally a
//    row column (row, id or index: integer row numbers, 0-based as `embedscope project`
//    writes them, or 1-based) that says which data-set row each line is; without it line k
//    is row k. Other columns are ignored (with a warning). A file without a header holds 2 or
//    3 numbers a line (x, y[, z]).
//  - a .npy of N x 2 or N x 3 floats (`embedscope project -o coords.npy`).
// Every value must be a finite number; errors name the file and the line ("coords.csv,
// line 17: column 'y' holds 'abc', not a number"), or the row count that does not match.
#include "util/result.h"
#include "util/types.h"

#include <cstddef>
#include <string>
#include <string_view>

namespace es::formats {

struct CoordinatesLoadOptions {
    std::size_t expectedRows = 0; // rows of the data set; 0 = any number
};

struct LoadedCoordinates {
    Matrix coords;       // expectedRows (or as many as the file has) x 2 or 3; row i = data-set row i
    std::string method;  // "umap", "tsne" or "pca" when the file name says so ("coords-umap.csv"), else ""
    Warnings warnings;
};

Result<LoadedCoordinates> loadCoordinates(const std::string &path, const CoordinatesLoadOptions &options = {});

// Parses the text of a coordinates CSV (UTF-8, BOM allowed); name is used in messages.
Result<LoadedCoordinates> parseCoordinatesCsv(std::string_view text, const std::string &name,
                                              const CoordinatesLoadOptions &options = {});

// The projection method a file name mentions: "umap", "tsne" (tsne, t-sne, t_sne) or "pca"; "".
std::string coordinatesMethodFromName(const std::string &path);

} // namespace es::formats
