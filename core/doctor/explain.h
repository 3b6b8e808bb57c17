#pragma once
// Why are these two texts close? For any embedder (an HTTP model has no word-level split),
// a LEAVE-ONE-WORD-OUT ESTIMATE: each word is removed in turn and both texts re-embedded;
// a word's influence is the cosine with it minus the cosine without it. It is an estimate,
// not a decomposition: influences need not sum to the cosine. (The local GloVe-SIF model
// has the exact split: es::local::SifEmbedder::explainSimilarity.)
#include "embed/embedder.h"
#include "util/result.h"

#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

namespace es::doctor {

struct WordInfluence {
    std::string word;          // as written in the text
    std::size_t begin = 0;     // byte range in the text
    std::size_t end = 0;
    double cosineWithout = 0;  // cosine of the two texts with this word removed
    double influence = 0;      // cosine - cosineWithout: > 0 the word pulls them together
    bool skipped = false;      // the text has only this word (removing it leaves nothing)
};

struct LeaveOneOutEstimate {
    static constexpr bool isEstimate = true;
    double cosine = 0;
    std::vector<WordInfluence> a, b; // in text order
    int textsEmbedded = 0;           // cost: texts sent to the embedder (one batch)
};

// Words are the tokeniser's words and numbers (punctuation stays). At most maxWords per
// text are tried (the first ones); the rest are left out of the estimate. One embed() call.
// context: texts embedded in the same call but not scored, for models whose vectors depend
// on the whole batch (lexical, hybrid: the IDF): pass the data set, so the cosines are
// those of the data set's vectors (up to the few variants added to it).
Result<LeaveOneOutEstimate> leaveOneWordOut(Embedder &embedder, std::string_view textA, std::string_view textB,
                                            int maxWords = 64, const Progress &progress = {},
                                            std::stop_token stop = {},
                                            const std::vector<std::string> &context = {});

} // namespace es::doctor
