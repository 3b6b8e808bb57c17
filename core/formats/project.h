#pragma once
// The .embedscope project file: one JSON document holding the data set, the vectors
// (base64 float32 little-endian, so the project is a single file), the provider and model
// ids (never a key: there is no field for one), free-form view parameters, named
// projections ("pca2d", "tsne3d", ...), the doctor's marks per row ("doctor": {"marks":
// [...]}, written only when a row is marked) and times. Saved atomically.
#include "dataset/dataset.h"
#include "util/result.h"
#include "util/types.h"

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace es::formats {

inline constexpr const char *kProjectFormat = "embedscope-project";
inline constexpr int kProjectVersion = 1;

struct Project {
    Dataset dataset;
    Matrix vectors;              // 0 x 0 when the texts are not embedded yet
    std::string provider;        // "local", "openai", ... ("" = none)
    std::string model;           // provider's model id
    nlohmann::json parameters = nlohmann::json::object(); // projection and view settings, as the UI likes
    std::map<std::string, Matrix> projections;             // name -> N x 2 or N x 3 coordinates
    std::vector<std::string> marks; // the doctor's marks, one per row: "", "keep", "fix" or "drop" (empty = none)
    std::string appVersion;      // filled by saveProject
    std::string created;         // ISO 8601 UTC; saveProject fills it when empty
    std::string modified;        // ISO 8601 UTC; set by saveProject
};

// Reads and checks a project: nesting depth (kMaxJsonDepth, before parsing), format name
// and version, every field's type, every integer's range before it is narrowed, every row
// count against the data set, vector byte sizes against rows x dims, projections N x 2 or
// N x 3, finite values. Errors name the file and the field ("p.embedscope: vectors: 396
// bytes, expected 400 for 1 x 100 float32").
Result<Project> loadProject(const std::string &path);

// Writes the project atomically; sets appVersion and modified (and created when empty)
// in the project passed in. Checks the same invariants as loadProject first.
Status saveProject(const std::string &path, Project &project);

// Base64 (RFC 4648, with padding). decodeBase64 returns false on any invalid character.
std::string encodeBase64(std::string_view bytes);
bool decodeBase64(std::string_view text, std::string &out);

} // namespace es::formats
