#include "embed/factory.h"

#include "embed/cache/cache.h"
#include "embed/http/http_embedder.h"
#include "embed/lexical/lexical_embedder.h"
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

namespace {

Result<std::unique_ptr<Embedder>> makeHttpEmbedder(const EmbedderSpec &spec, http::Provider provider)
{
    http::HttpOptions o;
    o.provider = provider;
    o.baseUrl = spec.baseUrl.empty() ? http::defaultBaseUrl(provider) : spec.baseUrl;
    o.model = spec.model;
    o.apiKey = spec.apiKey;
    o.apiVersion = spec.apiVersion.empty() ? "2024-02-01" : spec.apiVersion;
    o.dimensions = spec.dimensions;
    o.batchSize = spec.batchSize;
    o.concurrency = spec.concurrency > 0 ? spec.concurrency : 4;
    if (spec.stallTimeoutSeconds > 0)
        o.stallTimeout = std::chrono::seconds(spec.stallTimeoutSeconds);
    o.maxResponseBytes = spec.maxResponseBytes;
    switch (provider) {
    case http::Provider::OpenAI:
        if (o.model.empty())
            return Error{"--model is required for openai (for example --model text-embedding-3-small)"};
        if (o.apiKey.empty() && o.baseUrl == http::defaultBaseUrl(provider))
            return Error{"openai needs an API key: set OPENAI_API_KEY (or name another variable with --api-key-env)"};
        break;
    case http::Provider::Azure:
        if (spec.baseUrl.empty())
            return Error{"--base-url is required for azure: the deployment URL, "
                         "https://RESOURCE.openai.azure.com/openai/deployments/DEPLOYMENT"};
        if (o.apiKey.empty())
            return Error{"azure needs an API key: set AZURE_OPENAI_API_KEY (or name another variable with --api-key-env)"};
        break;
    case http::Provider::Ollama:
        if (o.model.empty())
            return Error{"--model is required for ollama (for example --model nomic-embed-text)"};
        break;
    case http::Provider::Tei:
        if (o.dimensions > 0)
            return Error{"--dimensions is not supported by tei (the served model decides)"};
        break;
    }
    if (auto problem = http::optionsProblem(o))
        return Error{*problem};
    return std::unique_ptr<Embedder>(std::make_unique<http::HttpEmbedder>(std::move(o)));
}

} // namespace

Result<std::unique_ptr<Embedder>> makeEmbedder(const EmbedderSpec &spec)
{
    // Lexical and hybrid vectors depend on the whole data set (IDF): never cached by text.
    if (spec.provider == "lexical")
        return lexical::makeLexicalEmbedder(spec);
    if (spec.provider == "hybrid")
        return lexical::makeHybridEmbedder(spec);
    std::unique_ptr<Embedder> embedder;
    if (spec.provider == "local") {
        auto e = makeLocalEmbedder(spec);
        if (!e)
            return e.error();
        embedder = std::move(e.value());
        // A data-set component makes a vector depend on its neighbours: not cacheable.
        if (spec.removeDatasetComponent)
            return embedder;
    } else if (auto p = http::providerFromName(spec.provider)) {
        auto e = makeHttpEmbedder(spec, *p);
        if (!e)
            return e.error();
        embedder = std::move(e.value());
    } else {
        return Error{"unknown provider '" + spec.provider + "' (expected local, lexical, hybrid, openai, azure, ollama or tei)"};
    }
    if (!spec.useCache)
        return embedder;
    return std::unique_ptr<Embedder>(std::make_unique<CachingEmbedder>(std::move(embedder), spec.cachePath));
}

} // namespace es
