#pragma once
// The local embedder: GloVe word vectors (memory-mapped model file) combined into sentence
// vectors by SIF (Arora et al. 2017). Offline, no account.
#include "embed/embedder.h"
#include "embed/factory.h"

#include <memory>

namespace es {

// Finds the model (spec.modelPath, $EMBEDSCOPE_MODEL, the user data dir, the installed
// share dir) and opens it; the error says where it looked and how to get the model.
Result<std::unique_ptr<Embedder>> makeLocalEmbedder(const EmbedderSpec &spec);

} // namespace es
