#include "views/niceticks.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace es {

double niceStepAtLeast(double atLeast)
{
    if (!(atLeast > 0) || !std::isfinite(atLeast))
        return 1;
    double mag = std::pow(10.0, std::floor(std::log10(atLeast)));
    for (;;) {
        for (double m : {1.0, 2.0, 5.0})
            // A relative tolerance: 0.3 / 0.1 must not ask for 0.5 because of rounding.
            if (m * mag >= atLeast * (1 - 1e-12))
                return m * mag;
        mag *= 10;
    }
}

int decimalsForStep(double step)
{
    if (!(step > 0) || !std::isfinite(step))
        return 0;
    return std::max(0, int(-std::floor(std::log10(step) + 1e-9)));
}

namespace {

bool degenerate(double min, double max)
{
    return !std::isfinite(min) || !std::isfinite(max) || !(max > min);
}

NiceTicks oneTick(double min)
{
    NiceTicks t;
    t.step = 1;
    t.count = 1;
    t.firstIndex = std::isfinite(min) && std::abs(min) < 1e15 ? (long long)std::llround(min) : 0;
    return t;
}

// Multiples of the step in [min, max], with a tolerance of a millionth of a step so a range
// that ends on a tick (up to rounding) keeps that tick.
int fit(double min, double max, double step, long long &first)
{
    const double eps = 1e-6;
    first = (long long)std::ceil(min / step - eps);
    const long long last = (long long)std::floor(max / step + eps);
    return int(std::max(0LL, last - first + 1));
}

} // namespace

NiceTicks ticksWithStep(double min, double max, double step)
{
    if (degenerate(min, max) || !(step > 0) || !std::isfinite(step) || (max - min) / step > 1e6)
        return oneTick(min);
    NiceTicks t;
    t.step = step;
    t.count = fit(min, max, step, t.firstIndex);
    t.decimals = decimalsForStep(step);
    return t;
}

NiceTicks niceTicks(double min, double max, int maxTicks)
{
    NiceTicks t;
    maxTicks = std::max(2, maxTicks);
    if (degenerate(min, max))
        return oneTick(min);
    auto fit = [&](double step, long long &first) { return es::fit(min, max, step, first); };
    // A range of length L holds at least floor(L / step) multiples of the step, so no step
    // below L / (maxTicks + 1) can do: start there and take the first 1-2-5 step that fits.
    double step = niceStepAtLeast((max - min) / (maxTicks + 1));
    long long first = 0;
    while (fit(step, first) > maxTicks)
        step = niceStepAtLeast(step * 1.5);
    t.step = step;
    t.count = fit(step, first);
    t.firstIndex = first;
    t.decimals = decimalsForStep(step);
    return t;
}

std::string formatTick(double value, int decimals)
{
    decimals = std::clamp(decimals, 0, 15);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
    std::string s(buf);
    // "-0", "-0.0", "-0.00": a value that rounds to zero is printed without its sign.
    if (!s.empty() && s[0] == '-' && s.find_first_not_of("0.", 1) == std::string::npos)
        s.erase(0, 1);
    return s;
}

} // namespace es
