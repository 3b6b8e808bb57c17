// embedscope: the command-line subcommands when argv[1] names one, the window otherwise.
#include "cli/cli.h"

#ifdef EMBEDSCOPE_WITH_GUI
#include "gui_main.h"
#endif

#include <iostream>

int main(int argc, char **argv)
{
    if (auto rc = es::cli::run(argc, argv))
        return *rc;
#ifdef EMBEDSCOPE_WITH_GUI
    return es::runGui(argc, argv);
#else
    std::cerr << "embedscope: this build has no GUI (configured with EMBEDSCOPE_CORE_ONLY); "
                 "see 'embedscope --help' for the commands it has\n";
    return es::cli::ExitUsage;
#endif
}
