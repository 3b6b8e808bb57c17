// embedscope embed INPUT -o OUT.npy: texts in, vectors out, with any provider.
#include "cli/common.h"

#include "formats/detect.h"
#include "formats/texts.h"
#include "formats/vectors.h"

#include <chrono>

namespace es::cli {
namespace {

int runEmbed(const Args &args)
{
    const std::string input = args.positional.at(0);
    const std::string out = args.required("--output");
    const std::string kind = outputKind(out, {"npy", "csv"});
    EmbedderSpec spec = embedderSpecFromArgs(args);
    const auto t0 = std::chrono::steady_clock::now();

    auto detected = formats::detectInput(input, args.get("--format"));
    if (!detected)
        return fail(detected.error());
    if (detected->kind != formats::InputKind::Texts)
        return fail(Error{input + ": holds vectors, not texts (format " + detected->format
                          + "); embed takes .txt, .csv, .tsv or .jsonl texts"});
    formats::TextLoadOptions to;
    to.format = detected->format;
    to.textColumn = args.get("--text-column");
    auto texts = formats::loadTexts(input, to);
    if (!texts)
        return fail(texts.error());
    printWarnings(texts->warnings);

    auto embedder = makeEmbedder(spec);
    if (!embedder)
        return fail(embedder.error());
    auto result = (*embedder)->embed(texts->dataset.texts, progress, stopToken());
    if (!result) {
        Error e = result.error();
        // Say where the rejected key came from (the variable's name, never its value).
        const std::string var = args.get("--api-key-env", defaultKeyVariable(spec.provider));
        if (!var.empty() && (e.message.find("HTTP 401") != std::string::npos
                             || e.message.find("HTTP 403") != std::string::npos))
            e.message += " (the key was read from $" + var + ")";
        return fail(e);
    }
    printWarnings(result->warnings);

    Status written = Ok{};
    if (kind == "npy") {
        written = formats::writeNpy(out, result->vectors);
    } else {
        std::vector<std::string> header{"row"};
        for (Eigen::Index c = 0; c < result->vectors.cols(); ++c)
            header.push_back(std::string("d").append(std::to_string(c))); // (GCC 12 -Wrestrict false positive on "d" + s)
        std::vector<std::vector<std::string>> rows;
        rows.reserve(result->vectors.rows());
        char buf[32];
        for (Eigen::Index r = 0; r < result->vectors.rows(); ++r) {
            std::vector<std::string> row{std::to_string(r)};
            for (Eigen::Index c = 0; c < result->vectors.cols(); ++c) {
                std::snprintf(buf, sizeof buf, "%.9g", double(result->vectors(r, c)));
                row.emplace_back(buf);
            }
            rows.push_back(std::move(row));
        }
        written = formats::writeCsv(out, header, rows);
    }
    if (!written)
        return fail(written.error());

    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (args.has("--stats")) {
        const auto &s = result->stats;
        printStats({{"seconds", seconds},
                    {"n", result->vectors.rows()},
                    {"dimensions", result->vectors.cols()},
                    {"unknown_tokens", s.unknownTokens},
                    {"requests", s.requests},
                    {"retries", s.retries},
                    {"cache_hits", s.cacheHits},
                    {"texts_per_second", seconds > 0 ? double(result->vectors.rows()) / seconds : 0.0}});
    }
    return ExitOk;
}

const Registrar reg{Command{
    "embed",
    "Turn texts into embedding vectors (local model or an HTTP provider).",
    "embed INPUT -o OUT.npy [options]",
    "INPUT is a .txt (one text per line), .csv/.tsv with a header, or .jsonl file.\n"
    "Row i of OUT is row i of INPUT (blank lines of a .txt are skipped and reported).\n"
    "Providers: local (offline GloVe + SIF, the default), openai (and compatible\n"
    "servers), azure, ollama, tei. Keys are read from the environment variable named by\n"
    "--api-key-env and are never printed or stored.",
    withHttpLimitOptions({
        {"--output", "-o", "OUT", "Output file: .npy (float32) or .csv", ""},
        {"--provider", "", "P", "local, lexical, hybrid, openai, azure, ollama or tei", "local"},
        {"--model", "", "M", "Model name (required where the provider has no default)", ""},
        {"--base-url", "", "URL", "API root as the provider documents it", "provider default"},
        {"--api-key-env", "", "VAR", "Environment variable holding the API key", "OPENAI_API_KEY / AZURE_OPENAI_API_KEY"},
        {"--api-version", "", "V", "Azure OpenAI API version", "2024-02-01"},
        {"--dimensions", "", "D", "Requested output dimensions (models that support it)", ""},
        {"--batch-size", "", "N", "Texts per request", "provider default"},
        {"--concurrency", "", "N", "Requests in flight", "4"},
        {"--no-cache", "", "", "Do not read or write the embedding cache", ""},
        {"--text-column", "", "NAME", "Column holding the texts (csv/tsv/jsonl)", "text/sentence/document"},
        {"--model-path", "", "FILE", "Local model file", "search order"},
        {"--format", "", "F", "Input format: txt, csv, tsv or jsonl", "by extension"},
        {"--stats", "", "", "Print a JSON object of figures as the last line of stdout", ""},
    }),
    1, 1, runEmbed}};

} // namespace
} // namespace es::cli
