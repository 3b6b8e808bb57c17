#pragma once
// Test data shared by the doctor GUI tests (tst_doctorpanel, tst_explainview,
// tst_comparewidget, tst_doctorcaptions, tst_doctormarks): the demo set for review
// screenshots and a built labelled set with planted findings.
#include "embed/local/local_embedder.h"
#include "formats/texts.h"

#include <QByteArray>
#include <QString>
#include <QTemporaryDir>

#include <memory>
#include <optional>
#include <random>
#include <string>

namespace shot {
// Screenshots of the demo set (topics300.csv embedded with the local model), for the docs
// and for review: into $EMBEDSCOPE_SCREENSHOT_DIR where it is set, else into a temporary
// folder, so that every run renders and saves them (a test that skipped in ordinary runs
// would test nothing).
inline QString dir()
{
    const QString asked = qEnvironmentVariable("EMBEDSCOPE_SCREENSHOT_DIR");
    if (!asked.isEmpty())
        return asked;
    static QTemporaryDir tmp;
    return tmp.path();
}
inline bool load(es::Dataset &ds, std::shared_ptr<es::local::SifEmbedder> &sif, std::shared_ptr<es::Matrix> &vectors,
                 QString *why)
{
    const QByteArray model = qgetenv("EMBEDSCOPE_MODEL");
    if (model.isEmpty()) {
        *why = "the demo screenshots need the local model ($EMBEDSCOPE_MODEL)";
        return false;
    }
    auto loaded = es::formats::loadTexts(EMBEDSCOPE_SOURCE_DIR "/resources/datasets/topics300.csv");
    auto opened = es::local::SifEmbedder::open(model.toStdString());
    if (!loaded || !opened) {
        *why = "cannot load topics300.csv or the model";
        return false;
    }
    ds = loaded->dataset;
    sif = std::shared_ptr<es::local::SifEmbedder>(std::move(*opened));
    auto e = sif->embed(ds.texts);
    if (!e) {
        *why = QString::fromStdString(e.error().message);
        return false;
    }
    vectors = std::make_shared<es::Matrix>(std::move(e->vectors));
    return true;
}

// The demo set embedded with the local model, or nullopt with *why (then the test skips).
struct Demo {
    es::Dataset dataset;
    std::shared_ptr<es::local::SifEmbedder> sif;
    std::shared_ptr<es::Matrix> vectors;
};
inline std::optional<Demo> demo(QString *why)
{
    Demo d;
    if (!load(d.dataset, d.sif, d.vectors, why))
        return std::nullopt;
    return d;
}
} // namespace shot

namespace testdata {

inline constexpr int kNearA = 5, kNearB = 17, kExactA = 30, kExactB = 31, kFlipped = 12, kOutlier = 39;

struct DoctorSet {
    es::Dataset dataset;
    std::shared_ptr<es::Matrix> vectors;
};

// 40 items in 4 labelled clusters of 10 (rows i with i % 4 == cluster), 32 dimensions.
inline DoctorSet doctorSet()
{
    const char *labels[4] = {"animals", "weather", "food", "sport"};
    const char *words[4][4] = {{"cat", "dog", "horse", "bird"},
                               {"rain", "cloud", "storm", "wind"},
                               {"bread", "soup", "onion", "cheese"},
                               {"goal", "match", "team", "ball"}};
    std::mt19937 rng(7);
    std::normal_distribution<float> normal;
    const int n = 40, d = 32;
    es::Matrix centres(4, d);
    for (int c = 0; c < 4; ++c)
        for (int j = 0; j < d; ++j)
            centres(c, j) = normal(rng);
    auto v = std::make_shared<es::Matrix>(n, d);
    DoctorSet b;
    es::Column label{"label", {}};
    for (int i = 0; i < n; ++i) {
        const int c = i % 4;
        for (int j = 0; j < d; ++j)
            (*v)(i, j) = centres(c, j) + 0.5f * normal(rng);
        b.dataset.texts.push_back("sentence " + std::to_string(i) + " about " + words[c][i % 3] + " and " +
                                  words[c][(i / 4) % 4]);
        label.values.push_back(labels[c]);
    }
    // Planted: a near duplicate (cos ~0.97), an exact duplicate after normalisation, a flipped
    // label, an outlier far from everything.
    for (int j = 0; j < d; ++j)
        (*v)(kNearB, j) = (*v)(kNearA, j) + 0.25f * normal(rng);
    b.dataset.texts[kNearB] = "a reworded copy of sentence five";
    v->row(kExactB) = v->row(kExactA);
    b.dataset.texts[kExactA] = "The same   sentence twice";
    b.dataset.texts[kExactB] = "the same sentence TWICE ";
    label.values[kExactB] = label.values[kExactA]; // same item, same label
    label.values[kFlipped] = "weather"; // row 12 sits in the animals cluster
    for (int j = 0; j < d; ++j)
        (*v)(kOutlier, j) = 3.0f * normal(rng);
    b.dataset.texts[kOutlier] = "an unrelated outlier";
    b.dataset.columns.push_back(label);
    b.dataset.labelColumn = 0;
    b.vectors = v;
    return b;
}

} // namespace testdata
