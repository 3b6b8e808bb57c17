// Benchmark of the doctor and the offline models (label "benchmark": prints figures,
// asserts nothing about them).
//  1. Leave-one-out 10-NN label accuracy (cosine; majority vote, ties to the larger summed
//     similarity, es::doctor::knnLabelAccuracy) and silhouette by label for local (GloVe-SIF),
//     lexical (TF-IDF words + bigrams, hashed) at several sizes, and hybrid at several
//     shares, on resources/datasets/topics300.csv and the Debian package descriptions
//     (first line of Description from `apt-cache dumpavail`, labelled by Section without
//     an archive prefix; sections games sound graphics math science mail net editors
//     database video electronics hamradio; lib*, *-dev, *-doc, *-data left out;
//     de-duplicated; the same set as quality_local.cpp builds).
//  2. Time of es::doctor::diagnose on synthetic clustered vectors (N = 10k, 100k; 100-d).
#include "doctor/compare.h"
#include "doctor/doctor.h"
#include "embed/factory.h"
#include "embed/lexical/lexical_embedder.h"
#include "formats/texts.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <set>
#include <string>
#include <vector>

using namespace es;

namespace {

struct Labelled {
    std::string name;
    std::vector<std::string> texts, labels;
};

Labelled debianDescriptions()
{
    Labelled d;
    d.name = "Debian descriptions";
    const std::set<std::string> wanted{"games", "sound", "graphics", "math", "science", "mail", "net",
                                       "editors", "database", "video", "electronics", "hamradio"};
    FILE *p = ::popen("apt-cache dumpavail 2>/dev/null", "r");
    if (!p)
        return d;
    std::set<std::string> seenPackages, seenTexts;
    std::string package, section, description, line;
    static char buf[65536];
    auto flush = [&] {
        if (!package.empty() && !section.empty() && !description.empty()) {
            std::string sec = section;
            if (auto slash = sec.rfind('/'); slash != std::string::npos)
                sec = sec.substr(slash + 1);
            auto endsWith = [&](const std::string &s) {
                return package.size() >= s.size() && package.compare(package.size() - s.size(), s.size(), s) == 0;
            };
            std::string key = description;
            std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return char(std::tolower(c)); });
            if (wanted.count(sec) && package.rfind("lib", 0) != 0 && !endsWith("-dev") && !endsWith("-doc")
                && !endsWith("-data") && !seenPackages.count(package) && !seenTexts.count(key)) {
                seenPackages.insert(package);
                seenTexts.insert(key);
                d.texts.push_back(description);
                d.labels.push_back(sec);
            }
        }
        package.clear();
        section.clear();
        description.clear();
    };
    while (std::fgets(buf, sizeof buf, p)) {
        line = buf;
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
            line.pop_back();
        if (line.empty()) {
            flush();
            continue;
        }
        auto value = [&](const char *key) {
            std::string v = line.substr(std::strlen(key));
            while (!v.empty() && v.front() == ' ')
                v.erase(v.begin());
            return v;
        };
        if (line.rfind("Package:", 0) == 0)
            package = value("Package:");
        else if (line.rfind("Section:", 0) == 0)
            section = value("Section:");
        else if (line.rfind("Description:", 0) == 0)
            description = value("Description:");
    }
    flush();
    ::pclose(p);
    return d;
}

Labelled csvSet(const std::string &path, const std::string &name)
{
    Labelled d;
    d.name = name;
    auto t = formats::loadTexts(path);
    if (!t) {
        std::printf("%s: %s\n", name.c_str(), t.error().message.c_str());
        return d;
    }
    d.texts = t->dataset.texts;
    if (const Column *l = t->dataset.label())
        d.labels = l->values;
    return d;
}

void accuracy(const Labelled &set, const std::string &name, Embedder &e)
{
    const auto t0 = std::chrono::steady_clock::now();
    auto r = e.embed(set.texts);
    if (!r) {
        std::printf("  %-34s error: %s\n", name.c_str(), r.error().message.c_str());
        return;
    }
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    auto nn = analysis::knnCosine(r->vectors, 10);
    if (!nn) {
        std::printf("  %-34s error: %s\n", name.c_str(), nn.error().message.c_str());
        return;
    }
    const double acc = doctor::knnLabelAccuracy(*nn, set.labels, 10);
    auto sil = doctor::silhouetteByLabel(r->vectors, set.labels, 5000, 1);
    std::printf("  %-34s acc %.3f  silhouette %.3f  (%d dims, embedded in %.2f s)\n", name.c_str(), acc,
                sil ? *sil : -9.0, int(r->vectors.cols()), secs);
    std::fflush(stdout);
}

void doctorTiming(int n)
{
    std::mt19937 rng(1);
    std::normal_distribution<float> g(0.0f, 1.0f);
    const int d = 100, clusters = 50;
    Matrix centres(clusters, d);
    for (Eigen::Index i = 0; i < centres.size(); ++i)
        centres.data()[i] = g(rng);
    Matrix x(n, d);
    std::vector<std::string> labels(static_cast<std::size_t>(n)), texts(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        const int c = i % clusters;
        for (int j = 0; j < d; ++j)
            x(i, j) = centres(c, j) + 0.8f * g(rng);
        labels[std::size_t(i)] = "c" + std::to_string(c);
        texts[std::size_t(i)] = "item " + std::to_string(i) + " of cluster " + std::to_string(c);
    }
    const auto t0 = std::chrono::steady_clock::now();
    auto r = doctor::diagnose(x, texts, labels);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!r) {
        std::printf("  N=%d: error %s\n", n, r.error().message.c_str());
        return;
    }
    std::printf("  N=%-7d diagnose %.2f s  (%zu duplicate groups, %zu disagreements, %zu outliers, %zu clusters)\n", n,
                secs, r->duplicates.size(), r->disagreements.size(), r->outliers.size(), r->clusters.size());
    std::fflush(stdout);
}

} // namespace

int main(int argc, char **argv)
{
    // --quick: skip the 100k timing; --doctor-only: only the timings.
    const bool quick = argc > 1 && std::string(argv[1]) == "--quick";
    if (argc > 1 && std::string(argv[1]) == "--doctor-only") {
        std::printf("Doctor (all four analyses, 100-d synthetic clusters)\n");
        doctorTiming(10000);
        doctorTiming(100000);
        return 0;
    }
    const char *modelPath = std::getenv("EMBEDSCOPE_MODEL");
    std::vector<Labelled> sets{csvSet(EMBEDSCOPE_SOURCE_DIR "/resources/datasets/topics300.csv", "topics300.csv"),
                               debianDescriptions()};
    std::printf("Leave-one-out 10-NN label accuracy and silhouette by label (cosine)\n");
    for (const auto &set : sets) {
        if (set.texts.empty()) {
            std::printf("\n%s: no rows\n", set.name.c_str());
            continue;
        }
        std::printf("\n%s: %zu rows, %zu labels\n", set.name.c_str(), set.texts.size(),
                    std::set<std::string>(set.labels.begin(), set.labels.end()).size());
        EmbedderSpec spec;
        spec.modelPath = modelPath ? modelPath : "";
        spec.useCache = false;
        auto local = makeEmbedder(spec);
        if (local)
            accuracy(set, "local (GloVe-SIF)", **local);
        else
            std::printf("  local: %s\n", local.error().message.c_str());
        for (bool bigrams : {true, false})
            for (int dims : {4096, 8192}) {
                lexical::TfidfOptions o;
                o.dimensions = dims;
                o.bigrams = bigrams;
                lexical::TfidfEmbedder e(o);
                accuracy(set, "lexical " + std::to_string(dims) + (bigrams ? ", words + bigrams" : ", words only")
                                  + (bigrams && dims == 4096 ? " (default)" : ""),
                         e);
            }
        if (local) {
            for (double share : {0.3, 0.5, 0.7}) {
                spec.provider = "local";
                auto sif = makeEmbedder(spec);
                lexical::HybridOptions ho;
                ho.sifWeight = share;
                lexical::HybridEmbedder h(std::move(sif.value()), ho);
                char name[64];
                std::snprintf(name, sizeof name, "hybrid, SIF share %.1f%s", share, share == 0.5 ? " (default)" : "");
                accuracy(set, name, h);
            }
            auto sif = makeEmbedder(spec);
            lexical::HybridOptions ho;
            ho.tfidf.bigrams = false;
            lexical::HybridEmbedder h(std::move(sif.value()), ho);
            accuracy(set, "hybrid, SIF share 0.5, words only", h);
        }
    }
    std::printf("\nDoctor (all four analyses, 100-d synthetic clusters)\n");
    doctorTiming(10000);
    if (!quick)
        doctorTiming(100000);
    return 0;
}
