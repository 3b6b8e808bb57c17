#include "embed/local/local_embedder.h"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>

#include <sys/mman.h>

namespace es {

Result<std::unique_ptr<Embedder>> makeLocalEmbedder(const EmbedderSpec &spec)
{
    local::SifOptions options;
    options.removeDatasetComponent = spec.removeDatasetComponent;
    auto e = local::SifEmbedder::open(spec.modelPath, options);
    if (!e)
        return e.error();
    return std::unique_ptr<Embedder>(std::move(e.value()));
}

namespace local {
namespace {

constexpr std::size_t kChunk = 512;     // texts per work item (fixed: results never depend on threads)
constexpr std::size_t kMaxRowWarnings = 20;

struct Known {
    int index;
    float weight;
    std::uint32_t token;   // token index (for the byte range)
    std::uint32_t part;    // hyphen part: byte offset within the token, or 0
    std::uint32_t partLen; // 0 = whole token
};

// Large outputs (100k x 100 floats = 40 MB) spend much of their time in first-touch
// page faults; transparent huge pages (when the system allows them on request) cut
// the number of faults 512-fold. Purely a hint.
void adviseHugePages(void *data, std::size_t bytes)
{
#ifdef MADV_HUGEPAGE
    constexpr std::uintptr_t huge = 2u << 20;
    if (bytes < 2 * huge)
        return;
    const auto begin = (reinterpret_cast<std::uintptr_t>(data) + huge - 1) & ~(huge - 1);
    const auto end = (reinterpret_cast<std::uintptr_t>(data) + bytes) & ~(huge - 1);
    if (end > begin)
        ::madvise(reinterpret_cast<void *>(begin), end - begin, MADV_HUGEPAGE);
#else
    (void)data;
    (void)bytes;
#endif
}

bool blank(std::string_view s)
{
    for (char c : s)
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\v' && c != '\f')
            return false;
    return true;
}

std::string preview(std::string_view s)
{
    constexpr std::size_t kMax = 60;
    if (s.size() <= kMax)
        return std::string(s);
    std::size_t cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80)
        --cut;
    return std::string(s.substr(0, cut)) + "...";
}

// Looks up the word tokens. The vocabulary has no one-character words, so those ("a",
// "i") are skipped like punctuation. A token missing from the vocabulary falls back to
// its form without dots ("u.s." -> "us"), then to its parts between joiners
// ("xyz-cat" -> "xyz" "cat"). Unknown tokens (or parts) are counted and optionally recorded.
void lookUp(const ModelFile &m, const std::vector<Token> &tokens, std::vector<Known> &known,
            std::int64_t &unknown, std::vector<std::string> *unknownWords, const SifEmbedder &e)
{
    known.clear();
    for (std::uint32_t t = 0; t < tokens.size(); ++t) {
        const Token &tok = tokens[t];
        if (!tok.word() || tok.text.size() < 2)
            continue;
        const int idx = m.find(tok.text);
        if (idx >= 0) {
            known.push_back({idx, e.wordWeight(idx), t, 0, 0});
            continue;
        }
        const std::string_view w = tok.text;
        if (w.find('.') != std::string_view::npos) {
            std::string undotted;
            for (char c : w)
                if (c != '.')
                    undotted += c;
            const int u = undotted.size() >= 2 ? m.find(undotted) : -1;
            if (u >= 0) {
                known.push_back({u, e.wordWeight(u), t, 0, 0});
                continue;
            }
        }
        if (w.find_first_of("-'&.") != std::string_view::npos) {
            std::size_t start = 0;
            while (start <= w.size()) {
                std::size_t stop = w.find_first_of("-'&.", start);
                if (stop == std::string_view::npos)
                    stop = w.size();
                if (stop - start >= 2) {
                    const std::string_view part = w.substr(start, stop - start);
                    const int p = m.find(part);
                    if (p >= 0) {
                        known.push_back({p, e.wordWeight(p), t, std::uint32_t(start), std::uint32_t(part.size())});
                    } else {
                        ++unknown;
                        if (unknownWords)
                            unknownWords->emplace_back(part);
                    }
                }
                start = stop + 1;
            }
            continue;
        }
        ++unknown;
        if (unknownWords)
            unknownWords->push_back(tok.text);
    }
}

} // namespace

SifEmbedder::SifEmbedder(std::shared_ptr<const ModelFile> model, SifOptions options)
    : model_(std::move(model)), options_(options)
{
    // H_V = sum_{k=1}^{V} 1/k, summed from small to large terms for accuracy.
    double h = 0;
    for (int k = model_->vocabSize(); k >= 1; --k)
        h += 1.0 / k;
    harmonic_ = h;
}

Result<std::unique_ptr<SifEmbedder>> SifEmbedder::open(const std::string &explicitPath,
                                                       SifOptions options)
{
    if (!(options.a > 0) || !std::isfinite(options.a))
        return Error{"the SIF parameter a must be a positive number"};
    auto m = findAndOpenModel(explicitPath);
    if (!m)
        return m.error();
    return std::make_unique<SifEmbedder>(std::shared_ptr<const ModelFile>(std::move(m.value())),
                                         options);
}

std::string SifEmbedder::id() const
{
    std::string id = "local:" + model_->name() + ":" + model_->checksumHex();
    if (options_.weighted) {
        char buf[32];
        std::snprintf(buf, sizeof buf, ":sif-a=%g", options_.a);
        id += buf;
    } else {
        id += ":average";
    }
    if (!options_.removeModelComponent)
        id += ":keep-common-component";
    if (options_.removeDatasetComponent)
        id += ":dataset-component"; // vectors depend on the whole batch
    return id;
}

std::string SifEmbedder::displayName() const
{
    std::string n = "GloVe " + std::to_string(model_->dims()) + "d (local, ";
    n += options_.weighted ? "SIF" : "average";
    if (options_.removeDatasetComponent)
        n += ", data-set component removed";
    return n + ")";
}

std::span<const float> SifEmbedder::wordVector(int index) const
{
    if (index < 0)
        return {model_->unknownVector(), std::size_t(model_->dims())};
    return {model_->vector(index), std::size_t(model_->dims())};
}

double SifEmbedder::wordProbability(int index) const
{
    return 1.0 / ((double(index) + 1.0) * harmonic_);
}

float SifEmbedder::wordWeight(int index) const
{
    if (!options_.weighted)
        return 1.0f;
    if (index < 0)
        return 1.0f;
    const double a = options_.a;
    return float(a / (a + wordProbability(index)));
}

void SifEmbedder::project(float *v, std::span<const float> datasetComponent) const
{
    const int d = model_->dims();
    if (options_.removeModelComponent) {
        const float *c = model_->component();
        float dot = 0;
        for (int j = 0; j < d; ++j)
            dot += c[j] * v[j];
        for (int j = 0; j < d; ++j)
            v[j] -= dot * c[j];
    }
    if (datasetComponent.size() == std::size_t(d)) {
        float dot = 0;
        for (int j = 0; j < d; ++j)
            dot += datasetComponent[j] * v[j];
        for (int j = 0; j < d; ++j)
            v[j] -= dot * datasetComponent[j];
    }
}

std::size_t SifEmbedder::accumulate(std::string_view text, std::vector<Token> &tokens,
                             SentenceAnalysis *analysis, float *out, std::int64_t &unknown,
                             std::int64_t &tokenCount, std::vector<std::string> *unknownWords) const
{
    thread_local std::vector<Known> known;
    tokenize(text, tokens);
    tokenCount += std::int64_t(tokens.size());
    lookUp(*model_, tokens, known, unknown, unknownWords, *this);
    const int d = model_->dims();
    std::fill(out, out + d, 0.0f);
    if (known.empty()) {
        const float *u = model_->unknownVector();
        std::copy(u, u + d, out);
    } else {
        const float inv = 1.0f / float(known.size());
        for (const Known &k : known) {
            const float coef = k.weight * inv;
            const float *x = model_->vector(k.index);
            for (int j = 0; j < d; ++j)
                out[j] += coef * x[j];
        }
    }
    if (analysis) {
        analysis->tokens = tokens;
        analysis->words.clear();
        analysis->usedUnknownVector = known.empty();
        if (known.empty()) {
            analysis->words.push_back({-1, "<unknown>", 1.0f, 0, text.size()});
        } else {
            const float inv = 1.0f / float(known.size());
            for (const Known &k : known) {
                const Token &t = tokens[k.token];
                WeightedWord w;
                w.index = k.index;
                w.coefficient = k.weight * inv;
                if (k.partLen == 0) {
                    w.text = t.text;
                    w.begin = t.begin;
                    w.end = t.end;
                } else {
                    w.text = t.text.substr(k.part, k.partLen);
                    // Hyphen parts are ASCII-separated: byte offsets map one to one when the
                    // token was not changed by normalisation; otherwise use the whole token.
                    if (t.end - t.begin == t.text.size()) {
                        w.begin = t.begin + k.part;
                        w.end = w.begin + k.partLen;
                    } else {
                        w.begin = t.begin;
                        w.end = t.end;
                    }
                }
                analysis->words.push_back(std::move(w));
            }
        }
    }
    return known.size();
}

SentenceAnalysis SifEmbedder::analyze(std::string_view text) const
{
    SentenceAnalysis a;
    std::vector<Token> tokens;
    std::vector<float> v(std::size_t(model_->dims()));
    std::int64_t unknown = 0, count = 0;
    accumulate(text, tokens, &a, v.data(), unknown, count, &a.unknownWords);
    return a;
}

RowVector SifEmbedder::sentenceVector(std::string_view text) const
{
    RowVector v(model_->dims());
    std::vector<Token> tokens;
    std::int64_t unknown = 0, count = 0;
    accumulate(text, tokens, nullptr, v.data(), unknown, count, nullptr);
    project(v.data());
    return v;
}

Result<EmbedResult> SifEmbedder::embed(const std::vector<std::string> &texts,
                                       const Progress &progress, std::stop_token stop)
{
    lastDatasetComponent_.clear();
    for (std::size_t i = 0; i < texts.size(); ++i)
        if (blank(texts[i]))
            return Error{"row " + std::to_string(i + 1) + ": empty text"};

    const std::size_t n = texts.size();
    const int d = model_->dims();
    EmbedResult result;
    result.vectors.resize(Eigen::Index(n), d);
    adviseHugePages(result.vectors.data(), result.vectors.size() * sizeof(float));
    if (n == 0)
        return result;

    const std::size_t chunks = (n + kChunk - 1) / kChunk;
    struct ChunkOut {
        std::int64_t unknown = 0, tokens = 0;
        std::vector<std::size_t> noKnownRows;
        std::vector<std::string> unknownWords;
        std::vector<double> gram; // data-set component: partial V^T V (upper triangle)
    };
    std::vector<ChunkOut> outs(chunks);
    const bool dsc = options_.removeDatasetComponent;

    std::atomic<std::size_t> nextChunk{0}, doneChunks{0};
    std::atomic<bool> cancelled{false};
    // Any worker reports progress after a chunk, serialised and never going backwards.
    std::mutex progressMutex;
    std::size_t reported = 0;
    auto work = [&] {
        std::vector<Token> tokens;
        std::vector<float> acc(static_cast<std::size_t>(d));
        for (;;) {
            if (cancelled.load(std::memory_order_relaxed))
                return;
            if (stop.stop_requested()) {
                cancelled = true;
                return;
            }
            const std::size_t c = nextChunk.fetch_add(1);
            if (c >= chunks)
                return;
            ChunkOut &o = outs[c];
            const std::size_t begin = c * kChunk, end = std::min(n, begin + kChunk);
            for (std::size_t r = begin; r < end; ++r) {
                // Work in a small buffer that stays in L1, then store the row once.
                const bool anyKnown =
                    accumulate(texts[r], tokens, nullptr, acc.data(), o.unknown, o.tokens, &o.unknownWords) > 0;
                if (!anyKnown)
                    o.noKnownRows.push_back(r);
                project(acc.data());
                std::memcpy(result.vectors.row(Eigen::Index(r)).data(), acc.data(), sizeof(float) * std::size_t(d));
            }
            if (dsc) {
                o.gram.assign(std::size_t(d) * d, 0.0);
                for (std::size_t r = begin; r < end; ++r) {
                    const float *v = result.vectors.row(Eigen::Index(r)).data();
                    for (int p = 0; p < d; ++p) {
                        const double vp = v[p];
                        double *g = o.gram.data() + std::size_t(p) * d;
                        for (int q = p; q < d; ++q)
                            g[q] += vp * v[q];
                    }
                }
            }
            const std::size_t done = doneChunks.fetch_add(1) + 1;
            if (progress) {
                std::lock_guard lock(progressMutex);
                if (done > reported) {
                    reported = done;
                    progress(double(done) / double(chunks), "embedding");
                }
            }
        }
    };

    int threads = options_.threads > 0 ? options_.threads : int(std::thread::hardware_concurrency());
    threads = std::clamp(threads, 1, 64);
    threads = int(std::min<std::size_t>(std::size_t(threads), chunks));
    {
        std::vector<std::jthread> pool;
        for (int t = 1; t < threads; ++t)
            pool.emplace_back(work);
        work();
    }
    if (cancelled)
        return Error::cancel();

    // Merge in chunk order: counts, warnings, the data-set component.
    std::map<std::string, std::int64_t> unknownCounts;
    std::vector<std::size_t> noKnownRows;
    for (auto &o : outs) {
        result.stats.unknownTokens += o.unknown;
        result.stats.tokens += o.tokens;
        noKnownRows.insert(noKnownRows.end(), o.noKnownRows.begin(), o.noKnownRows.end());
        for (auto &w : o.unknownWords)
            ++unknownCounts[w];
    }
    for (std::size_t k = 0; k < noKnownRows.size() && k < kMaxRowWarnings; ++k) {
        const std::size_t r = noKnownRows[k];
        result.warnings.push_back("row " + std::to_string(r + 1) + ": no known word in \""
                                  + preview(texts[r]) + "\"; using the unknown-word vector");
    }
    if (noKnownRows.size() > kMaxRowWarnings)
        result.warnings.push_back("... and " + std::to_string(noKnownRows.size() - kMaxRowWarnings)
                                  + " more rows with no known word");
    if (result.stats.unknownTokens > 0) {
        std::vector<std::pair<std::string, std::int64_t>> top(unknownCounts.begin(), unknownCounts.end());
        std::stable_sort(top.begin(), top.end(),
                         [](const auto &x, const auto &y) { return x.second > y.second; });
        std::string msg = std::to_string(result.stats.unknownTokens)
                          + " word token(s) not in the vocabulary (left out of the sentence vectors): ";
        for (std::size_t k = 0; k < top.size() && k < 10; ++k)
            msg += (k ? ", " : "") + top[k].first
                   + (top[k].second > 1 ? " (" + std::to_string(top[k].second) + ")" : "");
        if (top.size() > 10)
            msg += ", ...";
        result.warnings.push_back(msg);
    }

    if (dsc && n >= 2) {
        report(progress, 1.0, "removing the data-set component");
        Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(d, d);
        for (const auto &o : outs)
            for (int p = 0; p < d; ++p)
                for (int q = p; q < d; ++q)
                    gram(p, q) += o.gram[std::size_t(p) * d + q];
        for (int p = 0; p < d; ++p)
            for (int q = 0; q < p; ++q)
                gram(p, q) = gram(q, p);
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(gram);
        if (eig.info() == Eigen::Success) {
            Eigen::VectorXd u = eig.eigenvectors().col(d - 1);
            Eigen::Index at = 0;
            u.cwiseAbs().maxCoeff(&at);
            if (u[at] < 0)
                u = -u;
            lastDatasetComponent_.resize(std::size_t(d));
            for (int j = 0; j < d; ++j)
                lastDatasetComponent_[std::size_t(j)] = float(u[j]);
            for (Eigen::Index r = 0; r < Eigen::Index(n); ++r) {
                float *v = result.vectors.row(r).data();
                float dot = 0;
                for (int j = 0; j < d; ++j)
                    dot += lastDatasetComponent_[std::size_t(j)] * v[j];
                for (int j = 0; j < d; ++j)
                    v[j] -= dot * lastDatasetComponent_[std::size_t(j)];
            }
        }
    }
    // A vector can only be zero if the text's words all lie along the removed components.
    for (Eigen::Index r = 0; r < Eigen::Index(n); ++r)
        if (result.vectors.row(r).squaredNorm() == 0.0f)
            return Error{"row " + std::to_string(r + 1) + ": the sentence vector is zero"};
    report(progress, 1.0, "embedding");
    return result;
}

Result<SimilarityExplanation> SifEmbedder::explainSimilarity(std::string_view textA,
                                                             std::string_view textB,
                                                             std::span<const float> datasetComponent) const
{
    if (blank(textA) || blank(textB))
        return Error{"cannot explain the similarity of an empty text"};
    SimilarityExplanation ex;
    ex.a = analyze(textA);
    ex.b = analyze(textB);
    const int d = model_->dims();

    // Projected word vectors y = P x in double, and the sentence vectors they sum to.
    auto projected = [&](const SentenceAnalysis &s, Eigen::MatrixXd &y, Eigen::VectorXd &sum) {
        y.resize(Eigen::Index(s.words.size()), d);
        sum = Eigen::VectorXd::Zero(d);
        std::vector<float> buf(static_cast<std::size_t>(d));
        for (std::size_t i = 0; i < s.words.size(); ++i) {
            const auto x = wordVector(s.words[i].index);
            std::copy(x.begin(), x.end(), buf.begin());
            project(buf.data(), datasetComponent);
            for (int j = 0; j < d; ++j)
                y(Eigen::Index(i), j) = buf[std::size_t(j)];
            sum += double(s.words[i].coefficient) * y.row(Eigen::Index(i)).transpose();
        }
    };
    Eigen::MatrixXd ya, yb;
    Eigen::VectorXd sa, sb;
    projected(ex.a, ya, sa);
    projected(ex.b, yb, sb);
    const double na = sa.norm(), nb = sb.norm();
    if (na == 0 || nb == 0)
        return Error{"a sentence vector is zero; the cosine is undefined"};
    ex.cosine = sa.dot(sb) / (na * nb);
    const Eigen::MatrixXd dots = ya * yb.transpose();
    ex.wordTotalsA.assign(ex.a.words.size(), 0.0);
    ex.wordTotalsB.assign(ex.b.words.size(), 0.0);
    ex.pairs.reserve(ex.a.words.size() * ex.b.words.size());
    for (std::size_t i = 0; i < ex.a.words.size(); ++i)
        for (std::size_t j = 0; j < ex.b.words.size(); ++j) {
            const double c = double(ex.a.words[i].coefficient) * double(ex.b.words[j].coefficient)
                             * dots(Eigen::Index(i), Eigen::Index(j)) / (na * nb);
            ex.pairs.push_back({int(i), int(j), c});
            ex.wordTotalsA[i] += c;
            ex.wordTotalsB[j] += c;
        }
    std::stable_sort(ex.pairs.begin(), ex.pairs.end(),
                     [](const PairContribution &x, const PairContribution &y) {
                         return x.contribution > y.contribution;
                     });
    return ex;
}

} // namespace local
} // namespace es
