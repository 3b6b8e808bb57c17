#include "doctor/explain.h"

#include "embed/local/tokenizer.h"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace es::doctor {
namespace {

struct Span {
    std::size_t begin, end;
};

std::vector<Span> wordSpans(std::string_view text, int maxWords)
{
    std::vector<Span> out;
    for (const auto &t : local::tokenize(text)) {
        if (t.kind == local::Token::Punct)
            continue;
        if (!out.empty() && out.back().end == t.begin && out.back().begin == t.begin)
            continue;
        // Clitics split from one written word ("don't" -> do, not) share its bytes: one entry.
        if (!out.empty() && t.begin < out.back().end)
            continue;
        out.push_back({t.begin, t.end});
        if (int(out.size()) >= maxWords)
            break;
    }
    return out;
}

// The text without the byte range, joining the neighbours with one space.
std::string without(std::string_view text, Span s)
{
    std::string left(text.substr(0, s.begin)), right(text.substr(s.end));
    while (!left.empty() && left.back() == ' ')
        left.pop_back();
    std::size_t r = 0;
    while (r < right.size() && right[r] == ' ')
        ++r;
    right.erase(0, r);
    if (left.empty() || right.empty())
        return left + right;
    return left + " " + right;
}

bool blank(const std::string &s)
{
    return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); });
}

double cosine(const Matrix &m, Eigen::Index i, Eigen::Index j)
{
    const double den = double(m.row(i).norm()) * double(m.row(j).norm());
    return den > 0 ? double(m.row(i).dot(m.row(j))) / den : 0.0;
}

} // namespace

Result<LeaveOneOutEstimate> leaveOneWordOut(Embedder &embedder, std::string_view textA, std::string_view textB,
                                            int maxWords, const Progress &progress, std::stop_token stop,
                                            const std::vector<std::string> &context)
{
    const auto spansA = wordSpans(textA, maxWords), spansB = wordSpans(textB, maxWords);
    std::vector<std::string> batch{std::string(textA), std::string(textB)};
    LeaveOneOutEstimate out;
    // Index in the batch of each variant, or -1 when removing the word leaves nothing.
    auto addVariants = [&](std::string_view text, const std::vector<Span> &spans, std::vector<WordInfluence> &into,
                           std::vector<int> &where) {
        for (const auto &s : spans) {
            WordInfluence w;
            w.word = std::string(text.substr(s.begin, s.end - s.begin));
            w.begin = s.begin;
            w.end = s.end;
            std::string v = without(text, s);
            if (blank(v)) {
                w.skipped = true;
                where.push_back(-1);
            } else {
                where.push_back(int(batch.size()));
                batch.push_back(std::move(v));
            }
            into.push_back(std::move(w));
        }
    };
    std::vector<int> whereA, whereB;
    addVariants(textA, spansA, out.a, whereA);
    addVariants(textB, spansB, out.b, whereB);
    batch.insert(batch.end(), context.begin(), context.end());
    out.textsEmbedded = int(batch.size());
    auto emb = embedder.embed(batch, progress, stop);
    if (!emb)
        return emb.error();
    const Matrix &v = emb->vectors;
    out.cosine = cosine(v, 0, 1);
    for (std::size_t i = 0; i < out.a.size(); ++i)
        if (whereA[i] >= 0) {
            out.a[i].cosineWithout = cosine(v, whereA[i], 1);
            out.a[i].influence = out.cosine - out.a[i].cosineWithout;
        }
    for (std::size_t i = 0; i < out.b.size(); ++i)
        if (whereB[i] >= 0) {
            out.b[i].cosineWithout = cosine(v, 0, whereB[i]);
            out.b[i].influence = out.cosine - out.b[i].cosineWithout;
        }
    return out;
}

} // namespace es::doctor
