#include "doctor/model_spec.h"

#include "util/url.h"

namespace es::doctor {

Result<EmbedderSpec> parseModelSpec(std::string_view text)
{
    EmbedderSpec spec;
    // Shown in messages: a password in the URL part is not.
    const std::string shown = "model '" + url::redactUrls(text) + "': ";
    std::string_view rest = text;
    // PROVIDER[:MODEL] before the first '@', the base URL after it (which may hold '@' of
    // its own, in user-info). A URL that does not parse is refused here: once, a spec
    // without "@http" kept the URL in the model name and went to the public endpoint.
    const auto at = rest.find('@');
    bool hasUrl = false;
    if (at != std::string_view::npos) {
        hasUrl = true;
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
        return Error{shown + "expected local, lexical, hybrid or PROVIDER[:MODEL][@BASE_URL] "
                             "with PROVIDER one of openai, azure, ollama, tei"};
    const bool offline = spec.provider == "local" || spec.provider == "lexical" || spec.provider == "hybrid";
    if (offline && (!spec.model.empty() || hasUrl))
        return Error{shown + spec.provider + " takes no model name or URL"};
    if (colon != std::string_view::npos && spec.model.empty())
        return Error{shown + "empty model name after ':'"};
    if (hasUrl) {
        if (auto problem = url::httpUrlProblem(spec.baseUrl))
            return Error{shown + *problem + " (the part after '@' is the provider's base URL, as in "
                         + spec.provider + (spec.model.empty() ? "" : ":" + spec.model) + "@http://HOST:PORT/...)"};
    }
    // The spec is the only place to name the model or the deployment: say how.
    if ((spec.provider == "openai" || spec.provider == "ollama") && spec.model.empty())
        return Error{shown + spec.provider + " needs a model name: write it as " + spec.provider + ":MODEL"
                     + (hasUrl ? std::string("@").append(url::redactUserInfo(spec.baseUrl)) : std::string("[@BASE_URL]"))
                     + (spec.provider == "openai" ? ", e.g. openai:text-embedding-3-small"
                                                  : ", e.g. ollama:nomic-embed-text")};
    if (spec.provider == "azure" && !hasUrl)
        return Error{shown + "azure needs the deployment URL: write it as "
                             "azure@https://RESOURCE.openai.azure.com/openai/deployments/DEPLOYMENT"};
    return spec;
}

} // namespace es::doctor
