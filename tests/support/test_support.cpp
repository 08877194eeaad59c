#include "support/test_support.hpp"

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace bando::test {

TempDir::TempDir(const std::string& tag)
{
    static std::atomic<int> n{0};
    m_path = fs::path(BANDO_TEST_BINARY_DIR) / "tests" / "tmp" /
             (tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    fs::remove_all(m_path);
    fs::create_directories(m_path);
}

TempDir::~TempDir()
{
    if (!std::getenv("BANDO_KEEP_TEST_FILES")) {
        std::error_code ec;
        fs::remove_all(m_path, ec);
    }
}

std::string samplePath() { return BANDO_TEST_SAMPLE; }

std::string analysedPath()
{
    const std::string p = BANDO_TEST_ANALYSED;
    if (!fs::exists(p))
        throw std::runtime_error("the analysed sample is missing (CTest fixture analyse_sample): " + p);
    return p;
}
std::string cliPath() { return BANDO_CLI; }

std::string sharedDir()
{
    fs::path p(BANDO_TEST_SHARED);
    std::error_code ec;
    if (fs::exists(p / "DOMAIN.md", ec))
        return fs::weakly_canonical(p).string();
    return {};
}

bool haveShared() { return !sharedDir().empty(); }

namespace {
std::vector<std::string>& reasons()
{
    static std::vector<std::string> r;
    return r;
}
} // namespace

void markSkipped(const std::string& reason)
{
    reasons().push_back(reason);
}

const std::vector<std::string>& skipReasons() { return reasons(); }

std::string shellQuote(const std::string& s)
{
    std::string o = "'";
    for (char c : s) {
        if (c == '\'')
            o += "'\\''";
        else
            o += c;
    }
    return o + "'";
}

std::string readFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

RunResult cli(const std::string& args) { return run(shellQuote(cliPath()) + " " + args); }

std::vector<std::vector<std::string>> readCsvRows(const std::string& path)
{
    std::vector<std::vector<std::string>> rows;
    std::istringstream in(readFile(path));
    std::string line;
    while (std::getline(in, line)) {
        std::vector<std::string> cells;
        std::string cell;
        bool quoted = false;
        for (char ch : line) {
            if (ch == '"')
                quoted = !quoted;
            else if (ch == ',' && !quoted) {
                cells.push_back(cell);
                cell.clear();
            } else
                cell += ch;
        }
        cells.push_back(cell);
        rows.push_back(cells);
    }
    return rows;
}

RunResult run(const std::string& commandLine)
{
    static std::atomic<int> n{0};
    fs::path dir = fs::path(BANDO_TEST_BINARY_DIR) / "tests" / "tmp";
    fs::create_directories(dir);
    std::string base = (dir / ("run-" + std::to_string(::getpid()) + "-" + std::to_string(n++))).string();
    std::string full = "(" + commandLine + ") >" + shellQuote(base + ".out") + " 2>" + shellQuote(base + ".err");
    int status = std::system(full.c_str());
    RunResult r;
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = readFile(base + ".out");
    r.err = readFile(base + ".err");
    std::remove((base + ".out").c_str());
    std::remove((base + ".err").c_str());
    return r;
}

uint64_t fileHash(const std::string& path)
{
    std::string s = readFile(path);
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

} // namespace bando::test
