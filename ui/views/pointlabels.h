#pragma once
// Text labels beside the points of a small map: each sentence's first words next to its
// point. Shared by the window's 2D map (the View menu's "Point labels" switch) and
// `embedscope render --labels auto|on|off`, so both decide and write them the same way.
#include <QString>

#include <optional>

namespace es::pointlabels {

enum class Mode { Off, Auto, On };

// Auto: labels while at most this many points are in view (a whole small map, or a big
// map zoomed in far enough); more would cover the map.
constexpr int kAutoLimit = 60;
// On: still none above this many points in view.
constexpr int kOnLimit = 300;

// Whether a map with `visible` points in view shows labels.
inline bool shown(Mode mode, int visible)
{
    switch (mode) {
    case Mode::Off:
        return false;
    case Mode::Auto:
        return visible <= kAutoLimit;
    case Mode::On:
        return visible <= kOnLimit;
    }
    return false;
}

// "auto", "on", "off" (the CLI's values); nullopt otherwise.
std::optional<Mode> parseMode(const QString &name);

// The first whole words of a text, at most about maxChars characters, with an ellipsis when
// words were left out ("The cat sleeps on the…"); a first word longer than maxChars is cut.
QString firstWords(const QString &text, int maxChars = 28);

} // namespace es::pointlabels
