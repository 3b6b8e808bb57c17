#pragma once
// Internal to the neighbour searches (neighbors.cpp, neighbors_ivf.cpp): the candidate order
// and the vectorised threshold scan of a row of scores.
#include <cstddef>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

namespace es::analysis::detail {

struct Cand {
    float score;
    int index;
};
// "a is a better neighbour than b": higher score, then lower index.
inline bool better(const Cand &a, const Cand &b)
{
    return a.score > b.score || (a.score == b.score && a.index < b.index);
}

// Calls hit(c, forRow, forCol) for the columns c in [c0, n) whose score may enter a heap:
// row[c] - offJ[c] >= rowKth (the row's heap) or, with colKth, row[c] - offI >= colKth[c]
// (column c's heap). Both thresholds may rise during the scan (hit updates them); they
// are re-read for every group of columns. A vector pre-test skips groups with no hit.
template <typename Hit>
inline void scanRow(const float *row, int c0, int n, const float *offJ, const float &rowKth, const float *colKth,
                    float offI, Hit &&hit)
{
    int c = c0;
#if defined(__SSE2__)
    const __m128 oi = _mm_set1_ps(offI);
    for (; c + 8 <= n; c += 8) {
        const __m128 rk = _mm_set1_ps(rowKth);
        const __m128 v0 = _mm_loadu_ps(row + c), v1 = _mm_loadu_ps(row + c + 4);
        __m128 m = _mm_or_ps(_mm_cmpge_ps(_mm_sub_ps(v0, _mm_loadu_ps(offJ + c)), rk),
                             _mm_cmpge_ps(_mm_sub_ps(v1, _mm_loadu_ps(offJ + c + 4)), rk));
        if (colKth)
            m = _mm_or_ps(m, _mm_or_ps(_mm_cmpge_ps(_mm_sub_ps(v0, oi), _mm_loadu_ps(colKth + c)),
                                       _mm_cmpge_ps(_mm_sub_ps(v1, oi), _mm_loadu_ps(colKth + c + 4))));
        if (!_mm_movemask_ps(m))
            continue;
        for (int e = c; e < c + 8; ++e) {
            const bool forRow = row[e] - offJ[e] >= rowKth;
            const bool forCol = colKth && row[e] - offI >= colKth[e];
            if (forRow || forCol)
                hit(e, forRow, forCol);
        }
    }
#endif
    for (; c < n; ++c) {
        const bool forRow = row[c] - offJ[c] >= rowKth;
        const bool forCol = colKth && row[c] - offI >= colKth[c];
        if (forRow || forCol)
            hit(c, forRow, forCol);
    }
}

#if defined(__x86_64__) && defined(__GNUC__)
#define ES_SCAN_AVX512 1
// scanRow with 16 columns a step, for CPUs with AVX-512 (chosen at run time).
template <typename Hit>
__attribute__((target("avx512f"))) void scanRow512(const float *row, int c0, int n, const float *offJ,
                                                    const float &rowKth, const float *colKth, float offI, Hit &&hit)
{
    int c = c0;
    const __m512 oi = _mm512_set1_ps(offI);
    for (; c + 16 <= n; c += 16) {
        const __m512 v = _mm512_loadu_ps(row + c);
        __mmask16 m = _mm512_cmp_ps_mask(_mm512_sub_ps(v, _mm512_loadu_ps(offJ + c)), _mm512_set1_ps(rowKth),
                                         _CMP_GE_OQ);
        if (colKth)
            m |= _mm512_cmp_ps_mask(_mm512_sub_ps(v, oi), _mm512_loadu_ps(colKth + c), _CMP_GE_OQ);
        for (unsigned bits = m; bits; bits &= bits - 1) {
            const int e = c + __builtin_ctz(bits);
            const bool forRow = row[e] - offJ[e] >= rowKth;
            const bool forCol = colKth && row[e] - offI >= colKth[e];
            if (forRow || forCol)
                hit(e, forRow, forCol);
        }
    }
    scanRow(row, c, n, offJ, rowKth, colKth, offI, hit);
}
#endif

} // namespace es::analysis::detail
