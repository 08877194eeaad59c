#pragma once
// Subcommand registry of the `bando` tool. A command file defines a static CommandRegistration;
// main() dispatches by name and maps bando::Error kinds to documented exit codes.
#include <functional>
#include <string>
#include <vector>

namespace bando::cli {

struct Args {
    std::vector<std::string> positional;
    std::vector<std::pair<std::string, std::string>> options;  // --name value / --flag ""

    bool has(const std::string& name) const;
    std::string get(const std::string& name, const std::string& fallback = "") const;
    // Throws bando::Error(Usage) if an option is not in `allowed` (names without "--").
    void allowOnly(const std::vector<std::string>& allowed) const;
    std::string require(const std::string& name) const;
};

// A finite number given to `option`, else bando::Error(Usage) naming the option.
double parseNumber(const std::string& text, const char* option);

// Parse "--name value", "--name=value" and flags. `flags` lists options that take no value.
Args parseArgs(const std::vector<std::string>& argv, const std::vector<std::string>& flags);

struct Command {
    std::string name;
    std::string synopsis;  // one line: "sample --out FILE [--with-errors]"
    std::string help;      // a paragraph
    std::vector<std::string> flags;  // options without a value
    std::function<int(const Args&)> run;
};

std::vector<Command>& registry();

struct CommandRegistration {
    explicit CommandRegistration(Command c) { registry().push_back(std::move(c)); }
};

// Console progress: writes "\r<step> 42%" to stderr when stderr is a terminal.
class ConsoleProgress;

} // namespace bando::cli
