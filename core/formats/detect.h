#pragma once
// What is this file? Detection by extension and content (DESIGN.md section 5), overridable.
#include "util/result.h"

#include <string>

namespace es::formats {

enum class InputKind { Texts, Vectors, Project };

struct Detected {
    InputKind kind = InputKind::Texts;
    std::string format; // txt | csv | tsv | jsonl | npy | projector | word2vec | embedscope
};

// format: "" to detect, or one of the names above to force it.
Result<Detected> detectInput(const std::string &path, const std::string &format = {});

} // namespace es::formats
