#include "embed/lexical/lexical_embedder.h"

#include "embed/local/local_embedder.h"
#include "embed/local/tokenizer.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <unordered_map>

namespace es::lexical {
namespace {

constexpr std::uint64_t kFnvOffset = 1469598103934665603ull;
constexpr std::uint64_t kFnvPrime = 1099511628211ull;

std::uint64_t fnv(std::string_view s, std::uint64_t h = kFnvOffset)
{
    for (unsigned char c : s) {
        h ^= c;
        h *= kFnvPrime;
    }
    return h;
}

// splitmix64 finaliser: spreads FNV's low bits before taking the bucket and the sign.
std::uint64_t mix(std::uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

bool blank(std::string_view s)
{
    return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); });
}

std::string hex(std::uint64_t v)
{
    char buf[20];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

struct TermCount {
    std::uint64_t hash;
    float count;
};

// The text's terms (words, numbers, bigrams within runs of them) as hashes with counts.
// Unigrams and bigrams hash into separate spaces (a bigram hashes "a\x1fb").
void extractTerms(std::string_view text, bool bigrams, std::vector<local::Token> &tokens,
                  std::vector<TermCount> &out, std::vector<std::string> *names = nullptr)
{
    local::tokenize(text, tokens);
    std::vector<std::uint64_t> hashes;
    std::vector<std::string> termNames;
    const local::Token *prev = nullptr;
    for (const auto &t : tokens) {
        if (t.kind == local::Token::Punct) {
            prev = nullptr;
            continue;
        }
        hashes.push_back(fnv(t.text));
        if (names)
            termNames.push_back(t.text);
        if (bigrams && prev) {
            std::uint64_t h = fnv(prev->text);
            h = fnv("\x1f", h);
            hashes.push_back(fnv(t.text, h));
            if (names)
                termNames.push_back(prev->text + " " + t.text);
        }
        prev = &t;
    }
    out.clear();
    if (names)
        names->clear();
    std::vector<std::size_t> order(hashes.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return hashes[a] < hashes[b]; });
    for (std::size_t i : order) {
        if (!out.empty() && out.back().hash == hashes[i]) {
            out.back().count += 1;
        } else {
            out.push_back({hashes[i], 1});
            if (names)
                names->push_back(termNames[i]);
        }
    }
}

const std::uint64_t kEmptyTerm = fnv("\x1e<no word>");

} // namespace

std::uint64_t datasetHash(const std::vector<std::string> &texts)
{
    std::uint64_t h = kFnvOffset;
    for (const auto &t : texts) {
        const std::uint64_t len = t.size();
        h = fnv(std::string_view(reinterpret_cast<const char *>(&len), sizeof len), h);
        h = fnv(t, h);
    }
    return h;
}

TfidfEmbedder::TfidfEmbedder(TfidfOptions options) : options_(options)
{
    options_.dimensions = std::max(1, options_.dimensions);
}

std::string TfidfEmbedder::id() const
{
    std::string id = "lexical:tfidf-words" + std::string(options_.bigrams ? "+bigrams" : "")
        + (options_.sublinearTf ? "-sublinear" : "") + ":" + std::to_string(options_.dimensions);
    if (fittedCount_ > 0)
        id += ":data=" + hex(fittedHash_);
    return id;
}

std::string TfidfEmbedder::displayName() const
{
    return std::string("TF-IDF words") + (options_.bigrams ? " + bigrams" : "") + ", "
        + std::to_string(options_.dimensions) + "d hashed (local, fitted on the data set)";
}

Result<EmbedResult> TfidfEmbedder::embed(const std::vector<std::string> &texts, const Progress &progress,
                                         std::stop_token stop)
{
    for (std::size_t i = 0; i < texts.size(); ++i)
        if (blank(texts[i]))
            return Error{"row " + std::to_string(i + 1) + ": empty text"};
    const std::size_t n = texts.size();
    const int d = options_.dimensions;
    EmbedResult result;
    result.vectors = Matrix::Zero(Eigen::Index(n), d);
    if (n == 0)
        return result;

    // Pass 1: terms of every text and their document frequencies.
    std::vector<std::vector<TermCount>> docs(n);
    std::unordered_map<std::uint64_t, std::uint32_t> df;
    std::vector<local::Token> tokens;
    std::size_t noWord = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if ((i & 1023) == 0) {
            if (stop.stop_requested())
                return Error::cancel();
            report(progress, 0.5 * double(i) / double(n), "counting terms");
        }
        extractTerms(texts[i], options_.bigrams, tokens, docs[i]);
        result.stats.tokens += std::int64_t(tokens.size());
        if (docs[i].empty()) {
            docs[i].push_back({kEmptyTerm, 1});
            if (++noWord <= 20)
                result.warnings.push_back("row " + std::to_string(i + 1)
                                          + ": no word or number; it gets a shared placeholder term");
        }
        for (const auto &t : docs[i])
            ++df[t.hash];
    }
    if (noWord > 20)
        result.warnings.push_back(std::to_string(noWord) + " rows had no word or number in all");

    idf_.clear();
    idf_.reserve(df.size());
    const double nn = double(n);
    for (const auto &[h, f] : df)
        idf_.emplace_back(h, float(std::log((1.0 + nn) / (1.0 + double(f))) + 1.0));
    std::sort(idf_.begin(), idf_.end());
    fittedHash_ = datasetHash(texts);
    fittedCount_ = n;

    // Pass 2: weights, signed hashing into d buckets, L2 normalisation.
    for (std::size_t i = 0; i < n; ++i) {
        if ((i & 1023) == 0) {
            if (stop.stop_requested())
                return Error::cancel();
            report(progress, 0.5 + 0.5 * double(i) / double(n), "weighting terms");
        }
        float *row = result.vectors.row(Eigen::Index(i)).data();
        auto put = [&](std::uint64_t hash, double weight) {
            const std::uint64_t m = mix(hash);
            row[m % std::uint64_t(d)] += (m >> 63) ? -float(weight) : float(weight);
        };
        // Terms seen in this text only add nothing to its similarity with the others, but
        // they do set its norm. Hashed one by one they would collide with other texts' terms
        // (heavy-tailed noise that swamps short texts), so their combined weight is spread
        // evenly over every dimension with pseudo-random signs seeded by the terms: the norm
        // is kept and the cosine with any other text moves by about |u_a||u_b| / sqrt(D).
        double uniqueSq = 0;
        std::uint64_t uniqueHash = kFnvOffset;
        for (const auto &t : docs[i]) {
            const auto it = std::lower_bound(idf_.begin(), idf_.end(), std::make_pair(t.hash, 0.0f),
                                             [](const auto &a, const auto &b) { return a.first < b.first; });
            const double tf = options_.sublinearTf ? 1.0 + std::log(double(t.count)) : double(t.count);
            const double w = tf * it->second;
            if (n > 1 && df[t.hash] == 1) {
                uniqueSq += w * w;
                uniqueHash = mix(uniqueHash ^ t.hash);
            } else {
                put(t.hash, w);
            }
        }
        if (uniqueSq > 0) {
            const float each = float(std::sqrt(uniqueSq / d));
            std::uint64_t state = uniqueHash;
            for (int j = 0; j < d; ++j) {
                state = mix(state + 0x9e3779b97f4a7c15ull);
                row[j] += (state >> 63) ? -each : each;
            }
        }
        auto r = result.vectors.row(Eigen::Index(i));
        const float norm = r.norm();
        if (norm > 0) {
            r /= norm;
        } else {
            // Every term cancelled out in the hashed space (vanishingly rare): keep the vector
            // non-zero so cosine stays defined.
            r(Eigen::Index(mix(kEmptyTerm) % std::uint64_t(d))) = 1.0f;
        }
    }
    report(progress, 1.0, "weighting terms");
    return result;
}

std::vector<Term> TfidfEmbedder::terms(std::string_view text) const
{
    std::vector<local::Token> tokens;
    std::vector<TermCount> counts;
    std::vector<std::string> names;
    extractTerms(text, options_.bigrams, tokens, counts, &names);
    const double unseen = std::log((1.0 + double(fittedCount_)) / 1.0) + 1.0;
    std::vector<Term> out;
    double sq = 0;
    for (std::size_t i = 0; i < counts.size(); ++i) {
        const auto it = std::lower_bound(idf_.begin(), idf_.end(), std::make_pair(counts[i].hash, 0.0f),
                                         [](const auto &a, const auto &b) { return a.first < b.first; });
        const double idf = (it != idf_.end() && it->first == counts[i].hash) ? double(it->second) : unseen;
        const double tf = options_.sublinearTf ? 1.0 + std::log(double(counts[i].count)) : double(counts[i].count);
        out.push_back({names[i], tf * idf});
        sq += (tf * idf) * (tf * idf);
    }
    if (sq > 0)
        for (auto &t : out)
            t.weight /= std::sqrt(sq);
    std::stable_sort(out.begin(), out.end(), [](const Term &a, const Term &b) { return a.weight > b.weight; });
    return out;
}

HybridEmbedder::HybridEmbedder(std::unique_ptr<Embedder> sif, HybridOptions options)
    : sif_(std::move(sif)), tfidf_(options.tfidf), options_(options)
{
    options_.sifWeight = std::clamp(options_.sifWeight, 0.0, 1.0);
}

std::string HybridEmbedder::id() const
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", options_.sifWeight);
    return "hybrid:sif-share=" + std::string(buf) + "[" + sif_->id() + "][" + tfidf_.id() + "]";
}

std::string HybridEmbedder::displayName() const
{
    return "Hybrid: " + sif_->displayName() + " + " + tfidf_.displayName();
}

int HybridEmbedder::dimensions() const
{
    return sif_->dimensions() + tfidf_.dimensions();
}

Result<EmbedResult> HybridEmbedder::embed(const std::vector<std::string> &texts, const Progress &progress,
                                          std::stop_token stop)
{
    auto part = [&](double from, double to) {
        return Progress([&progress, from, to](double f, std::string_view stage) {
            report(progress, from + (to - from) * f, stage);
        });
    };
    auto a = sif_->embed(texts, part(0.0, 0.6), stop);
    if (!a)
        return a.error();
    auto b = tfidf_.embed(texts, part(0.6, 1.0), stop);
    if (!b)
        return b.error();
    const Eigen::Index n = Eigen::Index(texts.size());
    const Eigen::Index da = a->vectors.cols(), db = b->vectors.cols();
    EmbedResult result;
    result.vectors.resize(n, da + db);
    const float wa = float(std::sqrt(options_.sifWeight));
    const float wb = float(std::sqrt(1.0 - options_.sifWeight));
    for (Eigen::Index i = 0; i < n; ++i) {
        const float na = a->vectors.row(i).norm();
        result.vectors.row(i).head(da) = a->vectors.row(i) * (na > 0 ? wa / na : 0.0f);
        result.vectors.row(i).tail(db) = b->vectors.row(i) * wb; // already unit length
    }
    result.warnings = std::move(a->warnings);
    for (auto &w : b->warnings)
        result.warnings.push_back(std::move(w));
    result.stats = a->stats;
    return result;
}

Result<std::unique_ptr<Embedder>> makeLexicalEmbedder(const EmbedderSpec &spec)
{
    TfidfOptions o;
    if (spec.dimensions > 0)
        o.dimensions = spec.dimensions;
    return std::unique_ptr<Embedder>(std::make_unique<TfidfEmbedder>(o));
}

Result<std::unique_ptr<Embedder>> makeHybridEmbedder(const EmbedderSpec &spec)
{
    EmbedderSpec local = spec;
    local.provider = "local";
    local.dimensions = 0;
    auto sif = makeLocalEmbedder(local);
    if (!sif)
        return sif.error();
    HybridOptions o;
    if (spec.dimensions > 0)
        o.tfidf.dimensions = spec.dimensions;
    return std::unique_ptr<Embedder>(std::make_unique<HybridEmbedder>(std::move(sif.value()), o));
}

} // namespace es::lexical
