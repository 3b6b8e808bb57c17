// embedscope: the command-line subcommands when argv[1] names one, the window otherwise.
#include "cli/cli.h"

#ifdef EMBEDSCOPE_WITH_GUI
#include "gui_main.h"
#endif

#include <cstdio>
#include <iostream>

#include <unistd.h>

namespace {

// Ends the process once main's own work is done and everything of ours is destroyed (the
// window and QApplication live inside runGui; each command closes its files): output
// flushed, then _exit, without the libraries' exit handlers. Debian 12's OpenBLAS (0.3.21)
// joins its worker threads in an exit handler (gotoblas_quit -> blas_thread_shutdown_), and
// now and then that worker never sees the wake-up and the join waits for ever: gdb showed
// the main thread in pthread_join under _dl_fini and the OpenBLAS worker in
// pthread_cond_wait, after all of the process's work had ended (about 1 run in 25 of a test
// suite on a loaded machine). A window closed by the user must not leave its process behind.
[[noreturn]] void finish(int status)
{
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    _exit(status);
}

} // namespace

int main(int argc, char **argv)
{
    if (auto rc = es::cli::run(argc, argv))
        finish(*rc);
#ifdef EMBEDSCOPE_WITH_GUI
    finish(es::runGui(argc, argv));
#else
    std::cerr << "embedscope: this build has no GUI (configured with EMBEDSCOPE_CORE_ONLY); "
                 "see 'embedscope --help' for the commands it has\n";
    finish(es::cli::ExitUsage);
#endif
}
