#pragma once
// Offline models that need no word vectors, so two models can be compared without a
// network:
//  - TfidfEmbedder ("lexical"): TF-IDF over lower-case words and word bigrams, with the IDF
//    fitted on the texts given to embed(), signed-hashed into a fixed number of dimensions
//    and L2-normalised.
//  - HybridEmbedder ("hybrid"): [w_g * unit(GloVe-SIF), w_l * unit(TF-IDF)] concatenated,
//    so its cosine is the weighted mean w_g^2 cos_sif + w_l^2 cos_tfidf (w_g^2 + w_l^2 = 1).
//
// Vectors DEPEND ON THE WHOLE DATA SET (the IDF): the same sentence embedded within another
// set of texts gets another vector, and adding a sentence changes every vector. id() therefore
// carries a hash of the texts last embedded ("...:data=<hex>"); a cache must not store these
// vectors by text alone (isDatasetDependent() says so).
#include "embed/embedder.h"
#include "embed/factory.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace es::lexical {

struct TfidfOptions {
    int dimensions = 4096;    // hashed feature space (signed hashing keeps collisions unbiased)
    bool bigrams = true;      // word pairs within a run of words (not across punctuation)
    bool sublinearTf = true;  // tf = 1 + ln(count)
};

// One weighted term of a text (before hashing), for explanations and tests.
struct Term {
    std::string text;   // "word" or "word1 word2"
    double weight = 0;  // tf * idf, divided by the text's norm (so weights square-sum to 1)
};

// Hash of a sequence of texts (FNV-1a 64 over lengths and bytes), as used in id().
std::uint64_t datasetHash(const std::vector<std::string> &texts);

// TF-IDF over words and bigrams, hashed to a fixed dimension. embed() fits the IDF on the
// texts it is given (smooth IDF: ln((1 + N) / (1 + df)) + 1, as scikit-learn), computed on
// exact terms, so hashing collisions only affect the final projection. Terms found in one
// text only are not hashed but spread evenly over all dimensions (see embed()): the norm is
// as without hashing and they add only small, light-tailed noise to other cosines.
class TfidfEmbedder final : public Embedder {
public:
    explicit TfidfEmbedder(TfidfOptions options = {});

    std::string id() const override;
    std::string displayName() const override;
    int dimensions() const override { return options_.dimensions; }
    bool isRemote() const override { return false; }
    Result<EmbedResult> embed(const std::vector<std::string> &texts, const Progress &progress = {},
                              std::stop_token stop = {}) override;

    static constexpr bool isDatasetDependent() { return true; }
    const TfidfOptions &options() const { return options_; }

    // Terms of `text` with their weights under the IDF of the last embed() (terms unseen
    // then get the IDF of a term seen in no text). Sorted by weight, largest first.
    std::vector<Term> terms(std::string_view text) const;

private:
    TfidfOptions options_;
    std::uint64_t fittedHash_ = 0;
    std::size_t fittedCount_ = 0;
    std::vector<std::pair<std::uint64_t, float>> idf_; // sorted by term hash
};

struct HybridOptions {
    double sifWeight = 0.5;   // share of the cosine from GloVe-SIF; the rest is TF-IDF
    TfidfOptions tfidf;
};

// GloVe-SIF and TF-IDF, each part normalised and weighted by sqrt(share), concatenated.
class HybridEmbedder final : public Embedder {
public:
    HybridEmbedder(std::unique_ptr<Embedder> sif, HybridOptions options = {});

    std::string id() const override;
    std::string displayName() const override;
    int dimensions() const override;
    bool isRemote() const override { return false; }
    Result<EmbedResult> embed(const std::vector<std::string> &texts, const Progress &progress = {},
                              std::stop_token stop = {}) override;

    static constexpr bool isDatasetDependent() { return true; }
    const HybridOptions &options() const { return options_; }

private:
    std::unique_ptr<Embedder> sif_;
    TfidfEmbedder tfidf_;
    HybridOptions options_;
};

// Factory entry points for the providers "lexical" and "hybrid" (the hybrid opens the
// local GloVe model by the usual search order, spec.modelPath first).
Result<std::unique_ptr<Embedder>> makeLexicalEmbedder(const EmbedderSpec &spec);
Result<std::unique_ptr<Embedder>> makeHybridEmbedder(const EmbedderSpec &spec);

} // namespace es::lexical
