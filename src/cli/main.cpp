// `bando`: the command-line tool. Single catch-all at the edge (PDAL Kernel idea): every
// bando::Error becomes a message on stderr (naming the file) and a documented exit code.
#include "cli/command.hpp"
#include "core/base/error.hpp"
#include "core/base/step_timer.hpp"
#include "core/capi/sqlite.hpp"
#include "core/i18n/i18n.hpp"

#include <algorithm>
#include <cmath>
#include <clocale>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>

namespace bando::cli {

std::vector<Command>& registry()
{
    static std::vector<Command> r;
    return r;
}

bool Args::has(const std::string& name) const
{
    for (const auto& [k, v] : options)
        if (k == name)
            return true;
    return false;
}

std::string Args::get(const std::string& name, const std::string& fallback) const
{
    for (const auto& [k, v] : options)
        if (k == name)
            return v;
    return fallback;
}

std::string Args::require(const std::string& name) const
{
    if (!has(name))
        throw Error(ErrorKind::Usage, "", "missing option --" + name);
    return get(name);
}

void Args::allowOnly(const std::vector<std::string>& allowed) const
{
    for (const auto& [k, v] : options)
        if (std::find(allowed.begin(), allowed.end(), k) == allowed.end())
            throw Error(ErrorKind::Usage, "", "unknown option --" + k);
}

double parseNumber(const std::string& text, const char* option)
{
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !std::isfinite(v))
        throw Error(ErrorKind::Usage, option, trf("'{1}' is not a number", {text}));
    return v;
}

Args parseArgs(const std::vector<std::string>& argv, const std::vector<std::string>& flags)
{
    Args a;
    for (size_t i = 0; i < argv.size(); ++i) {
        const std::string& s = argv[i];
        if (s.rfind("--", 0) == 0 && s.size() > 2) {
            std::string name = s.substr(2), value;
            auto eq = name.find('=');
            if (eq != std::string::npos) {
                value = name.substr(eq + 1);
                name = name.substr(0, eq);
            } else if (std::find(flags.begin(), flags.end(), name) == flags.end()) {
                if (i + 1 >= argv.size())
                    throw Error(ErrorKind::Usage, "", "option --" + name + " needs a value");
                value = argv[++i];
            }
            a.options.emplace_back(name, value);
        } else {
            a.positional.push_back(s);
        }
    }
    return a;
}

} // namespace bando::cli

namespace {

void printUsage(std::FILE* out)
{
    std::fprintf(out, "Bando — coverage and digital-economy planning GIS\n\nUsage: bando <command> [options]\n\n");
    auto cmds = bando::cli::registry();
    std::sort(cmds.begin(), cmds.end(), [](auto& a, auto& b) { return a.name < b.name; });
    for (const auto& c : cmds)
        std::fprintf(out, "  bando %s\n", c.synopsis.c_str());
    std::fprintf(out,
                 "\nGlobal options: --lang vi|en (default vi, or BANDO_LANG)\n"
                 "Exit codes: 0 ok, 1 internal error, 2 usage, 3 file I/O, 4 bad input data,\n"
                 "            5 project store, 6 cancelled\n"
                 "`bando help <command>` describes one command.\n");
}

} // namespace

int main(int argc, char** argv)
{
    bando::StepTimer::origin();  // BANDO_TIMING's "at" counts from here
    bando::sqlite::configureProcess();
    std::setlocale(LC_ALL, "C");  // numeric formatting must not depend on the user's locale
    std::vector<std::string> args(argv + 1, argv + argc);
    // global --lang
    for (size_t i = 0; i + 1 < args.size(); ++i)
        if (args[i] == "--lang") {
            bando::i18n::setLanguage(args[i + 1]);
            args.erase(args.begin() + i, args.begin() + i + 2);
            break;
        }
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
        printUsage(args.empty() ? stderr : stdout);
        return args.empty() ? bando::ExitUsage : bando::ExitOk;
    }
    if (args[0] == "--version") {
        std::printf("bando 0.1.0\n");
        return 0;
    }
    if (args[0] == "help") {
        for (const auto& c : bando::cli::registry())
            if (args.size() > 1 && c.name == args[1]) {
                std::printf("bando %s\n\n%s\n", c.synopsis.c_str(), c.help.c_str());
                return 0;
            }
        printUsage(stdout);
        return 0;
    }
    const bando::cli::Command* cmd = nullptr;
    for (const auto& c : bando::cli::registry())
        if (c.name == args[0])
            cmd = &c;
    if (!cmd) {
        std::fprintf(stderr, "bando: %s\n\n", bando::trf("unknown command '{1}'", {args[0]}).c_str());
        printUsage(stderr);
        return bando::ExitUsage;
    }
    try {
        std::vector<std::string> rest(args.begin() + 1, args.end());
        bando::cli::Args parsed = bando::cli::parseArgs(rest, cmd->flags);
        const int rc = cmd->run(parsed);
        bando::StepTimer{}("cli: command done");
        return rc;
    } catch (const bando::Error& e) {
        std::fprintf(stderr, "bando %s: %s: %s\n", cmd->name.c_str(), bando::tr(bando::errorKindName(e.kind())), e.what());
        if (e.kind() == bando::ErrorKind::Usage)
            std::fprintf(stderr, "%s bando %s\n", bando::tr("usage:"), cmd->synopsis.c_str());
        return bando::exitCodeFor(e.kind());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bando %s: %s: %s\n", cmd->name.c_str(), bando::tr("internal error"), e.what());
        return bando::ExitFailure;
    }
}
