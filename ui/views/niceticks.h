#pragma once
// Axis ticks at "nice" values for the maps (2D chart axes, 3D axes, exported images):
// steps of 1, 2 or 5 times a power of ten, labels with exactly the decimals the step needs
// ("0.25" never appears as "0.3": 0.25 is not a step) and never "-0" (DESIGN.md s.4).
// Qt-free, so the CLI's pictures, the window and the unit test (tst_niceticks) share it.
//
//   const es::NiceTicks t = es::niceTicks(-0.83, 1.41, 8);  // step 0.5: -0.5, 0, 0.5, 1
//   for (int i = 0; i < t.count; ++i)
//       draw(t.at(i), es::formatTick(t.at(i), t.decimals));
#include <string>

namespace es {

struct NiceTicks {
    double step = 1;          // 1, 2 or 5 x 10^k
    long long firstIndex = 0; // the first tick is firstIndex * step, the first >= min
    int count = 0;            // ticks in [min, max]
    int decimals = 0;         // 0 for steps >= 1, 1 for 0.1 / 0.2 / 0.5, 2 for 0.01 ...

    // Tick i as (firstIndex + i) * step: multiplied, never accumulated, so the tick at zero
    // is exactly 0 and far ticks carry no summed rounding error.
    double at(int i) const { return double(firstIndex + i) * step; }
    double first() const { return at(0); }
    double last() const { return at(count - 1); }
};

// The smallest 1-2-5 step that puts at most maxTicks (>= 2) ticks into [min, max]; the
// ticks are the multiples of the step inside the range. A range that is empty, reversed or
// not finite gives one tick at min (or 0) with step 1.
NiceTicks niceTicks(double min, double max, int maxTicks);

// The multiples of a given step in [min, max] (step > 0), e.g. to give two axes one step.
NiceTicks ticksWithStep(double min, double max, double step);

// The smallest 1-2-5 step of at least `atLeast` (> 0), e.g. 0.3 -> 0.5, 7 -> 10.
double niceStepAtLeast(double atLeast);

// Decimals a 1-2-5 step needs to print its multiples exactly.
int decimalsForStep(double step);

// value with `decimals` decimals ("%.*f"), "0" rather than "-0" ("-0.0", ...).
std::string formatTick(double value, int decimals);

} // namespace es
