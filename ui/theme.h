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
// Makes widgets measure themselves again after a font change has reached them (combo
// boxes keep a minimum size measured with the old font): call it once the change has been
// delivered, e.g. on the next event-loop turn after applyTheme().
void refreshSizeHints();
QString themeName(Theme theme);

} // namespace es
