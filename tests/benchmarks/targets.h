#pragma once
// The documented targets of the benchmarks (label "benchmark"), checked instead of only
// printed. Each figure that has a target is recorded with Targets::check(), which prints
//   TARGET name: measured X unit (target <= Y unit): met        (or: FALLS SHORT)
// at once; summary() prints how many were met and the lines of those that fall short, and
// returns the exit status of a plain benchmark main (1 when any falls short, else 0). A Qt
// Test benchmark fails the test function instead: ES_VERIFY_TARGETS after its checks
// (QVERIFY2 with the figures that fall short in the message).
// Figures without a documented target are printed as before, not recorded here.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace es::bench {

// How the measured figure must stand to the limit: "< limit", "<= limit", ">= limit".
enum class Direction { Below, AtMost, AtLeast };

struct Target {
    std::string name;
    double measured = 0;
    double limit = 0;
    std::string unit;
    Direction direction = Direction::AtMost;

    bool met() const
    {
        switch (direction) {
        case Direction::Below:
            return measured < limit;
        case Direction::AtMost:
            return measured <= limit;
        case Direction::AtLeast:
            return measured >= limit;
        }
        return false;
    }

    // "TARGET name: measured X unit (target <= Y unit): met" (or "FALLS SHORT").
    std::string line() const
    {
        const char *op = direction == Direction::Below ? "<" : direction == Direction::AtMost ? "<=" : ">=";
        const std::string u = unit.empty() ? "" : " " + unit;
        return "TARGET " + name + ": measured " + figure(measured) + u + " (target " + op + " " + figure(limit) + u
               + "): " + (met() ? "met" : "FALLS SHORT");
    }

    // Whole numbers from 100 up, three significant digits below (0.0342, 3.51, 0.909).
    static std::string figure(double x)
    {
        char buf[64];
        if (!std::isfinite(x))
            std::snprintf(buf, sizeof buf, "%g", x);
        else if (std::fabs(x) >= 100)
            std::snprintf(buf, sizeof buf, "%.0f", x);
        else
            std::snprintf(buf, sizeof buf, "%.3g", x);
        return buf;
    }
};

// The targets checked in one run, in order.
class Targets {
public:
    // Records a figure against its target and prints its TARGET line; returns whether it is met.
    bool check(std::string name, double measured, Direction direction, double limit, std::string unit)
    {
        all_.push_back(Target{std::move(name), measured, limit, std::move(unit), direction});
        std::printf("%s\n", all_.back().line().c_str());
        std::fflush(stdout);
        return all_.back().met();
    }

    std::size_t size() const { return all_.size(); }

    // The lines of the targets from index `from` on that fall short, one per line (empty
    // when all are met).
    std::string shortfalls(std::size_t from = 0) const
    {
        std::string out;
        for (std::size_t i = from; i < all_.size(); ++i)
            if (!all_[i].met()) {
                if (!out.empty())
                    out += '\n';
                out += all_[i].line();
            }
        return out;
    }

    // Prints "targets: N of M met" and the lines of the ones that fall short; returns 1 when
    // any falls short, else 0.
    int summary() const
    {
        std::size_t met = 0;
        for (const Target &t : all_)
            met += t.met();
        std::printf("targets: %zu of %zu met%s\n", met, all_.size(),
                    met == all_.size() ? "" : "; these fall short:");
        if (met != all_.size())
            std::printf("%s\n", shortfalls().c_str());
        std::fflush(stdout);
        return met == all_.size() ? 0 : 1;
    }

private:
    std::vector<Target> all_;
};

} // namespace es::bench

// In a Qt Test function: fails it when a target checked since index `from` of `targets`
// (its size() when the function started) falls short, naming the figures.
#define ES_VERIFY_TARGETS(targets, from)                                                             \
    do {                                                                                             \
        const std::string targetsFallingShort = (targets).shortfalls(from);                          \
        QVERIFY2(targetsFallingShort.empty(), targetsFallingShort.c_str());                          \
    } while (false)
