#pragma once
// MODEL strings, as `embedscope compare --a MODEL --b MODEL` and `doctor --embedder MODEL`
// take them, and as the GUI's model pickers can store them:
//   local | lexical | hybrid                 the offline models
//   PROVIDER[:MODEL][@BASE_URL]              openai:text-embedding-3-small,
//                                            ollama:nomic-embed-text@http://host:11434, tei
// PROVIDER[:MODEL] is what comes before the first '@', the base URL all after it; that URL
// must be http(s) with a host (url::httpUrlProblem), else the spec is refused, so a typo
// never falls back to the provider's public endpoint. openai and ollama need ":MODEL",
// azure needs "@URL" (the deployment). Messages never show a URL's user-info.
// The key is not part of the string: the caller reads it (defaultKeyVariable(provider)).
#include "embed/factory.h"
#include "util/result.h"

#include <string_view>

namespace es::doctor {

Result<EmbedderSpec> parseModelSpec(std::string_view text);

} // namespace es::doctor
