#pragma once
// The command-line half of embedscope: subcommands registered by their own .cpp files
// (static registrars), one parser, one help format, the exit statuses of DESIGN.md s.6:
// 0 done, 1 bad input or failed work, 2 bad usage, 130 cancelled.
#include "util/result.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <vector>

namespace es::cli {

enum Exit : int { ExitOk = 0, ExitFailed = 1, ExitUsage = 2, ExitCancelled = 130 };

struct Option {
    std::string name;          // "--model"
    std::string shortName;     // "-o" or ""
    std::string valueName;     // "M"; empty for a flag without value
    std::string help;
    std::string defaultValue;  // shown in --help; "" = none
};

class Args;

struct Command {
    std::string name;                    // "embed"
    std::string summary;                 // one line for `embedscope --help`
    std::string usage;                   // "embed INPUT -o OUT.npy [options]"
    std::string description;             // paragraph(s) for `embedscope embed --help`
    std::vector<Option> options;
    int minPositional = 0, maxPositional = 0;
    std::function<int(const Args &)> run;
    bool needsGui = false;               // registered only in the full (Qt) build
};

// Thrown for bad usage (exit 2); the message is printed as "embedscope CMD: message".
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Thrown for bad input found while reading the options (exit 1), e.g. an API key that
// cannot be sent; printed like UsageError, without the usage hint.
struct InputError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Args {
public:
    std::vector<std::string> positional;
    std::string command;

    bool has(const std::string &name) const { return values_.count(name) > 0; }
    std::string get(const std::string &name, const std::string &fallback = {}) const;
    // Integer / double options with range checks; UsageError names the option.
    long long getInt(const std::string &name, long long fallback, long long min, long long max) const;
    double getDouble(const std::string &name, double fallback, double min, double max) const;
    std::string required(const std::string &name) const;

    std::map<std::string, std::string> values_;
};

struct Registrar {
    explicit Registrar(Command c);
};

// Runs a subcommand when argv[1] names one (or is --help / --version); returns nullopt when
// the arguments are for the GUI (no argument, or a file to open).
std::optional<int> run(int argc, char **argv);

// Help text of one command or of all (used by --help and compared with the man page).
std::string helpText(const std::string &command = {});
const std::vector<Command> &commands();

// Cancellation for long CLI work: SIGINT/SIGTERM request a stop (exit 130).
std::stop_token stopToken();

// Progress on stderr when it is a terminal; silent otherwise.
void progress(double fraction, std::string_view stage);

// Prints "warning: ..." lines on stderr.
void printWarnings(const Warnings &warnings);

// Prints the --stats JSON object as the last line of stdout.
void printStats(const nlohmann::json &stats);

// Maps an Error to the exit status and prints it as "embedscope: message".
int fail(const Error &error);

} // namespace es::cli
