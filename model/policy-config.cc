/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The configuration language parser. Keyword spellings and abbreviations follow iproute2's
 * ip/iprule.c and ip/iproute.c (where iproute2 accepts any prefix of a keyword, so does this
 * parser, in iproute2's order); the seed's 2.1 syntax follows
 * ../shared/seeds/policy-routing.txt. See doc/configuration-language.md.
 */

#include "policy-config.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

namespace ns3
{

// ----- small public pieces -----

std::string
ConfigLocation::ToString() const
{
    if (line == 0)
    {
        return file;
    }
    return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string
ConfigDiagnostic::ToString() const
{
    return Where().ToString() + ": " + message;
}

std::string
ParsedConfig::ErrorText() const
{
    std::string s;
    for (const ConfigError& e : errors)
    {
        s += e.ToString() + "\n";
    }
    return s;
}

const char*
ConfigDialectName(ConfigDialect d)
{
    switch (d)
    {
    case ConfigDialect::IPROUTE_2_1:
        return "iproute";
    case ConfigDialect::IPROUTE2:
        return "ip";
    case ConfigDialect::NET_TOOLS:
        return "net-tools";
    case ConfigDialect::SHAPECFG:
        return "shapecfg";
    case ConfigDialect::SYSCTL:
        return "sysctl";
    }
    return "?";
}

namespace
{

// ----- lexical level -----

/// A word of a command, with its position.
struct Word
{
    std::string text;      //!< the word, quotes removed
    uint32_t line{0};      //!< line of its first character
    uint32_t column{0};    //!< column of its first character
    uint32_t endLine{0};   //!< line of its last character
    uint32_t endColumn{0}; //!< column of its last character
};

/// The words of one command.
struct Statement
{
    std::vector<Word> words; //!< the words
};

/// Thrown inside the parser to abandon a command at its first error.
struct ParseFailure
{
    ConfigLocation where; //!< position
    std::string message;  //!< message
};

bool
IsBlank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/// \return true if only blanks follow position \p i of \p s, or blanks and a comment
bool
OnlyBlanksOrCommentAfter(const std::string& s, std::size_t i)
{
    for (std::size_t k = i; k < s.size(); ++k)
    {
        if (s[k] == '#')
        {
            return true;
        }
        if (!IsBlank(s[k]))
        {
            return false;
        }
    }
    return true;
}

/**
 * Split a text into statements: lines, `;`, continuation lines, comments and quotes, as a
 * shell would (without expansions).
 */
void
Lex(const std::string& text,
    const std::string& file,
    std::vector<Statement>& statements,
    std::vector<ConfigError>& errors)
{
    Statement current;
    bool broken = false; // the current statement had a lexical error: drop it
    auto finish = [&]() {
        if (!broken && !current.words.empty())
        {
            statements.push_back(std::move(current));
        }
        current = Statement();
        broken = false;
    };

    std::size_t start = 0;
    uint32_t lineNo = 0;
    while (start <= text.size())
    {
        std::size_t end = text.find('\n', start);
        const bool last = end == std::string::npos;
        if (last)
        {
            end = text.size();
        }
        std::string line = text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r')
        {
            line.pop_back();
        }
        ++lineNo;
        bool continued = false;
        std::size_t i = 0;
        const std::size_t n = line.size();
        while (i < n)
        {
            const char c = line[i];
            if (IsBlank(c))
            {
                ++i;
                continue;
            }
            if (c == '#')
            {
                break; // comment to the end of the line
            }
            if (c == ';')
            {
                finish();
                ++i;
                continue;
            }
            Word w;
            w.line = lineNo;
            w.column = static_cast<uint32_t>(i + 1);
            bool any = false;
            while (i < n && !IsBlank(line[i]) && line[i] != ';')
            {
                const char d = line[i];
                if (d == '"' || d == '\'')
                {
                    std::size_t k = i + 1;
                    std::string content;
                    bool closed = false;
                    while (k < n)
                    {
                        if (line[k] == d)
                        {
                            closed = true;
                            break;
                        }
                        if (d == '"' && line[k] == '\\' && k + 1 < n &&
                            (line[k + 1] == '"' || line[k + 1] == '\\'))
                        {
                            content += line[k + 1];
                            k += 2;
                            continue;
                        }
                        content += line[k];
                        ++k;
                    }
                    if (!closed)
                    {
                        errors.push_back({file,
                                          lineNo,
                                          static_cast<uint32_t>(i + 1),
                                          std::string("unterminated ") +
                                              (d == '"' ? "double" : "single") +
                                              " quote (quotes cannot span lines)"});
                        broken = true;
                        i = n;
                        any = false;
                        break;
                    }
                    w.text += content;
                    any = true;
                    i = k + 1;
                    continue;
                }
                if (d == '\\')
                {
                    if (OnlyBlanksOrCommentAfter(line, i + 1))
                    {
                        continued = true;
                        break;
                    }
                    w.text += line[i + 1];
                    any = true;
                    i += 2;
                    continue;
                }
                w.text += d;
                any = true;
                ++i;
            }
            if (any)
            {
                w.endLine = lineNo;
                w.endColumn = static_cast<uint32_t>(i);
                current.words.push_back(std::move(w));
            }
            if (continued)
            {
                break;
            }
        }
        if (!continued || last)
        {
            finish();
        }
        if (last)
        {
            break;
        }
        start = end + 1;
    }
}

// ----- values -----

/// \return true if \p kw starts with \p w (iproute2's matches(): any abbreviation)
bool
Abbrev(const std::string& w, const char* kw)
{
    const std::string k(kw);
    return !w.empty() && w.size() <= k.size() && k.compare(0, w.size(), w) == 0;
}

/// Parse an unsigned number, decimal or 0x hexadecimal, at most \p max.
/// \return 0 ok, 1 not a number, 2 out of range
int
ParseUnsigned(const std::string& s, uint64_t max, uint64_t& out)
{
    if (s.empty())
    {
        return 1;
    }
    int base = 10;
    std::size_t i = 0;
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
    {
        base = 16;
        i = 2;
    }
    uint64_t v = 0;
    bool overflow = false;
    for (; i < s.size(); ++i)
    {
        const char c = s[i];
        int digit;
        if (c >= '0' && c <= '9')
        {
            digit = c - '0';
        }
        else if (base == 16 && c >= 'a' && c <= 'f')
        {
            digit = c - 'a' + 10;
        }
        else if (base == 16 && c >= 'A' && c <= 'F')
        {
            digit = c - 'A' + 10;
        }
        else
        {
            return 1;
        }
        if (v > (UINT64_MAX - digit) / base)
        {
            overflow = true;
            v = UINT64_MAX;
        }
        else if (!overflow)
        {
            v = v * base + digit;
        }
    }
    if (overflow || v > max)
    {
        return 2;
    }
    out = v;
    return 0;
}

/// Parse a dotted quad a.b.c.d (four decimal parts 0..255). \return true on success
bool
ParseDottedQuad(const std::string& s, uint32_t& out)
{
    uint32_t v = 0;
    int parts = 0;
    std::size_t i = 0;
    while (true)
    {
        std::size_t j = i;
        uint32_t part = 0;
        while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j])))
        {
            part = part * 10 + (s[j] - '0');
            if (part > 255 || j - i >= 3)
            {
                return false;
            }
            ++j;
        }
        if (j == i)
        {
            return false;
        }
        v = (v << 8) | part;
        ++parts;
        if (j == s.size())
        {
            break;
        }
        if (s[j] != '.' || parts == 4)
        {
            return false;
        }
        i = j + 1;
    }
    if (parts != 4)
    {
        return false;
    }
    out = v;
    return true;
}

/// \return the mask of a prefix length
uint32_t
MaskOf(uint8_t length)
{
    return length == 0 ? 0 : 0xffffffffu << (32 - length);
}

/// \return the prefix length of a contiguous mask, or -1
int
LengthOfMask(uint32_t mask)
{
    int length = 0;
    while (length < 32 && (mask & (0x80000000u >> length)))
    {
        ++length;
    }
    return MaskOf(static_cast<uint8_t>(length)) == mask ? length : -1;
}

/// The classful mask (net-tools' guess when no netmask is given).
uint8_t
ClassfulLength(uint32_t a)
{
    if ((a >> 31) == 0)
    {
        return 8;
    }
    if ((a >> 30) == 2)
    {
        return 16;
    }
    if ((a >> 29) == 6)
    {
        return 24;
    }
    return 32;
}

std::string
Quote(const std::string& s)
{
    return "\"" + s + "\"";
}

std::string
Hex2(uint32_t v)
{
    std::ostringstream os;
    os << "0x" << std::hex;
    os.width(2);
    os.fill('0');
    os << v;
    return os.str();
}

/// The TOS names of iproute2's /etc/iproute2/rt_dsfield.
const std::vector<std::pair<const char*, uint8_t>>&
DsfieldNames()
{
    static const std::vector<std::pair<const char*, uint8_t>> names = {
        {"default", 0x00},
        {"lowdelay", 0x10},
        {"throughput", 0x08},
        {"reliability", 0x04},
        {"mincost", 0x02},
        {"priority", 0x20},
        {"immediate", 0x40},
        {"flash", 0x60},
        {"flash-override", 0x80},
        {"critical", 0xa0},
        {"internet", 0xc0},
        {"network", 0xe0},
    };
    return names;
}

/// Route types as iproute2's rtnl_rtntype_a2n() reads them, in its order.
enum class RtnType
{
    NONE,
    UNICAST,
    LOCAL,
    BROADCAST,
    ANYCAST,
    MULTICAST,
    BLACKHOLE,
    UNREACHABLE,
    PROHIBIT,
    THROW,
    NAT,
    XRESOLVE,
};

RtnType
ReadRtnType(const std::string& w)
{
    if (w == "local")
    {
        return RtnType::LOCAL;
    }
    if (w == "nat")
    {
        return RtnType::NAT;
    }
    if (Abbrev(w, "broadcast") || w == "brd")
    {
        return RtnType::BROADCAST;
    }
    if (Abbrev(w, "anycast"))
    {
        return RtnType::ANYCAST;
    }
    if (Abbrev(w, "multicast"))
    {
        return RtnType::MULTICAST;
    }
    if (Abbrev(w, "prohibit"))
    {
        return RtnType::PROHIBIT;
    }
    if (Abbrev(w, "unreachable"))
    {
        return RtnType::UNREACHABLE;
    }
    if (Abbrev(w, "blackhole"))
    {
        return RtnType::BLACKHOLE;
    }
    if (Abbrev(w, "xresolve"))
    {
        return RtnType::XRESOLVE;
    }
    if (Abbrev(w, "unicast"))
    {
        return RtnType::UNICAST;
    }
    if (w == "throw")
    {
        return RtnType::THROW;
    }
    return RtnType::NONE;
}

const char*
RtnTypeName(RtnType t)
{
    switch (t)
    {
    case RtnType::UNICAST:
        return "unicast";
    case RtnType::LOCAL:
        return "local";
    case RtnType::BROADCAST:
        return "broadcast";
    case RtnType::ANYCAST:
        return "anycast";
    case RtnType::MULTICAST:
        return "multicast";
    case RtnType::BLACKHOLE:
        return "blackhole";
    case RtnType::UNREACHABLE:
        return "unreachable";
    case RtnType::PROHIBIT:
        return "prohibit";
    case RtnType::THROW:
        return "throw";
    case RtnType::NAT:
        return "nat";
    case RtnType::XRESOLVE:
        return "xresolve";
    case RtnType::NONE:
        break;
    }
    return "none";
}

/// Sysctl keys that are accepted and ignored (they do not change routing decisions in the
/// model), by their last component.
bool
IgnoredSysctl(const std::string& key)
{
    static const char* const ignored[] = {"rp_filter",
                                          "accept_redirects",
                                          "send_redirects",
                                          "secure_redirects",
                                          "accept_source_route",
                                          "log_martians",
                                          "ip_dynaddr",
                                          "icmp_echo_ignore_broadcasts",
                                          "icmp_ignore_bogus_error_responses",
                                          "flush"};
    const std::size_t dot = key.rfind('.');
    const std::string lastPart = dot == std::string::npos ? key : key.substr(dot + 1);
    return std::find_if(std::begin(ignored), std::end(ignored), [&](const char* k) {
               return lastPart == k;
           }) != std::end(ignored);
}

// ----- the statement parser -----

/**
 * Parses one statement into zero or more commands. Throws ParseFailure at the first error.
 */
class StatementParser
{
  public:
    StatementParser(const Statement& s,
                    const std::string& file,
                    std::map<std::string, uint32_t>& tables,
                    std::vector<ConfigNote>& notes,
                    std::vector<ConfigCommand>& out)
        : m_w(s.words),
          m_file(file),
          m_tables(tables),
          m_notes(notes),
          m_out(out)
    {
        for (const Word& w : m_w)
        {
            m_text += (m_text.empty() ? "" : " ") + w.text;
        }
    }

    void Run();

  private:
    // ----- cursor -----
    bool AtEnd() const
    {
        return m_i >= m_w.size();
    }

    const Word& Peek() const
    {
        return m_w[m_i];
    }

    const Word& Next()
    {
        return m_w[m_i++];
    }

    ConfigLocation Loc(const Word& w) const
    {
        return ConfigLocation{m_file, w.line, w.column};
    }

    /// Just after the last word.
    ConfigLocation EndLoc() const
    {
        const Word& w = m_w.back();
        return ConfigLocation{m_file, w.endLine, w.endColumn + 1};
    }

    [[noreturn]] void Fail(const Word& w, const std::string& message) const
    {
        throw ParseFailure{Loc(w), message};
    }

    [[noreturn]] void FailEnd(const std::string& message) const
    {
        throw ParseFailure{EndLoc(), message};
    }

    [[noreturn]] void Unsupported(const Word& w, const std::string& why) const
    {
        Fail(w, Quote(w.text) + " is not supported by the model (" + why + ")");
    }

    void Note(const Word& w, const std::string& message)
    {
        m_notes.push_back({m_file, w.line, w.column, message});
    }

    /// The word after keyword \p kw, which must be \p what.
    const Word& Value(const Word& kw, const std::string& what)
    {
        if (AtEnd())
        {
            FailEnd("expected " + what + " after " + Quote(kw.text) + ", found end of line");
        }
        return Next();
    }

    [[noreturn]] void Expected(const Word& kw, const std::string& what, const Word& found) const
    {
        Fail(found,
             "expected " + what + " after " + Quote(kw.text) + ", found " + Quote(found.text));
    }

    void ExpectEnd(const std::string& command)
    {
        if (!AtEnd())
        {
            Fail(Peek(), "unexpected " + Quote(Peek().text) + " after the end of " + command);
        }
    }

    void Emit(ConfigDialect dialect, ConfigCommandBody body, const Word* at = nullptr)
    {
        ConfigCommand c;
        c.where = Loc(at ? *at : m_w[m_cmd]);
        c.dialect = dialect;
        c.text = m_text;
        c.body = std::move(body);
        m_out.push_back(std::move(c));
    }

    // ----- values -----
    uint64_t Number(const Word& kw, const std::string& what, uint64_t max);
    uint32_t Address(const Word& kw, const std::string& what = "an IPv4 address");
    std::pair<uint32_t, uint8_t> Prefix(const Word& kw, const Word& w);
    uint8_t Tos(const Word& kw);
    uint32_t Table(const Word& kw, bool allowAll, bool* all, uint32_t max = UINT32_MAX);
    DeviceRef Device(const Word& kw);
    void CheckNotIpv6(const Word& w) const;

    // ----- dialects -----
    void ParseIp();
    void ParseIpRoute();
    void ParseIpRouteModify(InsertMode mode, bool mustExist, bool del, const Word& cmd);
    void ParseIpRouteShow(const Word& cmd);
    void ParseIpRouteFlush(const Word& cmd);
    void ParseIpRouteGet(const Word& cmd);
    void ParseIpRule();
    void ParseIpRuleModify(bool del, const Word& cmd);
    void ParseIpAddr();
    void ParseIpLink();
    void ParseIproute21();
    void ParseIproute21Route(bool del, const Word& cmd);
    void ParseIproute21Rule(bool del, const Word& cmd);
    void ParseNetRoute();
    void ParseIfconfig();
    void ParseShapecfg();
    void ParseSysctl();
    void ParseEcho();
    void Sysctl(const Word& at,
                const Word& command,
                const std::string& key,
                const std::string& value);
    void DefineTables(const Word& at, const std::string& content);

    const std::vector<Word>& m_w;
    std::size_t m_i{0};
    std::size_t m_cmd{0}; //!< index of the command word (after sudo)
    std::string m_file;
    std::map<std::string, uint32_t>& m_tables;
    std::vector<ConfigNote>& m_notes;
    std::vector<ConfigCommand>& m_out;
    std::string m_text;
};

uint64_t
StatementParser::Number(const Word& kw, const std::string& what, uint64_t max)
{
    const Word& w = Value(kw, what);
    uint64_t v = 0;
    const int r = ParseUnsigned(w.text, max, v);
    if (r == 1)
    {
        Expected(kw, what, w);
    }
    if (r == 2)
    {
        Fail(w,
             Quote(w.text) + " after " + Quote(kw.text) + " is out of range (0.." +
                 std::to_string(max) + ")");
    }
    return v;
}

void
StatementParser::CheckNotIpv6(const Word& w) const
{
    if (w.text.find(':') != std::string::npos)
    {
        Fail(w, "IPv6 address " + Quote(w.text) + " is not supported by the model (IPv4 only)");
    }
}

uint32_t
StatementParser::Address(const Word& kw, const std::string& what)
{
    const Word& w = Value(kw, what);
    CheckNotIpv6(w);
    uint32_t a = 0;
    if (!ParseDottedQuad(w.text, a))
    {
        Expected(kw, what, w);
    }
    return a;
}

std::pair<uint32_t, uint8_t>
StatementParser::Prefix(const Word& kw, const Word& w)
{
    const std::string what = "a prefix (a.b.c.d/len or default)";
    if (w.text == "default" || w.text == "all" || w.text == "any")
    {
        return {0, 0};
    }
    CheckNotIpv6(w);
    const std::size_t slash = w.text.find('/');
    uint32_t a = 0;
    if (!ParseDottedQuad(w.text.substr(0, slash), a))
    {
        Expected(kw, what, w);
    }
    uint8_t length = 32;
    if (slash != std::string::npos)
    {
        uint64_t l = 0;
        const std::string ls = w.text.substr(slash + 1);
        const int r = ParseUnsigned(ls, 32, l);
        if (r == 1 || ls.find('x') != std::string::npos || ls.find('X') != std::string::npos)
        {
            Fail(w, "expected a prefix length (0..32) after \"/\" in " + Quote(w.text));
        }
        if (r == 2)
        {
            Fail(w, "prefix length " + ls + " in " + Quote(w.text) + " is out of range (0..32)");
        }
        length = static_cast<uint8_t>(l);
    }
    if (a & ~MaskOf(length))
    {
        Fail(w,
             Quote(w.text) + " has host bits set (did you mean " +
                 FormatAddress(a & MaskOf(length)) + "/" + std::to_string(length) + "?)");
    }
    return {a, length};
}

uint8_t
StatementParser::Tos(const Word& kw)
{
    const std::string what =
        "a TOS (hexadecimal, e.g. 0x10, or lowdelay, throughput, reliability, mincost)";
    const Word& w = Value(kw, what);
    int value = -1;
    for (const auto& [name, v] : DsfieldNames())
    {
        if (w.text == name)
        {
            value = v;
        }
    }
    if (value < 0)
    {
        // iproute2's rtnl_dsfield_a2n(): strtoul(arg, &end, 16), so "10" is 0x10.
        std::string digits = w.text;
        if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X'))
        {
            digits = digits.substr(2);
        }
        uint64_t v = 0;
        bool ok = !digits.empty() && digits.size() <= 2;
        for (char c : digits)
        {
            ok = ok && std::isxdigit(static_cast<unsigned char>(c));
        }
        if (!ok)
        {
            Expected(kw, what, w);
        }
        v = std::stoul(digits, nullptr, 16);
        value = static_cast<int>(v);
    }
    if (value & ~ROUTE_TOS_MASK)
    {
        Fail(w,
             "TOS " + Hex2(value) + " (" + Quote(w.text) +
                 ") has bits outside 0x1e: only the RFC 1349 TOS bits are routed, not the "
                 "precedence or DSCP bits");
    }
    return static_cast<uint8_t>(value);
}

uint32_t
StatementParser::Table(const Word& kw, bool allowAll, bool* all, uint32_t max)
{
    const std::string what = allowAll ? "a table (local, main, default, all, a number or a name)"
                                      : "a table (local, main, default, a number or a name)";
    const Word& w = Value(kw, what);
    if (all)
    {
        *all = false;
    }
    if (allowAll && w.text == "all")
    {
        *all = true;
        return 0;
    }
    auto it = m_tables.find(w.text);
    if (it != m_tables.end())
    {
        if (it->second > max)
        {
            Fail(w,
                 "table " + Quote(w.text) + " (" + std::to_string(it->second) +
                     ") is out of range (0.." + std::to_string(max) + ")");
        }
        return it->second;
    }
    uint64_t v = 0;
    const int r = ParseUnsigned(w.text, max, v);
    if (r == 2)
    {
        Fail(w,
             Quote(w.text) + " after " + Quote(kw.text) + " is out of range (0.." +
                 std::to_string(max) + ")");
    }
    if (r == 1)
    {
        if (!w.text.empty() &&
            (std::isalpha(static_cast<unsigned char>(w.text[0])) || w.text[0] == '_'))
        {
            Fail(w,
                 "unknown table name " + Quote(w.text) + " (name it first: echo \"ID " + w.text +
                     "\" >> /etc/iproute2/rt_tables)");
        }
        Expected(kw, what, w);
    }
    return static_cast<uint32_t>(v);
}

DeviceRef
StatementParser::Device(const Word& kw)
{
    const Word& w = Value(kw, "a device name");
    if (w.text.find('/') != std::string::npos || w.text.find(' ') != std::string::npos)
    {
        Expected(kw, "a device name", w);
    }
    return DeviceRef{w.text, Loc(w)};
}

// ----- dispatch -----

void
StatementParser::Run()
{
    // "sudo" and directories in front of the command do not matter.
    if (m_w[m_i].text == "sudo")
    {
        ++m_i;
        if (AtEnd())
        {
            FailEnd("expected a command after \"sudo\", found end of line");
        }
    }
    m_cmd = m_i;
    const Word& cmd = Next();
    std::string name = cmd.text;
    const std::size_t slash = name.rfind('/');
    if (slash != std::string::npos && slash + 1 < name.size())
    {
        name = name.substr(slash + 1);
    }
    if (name == "ip")
    {
        ParseIp();
    }
    else if (name == "iproute")
    {
        ParseIproute21();
    }
    else if (name == "route")
    {
        ParseNetRoute();
    }
    else if (name == "ifconfig")
    {
        ParseIfconfig();
    }
    else if (name == "shapecfg")
    {
        ParseShapecfg();
    }
    else if (name == "sysctl")
    {
        ParseSysctl();
    }
    else if (name == "echo")
    {
        ParseEcho();
    }
    else if ((name == "insmod" || name == "modprobe") && !AtEnd() &&
             (Peek().text == "shaper" || Peek().text == "shaper.o" || Peek().text == "shaper.ko"))
    {
        Note(cmd, "insmod shaper: nothing to do (shapecfg attach creates shaper devices)");
        ++m_i;
        ExpectEnd("insmod shaper");
    }
    else if (name == "tc" || name == "iptables" || name == "ip6tables" || name == "nft" ||
             name == "ipchains" || name == "ipfwadm" || name == "ethtool" || name == "brctl" ||
             name == "ip6" || name == "ipmasqadm")
    {
        Unsupported(cmd,
                    "the language has ip, iproute, route, ifconfig, shapecfg, sysctl and echo");
    }
    else
    {
        Fail(cmd,
             "unknown command " + Quote(cmd.text) +
                 " (expected ip, iproute, route, ifconfig, shapecfg, sysctl or echo)");
    }
}

// ----- ip -----

void
StatementParser::ParseIp()
{
    const Word& ip = m_w[m_i - 1];
    while (!AtEnd() && Peek().text.size() > 1 && Peek().text[0] == '-')
    {
        const Word& o = Next();
        const std::string& t = o.text;
        if (t == "-4")
        {
            continue;
        }
        if (t == "-6")
        {
            Unsupported(o, "IPv4 only");
        }
        if (t == "-f" || Abbrev(t, "-family"))
        {
            const Word& f = Value(o, "a family (inet)");
            if (f.text == "inet")
            {
                continue;
            }
            if (f.text == "inet6")
            {
                Unsupported(f, "IPv4 only");
            }
            Expected(o, "a family (inet)", f);
        }
        if (t == "-d" || Abbrev(t, "-details") || t == "-s" || Abbrev(t, "-statistics") ||
            t == "-stats" || t == "-o" || Abbrev(t, "-oneline") || t == "-br" ||
            Abbrev(t, "-brief"))
        {
            continue; // listing options: our listings have one format
        }
        Fail(o, "unsupported ip option " + Quote(t) + " (accepted: -4, -f inet, -d, -s, -o)");
    }
    if (AtEnd())
    {
        FailEnd("expected an object (route, rule, address or link) after \"ip\", found end of "
                "line");
    }
    const Word& obj = Next();
    const std::string& o = obj.text;
    // iproute2's object table order (ip/ip.c), so that abbreviations resolve as there.
    static const char* const order[] = {
        "address", "addrlabel", "maddress", "route", "rule",       "neighbor",    "neighbour",
        "ntable",  "ntbl",      "link",     "l2tp",  "fou",        "ila",         "macsec",
        "tunnel",  "tuntap",    "tap",      "token", "tcpmetrics", "tcp_metrics", "monitor",
        "xfrm",    "mroute",    "mrule",    "netns", "netconf",    "vrf",         "sr",
        "nexthop", "mptcp",     "ioam",     "stats", "help"};
    std::string match;
    for (const char* k : order)
    {
        if (Abbrev(o, k))
        {
            match = k;
            break;
        }
    }
    if (match == "route")
    {
        ParseIpRoute();
    }
    else if (match == "rule")
    {
        ParseIpRule();
    }
    else if (match == "address")
    {
        ParseIpAddr();
    }
    else if (match == "link")
    {
        ParseIpLink();
    }
    else if (match.empty() || match == "help")
    {
        Fail(obj,
             "unknown object " + Quote(o) + " after " + Quote(ip.text) +
                 " (expected route, rule, address or link)");
    }
    else
    {
        Fail(obj,
             "ip " + match +
                 " is not supported by the model (the language has ip route, ip rule, ip "
                 "address and ip link)");
    }
}

void
StatementParser::ParseIpRoute()
{
    if (AtEnd())
    {
        RouteShowCommand s;
        s.classId = CLASS_MAIN;
        Emit(ConfigDialect::IPROUTE2, s);
        return;
    }
    const Word& cmd = Next();
    const std::string& c = cmd.text;
    // iproute2's do_iproute() order.
    if (Abbrev(c, "add"))
    {
        ParseIpRouteModify(InsertMode::ADD, false, false, cmd);
    }
    else if (Abbrev(c, "change") || c == "chg")
    {
        ParseIpRouteModify(InsertMode::REPLACE, true, false, cmd);
    }
    else if (Abbrev(c, "replace"))
    {
        ParseIpRouteModify(InsertMode::REPLACE, false, false, cmd);
    }
    else if (Abbrev(c, "prepend"))
    {
        ParseIpRouteModify(InsertMode::PREPEND, false, false, cmd);
    }
    else if (Abbrev(c, "append"))
    {
        ParseIpRouteModify(InsertMode::APPEND, false, false, cmd);
    }
    else if (Abbrev(c, "test"))
    {
        Unsupported(cmd, "ip route test only checks a route without adding it");
    }
    else if (Abbrev(c, "delete"))
    {
        ParseIpRouteModify(InsertMode::ADD, false, true, cmd);
    }
    else if (Abbrev(c, "list") || Abbrev(c, "show") || Abbrev(c, "lst"))
    {
        ParseIpRouteShow(cmd);
    }
    else if (Abbrev(c, "get"))
    {
        ParseIpRouteGet(cmd);
    }
    else if (Abbrev(c, "flush"))
    {
        ParseIpRouteFlush(cmd);
    }
    else if (Abbrev(c, "save") || Abbrev(c, "restore") || Abbrev(c, "showdump"))
    {
        Unsupported(cmd, "binary route dumps");
    }
    else
    {
        Fail(cmd,
             "unknown ip route command " + Quote(c) +
                 " (expected add, change, replace, prepend, append, del, show, get or flush)");
    }
}

void
StatementParser::ParseIpRouteModify(InsertMode mode, bool mustExist, bool del, const Word& cmd)
{
    const std::string command = "ip route " + cmd.text;
    RouteEntry e;
    RtnType type = RtnType::UNICAST;
    const Word* typeWord = nullptr;
    bool typeGiven = false;
    bool dstGiven = false;
    const Word* viaWord = nullptr;
    const Word* devWord = nullptr;
    const Word* srcWord = nullptr;
    bool metricGiven = false;
    bool tableGiven = false;
    bool kernelProto = false;
    uint32_t table = CLASS_MAIN;
    DeviceRef dev;
    while (!AtEnd())
    {
        const Word& w = Next();
        const std::string& t = w.text;
        if (t == "src")
        {
            srcWord = &w;
            e.info.prefSrc = Address(w);
        }
        else if (t == "as")
        {
            Unsupported(w, "no destination rewriting besides nat routes");
        }
        else if (t == "via")
        {
            viaWord = &w;
            if (!AtEnd() && Peek().text == "inet")
            {
                ++m_i;
            }
            else if (!AtEnd() && (Peek().text == "inet6" || Peek().text == "mpls" ||
                                  Peek().text == "link" || Peek().text == "bridge"))
            {
                Unsupported(Peek(), "IPv4 gateways only");
            }
            e.info.gateway = Address(w);
        }
        else if (t == "gw")
        {
            Fail(w, "unknown keyword \"gw\" in " + command + " (iproute2 writes via ADDR)");
        }
        else if (t == "from")
        {
            Unsupported(w, "source-specific routes; Linux has them for IPv6 only");
        }
        else if (t == "tos" || Abbrev(t, "dsfield"))
        {
            e.tos = Tos(w);
        }
        else if (Abbrev(t, "metric") || Abbrev(t, "priority") || t == "preference")
        {
            metricGiven = true;
            e.metric = static_cast<uint32_t>(Number(w, "a metric", UINT32_MAX));
        }
        else if (t == "scope")
        {
            const Word& v = Value(w, "a scope (host, link, global or a number)");
            Note(w, "scope " + v.text + " ignored (the model has no route scopes)");
        }
        else if (t == "mtu" || t == "hoplimit" || t == "advmss" || Abbrev(t, "reordering") ||
                 t == "rtt" || t == "rto_min" || Abbrev(t, "window") || Abbrev(t, "cwnd") ||
                 Abbrev(t, "initcwnd") || Abbrev(t, "initrwnd") || Abbrev(t, "features") ||
                 Abbrev(t, "quickack") || Abbrev(t, "congctl") || Abbrev(t, "rttvar") ||
                 Abbrev(t, "ssthresh") || t == "fastopen_no_cookie")
        {
            if (!AtEnd() && Peek().text == "lock")
            {
                ++m_i;
            }
            const Word& v = Value(w, "a value");
            Note(w,
                 t + " " + v.text +
                     " ignored (route metrics do not change routing decisions in the model)");
        }
        else if (Abbrev(t, "realms"))
        {
            const Word& v = Value(w, "a realm");
            Note(w, "realms " + v.text + " ignored (the model has no routing realms)");
        }
        else if (t == "onlink")
        {
            Note(w, "onlink ignored (gateways are taken as they are)");
        }
        else if (t == "nexthop")
        {
            Unsupported(w, "multipath routes; give one via ADDR dev NAME");
        }
        else if (Abbrev(t, "protocol"))
        {
            const Word& v = Value(w, "a protocol (kernel, boot, static or a number)");
            kernelProto = v.text == "kernel" || v.text == "2";
            Note(w, "proto " + v.text + " ignored (the model does not record route origins)");
        }
        else if (Abbrev(t, "table"))
        {
            tableGiven = true;
            table = Table(w, false, nullptr);
        }
        else if (t == "vrf")
        {
            Unsupported(w, "no VRF devices");
        }
        else if (t == "dev" || t == "oif")
        {
            devWord = &w;
            dev = Device(w);
        }
        else if (Abbrev(t, "pref"))
        {
            Unsupported(w, "pref is the IPv6 router preference");
        }
        else if (t == "encap" || t == "expires" || t == "nhid" || t == "ttl-propagate")
        {
            Unsupported(w, "IPv4 routes without encapsulation, expiry or nexthop objects");
        }
        else
        {
            const Word* d = &w;
            if (t == "to")
            {
                d = &Value(w, "a prefix (a.b.c.d/len or default)");
            }
            const bool looksLikePrefix = std::isdigit(static_cast<unsigned char>(d->text[0])) ||
                                         d->text == "default" || d->text == "all" ||
                                         d->text == "any" || d->text.find(':') != std::string::npos;
            if (!looksLikePrefix)
            {
                const RtnType rt = ReadRtnType(d->text);
                if (rt == RtnType::NONE || typeGiven || dstGiven)
                {
                    if (dstGiven)
                    {
                        Fail(*d,
                             "unknown keyword " + Quote(d->text) + " in " + command +
                                 " (expected via, dev, src, tos, metric, table, proto, scope)");
                    }
                    Fail(*d,
                         "expected a prefix (a.b.c.d/len or default) or a route type after " +
                             Quote(cmd.text) + ", found " + Quote(d->text));
                }
                type = rt;
                typeGiven = true;
                typeWord = d;
                d = &Value(*d, "a prefix (a.b.c.d/len or default)");
            }
            if (dstGiven)
            {
                Fail(*d,
                     "duplicate destination " + Quote(d->text) + " (the destination is " +
                         FormatPrefix(e.prefix, e.length) + ")");
            }
            const Word& kw = d == &w ? cmd : m_w[m_i - 2];
            auto [prefix, length] = Prefix(kw, *d);
            e.prefix = prefix;
            e.length = length;
            dstGiven = true;
        }
    }
    if (!dstGiven)
    {
        FailEnd("expected a destination prefix (a.b.c.d/len or default) in " + command);
    }
    switch (type)
    {
    case RtnType::UNICAST:
        e.info.type = RouteNodeType::UNICAST;
        break;
    case RtnType::LOCAL:
        e.info.type = RouteNodeType::LOCAL;
        break;
    case RtnType::BROADCAST:
        e.info.type = RouteNodeType::BROADCAST;
        break;
    case RtnType::BLACKHOLE:
        e.info.type = RouteNodeType::BLACKHOLE;
        break;
    case RtnType::UNREACHABLE:
        e.info.type = RouteNodeType::REJECT;
        break;
    case RtnType::PROHIBIT:
        e.info.type = RouteNodeType::PROHIBIT;
        break;
    case RtnType::THROW:
        e.info.type = RouteNodeType::THROW;
        break;
    case RtnType::NAT:
        e.info.type = RouteNodeType::NAT;
        break;
    default:
        Unsupported(*typeWord, std::string("route type ") + RtnTypeName(type));
    }
    const bool local = type == RtnType::LOCAL || type == RtnType::BROADCAST || type == RtnType::NAT;
    if (!tableGiven && local)
    {
        table = CLASS_LOCAL; // iproute2: local, broadcast and nat routes go to table local
    }

    if (del)
    {
        RouteDeleteCommand d;
        d.selector.prefix = e.prefix;
        d.selector.length = e.length;
        d.selector.tos = e.tos;
        d.selector.hasMetric = metricGiven;
        d.selector.metric = e.metric;
        d.selector.hasType = typeGiven;
        d.selector.type = e.info.type;
        d.selector.gateway = e.info.gateway;
        d.classId = table;
        d.dev = dev;
        Emit(ConfigDialect::IPROUTE2, d);
        return;
    }

    const bool error = IsErrorNodeType(e.info.type);
    if (error)
    {
        const Word* extra = viaWord ? viaWord : devWord ? devWord : srcWord;
        if (extra)
        {
            Fail(*extra,
                 std::string("an ") + RtnTypeName(type) + " route takes no " + extra->text +
                     " (it has no next hop)");
        }
    }
    else if (type == RtnType::NAT)
    {
        if (!viaWord)
        {
            FailEnd("a nat route needs via ADDR (the internal address it translates to)");
        }
        if (devWord)
        {
            Fail(*devWord, "a nat route takes no dev (it translates, then routes again)");
        }
    }
    else if (type == RtnType::LOCAL || type == RtnType::BROADCAST)
    {
        if (!devWord)
        {
            FailEnd(std::string("a ") + RtnTypeName(type) + " route needs dev NAME");
        }
        if (viaWord)
        {
            Fail(*viaWord, std::string("a ") + RtnTypeName(type) + " route takes no via");
        }
    }
    else if (!viaWord && !devWord)
    {
        FailEnd("a unicast route needs via ADDR or dev NAME");
    }
    RouteAddCommand a;
    a.entry = e;
    a.classId = table;
    a.mode = mode;
    a.mustExist = mustExist;
    a.kernelProto = kernelProto;
    a.hasSource = srcWord != nullptr;
    a.dev = dev;
    Emit(ConfigDialect::IPROUTE2, a);
}

void
StatementParser::ParseIpRouteShow(const Word& cmd)
{
    RouteShowCommand s;
    s.classId = CLASS_MAIN;
    while (!AtEnd())
    {
        const Word& w = Next();
        if (Abbrev(w.text, "table"))
        {
            bool all = false;
            const uint32_t id = Table(w, true, &all);
            s.classId = all ? std::nullopt : std::optional<uint32_t>(id);
        }
        else
        {
            Fail(w,
                 "unsupported selector " + Quote(w.text) + " in ip route " + cmd.text +
                     " (the model lists whole tables: table N|all)");
        }
    }
    Emit(ConfigDialect::IPROUTE2, s);
}

void
StatementParser::ParseIpRouteFlush(const Word& cmd)
{
    if (AtEnd())
    {
        FailEnd("ip route flush needs a selector (table N|all, dev NAME or cache)");
    }
    RouteFlushCommand f;
    f.classId = CLASS_MAIN;
    bool cache = false;
    bool other = false;
    while (!AtEnd())
    {
        const Word& w = Next();
        if (Abbrev(w.text, "table"))
        {
            if (!AtEnd() && Peek().text == "cache")
            {
                ++m_i;
                cache = true;
                continue;
            }
            bool all = false;
            const uint32_t id = Table(w, true, &all);
            f.classId = all ? std::nullopt : std::optional<uint32_t>(id);
            other = true;
        }
        else if (Abbrev(w.text, "cached") || Abbrev(w.text, "cloned") || w.text == "cache")
        {
            cache = true;
        }
        else if (w.text == "dev" || w.text == "oif")
        {
            f.dev = Device(w);
            other = true;
        }
        else
        {
            Fail(w,
                 "unsupported selector " + Quote(w.text) + " in ip route " + cmd.text +
                     " (expected table N|all, dev NAME or cache)");
        }
    }
    if (cache && !other)
    {
        Note(cmd, "ip route flush cache: nothing to do (the model has no route cache)");
        return;
    }
    Emit(ConfigDialect::IPROUTE2, f);
}

void
StatementParser::ParseIpRouteGet(const Word& cmd)
{
    RouteGetCommand g;
    bool dstGiven = false;
    while (!AtEnd())
    {
        const Word& w = Next();
        const std::string& t = w.text;
        if (t == "from")
        {
            g.source = Address(w, "a source address");
        }
        else if (t == "iif")
        {
            g.iif = Device(w);
        }
        else if (t == "oif")
        {
            g.oif = Device(w);
        }
        else if (t == "tos" || Abbrev(t, "dsfield"))
        {
            g.tos = Tos(w);
        }
        else if (t == "mark" || t == "uid" || t == "ipproto" || t == "sport" || t == "dport" ||
                 t == "vrf" || t == "connected" || t == "fibmatch" || t == "as" || t == "flowlabel")
        {
            Unsupported(w, "ip route get takes from, iif, oif and tos");
        }
        else
        {
            const Word* d = &w;
            if (t == "to")
            {
                d = &Value(w, "a destination address");
            }
            if (dstGiven)
            {
                Fail(*d,
                     "unknown keyword " + Quote(d->text) +
                         " in ip route get (expected from, iif, oif or tos)");
            }
            CheckNotIpv6(*d);
            uint32_t a = 0;
            if (!ParseDottedQuad(d->text, a))
            {
                Expected(d == &w ? cmd : w, "a destination address", *d);
            }
            g.destination = a;
            dstGiven = true;
        }
    }
    if (!dstGiven)
    {
        FailEnd("expected a destination address in ip route get");
    }
    Emit(ConfigDialect::IPROUTE2, g);
}

void
StatementParser::ParseIpRule()
{
    if (AtEnd())
    {
        Emit(ConfigDialect::IPROUTE2, RuleShowCommand{});
        return;
    }
    const Word& cmd = Next();
    const std::string& c = cmd.text;
    // iproute2's do_iprule() order.
    if (Abbrev(c, "list") || Abbrev(c, "lst") || Abbrev(c, "show"))
    {
        if (!AtEnd())
        {
            Fail(Peek(),
                 "unsupported selector " + Quote(Peek().text) + " in ip rule " + c +
                     " (the model lists every rule)");
        }
        Emit(ConfigDialect::IPROUTE2, RuleShowCommand{});
    }
    else if (Abbrev(c, "save") || Abbrev(c, "restore"))
    {
        Unsupported(cmd, "binary rule dumps");
    }
    else if (Abbrev(c, "add"))
    {
        ParseIpRuleModify(false, cmd);
    }
    else if (Abbrev(c, "delete"))
    {
        ParseIpRuleModify(true, cmd);
    }
    else if (Abbrev(c, "flush"))
    {
        ExpectEnd("ip rule flush (it takes no arguments)");
        Emit(ConfigDialect::IPROUTE2, RuleFlushCommand{});
    }
    else
    {
        Fail(cmd, "unknown ip rule command " + Quote(c) + " (expected add, del, flush or show)");
    }
}

void
StatementParser::ParseIpRuleModify(bool del, const Word& cmd)
{
    const std::string command = std::string("ip rule ") + (del ? "del" : "add");
    if (del && AtEnd())
    {
        FailEnd("ip rule del needs a selector (e.g. pref N)");
    }
    PolicyRule r;
    RuleSelector sel;
    std::optional<uint32_t> pref;
    bool tableGiven = false;
    bool actionGiven = false;
    const Word* actionWord = nullptr;
    DeviceRef iif;
    DeviceRef oif;
    auto setAction = [&](const Word& w, RuleAction a) {
        if (actionGiven)
        {
            Fail(w,
                 "a rule has one action: " + Quote(w.text) + " conflicts with " +
                     Quote(actionWord->text));
        }
        actionGiven = true;
        actionWord = &w;
        r.action = a;
        sel.action = a;
    };
    while (!AtEnd())
    {
        const Word& w = Next();
        const std::string& t = w.text;
        if (t == "not")
        {
            Unsupported(w, "inverted selectors");
        }
        else if (t == "from")
        {
            auto [a, l] = Prefix(w, Value(w, "a prefix (a.b.c.d/len or all)"));
            r.src = a;
            r.srcLength = l;
            if (l)
            {
                sel.src = a;
                sel.srcLength = l;
            }
        }
        else if (t == "to")
        {
            auto [a, l] = Prefix(w, Value(w, "a prefix (a.b.c.d/len or all)"));
            r.dst = a;
            r.dstLength = l;
            if (l)
            {
                sel.dst = a;
                sel.dstLength = l;
            }
        }
        else if (Abbrev(t, "preference") || Abbrev(t, "order") || Abbrev(t, "priority"))
        {
            pref = static_cast<uint32_t>(Number(w, "a preference", UINT32_MAX));
            sel.preference = pref;
        }
        else if (t == "tos" || Abbrev(t, "dsfield"))
        {
            r.tos = Tos(w);
            if (r.tos)
            {
                sel.tos = r.tos;
            }
        }
        else if (t == "fwmark")
        {
            Unsupported(w, "no firewall marks");
        }
        else if (Abbrev(t, "realms"))
        {
            const Word& v = Value(w, "a realm");
            Note(w, "realms " + v.text + " ignored (the model has no routing realms)");
        }
        else if (Abbrev(t, "table") || t == "lookup")
        {
            tableGiven = true;
            r.classId = Table(w, false, nullptr);
            sel.classId = r.classId;
        }
        else if (Abbrev(t, "suppress_prefixlength") || t == "sup_pl" ||
                 Abbrev(t, "suppress_ifgroup") || t == "sup_group")
        {
            Unsupported(w, "no suppressors");
        }
        else if (t == "dev" || t == "iif")
        {
            iif = Device(w);
        }
        else if (t == "oif")
        {
            oif = Device(w);
        }
        else if (t == "l3mdev")
        {
            Unsupported(w, "no VRF devices");
        }
        else if (t == "uidrange")
        {
            Unsupported(w, "no user ids");
        }
        else if (t == "ipproto" || t == "sport" || t == "dport" || t == "tun_id" ||
                 t == "flowlabel" || t == "dscp")
        {
            Unsupported(w, "rules select on source, destination, TOS and devices");
        }
        else if (t == "protocol" || t == "proto")
        {
            const Word& v = Value(w, "a protocol");
            Note(w, "protocol " + v.text + " ignored (the model does not record rule origins)");
        }
        else if (t == "nat" || Abbrev(t, "map-to"))
        {
            const uint32_t a = Address(w);
            if (a == 0)
            {
                // Linux 2.2: "nat 0" masquerades.
                setAction(w, RuleAction::MASQUERADE);
            }
            else
            {
                setAction(w, RuleAction::NAT);
                r.natAddress = a;
            }
        }
        else if (t == "masquerade")
        {
            setAction(w, RuleAction::MASQUERADE);
        }
        else
        {
            const Word* tw = &w;
            if (t == "type")
            {
                tw = &Value(w, "a rule type (unicast, blackhole, unreachable or prohibit)");
            }
            const std::string& tt = tw->text;
            if (Abbrev(tt, "goto") || Abbrev(tt, "nop"))
            {
                Unsupported(*tw, "rule actions are lookup, nat, blackhole, unreachable, prohibit");
            }
            if (tt == "reject")
            {
                setAction(*tw, RuleAction::REJECT);
                continue;
            }
            const RtnType rt = ReadRtnType(tt);
            switch (rt)
            {
            case RtnType::UNICAST:
                setAction(*tw, RuleAction::ROUTE);
                break;
            case RtnType::BLACKHOLE:
                setAction(*tw, RuleAction::DROP);
                break;
            case RtnType::UNREACHABLE:
                setAction(*tw, RuleAction::REJECT);
                break;
            case RtnType::PROHIBIT:
                setAction(*tw, RuleAction::PROHIBIT);
                break;
            case RtnType::NONE:
                Fail(*tw,
                     "unknown keyword " + Quote(tt) + " in " + command +
                         " (expected from, to, tos, iif, oif, pref, lookup, nat, blackhole, "
                         "unreachable or prohibit)");
            default:
                Unsupported(*tw, std::string("rule type ") + RtnTypeName(rt));
            }
        }
    }
    const bool terminal = r.action == RuleAction::DROP || r.action == RuleAction::REJECT ||
                          r.action == RuleAction::PROHIBIT;
    if (del)
    {
        RuleDeleteCommand d;
        d.selector = sel;
        d.iif = iif;
        d.oif = oif;
        Emit(ConfigDialect::IPROUTE2, d);
        return;
    }
    if (terminal)
    {
        r.classId = CLASS_UNSPEC;
    }
    else if (!tableGiven)
    {
        r.classId = CLASS_MAIN; // iproute2: no table means table main
    }
    RuleAddCommand a;
    a.rule = r;
    a.preference = pref;
    a.iif = iif;
    a.oif = oif;
    Emit(ConfigDialect::IPROUTE2, a);
}

void
StatementParser::ParseIpAddr()
{
    if (AtEnd())
    {
        Unsupported(m_w[m_i - 1], "listing addresses; use ip route show table local");
    }
    const Word& cmd = Next();
    const std::string& c = cmd.text;
    InterfaceCommand ic;
    if (Abbrev(c, "add"))
    {
        ic.kind = InterfaceCommand::ADDRESS_ADD;
    }
    else if (Abbrev(c, "change") || c == "chg")
    {
        Unsupported(cmd, "address lifetimes and flags; use ip addr replace");
    }
    else if (Abbrev(c, "replace"))
    {
        ic.kind = InterfaceCommand::ADDRESS_ADD;
        ic.replace = true;
    }
    else if (Abbrev(c, "delete"))
    {
        ic.kind = InterfaceCommand::ADDRESS_DELETE;
    }
    else if (Abbrev(c, "list") || Abbrev(c, "show") || Abbrev(c, "lst"))
    {
        Unsupported(cmd, "listing addresses; use ip route show table local");
    }
    else if (Abbrev(c, "flush"))
    {
        ic.kind = InterfaceCommand::ADDRESS_FLUSH;
        if (AtEnd())
        {
            FailEnd("ip address flush needs dev NAME");
        }
        const Word& w = Next();
        if (w.text == "dev")
        {
            ic.dev = Device(w);
        }
        else
        {
            ic.dev = DeviceRef{w.text, Loc(w)};
        }
        ExpectEnd("ip address flush");
        Emit(ConfigDialect::IPROUTE2, ic);
        return;
    }
    else
    {
        Fail(cmd,
             "unknown ip address command " + Quote(c) + " (expected add, replace, del or flush)");
    }
    bool addressGiven = false;
    while (!AtEnd())
    {
        const Word& w = Next();
        const std::string& t = w.text;
        if (t == "dev")
        {
            ic.dev = Device(w);
        }
        else if (t == "peer" || t == "remote" || t == "anycast" || t == "home" ||
                 t == "mngtmpaddr" || t == "nodad" || t == "noprefixroute" || t == "autojoin" ||
                 t == "optimistic")
        {
            Unsupported(w, "addresses are ADDR/LEN with broadcast, label and scope");
        }
        else if (Abbrev(t, "broadcast") || t == "brd")
        {
            const Word& v = Value(w, "a broadcast address (or + or -)");
            if (v.text == "+" || v.text == "-")
            {
                Note(w, "broadcast " + v.text + ": the broadcast address follows the prefix");
                continue;
            }
            m_i--;
            ic.broadcast = Address(w, "a broadcast address (or + or -)");
        }
        else if (t == "label" || t == "scope" || t == "valid_lft" || t == "preferred_lft" ||
                 t == "metric" || t == "proto")
        {
            const Word& v = Value(w, "a value");
            Note(w, t + " " + v.text + " ignored (the model has plain addresses)");
        }
        else
        {
            const Word* a = &w;
            if (t == "local")
            {
                a = &Value(w, "an address (a.b.c.d/len)");
            }
            else if (addressGiven)
            {
                Fail(w,
                     "unknown keyword " + Quote(t) + " in ip address " + cmd.text +
                         " (expected dev, broadcast, label or scope)");
            }
            if (addressGiven)
            {
                Fail(*a, "duplicate address " + Quote(a->text));
            }
            CheckNotIpv6(*a);
            const std::size_t slash = a->text.find('/');
            uint32_t addr = 0;
            if (!ParseDottedQuad(a->text.substr(0, slash), addr))
            {
                Fail(*a,
                     "expected an address (a.b.c.d/len) after " + Quote(cmd.text) + ", found " +
                         Quote(a->text));
            }
            uint8_t length = 32;
            if (slash != std::string::npos)
            {
                uint64_t l = 0;
                const int r = ParseUnsigned(a->text.substr(slash + 1), 32, l);
                if (r != 0)
                {
                    Fail(*a, "prefix length in " + Quote(a->text) + " is not 0..32");
                }
                length = static_cast<uint8_t>(l);
            }
            if (addr == 0)
            {
                Fail(*a, "0.0.0.0 is not a usable interface address");
            }
            ic.hasAddress = true;
            ic.address = addr;
            ic.length = length;
            addressGiven = true;
        }
    }
    if (!addressGiven)
    {
        FailEnd("expected an address (a.b.c.d/len) in ip address " + cmd.text);
    }
    if (!ic.dev.IsSet())
    {
        FailEnd("ip address " + cmd.text + " needs dev NAME");
    }
    Emit(ConfigDialect::IPROUTE2, ic);
}

void
StatementParser::ParseIpLink()
{
    if (AtEnd())
    {
        Unsupported(m_w[m_i - 1], "listing links");
    }
    const Word& cmd = Next();
    if (!Abbrev(cmd.text, "set"))
    {
        if (Abbrev(cmd.text, "add") || Abbrev(cmd.text, "delete"))
        {
            Unsupported(cmd, "devices are created in the simulation script; ip link set only");
        }
        Fail(cmd, "unknown ip link command " + Quote(cmd.text) + " (expected set)");
    }
    InterfaceCommand ic;
    ic.kind = InterfaceCommand::LINK_SET;
    if (AtEnd())
    {
        FailEnd("expected a device after \"set\", found end of line");
    }
    if (Peek().text == "dev")
    {
        const Word& kw = Next();
        ic.dev = Device(kw);
    }
    else
    {
        const Word& w = Next();
        ic.dev = DeviceRef{w.text, Loc(w)};
    }
    while (!AtEnd())
    {
        const Word& w = Next();
        if (w.text == "up")
        {
            ic.up = true;
        }
        else if (w.text == "down")
        {
            ic.up = false;
        }
        else if (w.text == "mtu" || w.text == "txqueuelen" || Abbrev(w.text, "txqlen") ||
                 w.text == "qlen")
        {
            const Word& v = Value(w, "a number");
            Note(w, w.text + " " + v.text + " ignored (set it on the ns-3 device)");
        }
        else
        {
            Fail(w,
                 "unsupported ip link set attribute " + Quote(w.text) +
                     " (the model has up, down and mtu)");
        }
    }
    if (!ic.up)
    {
        FailEnd("expected up or down in ip link set");
    }
    Emit(ConfigDialect::IPROUTE2, ic);
}

// ----- the seed's 2.1 iproute -----

void
StatementParser::ParseIproute21()
{
    if (AtEnd())
    {
        FailEnd("expected add, del, addrule, delrule or -r after \"iproute\", found end of line");
    }
    const Word& cmd = Next();
    const std::string& c = cmd.text;
    if (c == "add")
    {
        ParseIproute21Route(false, cmd);
    }
    else if (c == "del" || c == "delete")
    {
        ParseIproute21Route(true, cmd);
    }
    else if (c == "addrule")
    {
        ParseIproute21Rule(false, cmd);
    }
    else if (c == "delrule")
    {
        ParseIproute21Rule(true, cmd);
    }
    else if (c == "-r")
    {
        ExpectEnd("iproute -r");
        RuleShowCommand s;
        s.seedStyle = true;
        Emit(ConfigDialect::IPROUTE_2_1, s);
    }
    else
    {
        Fail(cmd,
             "unknown iproute command " + Quote(c) +
                 " (expected add, del, addrule, delrule or -r)");
    }
}

void
StatementParser::ParseIproute21Route(bool del, const Word& cmd)
{
    const std::string command = std::string("iproute ") + cmd.text;
    const Word& target = Value(cmd, "a prefix (a.b.c.d/len or default)");
    auto [prefix, length] = Prefix(cmd, target);
    RouteEntry e;
    e.prefix = prefix;
    e.length = length;
    uint32_t classId = CLASS_UNSPEC;
    bool metricGiven = false;
    const Word* typeWord = nullptr;
    const Word* gwWord = nullptr;
    const Word* devWord = nullptr;
    DeviceRef dev;
    while (!AtEnd())
    {
        const Word& w = Next();
        const std::string& t = w.text;
        if (t == "tos")
        {
            e.tos = Tos(w);
        }
        else if (t == "gw")
        {
            gwWord = &w;
            e.info.gateway = Address(w);
        }
        else if (t == "dev")
        {
            devWord = &w;
            dev = Device(w);
        }
        else if (t == "metric")
        {
            metricGiven = true;
            e.metric = static_cast<uint32_t>(Number(w, "a metric", UINT32_MAX));
        }
        else if (t == "reject" || t == "throw")
        {
            if (typeWord)
            {
                Fail(w, Quote(t) + " conflicts with " + Quote(typeWord->text));
            }
            typeWord = &w;
            e.info.type = t == "reject" ? RouteNodeType::REJECT : RouteNodeType::THROW;
        }
        else if (t == "class")
        {
            classId = Table(w, false, nullptr, 255);
        }
        else if (t == "via" || t == "table")
        {
            Fail(w,
                 "unknown keyword " + Quote(t) + " in " + command + " (the 2.1 syntax writes " +
                     (t == "via" ? "gw GW" : "class N") + ")");
        }
        else
        {
            Fail(w,
                 "unknown keyword " + Quote(t) + " in " + command +
                     " (expected tos, gw, dev, metric, reject, throw or class)");
        }
    }
    if (del)
    {
        RouteDeleteCommand d;
        d.selector.prefix = e.prefix;
        d.selector.length = e.length;
        d.selector.tos = e.tos;
        d.selector.hasMetric = metricGiven;
        d.selector.metric = e.metric;
        d.selector.hasType = typeWord != nullptr;
        d.selector.type = e.info.type;
        d.selector.gateway = e.info.gateway;
        d.classId = classId;
        d.dev = dev;
        Emit(ConfigDialect::IPROUTE_2_1, d);
        return;
    }
    if (typeWord && (gwWord || devWord))
    {
        const Word& extra = gwWord ? *gwWord : *devWord;
        Fail(extra,
             "a " + typeWord->text + " route takes no " + extra.text + " (it has no next hop)");
    }
    if (!typeWord && !gwWord && !devWord)
    {
        FailEnd("a route needs gw GW or dev DEV (or reject or throw)");
    }
    RouteAddCommand a;
    a.entry = e;
    a.classId = classId;
    a.dev = dev;
    Emit(ConfigDialect::IPROUTE_2_1, a);
}

void
StatementParser::ParseIproute21Rule(bool del, const Word& cmd)
{
    const std::string command = std::string("iproute ") + cmd.text;
    PolicyRule r;
    RuleSelector sel;
    std::optional<uint32_t> pref;
    bool classGiven = false;
    const Word* classWord = nullptr;
    const Word* actionWord = nullptr;
    const Word* routeWord = nullptr;
    DeviceRef iif;
    DeviceRef routeDev;
    auto setAction = [&](const Word& w, RuleAction a) {
        if (actionWord)
        {
            Fail(w,
                 "a rule has one action: " + Quote(w.text) + " conflicts with " +
                     Quote(actionWord->text));
        }
        actionWord = &w;
        r.action = a;
        sel.action = a;
    };
    while (!AtEnd())
    {
        const Word& w = Next();
        const std::string& t = w.text;
        if (routeWord && (t == "gw" || t == "dev"))
        {
            // After "route": the rule's own route.
            if (t == "gw")
            {
                r.route.gateway = Address(w);
            }
            else
            {
                routeDev = Device(w);
            }
        }
        else if (t == "from" || t == "to")
        {
            auto [a, l] = Prefix(w, Value(w, "a prefix (a.b.c.d/len or default)"));
            if (t == "from")
            {
                r.src = a;
                r.srcLength = l;
                sel.src = a;
                sel.srcLength = l;
            }
            else
            {
                r.dst = a;
                r.dstLength = l;
                sel.dst = a;
                sel.dstLength = l;
            }
        }
        else if (t == "tos")
        {
            r.tos = Tos(w);
            sel.tos = r.tos;
        }
        else if (t == "dev")
        {
            iif = Device(w);
        }
        else if (t == "gw")
        {
            Fail(w, "gw belongs to the rule's own route: write route gw GW dev DEV");
        }
        else if (t == "pref")
        {
            pref = static_cast<uint32_t>(Number(w, "a preference", 255));
            sel.preference = pref;
        }
        else if (t == "class")
        {
            classGiven = true;
            classWord = &w;
            r.classId = Table(w, false, nullptr, 255);
            sel.classId = r.classId;
        }
        else if (t == "route")
        {
            if (del)
            {
                Unsupported(w, "iproute delrule selects rules by selectors, class and action");
            }
            if (routeWord)
            {
                Fail(w, "duplicate \"route\"");
            }
            routeWord = &w;
            r.hasRoute = true;
        }
        else if (t == "nat")
        {
            setAction(w, RuleAction::NAT);
            r.natAddress = Address(w);
            if (r.natAddress == 0)
            {
                Fail(m_w[m_i - 1], "a nat rule needs a non-zero address (or use masquerade)");
            }
        }
        else if (t == "masquerade")
        {
            setAction(w, RuleAction::MASQUERADE);
        }
        else if (t == "drop")
        {
            setAction(w, RuleAction::DROP);
        }
        else if (t == "reject")
        {
            setAction(w, RuleAction::REJECT);
        }
        else if (t == "prohibit")
        {
            setAction(w, RuleAction::PROHIBIT);
        }
        else if (t == "log")
        {
            r.flags |= RULE_FLAG_LOG;
        }
        else if (t == "valve")
        {
            r.flags |= RULE_FLAG_VALVE;
        }
        else if (t == "table" || t == "lookup" || t == "iif" || t == "via")
        {
            Fail(w,
                 "unknown keyword " + Quote(t) + " in " + command + " (the 2.1 syntax writes " +
                     (t == "iif"   ? "dev INDEV"
                      : t == "via" ? "route gw GW"
                                   : "class N") +
                     ")");
        }
        else
        {
            Fail(w,
                 "unknown keyword " + Quote(t) + " in " + command +
                     " (expected from, to, tos, dev, pref, class, route, nat, masquerade, drop, "
                     "reject, prohibit, log or valve)");
        }
    }
    if (del)
    {
        // Linux 2.1 fib_rule_delete(): source, destination, TOS, device and action are
        // compared exactly (unspecified means "none"); preference and class only if given.
        RuleDeleteCommand d;
        d.selector = sel;
        d.selector.src = r.src;
        d.selector.srcLength = r.srcLength;
        d.selector.dst = r.dst;
        d.selector.dstLength = r.dstLength;
        d.selector.tos = r.tos;
        d.selector.action = r.action;
        d.selector.iif = ROUTE_NO_INTERFACE; // the applier sets the device, if given
        d.iif = iif;
        Emit(ConfigDialect::IPROUTE_2_1, d);
        return;
    }
    const bool terminal = r.action == RuleAction::DROP || r.action == RuleAction::REJECT ||
                          r.action == RuleAction::PROHIBIT;
    if (terminal && classGiven)
    {
        Fail(*classWord, "a " + actionWord->text + " rule looks no class up (drop the class)");
    }
    if (terminal && routeWord)
    {
        Fail(*routeWord, "a " + actionWord->text + " rule carries no route");
    }
    if (routeWord && classGiven)
    {
        Fail(*classWord, "a rule with its own route looks no class up (drop the class)");
    }
    if (routeWord && r.route.gateway == 0 && !routeDev.IsSet())
    {
        FailEnd("route needs gw GW or dev DEV");
    }
    if (!terminal && !routeWord && !classGiven)
    {
        if (actionWord)
        {
            FailEnd("a " + actionWord->text + " rule needs class N (or route gw GW dev DEV)");
        }
        FailEnd("expected an action: class N, route gw GW dev DEV, nat ADDR, masquerade, drop, "
                "reject or prohibit");
    }
    RuleAddCommand a;
    a.rule = r;
    a.preference = pref;
    a.iif = iif;
    a.routeDev = routeDev;
    Emit(ConfigDialect::IPROUTE_2_1, a);
}

// ----- net-tools -----

void
StatementParser::ParseNetRoute()
{
    const Word& route = m_w[m_i - 1];
    // Options: -n (numeric), -e/-ee (extended listing), -v, -F (FIB), -A inet.
    while (!AtEnd() && Peek().text.size() > 1 && Peek().text[0] == '-' && Peek().text != "-net" &&
           Peek().text != "-host")
    {
        const Word& o = Next();
        if (o.text == "-A" || o.text == "--family")
        {
            const Word& f = Value(o, "a family (inet)");
            if (f.text == "inet6")
            {
                Unsupported(f, "IPv4 only");
            }
            if (f.text != "inet")
            {
                Expected(o, "a family (inet)", f);
            }
        }
        else if (o.text == "-4" || o.text == "--inet")
        {
        }
        else if (o.text == "-6" || o.text == "--inet6")
        {
            Unsupported(o, "IPv4 only");
        }
        else if (o.text == "-C" || o.text == "--cache")
        {
            Unsupported(o, "the model has no route cache");
        }
        else if (o.text != "-n" && o.text != "-e" && o.text != "-ee" && o.text != "-v" &&
                 o.text != "-F" && o.text != "--numeric" && o.text != "--extend" &&
                 o.text != "--verbose" && o.text != "--fib")
        {
            Fail(o, "unsupported route option " + Quote(o.text) + " (accepted: -n, -e, -v, -F)");
        }
    }
    if (AtEnd())
    {
        RouteShowCommand s;
        s.classId = CLASS_MAIN;
        Emit(ConfigDialect::NET_TOOLS, s);
        return;
    }
    const Word& cmd = Next();
    bool del = false;
    if (cmd.text == "del" || cmd.text == "delete")
    {
        del = true;
    }
    else if (cmd.text != "add")
    {
        Fail(cmd, "unknown route command " + Quote(cmd.text) + " (expected add or del)");
    }
    const std::string command = "route " + cmd.text;
    // [-net|-host] TARGET
    const Word* kindWord = nullptr;
    if (!AtEnd() && (Peek().text == "-net" || Peek().text == "-host"))
    {
        kindWord = &Next();
    }
    const Word& kwForTarget = kindWord ? *kindWord : cmd;
    const Word& target = Value(kwForTarget, "a target (a.b.c.d, a.b.c.d/len or default)");
    RouteEntry e;
    bool isDefault = target.text == "default";
    bool explicitLength = false;
    uint32_t address = 0;
    uint8_t length = 32;
    if (isDefault)
    {
        if (kindWord && kindWord->text == "-host")
        {
            Fail(target, "-host default is not a host");
        }
        length = 0;
        explicitLength = true;
    }
    else
    {
        CheckNotIpv6(target);
        const std::size_t slash = target.text.find('/');
        if (!ParseDottedQuad(target.text.substr(0, slash), address))
        {
            Expected(kwForTarget, "a target (a.b.c.d, a.b.c.d/len or default)", target);
        }
        if (slash != std::string::npos)
        {
            auto [a, l] = Prefix(kwForTarget, target);
            address = a;
            length = l;
            explicitLength = true;
        }
    }
    const Word* netmaskWord = nullptr;
    const Word* typeWord = nullptr;
    const Word* gwWord = nullptr;
    bool metricGiven = false;
    DeviceRef dev;
    while (!AtEnd())
    {
        const Word& w = Next();
        const std::string& t = w.text;
        if (t == "netmask")
        {
            netmaskWord = &w;
            const uint32_t m = Address(w, "a netmask (a.b.c.d)");
            const int l = LengthOfMask(m);
            if (l < 0)
            {
                Fail(m_w[m_i - 1], "netmask " + FormatAddress(m) + " is not contiguous");
            }
            if (explicitLength && !isDefault && l != length)
            {
                Fail(w,
                     "netmask " + FormatAddress(m) + " contradicts the prefix length /" +
                         std::to_string(length));
            }
            if (isDefault && l != 0)
            {
                Fail(w, "default takes no netmask other than 0.0.0.0");
            }
            length = static_cast<uint8_t>(l);
            explicitLength = true;
        }
        else if (t == "gw" || t == "gateway")
        {
            gwWord = &w;
            e.info.gateway = Address(w);
        }
        else if (t == "metric")
        {
            metricGiven = true;
            e.metric = static_cast<uint32_t>(Number(w, "a metric", UINT32_MAX));
        }
        else if (t == "mss" || t == "window" || t == "irtt")
        {
            const Word& v = Value(w, "a number");
            Note(w, t + " " + v.text + " ignored (route metrics do not change routing decisions)");
        }
        else if (t == "reject")
        {
            typeWord = &w;
            e.info.type = RouteNodeType::REJECT;
        }
        else if (t == "mod" || t == "dyn" || t == "reinstate")
        {
            Note(w, t + " ignored (ICMP redirect flags)");
        }
        else if (t == "dev")
        {
            dev = Device(w);
        }
        else if (AtEnd() && !dev.IsSet() && !std::isdigit(static_cast<unsigned char>(t[0])))
        {
            dev = DeviceRef{t, Loc(w)}; // net-tools: a last bare word is the device
        }
        else
        {
            Fail(w,
                 "unknown keyword " + Quote(t) + " in " + command +
                     " (expected netmask, gw, metric, reject or dev)");
        }
    }
    if (!explicitLength)
    {
        if (kindWord && kindWord->text == "-net")
        {
            length = ClassfulLength(address);
            Note(target,
                 "no netmask given: using the classful /" + std::to_string(length) + " for " +
                     FormatAddress(address));
        }
        else
        {
            length = 32;
        }
    }
    if (kindWord && kindWord->text == "-host" && length != 32)
    {
        Fail(netmaskWord ? *netmaskWord : target, "-host takes no netmask (a host is /32)");
    }
    if (address & ~MaskOf(length))
    {
        Fail(target,
             "netmask does not match the route address: " + FormatAddress(address) + "/" +
                 std::to_string(length) + " has host bits set (did you mean " +
                 FormatAddress(address & MaskOf(length)) + "?)");
    }
    e.prefix = address;
    e.length = length;
    if (del)
    {
        RouteDeleteCommand d;
        d.selector.prefix = e.prefix;
        d.selector.length = e.length;
        d.selector.hasMetric = metricGiven;
        d.selector.metric = e.metric;
        d.selector.hasType = typeWord != nullptr;
        d.selector.type = e.info.type;
        d.selector.gateway = e.info.gateway;
        d.dev = dev;
        Emit(ConfigDialect::NET_TOOLS, d, &route);
        return;
    }
    if (typeWord && (gwWord || dev.IsSet()))
    {
        if (gwWord)
        {
            Fail(*gwWord, "a reject route takes no gw (it has no next hop)");
        }
        throw ParseFailure{dev.where, "a reject route takes no dev (it has no next hop)"};
    }
    if (!typeWord && !gwWord && !dev.IsSet())
    {
        FailEnd("a route needs gw GW or dev DEV (or reject)");
    }
    RouteAddCommand a;
    a.entry = e;
    a.dev = dev;
    Emit(ConfigDialect::NET_TOOLS, a, &route);
}

void
StatementParser::ParseIfconfig()
{
    const Word& ifc = m_w[m_i - 1];
    if (AtEnd() || Peek().text[0] == '-')
    {
        Unsupported(AtEnd() ? ifc : Peek(), "listing interfaces; write ifconfig DEV ADDR ...");
    }
    InterfaceCommand ic;
    ic.kind = InterfaceCommand::IFCONFIG;
    const Word& devWord = Next();
    ic.dev = DeviceRef{devWord.text, Loc(devWord)};
    if (AtEnd())
    {
        FailEnd("expected an address, up or down after the device, found end of line");
    }
    const Word* netmaskWord = nullptr;
    const Word* addressWord = nullptr;
    bool lengthGiven = false;
    while (!AtEnd())
    {
        const Word& w = Next();
        const std::string& t = w.text;
        if (t == "up")
        {
            ic.up = true;
        }
        else if (t == "down")
        {
            ic.up = false;
        }
        else if (t == "netmask")
        {
            netmaskWord = &w;
            const uint32_t m = Address(w, "a netmask (a.b.c.d)");
            const int l = LengthOfMask(m);
            if (l < 0)
            {
                Fail(m_w[m_i - 1], "netmask " + FormatAddress(m) + " is not contiguous");
            }
            if (lengthGiven && l != ic.length)
            {
                Fail(w,
                     "netmask " + FormatAddress(m) + " contradicts the prefix length /" +
                         std::to_string(ic.length));
            }
            ic.length = static_cast<uint8_t>(l);
            lengthGiven = true;
        }
        else if (t == "broadcast")
        {
            ic.broadcast = Address(w);
        }
        else if (t == "mtu" || t == "txqueuelen" || t == "metric")
        {
            const Word& v = Value(w, "a number");
            Note(w, t + " " + v.text + " ignored (set it on the ns-3 device)");
        }
        else if (t == "arp" || t == "-arp" || t == "promisc" || t == "-promisc" ||
                 t == "allmulti" || t == "-allmulti" || t == "multicast")
        {
            Note(w, t + " ignored (link-layer flags are set on the ns-3 device)");
        }
        else if (t == "pointopoint" || t == "dstaddr" || t == "hw" || t == "add" || t == "del" ||
                 t == "tunnel" || t == "media" || t == "io_addr" || t == "irq" || t == "mem_start")
        {
            Unsupported(w, "ifconfig sets address, netmask, broadcast, up and down");
        }
        else if (!addressWord && (std::isdigit(static_cast<unsigned char>(t[0])) ||
                                  t.find(':') != std::string::npos))
        {
            addressWord = &w;
            CheckNotIpv6(w);
            const std::size_t slash = t.find('/');
            uint32_t a = 0;
            if (!ParseDottedQuad(t.substr(0, slash), a))
            {
                Fail(w, "expected an address (a.b.c.d) after the device, found " + Quote(t));
            }
            if (a == 0)
            {
                Fail(w, "0.0.0.0 is not a usable interface address");
            }
            if (slash != std::string::npos)
            {
                uint64_t l = 0;
                if (ParseUnsigned(t.substr(slash + 1), 32, l) != 0)
                {
                    Fail(w, "prefix length in " + Quote(t) + " is not 0..32");
                }
                ic.length = static_cast<uint8_t>(l);
                lengthGiven = true;
            }
            ic.hasAddress = true;
            ic.address = a;
        }
        else
        {
            Fail(w,
                 "unknown keyword " + Quote(t) +
                     " in ifconfig (expected an address, netmask, broadcast, up or down)");
        }
    }
    if (netmaskWord && !addressWord)
    {
        Fail(*netmaskWord, "netmask without an address (write ifconfig DEV ADDR netmask M)");
    }
    if (ic.hasAddress && !lengthGiven)
    {
        ic.length = ClassfulLength(ic.address);
        Note(*addressWord,
             "no netmask given: using the classful /" + std::to_string(ic.length) + " for " +
                 FormatAddress(ic.address));
    }
    if (ic.hasAddress && !ic.up)
    {
        ic.up = true; // ifconfig DEV ADDR brings the interface up
    }
    if (!ic.hasAddress && !ic.up && !ic.broadcast)
    {
        FailEnd("expected an address, up or down in ifconfig");
    }
    if (ic.broadcast && !ic.hasAddress)
    {
        FailEnd("broadcast without an address (write ifconfig DEV ADDR broadcast B)");
    }
    Emit(ConfigDialect::NET_TOOLS, ic, &ifc);
}

// ----- shapecfg -----

void
StatementParser::ParseShapecfg()
{
    if (AtEnd())
    {
        FailEnd("expected attach or speed after \"shapecfg\", found end of line");
    }
    const Word& cmd = Next();
    if (cmd.text == "attach")
    {
        ShaperAttachCommand a;
        const Word& s = Value(cmd, "a shaper device (e.g. shaper0)");
        a.shaper = DeviceRef{s.text, Loc(s)};
        const Word& m = Value(s, "the device to shape (e.g. eth1)");
        a.master = DeviceRef{m.text, Loc(m)};
        if (a.shaper.name == a.master.name)
        {
            Fail(m, "a shaper cannot shape itself");
        }
        ExpectEnd("shapecfg attach SHAPER DEVICE");
        Emit(ConfigDialect::SHAPECFG, a);
    }
    else if (cmd.text == "speed")
    {
        ShaperSpeedCommand sp;
        const Word& s = Value(cmd, "a shaper device (e.g. shaper0)");
        sp.shaper = DeviceRef{s.text, Loc(s)};
        sp.bitsPerSecond = Number(s, "a speed in bit/s", INT64_MAX);
        if (sp.bitsPerSecond == 0)
        {
            Fail(m_w[m_i - 1], "the speed must be above 0 bit/s");
        }
        ExpectEnd("shapecfg speed SHAPER BPS");
        Emit(ConfigDialect::SHAPECFG, sp);
    }
    else
    {
        Fail(cmd, "unknown shapecfg command " + Quote(cmd.text) + " (expected attach or speed)");
    }
}

// ----- sysctl and echo -----

void
StatementParser::Sysctl(const Word& at,
                        const Word& command,
                        const std::string& keyIn,
                        const std::string& value)
{
    std::string key = keyIn;
    std::replace(key.begin(), key.end(), '/', '.');
    auto fail = [&](const std::string& m) { Fail(at, m); };
    uint64_t v = 0;
    const bool numeric = ParseUnsigned(value, UINT32_MAX, v) == 0;
    SysctlCommand s;
    s.name = key;
    if (key == "net.ipv4.ip_forward" || key == "net.ipv4.conf.all.forwarding" ||
        key == "net.ipv4.conf.default.forwarding")
    {
        s.key = SysctlCommand::FORWARDING;
        s.defaultOnly = key == "net.ipv4.conf.default.forwarding";
    }
    else if (key.rfind("net.ipv4.conf.", 0) == 0 && key.size() > 25 &&
             key.compare(key.size() - 11, 11, ".forwarding") == 0)
    {
        s.key = SysctlCommand::FORWARDING;
        const std::string dev = key.substr(14, key.size() - 14 - 11);
        s.dev = DeviceRef{dev, Loc(at)};
    }
    else if (key == "net.ipv4.ip_fib_model")
    {
        s.key = SysctlCommand::FIB_MODEL;
        if (!numeric || v > 2)
        {
            fail("ip_fib_model is 0 (all routes in main), 1 (default routes in default) or 2 "
                 "(gateway routes in default), not " +
                 Quote(value));
        }
    }
    else if (key.rfind("net.ipv6.", 0) == 0)
    {
        fail("sysctl " + key + " is not supported by the model (IPv4 only)");
    }
    else if (key.rfind("net.ipv4.", 0) == 0 && IgnoredSysctl(key))
    {
        Note(at, "sysctl " + key + " ignored (not modelled; it does not change routing here)");
        return;
    }
    else
    {
        fail("sysctl " + key +
             " is not supported by the model (it has net.ipv4.ip_forward, "
             "net.ipv4.conf.{all,default,DEV}.forwarding and net.ipv4.ip_fib_model)");
    }
    if (s.key == SysctlCommand::FORWARDING && (!numeric || v > 1))
    {
        fail(key + " is 0 or 1, not " + Quote(value));
    }
    s.value = static_cast<uint32_t>(v);
    Emit(ConfigDialect::SYSCTL, s, &command);
}

void
StatementParser::ParseSysctl()
{
    bool any = false;
    while (!AtEnd())
    {
        const Word& w = Next();
        if (w.text == "-w" || w.text == "-q" || w.text == "-e" || w.text == "--write" ||
            w.text == "--quiet")
        {
            continue;
        }
        if (w.text[0] == '-')
        {
            Unsupported(w, "sysctl -w KEY=VALUE only");
        }
        const std::size_t eq = w.text.find('=');
        if (eq == std::string::npos || eq == 0)
        {
            Fail(w,
                 "expected KEY=VALUE after \"sysctl\", found " + Quote(w.text) +
                     " (reading settings is not supported)");
        }
        Sysctl(w, w, w.text.substr(0, eq), w.text.substr(eq + 1));
        any = true;
    }
    if (!any)
    {
        FailEnd("expected KEY=VALUE after \"sysctl\", found end of line");
    }
}

void
StatementParser::DefineTables(const Word& at, const std::string& content)
{
    std::istringstream is(content);
    std::string idText;
    std::string name;
    std::string extra;
    if (!(is >> idText >> name) || (is >> extra))
    {
        Fail(at, "expected \"ID NAME\" for /etc/iproute2/rt_tables, found " + Quote(content));
    }
    uint64_t id = 0;
    if (ParseUnsigned(idText, UINT32_MAX, id) != 0)
    {
        Fail(at, "table id " + Quote(idText) + " is not a number 0..4294967295");
    }
    uint64_t dummy = 0;
    if (ParseUnsigned(name, UINT64_MAX, dummy) == 0 ||
        !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_'))
    {
        Fail(at, "table name " + Quote(name) + " must start with a letter");
    }
    if (name == "all")
    {
        Fail(at, "table name \"all\" is reserved");
    }
    auto it = m_tables.find(name);
    if (it != m_tables.end() && it->second != id)
    {
        Fail(at,
             "table name " + Quote(name) + " already names table " + std::to_string(it->second));
    }
    m_tables[name] = static_cast<uint32_t>(id);
}

void
StatementParser::ParseEcho()
{
    const Word& echo = m_w[m_i - 1];
    std::vector<const Word*> words;
    const Word* redirect = nullptr;
    std::string target;
    while (!AtEnd())
    {
        const Word& w = Next();
        if (w.text == ">" || w.text == ">>")
        {
            redirect = &w;
            target = Value(w, "a file").text;
            ExpectEnd("echo ... > FILE");
            break;
        }
        if ((w.text.rfind(">>", 0) == 0 && w.text.size() > 2) ||
            (w.text.rfind('>', 0) == 0 && w.text.size() > 1))
        {
            redirect = &w;
            target = w.text.substr(w.text[1] == '>' ? 2 : 1);
            ExpectEnd("echo ... > FILE");
            break;
        }
        if (words.empty() && (w.text == "-n" || w.text == "-e"))
        {
            continue;
        }
        words.push_back(&w);
    }
    std::string value;
    for (const Word* w : words)
    {
        value += (value.empty() ? "" : " ") + w->text;
    }
    if (!redirect)
    {
        EchoCommand e;
        e.text = value;
        Emit(ConfigDialect::SYSCTL, e, &echo);
        return;
    }
    if (target.rfind("/proc/sys/", 0) == 0)
    {
        if (words.size() != 1)
        {
            Fail(words.empty() ? *redirect : *words[1], "expected one value to write to " + target);
        }
        Sysctl(*words[0], echo, target.substr(10), value);
    }
    else if (target.rfind("/etc/iproute2/rt_tables", 0) == 0)
    {
        DefineTables(words.empty() ? *redirect : *words[0], value);
    }
    else
    {
        Fail(*redirect,
             "writing to " + Quote(target) +
                 " is not supported (only /proc/sys/net/ipv4/... and /etc/iproute2/rt_tables)");
    }
}

} // namespace

// ----- PolicyConfigParser -----

PolicyConfigParser::PolicyConfigParser()
{
    m_tables = {{"unspec", CLASS_UNSPEC},
                {"default", CLASS_DEFAULT},
                {"main", CLASS_MAIN},
                {"local", CLASS_LOCAL}};
}

bool
PolicyConfigParser::DefineTable(const std::string& name, uint32_t id)
{
    uint64_t dummy = 0;
    if (name.empty() || name == "all" || ParseUnsigned(name, UINT64_MAX, dummy) == 0 ||
        !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_') ||
        name.find_first_of(" \t/") != std::string::npos)
    {
        return false;
    }
    auto it = m_tables.find(name);
    if (it != m_tables.end() && it->second != id)
    {
        return false;
    }
    m_tables[name] = id;
    return true;
}

ParsedConfig
PolicyConfigParser::Parse(const std::string& text, const std::string& file) const
{
    ParsedConfig result;
    result.file = file;
    std::vector<Statement> statements;
    Lex(text, file, statements, result.errors);
    std::map<std::string, uint32_t> tables = m_tables;
    std::vector<ConfigCommand> commands;
    for (const Statement& s : statements)
    {
        if (m_maxErrors && result.errors.size() >= m_maxErrors)
        {
            break;
        }
        std::vector<ConfigCommand> out;
        std::vector<ConfigNote> notes;
        try
        {
            StatementParser p(s, file, tables, notes, out);
            p.Run();
            commands.insert(commands.end(), out.begin(), out.end());
            result.notes.insert(result.notes.end(), notes.begin(), notes.end());
        }
        catch (const ParseFailure& f)
        {
            result.errors.push_back({f.where.file, f.where.line, f.where.column, f.message});
        }
    }
    // The same note on many lines (a pasted table with "proto bgp" on every route): keep
    // the first and say how often it came.
    std::map<std::string, std::pair<std::size_t, std::size_t>> seen; // message -> (index, n)
    std::vector<ConfigNote> unique;
    for (const ConfigNote& n : result.notes)
    {
        auto [it, fresh] = seen.emplace(n.message, std::make_pair(unique.size(), 0));
        if (fresh)
        {
            unique.push_back(n);
        }
        it->second.second++;
    }
    for (const auto& [message, where] : seen)
    {
        if (where.second > 1)
        {
            unique[where.first].message += " (and " + std::to_string(where.second - 1) +
                                           (where.second == 2 ? " more time)" : " more times)");
        }
    }
    result.notes = std::move(unique);
    // Lexical errors come first from Lex(); put everything in text order.
    std::stable_sort(result.errors.begin(),
                     result.errors.end(),
                     [](const ConfigError& a, const ConfigError& b) {
                         return a.line != b.line ? a.line < b.line : a.column < b.column;
                     });
    if (m_maxErrors && result.errors.size() > m_maxErrors)
    {
        result.errors.resize(m_maxErrors);
    }
    if (result.errors.empty())
    {
        result.commands = std::move(commands);
    }
    return result;
}

ParsedConfig
PolicyConfigParser::ParseFile(const std::string& path) const
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
    {
        ParsedConfig result;
        result.file = path;
        result.errors.push_back({path, 0, 0, "cannot read the file"});
        return result;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    return Parse(ss.str(), path);
}

} // namespace ns3
