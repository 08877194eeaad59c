// libFuzzer target: the legacy-encoding detector and decoders (core/io/encoding.hpp).
// Input: raw bytes; lines are the samples given to the detector (as field values would be).
// Invariants: every decoder returns valid UTF-8 for any bytes; detection picks a known encoding
// with a confidence in [0, 1]; the encoding name round-trips through parseEncoding.
#include "core/io/encoding.hpp"
#include "fuzz_common.hpp"

#include <cmath>

using namespace bando;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    for (io::Encoding e : io::kAllEncodings) {
        const std::string d = io::decode(bytes, e);
        if (!fuzz::validUtf8(d))
            fuzz::fail("decode() returned invalid UTF-8", io::encodingName(e));
        const std::string v = io::decodeValue(bytes, e);
        if (!fuzz::validUtf8(v))
            fuzz::fail("decodeValue() returned invalid UTF-8", io::encodingName(e));
        const auto back = io::parseEncoding(io::encodingName(e));
        if (!back || *back != e)
            fuzz::fail("encodingName() does not parse back", io::encodingName(e));
        const double s = io::vietnameseScore(d);
        if (std::isnan(s))
            fuzz::fail("vietnameseScore() is NaN", io::encodingName(e));
    }
    const std::string caps = io::restoreVnTimeHCapitals(io::decode(bytes, io::Encoding::Utf8));
    if (!fuzz::validUtf8(caps))
        fuzz::fail("restoreVnTimeHCapitals() returned invalid UTF-8");
    (void)io::parseEncoding(bytes);

    const auto samples = fuzz::split(bytes, '\n');
    const io::EncodingGuess g = io::detectEncoding(samples);
    if (!(g.confidence >= 0.0 && g.confidence <= 1.0))
        fuzz::fail("detectEncoding() confidence outside [0, 1]");
    if (static_cast<size_t>(g.encoding) >= io::kAllEncodings.size())
        fuzz::fail("detectEncoding() returned an unknown encoding");
    for (double sc : g.scores)
        if (std::isnan(sc))
            fuzz::fail("detectEncoding() score is NaN");
    return 0;
}
