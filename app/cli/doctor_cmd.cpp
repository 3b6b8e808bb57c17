// embedscope doctor INPUT -o REPORT.csv: where to look in a data set (duplicates, label
// disagreement, outliers, clusters explained), as CSV finding,row,other_row,score,detail,text.
#include "cli/common.h"

#include "doctor/doctor.h"
#include "doctor/model_spec.h"
#include "formats/detect.h"
#include "formats/project.h"
#include "formats/texts.h"
#include "formats/vectors.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>

namespace es::cli {

// Shared with compare_cmd.cpp: an embedder from a MODEL string (doctor/model_spec.h), with
// the key read from --api-key-env or the provider's default variable.
Result<std::unique_ptr<Embedder>> embedderForModel(const std::string &model, const Args &args)
{
    auto spec = doctor::parseModelSpec(model);
    if (!spec)
        throw UsageError(spec.error().message);
    spec->modelPath = args.get("--model-path");
    spec->useCache = !args.has("--no-cache");
    applyHttpArgs(*spec, args);
    return makeEmbedder(*spec);
}

// Shared with compare_cmd.cpp: texts (and labels) of a .txt/.csv/.tsv/.jsonl INPUT.
Result<formats::LoadedTexts> loadInputTexts(const std::string &path, const Args &args)
{
    auto detected = formats::detectInput(path, args.get("--format"));
    if (!detected)
        return detected.error();
    if (detected->kind != formats::InputKind::Texts)
        return Error{path + ": holds vectors, not texts (format " + detected->format + ")"};
    formats::TextLoadOptions to;
    to.format = detected->format;
    to.textColumn = args.get("--text-column");
    to.labelColumn = args.get("--label-column");
    return formats::loadTexts(path, to);
}

namespace {

int runDoctor(const Args &args)
{
    const std::string input = args.positional.at(0);
    const std::string out = args.required("--output");
    outputKind(out, {"csv"});
    doctor::DoctorConfig cfg;
    cfg.nearDuplicateThreshold = args.getDouble("--threshold", cfg.nearDuplicateThreshold, -1.0, 1.0);
    cfg.outlierNeighbours = int(args.getInt("--neighbors", cfg.outlierNeighbours, 1, 1000));
    cfg.labelNeighbours = int(args.getInt("--label-neighbors", cfg.labelNeighbours, 1, 1000));
    cfg.labelMaxShare = args.getDouble("--label-share", cfg.labelMaxShare, 0.0, 1.0);
    cfg.duplicateNeighbours = int(args.getInt("--duplicate-candidates", cfg.duplicateNeighbours, 1, 1000));
    cfg.neighbors = neighborMethodFromArgs(args);
    const std::string method = args.get("--outlier-method", "knn");
    if (method == "lof")
        cfg.outlierMethod = doctor::OutlierMethod::Lof;
    else if (method != "knn")
        throw UsageError("--outlier-method must be knn or lof; got '" + method + "'");
    cfg.outlierMads = args.getDouble("--outlier-mads", cfg.outlierMads, 0.0, 1000.0);
    cfg.clusterCount = int(args.getInt("--clusters", 0, 0, 1000));
    cfg.seed = unsigned(args.getInt("--seed", 1, 0, 4294967295LL));
    const std::string model = args.get("--embedder", "local");
    const auto t0 = std::chrono::steady_clock::now();

    auto detected = formats::detectInput(input, args.get("--format"));
    if (!detected)
        return fail(detected.error());
    Matrix vectors;
    Dataset dataset;
    EmbedStats embedStats;
    std::vector<doctor::Mark> marks; // a project's marks (keep / fix / drop), exported as a column
    if (detected->kind == formats::InputKind::Project) {
        auto project = formats::loadProject(input);
        if (!project)
            return fail(project.error());
        if (project->vectors.size() == 0)
            return fail(Error{input + ": the project holds no vectors yet; embed its texts in the GUI first, "
                                      "or give the texts file instead"});
        vectors = std::move(project->vectors);
        dataset = std::move(project->dataset);
        for (const auto &m : project->marks)
            marks.push_back(doctor::parseMark(m).value_or(doctor::Mark::None));
        if (std::none_of(marks.begin(), marks.end(), [](doctor::Mark m) { return m != doctor::Mark::None; }))
            marks.clear();
    } else if (detected->kind == formats::InputKind::Texts) {
        auto texts = loadInputTexts(input, args);
        if (!texts)
            return fail(texts.error());
        printWarnings(texts->warnings);
        auto embedder = embedderForModel(model, args);
        if (!embedder)
            return fail(embedder.error());
        auto result = (*embedder)->embed(texts->dataset.texts, progress, stopToken());
        if (!result)
            return fail(result.error());
        printWarnings(result->warnings);
        vectors = std::move(result->vectors);
        embedStats = result->stats;
        dataset = std::move(texts->dataset);
    } else {
        auto loaded = loadInputVectors(input, args);
        if (!loaded)
            return fail(loaded.error());
        vectors = std::move(loaded->vectors);
        if (loaded->dataset)
            dataset = std::move(*loaded->dataset);
    }
    std::vector<std::string> labels;
    if (const Column *l = dataset.label(); l && args.get("--label-column") != "-")
        labels = l->values;
    if (dataset.texts.size() != std::size_t(vectors.rows()))
        dataset.texts.clear();

    auto report = doctor::diagnose(vectors, dataset.texts, labels, cfg, progress, stopToken());
    if (!report)
        return fail(report.error());
    printWarnings(report->warnings);
    const auto rows = doctor::findingRows(*report);
    const auto table = doctor::findingTable(rows, dataset.texts, marks);
    if (auto w = formats::writeCsv(out, table.header, table.rows); !w)
        return fail(w.error());

    if (args.has("--stats")) {
        std::map<std::string, int> counts;
        for (const auto &r : rows)
            ++counts[r.finding];
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        printStats({{"seconds", seconds},
                    {"n", vectors.rows()},
                    {"dimensions", vectors.cols()},
                    {"exact_duplicates", counts["exact_duplicate"]},
                    {"near_duplicates", counts["near_duplicate"]},
                    {"duplicate_groups", report->duplicates.size()},
                    {"label_disagreements", counts["label_disagreement"]},
                    {"outliers", counts["outlier"]},
                    {"outlier_threshold", report->outlierThreshold},
                    {"clusters", report->clusters.size()},
                    {"clusters_from_labels", report->clustersFromLabels},
                    {"labelled", !labels.empty()},
                    {"approximate_neighbors", report->approximateNeighbours},
                    {"unknown_tokens", embedStats.unknownTokens}});
    }
    return ExitOk;
}

const Registrar reg{Command{
    "doctor",
    "Find duplicates, possible mislabels, outliers and explain clusters of a data set.",
    "doctor INPUT -o REPORT.csv [options]",
    "INPUT holds texts (.txt, .csv/.tsv with a header, .jsonl; embedded with --embedder)\n"
    "or vectors (.npy, projector TSV, word2vec; metadata gives texts and labels).\n"
    "REPORT.csv has the columns finding,row,other_row,score,detail,text, one line per finding:\n"
    "  exact_duplicate / near_duplicate  row duplicates other_row (the first row of its group);\n"
    "                                    score = cosine; exact = same text ignoring case/spaces\n"
    "  label_disagreement                row's label looks wrong beside its neighbours' labels\n"
    "                                    (confident learning on k-NN label probabilities);\n"
    "                                    other_row = nearest row with the suggested label;\n"
    "                                    score = 1 - p(label) / p typical of that label (0..1,\n"
    "                                    most suspect first); at most --label-share of the rows\n"
    "  outlier                           row is far from everything; score = k-NN distance\n"
    "                                    (1 - mean cosine of the k nearest) or LOF\n"
    "  cluster                           the most typical rows of each label group (or\n"
    "                                    k-means cluster) and its distinctive words\n"
    "Rows are 0-based. MODEL: local, lexical, hybrid or PROVIDER[:MODEL][@BASE_URL].\n"
    "An .embedscope project with doctor marks (keep / fix / drop, set in the GUI) adds a\n"
    "column mark with each finding's row's mark.\n"
    "Every analysis uses one nearest-neighbour list: approximate (IVF k-NN join) above " + std::to_string(analysis::kApproximateAboveRows) + "\n"
    "rows unless --neighbors-exact; --stats says which (approximate_neighbors).",
    withHttpLimitOptions({
        {"--output", "-o", "REPORT", "Report file (.csv)", ""},
        {"--embedder", "", "MODEL", "Model for text input: local, lexical, hybrid, openai:M, ollama:M, tei, azure@URL", "local"},
        {"--threshold", "", "C", "Near-duplicate cosine threshold", "0.95"},
        {"--neighbors", "-k", "K", "Neighbours for the outlier score", "10"},
        {"--label-neighbors", "", "K", "Neighbours voting on each row's label", "30"},
        {"--label-share", "", "F", "Flag at most this share of the labelled rows as possible mislabels", "0.05"},
        {"--duplicate-candidates", "", "N", "Neighbours checked per item for near duplicates", "10"},
        {"--outlier-method", "", "M", "knn (k-NN distance) or lof (local outlier factor)", "knn"},
        {"--outlier-mads", "", "C", "Outlier threshold: median + C * 1.4826 * MAD", "4"},
        {"--clusters", "", "K", "k-means clusters to explain (0: label groups, else automatic)", "0"},
        {"--seed", "", "S", "k-means seed", "1"},
        {"--neighbors-exact", "", "", "Exact nearest neighbours at any size (default: approximate above "
                                      + std::to_string(analysis::kApproximateAboveRows) + " rows)", ""},
        {"--neighbors-approx", "", "", "Approximate (IVF k-NN join) nearest neighbours at any size", ""},
        {"--label-column", "", "NAME", "Label column (\"-\" for none)", "label/category/class"},
        {"--text-column", "", "NAME", "Column holding the texts (csv/tsv/jsonl)", "text/sentence/document"},
        {"--format", "", "F", "Input format: txt, csv, tsv, jsonl, npy, projector, word2vec", "detect"},
        {"--model-path", "", "FILE", "Local model file", "search order"},
        {"--api-key-env", "", "VAR", "Environment variable holding the API key", "provider default"},
        {"--no-cache", "", "", "Do not read or write the embedding cache", ""},
        {"--stats", "", "", "Print a JSON object of figures as the last line of stdout", ""},
    }),
    1, 1, runDoctor}};

} // namespace
} // namespace es::cli
