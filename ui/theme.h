#pragma once
// Themes: light, dark, and the high-contrast presentation look (large fonts) for
// classrooms. Applied to the whole application through the Fusion style and a palette.
#include <QString>

class QApplication;

namespace es {

enum class Theme { Light, Dark };

// Applies the theme; presentation = high contrast and fonts scaled for a projector.
void applyTheme(Theme theme, bool presentation);
Theme themeFromName(const QString &name);
QString themeName(Theme theme);

} // namespace es
