// embedscope compare INPUT --a MODEL --b MODEL -o REPORT.csv: the same texts embedded by two
// models; per item the overlap of its k nearest neighbours (most changed first), and in
// --stats the per-model label accuracy and silhouette, mean overlap and Procrustes disparity.
#include "cli/common.h"

#include "doctor/compare.h"
#include "formats/texts.h"
#include "formats/vectors.h"

#include <chrono>
#include <cmath>
#include <cstdio>

namespace es::cli {

// Defined in doctor_cmd.cpp.
Result<std::unique_ptr<Embedder>> embedderForModel(const std::string &model, const Args &args);
Result<formats::LoadedTexts> loadInputTexts(const std::string &path, const Args &args);

namespace {

nlohmann::json number(double v)
{
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

int runCompare(const Args &args)
{
    const std::string input = args.positional.at(0);
    const std::string out = args.required("--output");
    outputKind(out, {"csv"});
    const std::string modelA = args.required("--a"), modelB = args.required("--b");
    doctor::CompareConfig cfg;
    cfg.k = int(args.getInt("--neighbors", 10, 1, 1000));
    const auto t0 = std::chrono::steady_clock::now();

    auto texts = loadInputTexts(input, args);
    if (!texts)
        return fail(texts.error());
    printWarnings(texts->warnings);
    const Dataset &ds = texts->dataset;
    auto ea = embedderForModel(modelA, args);
    if (!ea)
        return fail(ea.error());
    auto eb = embedderForModel(modelB, args);
    if (!eb)
        return fail(eb.error());
    auto half = [](double from) {
        return Progress([from](double f, std::string_view s) { progress(from + 0.4 * f, s); });
    };
    auto va = (*ea)->embed(ds.texts, half(0.0), stopToken());
    if (!va)
        return fail(va.error());
    printWarnings(va->warnings);
    auto vb = (*eb)->embed(ds.texts, half(0.4), stopToken());
    if (!vb)
        return fail(vb.error());
    printWarnings(vb->warnings);

    std::vector<std::string> labels;
    if (const Column *l = ds.label(); l && args.get("--label-column") != "-")
        labels = l->values;
    auto r = doctor::compareEmbeddings(va->vectors, vb->vectors, labels, cfg,
                                       [](double f, std::string_view s) { progress(0.8 + 0.2 * f, s); }, stopToken());
    if (!r)
        return fail(r.error());

    auto list = [&](const analysis::Neighbors &nn, int i) {
        std::string s;
        for (int j = 0; j < nn.k; ++j) {
            if (j)
                s += ' ';
            s += std::to_string(nn.at(i, j));
        }
        return s;
    };
    std::vector<std::string> header{"rank", "row", "overlap", "a_neighbors", "b_neighbors", "label", "text"};
    std::vector<std::vector<std::string>> rows;
    rows.reserve(r->order.size());
    char buf[32];
    for (std::size_t rank = 0; rank < r->order.size(); ++rank) {
        const int i = r->order[rank];
        std::snprintf(buf, sizeof buf, "%.4g", r->overlap[std::size_t(i)]);
        rows.push_back({std::to_string(rank + 1), std::to_string(i), buf, list(r->a, i), list(r->b, i),
                        labels.empty() ? std::string() : labels[std::size_t(i)], ds.texts[std::size_t(i)]});
    }
    if (auto w = formats::writeCsv(out, header, rows); !w)
        return fail(w.error());

    if (args.has("--stats")) {
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        printStats({{"seconds", seconds},
                    {"n", ds.texts.size()},
                    {"k", r->k},
                    {"model_a", (*ea)->id()},
                    {"model_b", (*eb)->id()},
                    {"dimensions_a", r->summaryA.dimensions},
                    {"dimensions_b", r->summaryB.dimensions},
                    {"mean_overlap", r->meanOverlap},
                    {"procrustes_disparity", r->procrustesDisparity},
                    {"knn_accuracy_a", number(r->summaryA.knnAccuracy)},
                    {"knn_accuracy_b", number(r->summaryB.knnAccuracy)},
                    {"silhouette_a", number(r->summaryA.silhouette)},
                    {"silhouette_b", number(r->summaryB.silhouette)},
                    {"unknown_tokens", va->stats.unknownTokens + vb->stats.unknownTokens},
                    {"requests", va->stats.requests + vb->stats.requests}});
    }
    return ExitOk;
}

const Registrar reg{Command{
    "compare",
    "Compare two embedding models on the same texts (neighbour overlap, label accuracy).",
    "compare INPUT --a MODEL --b MODEL -o REPORT.csv [options]",
    "INPUT holds texts (.txt, .csv/.tsv with a header, .jsonl), optionally with a label column.\n"
    "MODEL: local (GloVe-SIF), lexical (TF-IDF words + bigrams, fitted on INPUT), hybrid\n"
    "(both), or PROVIDER[:MODEL][@BASE_URL], e.g. openai:text-embedding-3-small,\n"
    "ollama:nomic-embed-text; keys come from the provider's variable or --api-key-env.\n"
    "REPORT.csv: rank,row,overlap,a_neighbors,b_neighbors,label,text, one line per item, the\n"
    "items whose k nearest neighbours changed most first (overlap = shared neighbours / k).\n"
    "--stats adds, per model, leave-one-out k-NN label accuracy and silhouette by label\n"
    "(cosine), plus the mean overlap and the Procrustes disparity of the two 2D PCA maps\n"
    "(0 = the same picture up to rotation and scale, 1 = unrelated).",
    withHttpLimitOptions({
        {"--output", "-o", "REPORT", "Report file (.csv)", ""},
        {"--a", "", "MODEL", "First model", ""},
        {"--b", "", "MODEL", "Second model", ""},
        {"--neighbors", "-k", "K", "Neighbours per item", "10"},
        {"--label-column", "", "NAME", "Label column (\"-\" for none)", "label/category/class"},
        {"--text-column", "", "NAME", "Column holding the texts (csv/tsv/jsonl)", "text/sentence/document"},
        {"--format", "", "F", "Input format: txt, csv, tsv or jsonl", "by extension"},
        {"--model-path", "", "FILE", "Local model file (local, hybrid)", "search order"},
        {"--api-key-env", "", "VAR", "Environment variable holding the API key", "provider default"},
        {"--no-cache", "", "", "Do not read or write the embedding cache", ""},
        {"--stats", "", "", "Print a JSON object of figures as the last line of stdout", ""},
    }),
    1, 1, runCompare}};

} // namespace
} // namespace es::cli
