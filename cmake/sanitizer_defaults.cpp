// Default options of the sanitizer builds (BANDO_SANITIZE / BANDO_FUZZ, cmake/BandoSanitizers.cmake),
// compiled into every executable of those builds. ASAN_OPTIONS, UBSAN_OPTIONS and LSAN_OPTIONS
// still override them. Suppressions are only for findings inside libraries Debian ships
// uninstrumented; each names the library frame it matches and why it is not Bando's.

#define BANDO_SANITIZER_HOOK extern "C" __attribute__((visibility("default"), used))

BANDO_SANITIZER_HOOK const char* __asan_default_options()
{
    // Abort on the first error with a full report; keep the default leak check at exit.
    return "detect_leaks=1:check_initialization_order=1";
}

BANDO_SANITIZER_HOOK const char* __ubsan_default_options()
{
    return "print_stacktrace=1:halt_on_error=1:abort_on_error=1";
}

BANDO_SANITIZER_HOOK const char* __lsan_default_options() { return "print_suppressions=0"; }

// Leak suppressions: one-time allocations of uninstrumented libraries that live until exit, one
// commented "leak:<library frame>" line each. None is needed today: every unit and integration
// test and the CLI they spawn exit with no leak report (docs/FUZZING.md).
BANDO_SANITIZER_HOOK const char* __lsan_default_suppressions()
{
    return "";
}
