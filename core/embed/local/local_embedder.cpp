#include "embed/local/local_embedder.h"

namespace es {

Result<std::unique_ptr<Embedder>> makeLocalEmbedder(const EmbedderSpec &)
{
    return Error{"the local model is not available in this build yet"};
}

} // namespace es
