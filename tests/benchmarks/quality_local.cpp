// Quality benchmark of the local embedder (label "benchmark"). Leave-one-out 10-NN label
// accuracy by cosine for:
//   SIF (the default), SIF at other values of a, SIF with the data-set component also
//   removed, a plain average of word vectors, and TF-IDF (sklearn's TfidfVectorizer
//   defaults: lower case, tokens \b\w\w+\b, smooth idf ln((1+n)/(1+df))+1, l2 norm).
// Data: the labelled Debian package descriptions built from `apt-cache dumpavail`
// (first line of Description, labelled by Section without an archive prefix such as
// "contrib/"; sections games, sound, graphics, math, science, mail, net, editors, database,
// video, electronics, hamradio; lib*, *-dev, *-doc, *-data left out; de-duplicated), plus
// resources/datasets/topics300.csv and classroom.csv.
// Votes are uniform; a tie goes to the label that sorts first (as sklearn's mode does).
// The default SIF's accuracy is checked against the figures documented where its a was
// chosen (core/embed/local/local_embedder.h): topics300.csv 0.909, Debian descriptions
// 0.757 (tests/benchmarks/targets.h; exit status 1 when one falls short). The Debian set
// comes from this machine's package lists, so its figure moves with them.
#include "embed/local/local_embedder.h"
#include "util/types.h"

#include "debian_descriptions.h"
#include "targets.h"

#include <Eigen/Core>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

using namespace es;
using namespace es::local;

namespace {

struct Labelled {
    std::string name;
    std::vector<std::string> texts;
    std::vector<int> labels;
    std::vector<std::string> labelNames;
};

void addRow(Labelled &d, std::map<std::string, int> &ids, const std::string &text, const std::string &label)
{
    auto it = ids.find(label);
    if (it == ids.end())
        it = ids.emplace(label, 0).first;
    d.texts.push_back(text);
    d.labelNames.push_back(label);
    (void)it;
}

// Label ids in sorted label order, so ties resolve like sklearn.
void finishLabels(Labelled &d)
{
    std::set<std::string> names(d.labelNames.begin(), d.labelNames.end());
    std::map<std::string, int> id;
    int k = 0;
    for (const auto &n : names)
        id[n] = k++;
    d.labels.clear();
    for (const auto &n : d.labelNames)
        d.labels.push_back(id[n]);
}

Labelled debianDescriptions()
{
    Labelled d;
    d.name = "Debian descriptions";
    std::map<std::string, int> ids;
    const auto set = bench::debianDescriptions();
    for (std::size_t i = 0; i < set.texts.size(); ++i)
        addRow(d, ids, set.texts[i], set.labels[i]);
    finishLabels(d);
    return d;
}

// Minimal CSV reader for the demo sets (header text,label; quoted fields).
Labelled readCsv(const std::string &path, const std::string &name)
{
    Labelled d;
    d.name = name;
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string s = ss.str();
    std::vector<std::vector<std::string>> rows(1);
    std::string field;
    bool quoted = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (quoted) {
            if (c == '"' && i + 1 < s.size() && s[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            rows.back().push_back(field);
            field.clear();
        } else if (c == '\n') {
            rows.back().push_back(field);
            field.clear();
            rows.emplace_back();
        } else if (c != '\r') {
            field += c;
        }
    }
    if (!field.empty() || !rows.back().empty())
        rows.back().push_back(field);
    std::map<std::string, int> ids;
    for (std::size_t r = 1; r < rows.size(); ++r)
        if (rows[r].size() >= 2)
            addRow(d, ids, rows[r][0], rows[r][1]);
    finishLabels(d);
    return d;
}

int vote(const std::vector<int> &neighbourLabels, int classes)
{
    std::vector<int> count(std::size_t(classes), 0);
    for (int l : neighbourLabels)
        ++count[std::size_t(l)];
    return int(std::max_element(count.begin(), count.end()) - count.begin());
}

// Leave-one-out k-NN accuracy on dense vectors by cosine (blocked products).
double knnAccuracyDense(const Matrix &vectors, const std::vector<int> &labels, int k = 10)
{
    Matrix x = vectors;
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
        const float n = x.row(i).norm();
        if (n > 0)
            x.row(i) /= n;
    }
    const int classes = *std::max_element(labels.begin(), labels.end()) + 1;
    const Eigen::Index n = x.rows();
    int correct = 0;
    const Eigen::Index block = 512;
    std::vector<std::pair<float, int>> cand;
    for (Eigen::Index b = 0; b < n; b += block) {
        const Eigen::Index rows = std::min(block, n - b);
        const Matrix s = x.middleRows(b, rows) * x.transpose();
        for (Eigen::Index r = 0; r < rows; ++r) {
            cand.clear();
            for (Eigen::Index j = 0; j < n; ++j)
                if (j != b + r)
                    cand.push_back({-s(r, j), int(j)});
            const int kk = std::min<int>(k, int(cand.size()));
            std::partial_sort(cand.begin(), cand.begin() + kk, cand.end());
            std::vector<int> nl;
            for (int q = 0; q < kk; ++q)
                nl.push_back(labels[std::size_t(cand[std::size_t(q)].second)]);
            correct += vote(nl, classes) == labels[std::size_t(b + r)];
        }
    }
    return double(correct) / double(n);
}

// TF-IDF like sklearn's TfidfVectorizer defaults; k-NN by cosine through an inverted index.
double knnAccuracyTfidf(const std::vector<std::string> &texts, const std::vector<int> &labels, int k = 10)
{
    std::unordered_map<std::string, int> vocab;
    std::vector<std::vector<std::pair<int, double>>> docs(texts.size());
    std::vector<int> df;
    for (std::size_t i = 0; i < texts.size(); ++i) {
        std::map<int, double> tf;
        std::string tok;
        auto emit = [&] {
            if (tok.size() >= 2 || (tok.size() == 1 && static_cast<unsigned char>(tok[0]) >= 0x80)) {
                auto it = vocab.find(tok);
                if (it == vocab.end()) {
                    it = vocab.emplace(tok, int(df.size())).first;
                    df.push_back(0);
                }
                tf[it->second] += 1;
            }
            tok.clear();
        };
        for (unsigned char c : texts[i]) {
            if (std::isalnum(c) || c == '_' || c >= 0x80)
                tok += char(std::tolower(c));
            else
                emit();
        }
        emit();
        for (const auto &[t, c] : tf) {
            ++df[std::size_t(t)];
            docs[i].push_back({t, c});
        }
    }
    const double n = double(texts.size());
    for (auto &d : docs) {
        double norm = 0;
        for (auto &[t, v] : d) {
            v *= std::log((1 + n) / (1 + df[std::size_t(t)])) + 1;
            norm += v * v;
        }
        norm = std::sqrt(norm);
        for (auto &tv : d)
            tv.second /= norm > 0 ? norm : 1;
    }
    std::vector<std::vector<std::pair<int, double>>> postings(df.size());
    for (std::size_t i = 0; i < docs.size(); ++i)
        for (const auto &[t, v] : docs[i])
            postings[std::size_t(t)].push_back({int(i), v});
    const int classes = *std::max_element(labels.begin(), labels.end()) + 1;
    std::vector<double> score(texts.size());
    std::vector<std::pair<double, int>> cand;
    int correct = 0;
    for (std::size_t i = 0; i < docs.size(); ++i) {
        std::fill(score.begin(), score.end(), 0.0);
        for (const auto &[t, v] : docs[i])
            for (const auto &[j, w] : postings[std::size_t(t)])
                score[std::size_t(j)] += v * w;
        cand.clear();
        for (std::size_t j = 0; j < docs.size(); ++j)
            if (j != i)
                cand.push_back({-score[j], int(j)});
        const int kk = std::min<int>(k, int(cand.size()));
        std::partial_sort(cand.begin(), cand.begin() + kk, cand.end());
        std::vector<int> nl;
        for (int q = 0; q < kk; ++q)
            nl.push_back(labels[std::size_t(cand[std::size_t(q)].second)]);
        correct += vote(nl, classes) == labels[i];
    }
    return double(correct) / double(texts.size());
}

} // namespace

int main()
{
    const char *modelPath = std::getenv("EMBEDSCOPE_MODEL");
    auto model = findAndOpenModel(modelPath ? modelPath : "");
    if (!model) {
        std::printf("SKIP: %s\n", model.error().message.c_str());
        return 77;
    }
    std::shared_ptr<const ModelFile> m(std::move(model.value()));

    std::vector<Labelled> sets;
    sets.push_back(debianDescriptions());
    sets.push_back(readCsv(EMBEDSCOPE_SOURCE_DIR "/resources/datasets/topics300.csv", "topics300.csv"));
    sets.push_back(readCsv(EMBEDSCOPE_SOURCE_DIR "/resources/datasets/classroom.csv", "classroom.csv"));

    struct Method {
        std::string name;
        SifOptions options;
    };
    std::vector<Method> methods;
    const SifOptions defaults;
    methods.push_back({"SIF (default, a=" + std::to_string(defaults.a).substr(0, 6) + ")", defaults});
    for (double a : {1e-2, 3e-3, 1e-3, 3e-4, 2e-4, 1e-4, 5e-5, 2e-5}) {
        SifOptions o;
        o.a = a;
        char name[64];
        std::snprintf(name, sizeof name, "SIF a=%g", a);
        methods.push_back({name, o});
    }
    {
        SifOptions o;
        o.removeModelComponent = false;
        methods.push_back({"SIF, no component removed", o});
        SifOptions d;
        d.removeDatasetComponent = true;
        methods.push_back({"SIF + data-set component", d});
        SifOptions avg;
        avg.weighted = false;
        avg.removeModelComponent = false;
        methods.push_back({"plain average", avg});
    }

    // The default SIF's documented accuracy per set (local_embedder.h).
    const std::map<std::string, double> floors{{"topics300.csv", 0.909}, {"Debian descriptions", 0.757}};
    bench::Targets targets;
    std::printf("Leave-one-out 10-NN label accuracy by cosine\n");
    for (const auto &set : sets) {
        if (set.texts.empty()) {
            std::printf("\n%s: no rows (apt-cache dumpavail unavailable?)\n", set.name.c_str());
            continue;
        }
        std::map<int, int> perLabel;
        for (int l : set.labels)
            ++perLabel[l];
        std::printf("\n%s: %zu rows, %zu labels\n", set.name.c_str(), set.texts.size(), perLabel.size());
        for (const auto &method : methods) {
            SifEmbedder e(m, method.options);
            const auto t0 = std::chrono::steady_clock::now();
            auto r = e.embed(set.texts);
            if (!r) {
                std::printf("  %-28s error: %s\n", method.name.c_str(), r.error().message.c_str());
                continue;
            }
            const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            const double acc = knnAccuracyDense(r->vectors, set.labels);
            std::printf("  %-28s %.3f   (embedded in %.3f s, %lld unknown tokens)\n", method.name.c_str(), acc,
                        secs, static_cast<long long>(r->stats.unknownTokens));
            // To 3 decimals, as the floors are documented and the figures printed.
            if (&method == &methods.front() && floors.count(set.name))
                targets.check("SIF default, " + set.name + ", LOO 10-NN accuracy", std::round(acc * 1000) / 1000,
                              bench::Direction::AtLeast, floors.at(set.name), "");
        }
        std::printf("  %-28s %.3f\n", "TF-IDF", knnAccuracyTfidf(set.texts, set.labels));
    }
    return targets.summary();
}
