#include "doctor/model_spec.h"

namespace es::doctor {

Result<EmbedderSpec> parseModelSpec(std::string_view text)
{
    EmbedderSpec spec;
    std::string_view rest = text;
    const auto at = rest.find("@http");
    if (at != std::string_view::npos) {
        spec.baseUrl = std::string(rest.substr(at + 1));
        rest = rest.substr(0, at);
    }
    const auto colon = rest.find(':');
    spec.provider = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos)
        spec.model = std::string(rest.substr(colon + 1));
    static const char *known[] = {"local", "lexical", "hybrid", "openai", "azure", "ollama", "tei"};
    bool ok = false;
    for (const char *k : known)
        ok = ok || spec.provider == k;
    if (!ok)
        return Error{"model '" + std::string(text) + "': expected local, lexical, hybrid or PROVIDER[:MODEL][@BASE_URL] "
                     "with PROVIDER one of openai, azure, ollama, tei"};
    const bool offline = spec.provider == "local" || spec.provider == "lexical" || spec.provider == "hybrid";
    if (offline && (!spec.model.empty() || !spec.baseUrl.empty()))
        return Error{"model '" + std::string(text) + "': " + spec.provider + " takes no model name or URL"};
    if (colon != std::string_view::npos && spec.model.empty())
        return Error{"model '" + std::string(text) + "': empty model name after ':'"};
    return spec;
}

} // namespace es::doctor
