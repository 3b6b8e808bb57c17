#pragma once
// Whether OpenGL can be used in this process (Qt Charts' OpenGL series, the 3D view): a
// context is created and made current on an offscreen surface once, and the answer is
// cached. The offscreen and minimal platforms answer false without trying (Q3DScatter
// crashes there). Call after the QGuiApplication exists.
#include <QString>

namespace es {

bool openGLAvailable(QString *why = nullptr);

} // namespace es
