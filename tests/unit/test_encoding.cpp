// Vietnamese legacy encodings: decoding with Bando's tables and detection from byte statistics.
// Inputs are hand-written byte strings (TCVN3/ABC, VNI-Windows, Windows-1258).
#include <catch2/catch.hpp>

#include "core/base/text.hpp"
#include "core/io/encoding.hpp"

using namespace bando;
using namespace bando::io;

TEST_CASE("TCVN3 bytes decode to NFC Vietnamese", "[encoding]")
{
    CHECK(decode("L\xB9ng S\xACn", Encoding::Tcvn3) == "Lạng Sơn");
    CHECK(decode("Chi L\xA8ng", Encoding::Tcvn3) == "Chi Lăng");
    CHECK(decode("H\xF7u L\xF2ng", Encoding::Tcvn3) == "Hữu Lũng");
    CHECK(decode("Tr\xB5ng \xA7\xDEnh", Encoding::Tcvn3) == "Tràng Định");
    CHECK(decode("Th\xABn N\xB5 P\xB5i", Encoding::Tcvn3) == "Thôn Nà Pài");
    // The last character survives (GDAL 3.6's TCVN recoding drops it).
    CHECK(decode("S\xAC", Encoding::Tcvn3) == "Sơ");
    // Combining tone marks of VN1 compose with the previous letter.
    CHECK(decode("a\xB3", Encoding::Tcvn3) == "á");
    CHECK(text::isNfc(decode("a\xB3", Encoding::Tcvn3)));
}

TEST_CASE("TCVN3 capitals typed with .VnTimeH fonts are restored", "[encoding]")
{
    CHECK(decodeValue("L\xB9NG S\xACN", Encoding::Tcvn3) == "LẠNG SƠN");
    CHECK(decodeValue("X\xB8 CHI L\xA8NG", Encoding::Tcvn3) == "XÁ CHI LĂNG");
    // Mixed case is ordinary .VnTime text: left alone.
    CHECK(decodeValue("L\xB9ng S\xACn", Encoding::Tcvn3) == "Lạng Sơn");
    CHECK(decodeValue("TT", Encoding::Tcvn3) == "TT");
}

TEST_CASE("VNI-Windows bytes decode by greedy longest match", "[encoding]")
{
    CHECK(decode("La\xEFng S\xF4n", Encoding::Vni) == "Lạng Sơn");
    CHECK(decode("\xD1\xECnh La\xE4p", Encoding::Vni) == "Đình Lập");
    CHECK(decode("Chi La\xEAng", Encoding::Vni) == "Chi Lăng");
    CHECK(decode("H\xF6\xF5u Lu\xF5ng", Encoding::Vni) == "Hữu Lũng");
    CHECK(decode("Ba\xE9\x63 S\xF4n", Encoding::Vni) == "Bắc Sơn");
    CHECK(decode("Tho\xE2n Na\xF8 Pa\xF8i", Encoding::Vni) == "Thôn Nà Pài");
}

TEST_CASE("Windows-1258 combining marks are composed to NFC", "[encoding]")
{
    const std::string s = decode("La\xF2ng S\xF5n", Encoding::Cp1258);
    CHECK(s == "Lạng Sơn");
    CHECK(s.size() == std::string("Lạng Sơn").size());  // precomposed, not base + mark
    CHECK(decode("H\xFD\xDEu Lu\xDEng", Encoding::Cp1258) == "Hữu Lũng");
    CHECK(decode("\xD0\xEC\xECnh", Encoding::Cp1258) != "");
}

TEST_CASE("UTF-8 decoding normalises and replaces invalid bytes", "[encoding]")
{
    // NFD input (a + combining dot below) becomes NFC.
    CHECK(decode("La\xCC\xA3ng", Encoding::Utf8) == "Lạng");
    CHECK(decode("a\xFF" "b", Encoding::Utf8) == "a\xEF\xBF\xBD" "b");
}

TEST_CASE("Encoding detection from byte statistics", "[encoding]")
{
    SECTION("TCVN3")
    {
        auto g = detectEncoding({"L\xB9ng S\xACn", "Chi L\xA8ng", "H\xF7u L\xF2ng", "Tr\xB5ng \xA7\xDEnh",
                                 "Th\xABn N\xB5 P\xB5i", "B\xBE\x63 S\xACn"});
        CHECK_FALSE(g.allAscii);
        CHECK(g.encoding == Encoding::Tcvn3);
        CHECK(g.confidence > 0.2);
    }
    SECTION("VNI-Windows")
    {
        auto g = detectEncoding({"La\xEFng S\xF4n", "\xD1\xECnh La\xE4p", "Chi La\xEAng", "H\xF6\xF5u Lu\xF5ng",
                                 "Ba\xE9\x63 S\xF4n", "Tho\xE2n Na\xF8 Pa\xF8i"});
        CHECK(g.encoding == Encoding::Vni);
    }
    SECTION("Windows-1258")
    {
        auto g = detectEncoding({"La\xF2ng S\xF5n", "Chi L\xE3ng", "H\xFD\xDEu Lu\xDEng", "B\xE3\xEC\x63 S\xF5n",
                                 "Th\xF4n Na\xCC Pa\xCCi"});
        CHECK(g.encoding == Encoding::Cp1258);
    }
    SECTION("a single TCVN3 name is enough")
    {
        CHECK(detectEncoding({"L\xB9ng S\xACn"}).encoding == Encoding::Tcvn3);
        CHECK(detectEncoding({"La\xEFng S\xF4n"}).encoding == Encoding::Vni);
    }
    SECTION("UTF-8 and ASCII")
    {
        auto g = detectEncoding({"Lạng Sơn", "Chi Lăng"});
        CHECK(g.encoding == Encoding::Utf8);
        CHECK_FALSE(g.allAscii);
        auto a = detectEncoding({"Na Pai", "05971"});
        CHECK(a.allAscii);
        CHECK(a.encoding == Encoding::Utf8);
    }
}

TEST_CASE("Encoding names parse with aliases", "[encoding]")
{
    CHECK(parseEncoding("TCVN3") == Encoding::Tcvn3);
    CHECK(parseEncoding("abc") == Encoding::Tcvn3);
    CHECK(parseEncoding("VNI-Windows") == Encoding::Vni);
    CHECK(parseEncoding("windows-1258") == Encoding::Cp1258);
    CHECK(parseEncoding("UTF-8") == Encoding::Utf8);
    CHECK_FALSE(parseEncoding("klingon").has_value());
    for (Encoding e : kAllEncodings)
        CHECK(parseEncoding(encodingName(e)) == e);
}
