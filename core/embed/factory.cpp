#include "embed/factory.h"

#include "embed/local/local_embedder.h"

namespace es {

std::string defaultKeyVariable(const std::string &provider)
{
    if (provider == "openai")
        return "OPENAI_API_KEY";
    if (provider == "azure")
        return "AZURE_OPENAI_API_KEY";
    return {};
}

Result<std::unique_ptr<Embedder>> makeEmbedder(const EmbedderSpec &spec)
{
    if (spec.provider == "local") {
        auto e = makeLocalEmbedder(spec);
        if (!e)
            return e.error();
        return std::unique_ptr<Embedder>(std::move(e.value()));
    }
    return Error{"unknown provider '" + spec.provider + "' (expected local, openai, azure, ollama or tei)"};
}

} // namespace es
