#pragma once
// Error hierarchy of the core. A failure that aborts an operation throws bando::Error;
// expected or partial outcomes travel as values (Diagnostics).
#include <stdexcept>
#include <string>

namespace bando {

enum class ErrorKind { Io, Format, Crs, Geometry, Store, Plugin, Cancelled, Usage, Internal };

const char* errorKindName(ErrorKind kind);

class Error : public std::runtime_error {
public:
    // `where` names the file (and row/field) the error is about; it is put in front of the message.
    Error(ErrorKind kind, const std::string& where, const std::string& message);
    ErrorKind kind() const { return m_kind; }
    const std::string& where() const { return m_where; }
    const std::string& message() const { return m_message; }

private:
    ErrorKind m_kind;
    std::string m_where;
    std::string m_message;
};

class CancelledError : public Error {
public:
    CancelledError() : Error(ErrorKind::Cancelled, "", "operation cancelled") {}
};

// Documented exit codes of the `bando` command line (see README and `bando --help`).
enum ExitCode : int {
    ExitOk = 0,
    ExitFailure = 1,      // unexpected internal error
    ExitUsage = 2,        // bad command line
    ExitIo = 3,           // a file could not be read or written
    ExitFormat = 4,       // bad input data (format, encoding, geometry, CRS)
    ExitStore = 5,        // project store error (schema, transaction)
    ExitCancelled = 6,    // cancelled by the user (Ctrl-C)
};

int exitCodeFor(ErrorKind kind);

} // namespace bando
