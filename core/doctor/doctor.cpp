#include "doctor/doctor.h"

#include "analysis/kmeans.h"
#include "embed/local/tokenizer.h"
#include "util/validate.h"
#include "util/utf8.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

namespace es::doctor {
namespace {

struct UnionFind {
    std::vector<int> parent;
    explicit UnionFind(int n) : parent(std::size_t(n)) { std::iota(parent.begin(), parent.end(), 0); }
    int find(int x)
    {
        while (parent[std::size_t(x)] != x) {
            parent[std::size_t(x)] = parent[std::size_t(parent[std::size_t(x)])];
            x = parent[std::size_t(x)];
        }
        return x;
    }
    void unite(int a, int b)
    {
        a = find(a);
        b = find(b);
        if (a != b)
            parent[std::size_t(std::max(a, b))] = std::min(a, b); // root = lowest row
    }
};

std::string fmt(double v, const char *f = "%.3g")
{
    char buf[64];
    std::snprintf(buf, sizeof buf, f, v);
    return buf;
}

double median(std::vector<double> v)
{
    if (v.empty())
        return 0;
    const std::size_t mid = v.size() / 2;
    std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(mid), v.end());
    double m = v[mid];
    if (v.size() % 2 == 0)
        m = 0.5 * (m + *std::max_element(v.begin(), v.begin() + std::ptrdiff_t(mid)));
    return m;
}

const std::unordered_set<std::string> &stopWords()
{
    static const std::unordered_set<std::string> words{
        "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are",
        "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by",
        "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from",
        "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him",
        "himself", "his", "how", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more",
        "most", "my", "myself", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or",
        "other", "our", "ours", "ourselves", "out", "over", "own", "same", "she", "should", "so", "some",
        "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these",
        "they", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we",
        "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would",
        "you", "your", "yours", "yourself", "yourselves", "s", "t", "don", "should", "now", "ll", "re",
        "ve", "d", "m", "o", "y", "isn", "via", "etc", "may", "might", "must", "shall", "one", "two",
        "use", "used", "using", "many", "much", "get", "got", "let", "like", "every", "within",
        // Function words and light verbs that name no topic (a caption of "took, across,
        // anyone" says nothing about its cluster).
        "across", "along", "among", "around", "behind", "beside", "besides", "beyond", "despite",
        "near", "onto", "toward", "towards", "upon", "without", "though", "although", "unless",
        "whether", "yet", "either", "neither", "else", "ever", "never", "always", "often",
        "sometimes", "usually", "already", "still", "even", "really", "quite", "almost", "enough",
        "rather", "perhaps", "maybe", "instead", "however", "another", "anyone", "anybody",
        "anything", "anywhere", "everyone", "everybody", "everything", "everywhere", "someone",
        "somebody", "something", "somewhere", "nobody", "nothing", "nowhere", "none", "whose",
        "ago", "away", "back", "today", "tonight", "yesterday", "tomorrow", "soon", "later",
        "last", "next", "first", "new", "old", "well", "way", "lot", "lots", "thing", "things",
        "us", "i", "im", "ive", "youre", "theyre", "isnt", "dont", "doesnt", "didnt", "cant",
        "wont", "three", "four", "five", "several", "per", "since", "ok", "yes", "oh",
        "make", "makes", "made", "making", "take", "takes", "took", "taken", "taking", "go",
        "goes", "went", "gone", "going", "come", "comes", "came", "coming", "give", "gives",
        "gave", "given", "put", "puts", "say", "says", "said", "tell", "told", "see", "sees",
        "saw", "seen", "know", "knew", "known", "think", "thought", "want", "wanted", "need",
        "needs", "needed", "keep", "keeps", "kept", "seem", "seems", "seemed", "try", "tried",
        "become", "became", "find", "found", "feel", "felt", "leave", "left", "bring", "brought",
        "ate", "begin", "began", "start", "started", "set"};
    return words;
}

} // namespace

std::string normalizeText(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    bool space = false;
    const auto *p = reinterpret_cast<const unsigned char *>(text.data());
    const std::size_t n = text.size();
    std::size_t i = 0;
    while (i < n) {
        const unsigned char b = p[i];
        char32_t cp = b;
        std::size_t len = 1;
        if (b >= 0xC0 && b < 0xF8) {
            len = b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
            if (i + len > n) {
                len = 1;
            } else {
                cp = b & (0x7F >> len);
                for (std::size_t k = 1; k < len; ++k)
                    cp = (cp << 6) | (p[i + k] & 0x3F);
            }
        }
        i += len;
        const bool ws = cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f'
            || cp == 0xA0;
        if (ws) {
            space = !out.empty();
            continue;
        }
        if (space)
            out += ' ';
        space = false;
        appendUtf8(out, local::toLowerCodePoint(cp));
    }
    return out;
}

std::vector<DuplicateGroup> findDuplicates(const Matrix &unit, const analysis::Neighbors &nn,
                                           const std::vector<std::string> &texts, double threshold,
                                           int neighbours)
{
    const int n = int(unit.rows());
    UnionFind uf(n);
    const int k = std::min(neighbours, nn.k);
    for (int i = 0; i < n && k > 0; ++i)
        for (int r = 0; r < k && nn.sim(i, r) >= threshold; ++r)
            uf.unite(i, nn.at(i, r));
    std::vector<std::string> norm;
    if (!texts.empty()) {
        norm.reserve(texts.size());
        std::unordered_map<std::string_view, int> first;
        for (const auto &t : texts)
            norm.push_back(normalizeText(t));
        for (int i = 0; i < n; ++i) {
            auto [it, inserted] = first.emplace(norm[std::size_t(i)], i);
            if (!inserted)
                uf.unite(it->second, i);
        }
    }
    std::map<int, std::vector<int>> byRoot;
    for (int i = 0; i < n; ++i)
        byRoot[uf.find(i)].push_back(i);
    std::vector<DuplicateGroup> groups;
    for (auto &[root, rows] : byRoot) {
        if (rows.size() < 2)
            continue;
        DuplicateGroup g;
        g.rows = std::move(rows);
        const int rep = g.rows.front();
        g.exact = !norm.empty();
        g.maxSimilarity = -1;
        g.minSimilarity = 1;
        for (int r : g.rows) {
            const float s = r == rep ? 1.0f : unit.row(r).dot(unit.row(rep));
            g.similarity.push_back(s);
            if (r != rep) {
                g.maxSimilarity = std::max(g.maxSimilarity, double(s));
                g.minSimilarity = std::min(g.minSimilarity, double(s));
                if (g.exact && norm[std::size_t(r)] != norm[std::size_t(rep)])
                    g.exact = false;
            }
        }
        groups.push_back(std::move(g));
    }
    std::sort(groups.begin(), groups.end(), [](const DuplicateGroup &a, const DuplicateGroup &b) {
        if (a.rows.size() != b.rows.size())
            return a.rows.size() > b.rows.size();
        if (a.exact != b.exact)
            return a.exact;
        if (a.minSimilarity != b.minSimilarity)
            return a.minSimilarity > b.minSimilarity;
        return a.rows.front() < b.rows.front();
    });
    return groups;
}

std::vector<LabelDisagreement> findLabelDisagreements(const analysis::Neighbors &nn,
                                                      const std::vector<std::string> &labels, int k,
                                                      double maxShare)
{
    std::vector<LabelDisagreement> out;
    k = std::min(k, nn.k);
    const int n = std::min(int(labels.size()), nn.rows());
    if (n == 0 || k < 1)
        return out;
    // Label ids in sorted order (deterministic); -1 = unlabelled.
    std::map<std::string_view, int> ids;
    for (int i = 0; i < n; ++i)
        if (!labels[std::size_t(i)].empty())
            ids.emplace(labels[std::size_t(i)], 0);
    const int classes = int(ids.size());
    if (classes < 2)
        return out;
    std::vector<std::string_view> names;
    for (auto &[name, id] : ids) {
        id = int(names.size());
        names.push_back(name);
    }
    std::vector<int> cls(static_cast<std::size_t>(n), -1);
    std::vector<double> prior(static_cast<std::size_t>(classes), 0.0);
    int labelled = 0;
    for (int i = 0; i < n; ++i)
        if (!labels[std::size_t(i)].empty()) {
            cls[std::size_t(i)] = ids[labels[std::size_t(i)]];
            prior[std::size_t(cls[std::size_t(i)])] += 1;
            ++labelled;
        }
    for (auto &p : prior)
        p /= labelled;
    constexpr double alpha = 0.03; // strength of the prior; small: the neighbours decide

    // One item's votes: per label (in order of first appearance) its summed weight and count.
    struct Vote {
        int label;
        double weight;
        int count;
    };
    std::vector<Vote> votes;
    double total = 0;
    int counted = 0;
    auto collect = [&](int i) {
        votes.clear();
        total = 0;
        counted = 0;
        const double nearest = nn.sim(i, 0);
        if (!(nearest > 0))
            return;
        for (int r = 0; r < k; ++r) {
            const int j = nn.at(i, r);
            const float s = nn.sim(i, r);
            if (s <= 0.0f) // sorted: the rest are unrelated too
                break;
            const int c = cls[std::size_t(j)];
            if (c < 0)
                continue;
            const double w = double(s) / nearest / (double(r + 1) * double(r + 1));
            auto it = std::find_if(votes.begin(), votes.end(), [c](const Vote &v) { return v.label == c; });
            if (it == votes.end())
                votes.push_back({c, w, 1});
            else {
                it->weight += w;
                ++it->count;
            }
            total += w;
            ++counted;
        }
    };
    auto voteOf = [&](int c) -> const Vote * {
        for (const auto &v : votes)
            if (v.label == c)
                return &v;
        return nullptr;
    };
    auto probability = [&](int c) {
        const Vote *v = voteOf(c);
        return ((v ? v->weight : 0.0) + alpha * prior[std::size_t(c)]) / (total + alpha);
    };

    // Pass 1: each item's probability of its own label; per-label thresholds.
    std::vector<double> own(static_cast<std::size_t>(n), -1.0); // -1: unlabelled or no vote
    std::vector<double> sum(std::size_t(classes), 0.0);
    std::vector<int> members(std::size_t(classes), 0);
    double sumAll = 0;
    int withVotes = 0;
    for (int i = 0; i < n; ++i) {
        const int y = cls[std::size_t(i)];
        if (y < 0)
            continue;
        collect(i);
        if (counted == 0)
            continue;
        const double p = probability(y);
        own[std::size_t(i)] = p;
        sum[std::size_t(y)] += p;
        ++members[std::size_t(y)];
        sumAll += p;
        ++withVotes;
    }
    if (withVotes == 0)
        return out;
    const double meanAll = sumAll / withVotes;
    std::vector<double> threshold(static_cast<std::size_t>(classes));
    for (int c = 0; c < classes; ++c) // one pseudo-item at the overall mean
        threshold[std::size_t(c)] = (sum[std::size_t(c)] + meanAll) / (members[std::size_t(c)] + 1);

    // Labels without a vote for an item have p = alpha * prior / (total + alpha). The most
    // probable of them is the one with the largest prior; one is confident when
    // alpha * prior / threshold >= total + alpha, most likely for the largest such ratio.
    std::vector<int> byPrior(static_cast<std::size_t>(classes)), byRatio(static_cast<std::size_t>(classes));
    std::iota(byPrior.begin(), byPrior.end(), 0);
    std::iota(byRatio.begin(), byRatio.end(), 0);
    std::stable_sort(byPrior.begin(), byPrior.end(),
                     [&](int a, int b) { return prior[std::size_t(a)] > prior[std::size_t(b)]; });
    auto ratio = [&](int c) { return alpha * prior[std::size_t(c)] / threshold[std::size_t(c)]; };
    std::stable_sort(byRatio.begin(), byRatio.end(), [&](int a, int b) { return ratio(a) > ratio(b); });
    auto firstWithoutVote = [&](const std::vector<int> &order, int y) {
        for (int c : order)
            if (c != y && !voteOf(c))
                return c;
        return -1;
    };

    // Pass 2: items below their label's threshold with a more credible other label: above
    // that label's threshold, or more probable and carried by more of the neighbours (so that
    // one mislabelled nearest neighbour does not make an item look mislabelled).
    for (int i = 0; i < n; ++i) {
        const int y = cls[std::size_t(i)];
        const double pOwn = own[std::size_t(i)];
        if (y < 0 || pOwn < 0 || !(pOwn < threshold[std::size_t(y)]))
            continue;
        collect(i);
        int best = -1;
        double pBest = -1;
        bool confident = false;
        for (const auto &v : votes) {
            if (v.label == y)
                continue;
            const double p = probability(v.label);
            confident = confident || p >= threshold[std::size_t(v.label)];
            if (p > pBest || (p == pBest && v.label < best)) {
                best = v.label;
                pBest = p;
            }
        }
        if (const int c = firstWithoutVote(byPrior, y); c >= 0) {
            const double p = probability(c);
            if (p > pBest || (p == pBest && c < best)) {
                best = c;
                pBest = p;
            }
        }
        if (const int c = firstWithoutVote(byRatio, y); c >= 0)
            confident = confident || probability(c) >= threshold[std::size_t(c)];
        const Vote *vb = voteOf(best);
        const Vote *vo = voteOf(y);
        const int countBest = vb ? vb->count : 0, countOwn = vo ? vo->count : 0;
        if (best < 0 || !(confident || (pBest > pOwn && countBest > countOwn)))
            continue;
        LabelDisagreement d;
        d.row = i;
        d.label = labels[std::size_t(i)];
        d.majorityLabel = std::string(names[std::size_t(best)]);
        d.threshold = threshold[std::size_t(y)];
        d.probability = pOwn;
        d.score = 1.0 - pOwn / d.threshold;
        d.suggestedProbability = pBest;
        d.neighbours = counted;
        d.share = double(countBest) / counted;
        d.ownShare = double(countOwn) / counted;
        for (int r = 0; r < k; ++r)
            if (cls[std::size_t(nn.at(i, r))] == best) {
                d.nearestWithMajority = nn.at(i, r);
                break;
            }
        out.push_back(std::move(d));
    }
    std::sort(out.begin(), out.end(), [](const LabelDisagreement &a, const LabelDisagreement &b) {
        return a.score != b.score ? a.score > b.score : a.row < b.row;
    });
    const std::size_t cap = maxShare > 0
        ? std::max<std::size_t>(1, std::size_t(std::floor(maxShare * labelled + 1e-9)))
        : 0;
    if (out.size() > cap)
        out.resize(cap);
    return out;
}

OutlierScores outlierScores(const analysis::Neighbors &nn, int k, OutlierMethod method, double mads,
                            double lofMinimum)
{
    OutlierScores out;
    k = std::min(k, nn.k);
    const int n = nn.k > 0 ? int(nn.index.size() / std::size_t(nn.k)) : 0;
    out.score.assign(std::size_t(n), 0.0);
    if (n == 0 || k < 1)
        return out;
    auto dist = [&](int i, int r) { return std::max(0.0, 1.0 - double(nn.sim(i, r))); };
    if (method == OutlierMethod::KnnDistance) {
        for (int i = 0; i < n; ++i) {
            double s = 0;
            for (int r = 0; r < k; ++r)
                s += dist(i, r);
            out.score[std::size_t(i)] = s / k;
        }
    } else {
        // Local outlier factor (Breunig et al. 2000) on cosine distance:
        // reach(p, o) = max(kdist(o), d(p, o)); lrd(p) = 1 / mean reach; LOF = mean lrd(o) / lrd(p).
        std::vector<double> kdist(static_cast<std::size_t>(n)), lrd(static_cast<std::size_t>(n));
        for (int i = 0; i < n; ++i)
            kdist[std::size_t(i)] = dist(i, k - 1);
        for (int i = 0; i < n; ++i) {
            double s = 0;
            for (int r = 0; r < k; ++r)
                s += std::max(kdist[std::size_t(nn.at(i, r))], dist(i, r));
            lrd[std::size_t(i)] = 1.0 / std::max(s / k, 1e-10);
        }
        for (int i = 0; i < n; ++i) {
            double s = 0;
            for (int r = 0; r < k; ++r)
                s += lrd[std::size_t(nn.at(i, r))];
            out.score[std::size_t(i)] = s / k / lrd[std::size_t(i)];
        }
    }
    out.median = median(out.score);
    std::vector<double> dev(out.score.size());
    for (std::size_t i = 0; i < dev.size(); ++i)
        dev[i] = std::abs(out.score[i] - out.median);
    out.mad = median(dev);
    double scale = 1.4826 * out.mad;
    if (scale <= 0) // more than half the scores equal: fall back to the mean absolute deviation
        scale = 1.2533 * std::accumulate(dev.begin(), dev.end(), 0.0) / double(dev.size());
    out.threshold = out.median + mads * scale;
    if (method == OutlierMethod::Lof) // LOF's tail is heavy; near 1 means a normal local density
        out.threshold = std::max(out.threshold, lofMinimum);
    return out;
}

std::vector<std::vector<WordScore>> distinctiveWords(const std::vector<std::string> &texts,
                                                      const std::vector<int> &groupOf, int groups, int count)
{
    std::vector<std::vector<WordScore>> out(std::size_t(std::max(groups, 0)));
    if (texts.empty() || groups <= 0)
        return out;
    std::unordered_map<std::string, int> vocab;
    std::vector<std::string> words;
    std::vector<std::unordered_map<int, int>> tf(static_cast<std::size_t>(groups));
    std::vector<double> total(std::size_t(groups), 0.0);
    std::vector<double> freq;
    std::vector<local::Token> tokens;
    const auto &stop = stopWords();
    // Per class: how many of its texts hold the word (a word of one sentence is weak), and
    // how many texts the class has.
    std::vector<std::unordered_map<int, int>> df(static_cast<std::size_t>(groups));
    std::vector<int> docs(std::size_t(groups), 0);
    std::unordered_set<int> seen;
    for (std::size_t i = 0; i < texts.size(); ++i) {
        const int g = groupOf[i];
        if (g < 0 || g >= groups)
            continue;
        ++docs[std::size_t(g)];
        seen.clear();
        local::tokenize(texts[i], tokens);
        for (const auto &t : tokens) {
            if (t.kind != local::Token::Word || t.text.size() < 2 || stop.count(t.text))
                continue;
            auto [it, inserted] = vocab.emplace(t.text, int(words.size()));
            if (inserted) {
                words.push_back(t.text);
                freq.push_back(0);
            }
            ++tf[std::size_t(g)][it->second];
            total[std::size_t(g)] += 1;
            freq[std::size_t(it->second)] += 1;
            if (seen.insert(it->second).second)
                ++df[std::size_t(g)][it->second];
        }
    }
    const double avg = std::accumulate(total.begin(), total.end(), 0.0) / groups;
    for (int g = 0; g < groups; ++g) {
        std::vector<WordScore> scores;
        for (const auto &[w, c] : tf[std::size_t(g)])
            scores.push_back({words[std::size_t(w)],
                              double(c) / total[std::size_t(g)] * std::log(1.0 + avg / freq[std::size_t(w)])});
        std::sort(scores.begin(), scores.end(), [](const WordScore &a, const WordScore &b) {
            return a.score != b.score ? a.score > b.score : a.word < b.word;
        });
        // Weak words: in a class of four or more texts, a word found in one text only says
        // little about the class (one sentence's verb or aside). They are dropped while a
        // word of two or more texts remains; a class without any keeps its best word.
        if (docs[std::size_t(g)] >= 4) {
            const auto &dfg = df[std::size_t(g)];
            std::vector<WordScore> strong;
            for (const auto &w : scores)
                if (dfg.at(vocab.at(w.word)) >= 2)
                    strong.push_back(w);
            if (strong.empty() && !scores.empty())
                strong.push_back(scores.front());
            scores = std::move(strong);
        }
        if (int(scores.size()) > count)
            scores.resize(std::size_t(count));
        out[std::size_t(g)] = std::move(scores);
    }
    return out;
}

Result<DoctorReport> diagnose(const Matrix &vectors, const std::vector<std::string> &texts,
                              const std::vector<std::string> &labels, const DoctorConfig &config,
                              const Progress &progress, std::stop_token stop)
{
    if (auto s = checkVectors(vectors, {true, 2, "vectors"}); !s)
        return s.error();
    const int n = int(vectors.rows());
    if (!texts.empty() && int(texts.size()) != n)
        return Error{"doctor: " + std::to_string(texts.size()) + " texts for " + std::to_string(n) + " vectors"};
    if (!labels.empty() && int(labels.size()) != n)
        return Error{"doctor: " + std::to_string(labels.size()) + " labels for " + std::to_string(n) + " vectors"};
    if (!(config.nearDuplicateThreshold > -1.0 && config.nearDuplicateThreshold <= 1.0))
        return Error{"doctor: the near-duplicate threshold must be a cosine in (-1, 1]"};
    if (!(config.labelMaxShare >= 0.0 && config.labelMaxShare <= 1.0))
        return Error{"doctor: the share of rows to flag as possible mislabels must be in [0, 1]"};

    DoctorReport rep;
    int k = 1;
    if (config.duplicates)
        k = std::max(k, config.duplicateNeighbours);
    if (config.labels && !labels.empty())
        k = std::max(k, config.labelNeighbours);
    if (config.outliers)
        k = std::max(k, config.outlierNeighbours);
    if (k > n - 1) {
        rep.warnings.push_back("only " + std::to_string(n) + " items: neighbour lists shortened to "
                               + std::to_string(n - 1));
        k = n - 1;
    }
    const Progress nnProgress = [&progress](double f, std::string_view) { report(progress, 0.8 * f, "neighbours"); };
    auto nn = analysis::knnCosine(vectors, k, config.neighbors, nnProgress, stop);
    if (!nn)
        return nn.error();
    rep.approximateNeighbours = nn->approximate;
    const Matrix unit = normalizedRows(vectors);
    if (stop.stop_requested())
        return Error::cancel();

    if (config.duplicates) {
        report(progress, 0.82, "duplicates");
        rep.duplicates = findDuplicates(unit, *nn, texts, config.nearDuplicateThreshold, config.duplicateNeighbours);
    }
    if (config.labels && !labels.empty()) {
        report(progress, 0.85, "labels");
        rep.disagreements = findLabelDisagreements(*nn, labels, config.labelNeighbours, config.labelMaxShare);
    }
    if (config.outliers) {
        report(progress, 0.88, "outliers");
        auto o = outlierScores(*nn, config.outlierNeighbours, config.outlierMethod, config.outlierMads,
                                config.lofMinimum);
        rep.outlierMedian = o.median;
        rep.outlierMad = o.mad;
        rep.outlierThreshold = o.threshold;
        const double scale = o.mad > 0 ? 1.4826 * o.mad : (o.threshold - o.median) / std::max(config.outlierMads, 1e-12);
        for (int i = 0; i < n; ++i) {
            const double s = o.score[std::size_t(i)];
            if (s > o.threshold) {
                Outlier x;
                x.row = i;
                x.score = s;
                x.robustZ = scale > 0 ? (s - o.median) / scale : 0.0;
                x.nearest = nn->at(i, 0);
                x.nearestSimilarity = nn->sim(i, 0);
                rep.outliers.push_back(x);
            }
        }
        std::sort(rep.outliers.begin(), rep.outliers.end(), [](const Outlier &a, const Outlier &b) {
            return a.score != b.score ? a.score > b.score : a.row < b.row;
        });
        rep.outlierScores = std::move(o.score);
    }
    if (stop.stop_requested())
        return Error::cancel();

    if (config.clusters) {
        report(progress, 0.9, "clusters");
        std::vector<std::string> names;
        rep.clusterOf.assign(std::size_t(n), -1);
        std::map<std::string, int> distinct;
        for (const auto &l : labels)
            distinct.emplace(l, 0);
        if (config.clusterByLabel && config.clusterCount == 0 && distinct.size() >= 2) {
            rep.clustersFromLabels = true;
            int id = 0;
            for (auto &[l, idx] : distinct) {
                idx = id++;
                names.push_back(l.empty() ? "(no label)" : l);
            }
            for (int i = 0; i < n; ++i)
                rep.clusterOf[std::size_t(i)] = distinct[labels[std::size_t(i)]];
        } else if (n >= 4) {
            int kc = config.clusterCount > 0 ? config.clusterCount
                                             : std::clamp(int(std::lround(std::sqrt(n / 2.0))), 2, 20);
            kc = std::min(kc, n);
            analysis::KMeansConfig kc2;
            kc2.k = kc;
            kc2.seed = config.seed;
            auto km = analysis::kmeans(unit, kc2, {}, stop);
            if (!km)
                return km.error();
            rep.clusterOf = km->labels;
            for (int c = 0; c < kc; ++c)
                names.push_back("cluster " + std::to_string(c + 1));
        }
        const int groups = int(names.size());
        if (groups > 0) {
            auto words = distinctiveWords(texts, rep.clusterOf, groups, config.wordCount);
            Eigen::MatrixXd sum = Eigen::MatrixXd::Zero(groups, unit.cols());
            std::vector<std::vector<int>> members(static_cast<std::size_t>(groups));
            for (int i = 0; i < n; ++i) {
                sum.row(rep.clusterOf[std::size_t(i)]) += unit.row(i).cast<double>();
                members[std::size_t(rep.clusterOf[std::size_t(i)])].push_back(i);
            }
            for (int g = 0; g < groups; ++g) {
                Cluster c;
                c.id = g;
                c.name = names[std::size_t(g)];
                c.rows = std::move(members[std::size_t(g)]);
                if (c.rows.empty())
                    continue;
                Eigen::VectorXf centre = sum.row(g).transpose().cast<float>();
                const float cn = centre.norm();
                if (cn > 0)
                    centre /= cn;
                std::vector<std::pair<float, int>> sims;
                for (int r : c.rows)
                    sims.emplace_back(unit.row(r).dot(centre), r);
                const std::size_t m = std::min<std::size_t>(std::size_t(std::max(config.typicalCount, 0)), sims.size());
                std::partial_sort(sims.begin(), sims.begin() + std::ptrdiff_t(m), sims.end(),
                                  [](const auto &a, const auto &b) {
                                      return a.first != b.first ? a.first > b.first : a.second < b.second;
                                  });
                for (std::size_t t = 0; t < m; ++t) {
                    c.typical.push_back(sims[t].second);
                    c.typicalSimilarity.push_back(sims[t].first);
                }
                c.words = std::move(words[std::size_t(g)]);
                c.caption = c.name;
                for (std::size_t w = 0; w < c.words.size() && w < 3; ++w)
                    c.caption += (w == 0 ? ": " : ", ") + c.words[w].word;
                rep.clusters.push_back(std::move(c));
            }
            // clusterOf indexes rep.clusters: renumber when empty clusters were dropped.
            std::vector<int> remap(std::size_t(groups), -1);
            for (std::size_t c = 0; c < rep.clusters.size(); ++c) {
                remap[std::size_t(rep.clusters[c].id)] = int(c);
                rep.clusters[c].id = int(c);
            }
            for (auto &g : rep.clusterOf)
                g = remap[std::size_t(g)];
        }
    }
    report(progress, 1.0, "done");
    return rep;
}

std::string_view markName(Mark m)
{
    switch (m) {
    case Mark::Keep: return "keep";
    case Mark::Fix: return "fix";
    case Mark::Drop: return "drop";
    case Mark::None: break;
    }
    return "";
}

std::optional<Mark> parseMark(std::string_view name)
{
    if (name.empty())
        return Mark::None;
    if (name == "keep")
        return Mark::Keep;
    if (name == "fix")
        return Mark::Fix;
    if (name == "drop")
        return Mark::Drop;
    return std::nullopt;
}

std::vector<FindingRow> findingRows(const DoctorReport &report)
{
    std::vector<FindingRow> out;
    for (std::size_t g = 0; g < report.duplicates.size(); ++g) {
        const auto &grp = report.duplicates[g];
        const std::string where = "group " + std::to_string(g + 1) + " (" + std::to_string(grp.rows.size()) + " rows)";
        for (std::size_t i = 1; i < grp.rows.size(); ++i)
            out.push_back({grp.exact ? "exact_duplicate" : "near_duplicate", grp.rows[i], grp.rows[0],
                           double(grp.similarity[i]),
                           where + (grp.exact ? ": same text after normalising case and spaces"
                                              : ": cosine " + fmt(grp.similarity[i], "%.4f") + " to row "
                                                    + std::to_string(grp.rows[0]))});
    }
    for (const auto &d : report.disagreements)
        out.push_back({"label_disagreement", d.row, d.nearestWithMajority, d.score,
                       "labelled '" + d.label + "' (p " + fmt(d.probability, "%.2f") + ", typical "
                           + fmt(d.threshold, "%.2f") + "); suggested '" + d.majorityLabel + "' (p "
                           + fmt(d.suggestedProbability, "%.2f") + "); "
                           + std::to_string(int(std::lround(d.share * d.neighbours))) + " of "
                           + std::to_string(d.neighbours) + " neighbours are '" + d.majorityLabel + "'"});
    for (const auto &o : report.outliers)
        out.push_back({"outlier", o.row, o.nearest, o.score,
                       "score " + fmt(o.score) + " (robust z " + fmt(o.robustZ) + ", threshold "
                           + fmt(report.outlierThreshold) + "); nearest cosine " + fmt(o.nearestSimilarity)});
    for (const auto &c : report.clusters) {
        std::string words;
        for (const auto &w : c.words)
            words += (words.empty() ? "" : " ") + w.word;
        for (std::size_t t = 0; t < c.typical.size(); ++t)
            out.push_back({"cluster", c.typical[t], -1, double(c.typicalSimilarity[t]),
                           c.name + " (" + std::to_string(c.rows.size()) + " rows), typical #" + std::to_string(t + 1)
                               + (words.empty() ? "" : "; words: " + words)});
    }
    return out;
}

Table findingTable(const std::vector<FindingRow> &findings, const std::vector<std::string> &texts,
                   const std::vector<Mark> &marks)
{
    Table t;
    t.header = {"finding", "row", "other_row", "score", "detail", "text"};
    if (!marks.empty())
        t.header.push_back("mark");
    t.rows.reserve(findings.size());
    for (const auto &f : findings) {
        std::vector<std::string> r{f.finding, std::to_string(f.row),
                                   f.otherRow >= 0 ? std::to_string(f.otherRow) : std::string(),
                                   fmt(f.score, "%.6g"), f.detail,
                                   std::size_t(f.row) < texts.size() ? texts[std::size_t(f.row)] : std::string()};
        if (!marks.empty())
            r.emplace_back(std::size_t(f.row) < marks.size() ? markName(marks[std::size_t(f.row)]) : "");
        t.rows.push_back(std::move(r));
    }
    return t;
}

} // namespace es::doctor
