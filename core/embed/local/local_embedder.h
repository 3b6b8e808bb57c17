#pragma once
// The local embedder: GloVe word vectors (memory-mapped model file, model_file.h) combined
// into sentence vectors by SIF (Arora, Liang and Ma 2017). Offline, no account.
//
// Sentence vector of a text with known words w_1..w_n (punctuation excluded):
//     v = (1/n) * sum_i  a / (a + p(w_i)) * x(w_i)
//     v <- v - c (c . v)                        c: the model's common component
// Left out of the average: punctuation, numbers and one-character words (the vocabulary
// has none of them); word tokens missing from the vocabulary are counted as unknown after
// two fall-backs (without dots: "u.s." -> "us"; the parts of "xyz-cat").
// p(w) is the Zipf estimate of the word's probability from its frequency rank r (0-based):
// p = 1 / ((r + 1) * H_V), H_V the V-th harmonic number. Because v is a linear
// combination of word vectors followed by a linear projection, the cosine of two sentence
// vectors splits exactly into word-pair contributions (explainSimilarity).
// a = 2e-4 was chosen with tests/benchmarks/quality_local (leave-one-out 10-NN label
// accuracy): on Debian package descriptions accuracy is flat (0.752-0.757) for a from
// 1e-4 to 1e-2, while on short everyday sentences (topics300.csv) it rises as a falls
// (0.864 at 1e-2, 0.909 at 2e-4, 0.921 at 1e-4, 0.912 at 2e-5): 2e-4 keeps the best
// Debian figure and most of the gain on short sentences.
#include "embed/embedder.h"
#include "embed/factory.h"
#include "embed/local/model_file.h"
#include "embed/local/tokenizer.h"

#include <memory>
#include <span>

namespace es {

// Finds the model (spec.modelPath, $EMBEDSCOPE_MODEL, the user data dir, the installed
// share dir) and opens it; the error says where it looked and how to get the model.
Result<std::unique_ptr<Embedder>> makeLocalEmbedder(const EmbedderSpec &spec);

namespace local {

struct SifOptions {
    double a = 2e-4;                    // SIF smoothing: weight a / (a + p(w)); see above
    bool weighted = true;               // false: plain average of word vectors
    bool removeModelComponent = true;   // remove the model's stored common component
    bool removeDatasetComponent = false;// also remove the first singular vector of the batch
    int threads = 0;                    // 0 = all hardware threads; results never depend on it
};

// One known word of a sentence and its coefficient in the sentence vector (weight / n).
struct WeightedWord {
    int index = -1;          // vocabulary rank, or -1 for the unknown-word vector
    std::string text;        // the token (or hyphen part) as looked up
    float coefficient = 0;   // SIF weight divided by the number of known words
    std::size_t begin = 0;   // byte range in the original text
    std::size_t end = 0;
};

// A text after tokenising and look-up: what its sentence vector is made of.
struct SentenceAnalysis {
    std::vector<Token> tokens;
    std::vector<WeightedWord> words;        // in text order
    std::vector<std::string> unknownWords;  // word tokens not in the vocabulary
    bool usedUnknownVector = false;         // no known word: the unknown-word vector stands in
};

// One word pair's share of the cosine: sum over all pairs == cosine.
struct PairContribution {
    int a = 0, b = 0;          // indices into SimilarityExplanation::a.words / b.words
    double contribution = 0;
};

struct SimilarityExplanation {
    double cosine = 0;
    SentenceAnalysis a, b;
    std::vector<PairContribution> pairs;   // sorted by contribution, largest first
    std::vector<double> wordTotalsA;       // per word of a: sum of its pairs
    std::vector<double> wordTotalsB;
};

// SIF over a memory-mapped GloVe model. Thread-safe for concurrent const calls.
class SifEmbedder final : public Embedder {
public:
    SifEmbedder(std::shared_ptr<const ModelFile> model, SifOptions options = {});

    // Opens the model by the search order (explicitPath first) with these options.
    static Result<std::unique_ptr<SifEmbedder>> open(const std::string &explicitPath,
                                                     SifOptions options = {});

    std::string id() const override;
    std::string displayName() const override;
    int dimensions() const override { return model_->dims(); }
    bool isRemote() const override { return false; }
    Result<EmbedResult> embed(const std::vector<std::string> &texts, const Progress &progress = {},
                              std::stop_token stop = {}) override;

    const ModelFile &model() const { return *model_; }
    std::shared_ptr<const ModelFile> modelPtr() const { return model_; }
    const SifOptions &options() const { return options_; }

    // Word level: rank of a (lower-case) word or -1; its vector; its SIF weight.
    int findWord(std::string_view word) const { return model_->find(word); }
    std::span<const float> wordVector(int index) const;
    float wordWeight(int index) const;
    // Zipf probability estimate of the word at this rank.
    double wordProbability(int index) const;

    // What the sentence vector of `text` is made of (tokens, known words, coefficients).
    SentenceAnalysis analyze(std::string_view text) const;
    // The sentence vector of one text (model component removed, no data-set component).
    RowVector sentenceVector(std::string_view text) const;
    // Removes the stored common component (when enabled) and the given extra component.
    void project(float *v, std::span<const float> datasetComponent = {}) const;

    // The first singular vector removed by the last embed() with removeDatasetComponent
    // (empty otherwise): pass it to explainSimilarity to explain those vectors.
    const std::vector<float> &lastDatasetComponent() const { return lastDatasetComponent_; }

    // Splits cos(v(a), v(b)) into word-pair contributions c_ij =
    //   alpha_i beta_j (P x_i . P y_j) / (|v(a)| |v(b)|), P the component projection,
    // which sum to the cosine exactly (up to rounding).
    Result<SimilarityExplanation> explainSimilarity(std::string_view textA, std::string_view textB,
                                                    std::span<const float> datasetComponent = {}) const;

private:
    // Writes the sentence's weighted average (before projection) to out; returns the
    // number of known words (0: out is the unknown-word vector).
    std::size_t accumulate(std::string_view text, std::vector<Token> &tokens, SentenceAnalysis *analysis,
                    float *out, std::int64_t &unknown, std::int64_t &tokenCount,
                    std::vector<std::string> *unknownWords) const;

    std::shared_ptr<const ModelFile> model_;
    SifOptions options_;
    double harmonic_ = 1;
    std::vector<float> lastDatasetComponent_;
};

} // namespace local
} // namespace es
