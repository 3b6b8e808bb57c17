#include "cli/common.h"

#include "embed/http/http_embedder.h"
#include "formats/detect.h"
#include "formats/project.h"
#include "formats/texts.h"
#include "formats/vectors.h"
#include "util/url.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace es::cli {

std::vector<Option> vectorInputOptions()
{
    return {
        {"--format", "", "F", "Input format: txt, csv, tsv, jsonl, npy, projector, word2vec, embedscope", "detect"},
        {"--text-column", "", "NAME", "Column holding the texts (csv/tsv/jsonl)", "text/sentence/document"},
        {"--model-path", "", "FILE", "Local model file used when the input holds texts", "search order"},
    };
}

Result<InputVectors> loadInputVectors(const std::string &path, const Args &args)
{
    auto detected = formats::detectInput(path, args.get("--format"));
    if (!detected)
        return detected.error();
    InputVectors out;
    if (detected->kind == formats::InputKind::Vectors) {
        formats::VectorLoadOptions vo;
        vo.format = detected->format;
        auto loaded = formats::loadVectors(path, vo);
        if (!loaded)
            return loaded.error();
        printWarnings(loaded->warnings);
        out.vectors = std::move(loaded->vectors);
        out.dataset = std::move(loaded->metadata);
        return out;
    }
    if (detected->kind == formats::InputKind::Project) {
        auto project = formats::loadProject(path);
        if (!project)
            return project.error();
        if (project->vectors.size() == 0)
            return Error{path + ": the project holds no vectors yet; embed its texts in the GUI first, "
                                "or give the texts file instead"};
        out.vectors = std::move(project->vectors);
        if (project->dataset.size() > 0)
            out.dataset = std::move(project->dataset);
        return out;
    }
    formats::TextLoadOptions to;
    to.format = detected->format;
    to.textColumn = args.get("--text-column");
    auto texts = formats::loadTexts(path, to);
    if (!texts)
        return texts.error();
    printWarnings(texts->warnings);
    EmbedderSpec spec;
    spec.provider = "local";
    spec.modelPath = args.get("--model-path");
    auto embedder = makeEmbedder(spec);
    if (!embedder)
        return embedder.error();
    auto result = (*embedder)->embed(texts->dataset.texts, progress, stopToken());
    if (!result)
        return result.error();
    printWarnings(result->warnings);
    out.vectors = std::move(result->vectors);
    out.embedStats = result->stats;
    out.embedded = true;
    out.dataset = std::move(texts->dataset);
    return out;
}

std::vector<Option> withHttpLimitOptions(std::vector<Option> own)
{
    own.push_back({"--stall-timeout", "", "S", "Give up a request that receives nothing for S seconds (retried once)",
                   "30"});
    own.push_back({"--max-response-mb", "", "MB", "Refuse provider responses larger than MB megabytes",
                   "twice the largest valid answer, at least 16"});
    return own;
}

void applyHttpArgs(EmbedderSpec &spec, const Args &args)
{
    if (!http::providerFromName(spec.provider))
        return;
    spec.stallTimeoutSeconds = int(args.getInt("--stall-timeout", 0, 1, 3600));
    spec.maxResponseBytes = args.getInt("--max-response-mb", 0, 1, 100000) * 1000000;
    const std::string var = args.get("--api-key-env", defaultKeyVariable(spec.provider));
    if (var.empty())
        return;
    const char *v = std::getenv(var.c_str());
    if (!v || !*v) {
        if (args.has("--api-key-env"))
            throw UsageError("--api-key-env " + var + ": that environment variable is not set");
        return;
    }
    if (auto problem = http::apiKeyProblem(v)) // the message never quotes the key
        throw InputError("$" + var + ": " + *problem);
    spec.apiKey = v;
}

EmbedderSpec embedderSpecFromArgs(const Args &args)
{
    EmbedderSpec spec;
    spec.provider = args.get("--provider", "local");
    static const char *known[] = {"local", "lexical", "hybrid", "openai", "azure", "ollama", "tei"};
    if (std::find_if(std::begin(known), std::end(known), [&](const char *k) { return spec.provider == k; })
        == std::end(known))
        throw UsageError("--provider must be one of local, lexical, hybrid, openai, azure, ollama, tei; got '"
                         + spec.provider + "'");
    spec.model = args.get("--model");
    spec.baseUrl = args.get("--base-url");
    spec.apiVersion = args.get("--api-version", spec.apiVersion);
    spec.dimensions = int(args.getInt("--dimensions", 0, 1, 65536));
    spec.batchSize = int(args.getInt("--batch-size", 0, 1, 2048));
    spec.concurrency = int(args.getInt("--concurrency", 4, 1, 64));
    spec.useCache = !args.has("--no-cache");
    // Providers without a default say which flag is missing (DESIGN.md section 3).
    if ((spec.provider == "openai" || spec.provider == "ollama") && spec.model.empty())
        throw UsageError("--model is required for " + spec.provider + std::string(
            spec.provider == "openai" ? " (for example --model text-embedding-3-small)"
                                      : " (for example --model nomic-embed-text)"));
    if (spec.provider == "azure" && spec.baseUrl.empty())
        throw UsageError("--base-url is required for azure: the deployment URL, "
                         "https://RESOURCE.openai.azure.com/openai/deployments/DEPLOYMENT");
    if (!spec.baseUrl.empty() && http::providerFromName(spec.provider))
        if (auto problem = url::httpUrlProblem(spec.baseUrl))
            throw UsageError("--base-url: " + *problem);
    spec.modelPath = args.get("--model-path");
    applyHttpArgs(spec, args);
    return spec;
}

std::string outputKind(const std::string &path, std::initializer_list<const char *> allowed)
{
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    if (!ext.empty())
        ext = ext.substr(1);
    std::string list;
    for (const char *a : allowed) {
        if (ext == a)
            return ext;
        list += list.empty() ? "" : " or ";
        list += std::string(".") + a;
    }
    throw UsageError("-o " + path + ": the output must end in " + list);
}

std::vector<Option> vectorCommandOptions(std::vector<Option> own)
{
    own.push_back({"--stats", "", "", "Print a JSON object of figures as the last line of stdout", ""});
    for (auto &o : vectorInputOptions())
        own.push_back(std::move(o));
    return own;
}

std::string numberCell(double value)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", value);
    return buf;
}

Status writeRowsCsv(const std::string &path, const std::vector<std::string> &header, std::size_t rows,
                    const std::function<void(std::size_t, std::vector<std::string> &)> &fill)
{
    std::vector<std::vector<std::string>> table(rows);
    for (std::size_t i = 0; i < rows; ++i) {
        table[i].reserve(header.size());
        fill(i, table[i]);
    }
    return formats::writeCsv(path, header, table);
}

void printInputStats(const Args &args, nlohmann::json stats, const InputVectors &input,
                     std::chrono::steady_clock::time_point start)
{
    if (!args.has("--stats"))
        return;
    stats["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    stats["n"] = input.vectors.rows();
    stats["dimensions"] = input.vectors.cols();
    if (input.embedded)
        stats["unknown_tokens"] = input.embedStats.unknownTokens;
    printStats(stats);
}

analysis::NeighborMethod neighborMethodFromArgs(const Args &args)
{
    const bool exact = args.has("--neighbors-exact"), approx = args.has("--neighbors-approx");
    if (exact && approx)
        throw UsageError("--neighbors-exact and --neighbors-approx exclude each other");
    return exact ? analysis::NeighborMethod::Exact
                 : approx ? analysis::NeighborMethod::Approximate : analysis::NeighborMethod::Auto;
}

std::vector<Option> neighborMethodOptions()
{
    const std::string rows = std::to_string(analysis::kApproximateAboveRows);
    return {
        {"--neighbors-exact", "", "", "Exact nearest neighbours at any size (default: approximate above " + rows + " rows)", ""},
        {"--neighbors-approx", "", "", "Approximate (IVF k-NN join) nearest neighbours at any size", ""},
    };
}

} // namespace es::cli
