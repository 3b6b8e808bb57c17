#pragma once

namespace es {
// Starts the Qt application and the main window; argv may name a file to open.
int runGui(int argc, char **argv);
}
