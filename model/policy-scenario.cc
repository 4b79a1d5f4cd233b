/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The scenario parser of policy-sim. See doc/scenario-format.md.
 */

#include "policy-scenario.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace ns3
{

const char*
ScenarioFlowKindName(ScenarioFlowKind k)
{
    switch (k)
    {
    case ScenarioFlowKind::PING:
        return "ping";
    case ScenarioFlowKind::UDP:
        return "udp";
    case ScenarioFlowKind::TCP:
        return "tcp";
    }
    return "?";
}

const ScenarioNode*
Scenario::FindNode(const std::string& n) const
{
    for (const ScenarioNode& node : nodes)
    {
        if (node.name == n)
        {
            return &node;
        }
    }
    return nullptr;
}

int
Scenario::FindFlow(const std::string& n) const
{
    for (std::size_t i = 0; i < flows.size(); ++i)
    {
        if (flows[i].name == n)
        {
            return static_cast<int>(i);
        }
    }
    return -1;
}

bool
Scenario::WritesCsv(const std::string& n) const
{
    return std::find(csv.begin(), csv.end(), n) != csv.end();
}

std::string
ParsedScenario::ErrorText() const
{
    std::string s;
    for (const ConfigError& e : errors)
    {
        s += e.ToString() + "\n";
    }
    return s;
}

const std::vector<std::string>&
ScenarioParser::CsvNames()
{
    static const std::vector<std::string> names =
        {"flows", "throughput", "devices", "paths", "events", "rtt"};
    return names;
}

namespace
{

/// A word of a scenario line, with its position.
struct Word
{
    std::string text;      //!< the word, quotes removed
    uint32_t line{0};      //!< line of its first character
    uint32_t column{0};    //!< column of its first character
    uint32_t endLine{0};   //!< line of its last character
    uint32_t endColumn{0}; //!< column just after its last character
};

/// A logical line: its words and the physical lines it spans.
struct Statement
{
    std::vector<Word> words; //!< the words
    std::size_t first{0};    //!< index of its first physical line
    std::size_t last{0};     //!< index of its last physical line
};

/// Words that cannot name a node (they are keywords where node names appear).
const std::set<std::string>&
ReservedWords()
{
    static const std::set<std::string> words = {"rate",
                                                "delay",
                                                "queue",
                                                "mtu",
                                                "at",
                                                "include",
                                                "end",
                                                "all",
                                                "style",
                                                "snaplen",
                                                "master",
                                                "speed"};
    return words;
}

bool
IsBlank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/// \return true if \p s is a name: a letter or _, then letters, digits, _ . -
bool
IsName(const std::string& s)
{
    if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_'))
    {
        return false;
    }
    for (char c : s)
    {
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-'))
        {
            return false;
        }
    }
    return true;
}

std::string
Quote(const std::string& s)
{
    return "\"" + s + "\"";
}

/// Parse a decimal unsigned integer no larger than \p max.
bool
ParseUnsigned(const std::string& s, uint64_t max, uint64_t& out)
{
    if (s.empty() || s.size() > 20)
    {
        return false;
    }
    uint64_t v = 0;
    for (char c : s)
    {
        if (c < '0' || c > '9')
        {
            return false;
        }
        const uint64_t d = static_cast<uint64_t>(c - '0');
        if (v > (max - d) / 10)
        {
            return false;
        }
        v = v * 10 + d;
    }
    out = v;
    return true;
}

/**
 * Parse a decimal number with an optional fraction ("12", "0.25") scaled by \p scale into an
 * exact integer (e.g. "0.25" with scale 1000 is 250).
 * \return false if not a number, if the scaled value is not an integer, or on overflow
 */
bool
ParseScaled(const std::string& s, uint64_t scale, uint64_t& out)
{
    const std::size_t dot = s.find('.');
    const std::string whole = s.substr(0, dot);
    const std::string frac = dot == std::string::npos ? "" : s.substr(dot + 1);
    if (whole.empty() && frac.empty())
    {
        return false;
    }
    uint64_t w = 0;
    if (!whole.empty() && !ParseUnsigned(whole, UINT64_MAX, w))
    {
        return false;
    }
    if (dot != std::string::npos && frac.empty())
    {
        return false;
    }
    if (w != 0 && w > UINT64_MAX / scale)
    {
        return false;
    }
    uint64_t v = w * scale;
    uint64_t unit = scale;
    for (char c : frac)
    {
        if (c < '0' || c > '9')
        {
            return false;
        }
        if (c != '0' && unit < 10)
        {
            return false; // finer than the scale allows
        }
        unit /= 10;
        v += static_cast<uint64_t>(c - '0') * unit;
    }
    out = v;
    return true;
}

/// Split "12.5ms" into "12.5" and "ms".
std::pair<std::string, std::string>
SplitUnit(const std::string& s)
{
    std::size_t i = 0;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.'))
    {
        ++i;
    }
    return {s.substr(0, i), s.substr(i)};
}

/// Parse a time: NUMBER[s|ms|us|ns|min] (no unit: seconds).
bool
ParseTime(const std::string& s, ScenarioTime& out)
{
    const auto [number, unit] = SplitUnit(s);
    static const std::map<std::string, uint64_t> units = {{"", 1000000000},
                                                          {"s", 1000000000},
                                                          {"ms", 1000000},
                                                          {"us", 1000},
                                                          {"ns", 1},
                                                          {"min", 60000000000}};
    const auto u = units.find(unit);
    uint64_t v = 0;
    if (u == units.end() || !ParseScaled(number, u->second, v) || v > uint64_t(INT64_MAX))
    {
        return false;
    }
    out = static_cast<ScenarioTime>(v);
    return true;
}

/// Parse a rate: NUMBER(bps|kbps|Mbps|Gbps|b/s|kb/s|Mb/s|Gb/s|bit/s|kbit/s|Mbit/s|Gbit/s).
bool
ParseRate(const std::string& s, uint64_t& out)
{
    const auto [number, unit] = SplitUnit(s);
    static const std::map<std::string, uint64_t> units = {{"bps", 1},
                                                          {"b/s", 1},
                                                          {"bit/s", 1},
                                                          {"kbps", 1000},
                                                          {"kb/s", 1000},
                                                          {"kbit/s", 1000},
                                                          {"Mbps", 1000000},
                                                          {"Mb/s", 1000000},
                                                          {"Mbit/s", 1000000},
                                                          {"Gbps", 1000000000},
                                                          {"Gb/s", 1000000000},
                                                          {"Gbit/s", 1000000000}};
    const auto u = units.find(unit);
    return u != units.end() && ParseScaled(number, u->second, out) && out > 0;
}

/// Parse a byte count: NUMBER[B|kB|KB|MB|GB|KiB|MiB|GiB].
bool
ParseBytes(const std::string& s, uint64_t& out)
{
    const auto [number, unit] = SplitUnit(s);
    static const std::map<std::string, uint64_t> units = {{"", 1},
                                                          {"B", 1},
                                                          {"kB", 1000},
                                                          {"KB", 1000},
                                                          {"MB", 1000000},
                                                          {"GB", 1000000000},
                                                          {"KiB", 1024},
                                                          {"MiB", 1048576},
                                                          {"GiB", 1073741824}};
    const auto u = units.find(unit);
    return u != units.end() && ParseScaled(number, u->second, out);
}

/// Parse a dotted quad.
bool
ParseAddress(const std::string& s, uint32_t& out)
{
    uint32_t a = 0;
    std::size_t pos = 0;
    for (int k = 0; k < 4; ++k)
    {
        const std::size_t end = k < 3 ? s.find('.', pos) : s.size();
        if (end == std::string::npos)
        {
            return false;
        }
        uint64_t octet = 0;
        if (end - pos > 3 || !ParseUnsigned(s.substr(pos, end - pos), 255, octet))
        {
            return false;
        }
        a = (a << 8) | static_cast<uint32_t>(octet);
        pos = end + 1;
    }
    out = a;
    return true;
}

/// Parse "a.b.c.d/len" (host bits allowed: an interface address).
bool
ParseAddressLength(const std::string& s, uint32_t& address, uint8_t& length)
{
    const std::size_t slash = s.find('/');
    uint64_t len = 0;
    if (slash == std::string::npos || !ParseAddress(s.substr(0, slash), address) ||
        !ParseUnsigned(s.substr(slash + 1), 32, len))
    {
        return false;
    }
    length = static_cast<uint8_t>(len);
    return true;
}

/// \return true if \p s looks like an address (digits and dots, possibly /len or :port)
bool
LooksLikeAddress(const std::string& s)
{
    return !s.empty() && std::isdigit(static_cast<unsigned char>(s[0])) &&
           s.find('.') != std::string::npos;
}

/// Parse a TOS as iproute2 reads it: hexadecimal (with or without 0x) or a name.
bool
ParseTos(const std::string& s, uint8_t& out)
{
    static const std::map<std::string, uint8_t> names = {{"default", 0x00},
                                                         {"lowdelay", 0x10},
                                                         {"throughput", 0x08},
                                                         {"reliability", 0x04},
                                                         {"mincost", 0x02}};
    const auto n = names.find(s);
    if (n != names.end())
    {
        out = n->second;
        return true;
    }
    std::string h = s;
    if (h.size() > 2 && h[0] == '0' && (h[1] == 'x' || h[1] == 'X'))
    {
        h = h.substr(2);
    }
    if (h.empty() || h.size() > 2)
    {
        return false;
    }
    uint32_t v = 0;
    for (char c : h)
    {
        if (!std::isxdigit(static_cast<unsigned char>(c)))
        {
            return false;
        }
        v = v * 16 +
            static_cast<uint32_t>(std::isdigit(static_cast<unsigned char>(c))
                                      ? c - '0'
                                      : std::tolower(static_cast<unsigned char>(c)) - 'a' + 10);
    }
    out = static_cast<uint8_t>(v);
    return true;
}

std::string
TimeText(ScenarioTime t)
{
    std::ostringstream os;
    if (t % SCENARIO_SECOND == 0)
    {
        os << t / SCENARIO_SECOND << "s";
    }
    else if (t % 1000000 == 0)
    {
        os << t / 1000000 << "ms";
    }
    else if (t % 1000 == 0)
    {
        os << t / 1000 << "us";
    }
    else
    {
        os << t << "ns";
    }
    return os.str();
}

/// A node option: its keyword, the attribute it sets, and the values it takes.
struct NodeOption
{
    const char* keyword;             //!< as written in the scenario
    const char* attribute;           //!< the Ipv4PolicyRouting attribute
    std::vector<const char*> values; //!< accepted values (empty: on/off)
};

const std::vector<NodeOption>&
NodeOptions()
{
    static const std::vector<NodeOption> options = {
        {"rule-style", "RuleStyle", {"Linux21", "Modern"}},
        {"lookup", "LookupAlgorithm", {"Linux", "Rfc1812", "Rfc1812Variant", "Rfc1812Classic"}},
        {"fib-model", "FibModel", {"Standard", "DefaultRoutes", "Rfc1812"}},
        {"down-policy", "InterfaceDownPolicy", {"Flush", "Park"}},
        {"listing", "ListingStyle", {"Seed", "Modern", "Both"}},
        {"local-route-policy", "LocalRoutePolicy", {}},
        {"icmp-errors", "SendIcmpErrors", {}},
        {"prohibited-icmp", "SendProhibitedIcmp", {}},
    };
    return options;
}

std::string
Join(const std::vector<const char*>& v, const char* sep)
{
    std::string s;
    for (const char* x : v)
    {
        s += (s.empty() ? "" : sep) + std::string(x);
    }
    return s;
}

/// The parser of one scenario text.
class TextParser
{
  public:
    TextParser(const std::string& text,
               const std::string& file,
               const std::string& directory,
               ParsedScenario& out)
        : m_file(file),
          m_directory(directory),
          m_out(out),
          m_s(out.scenario)
    {
        std::string line;
        std::istringstream in(text);
        while (std::getline(in, line))
        {
            m_lines.push_back(line);
        }
        m_s.file = file;
        m_s.csv = ScenarioParser::CsvNames();
    }

    void Run();

  private:
    // ----- lexical level -----
    Statement Lex(std::size_t& index);
    bool IsBlockEnd(const std::string& line) const;

    // ----- messages -----
    void Error(uint32_t line, uint32_t column, const std::string& message);
    void Error(const Word& w, const std::string& message);
    void Error(const ConfigLocation& at, const std::string& message);
    /// Error just after the last word of the statement: something is missing.
    void Missing(const std::string& message);
    ConfigLocation Where(const Word& w) const;

    // ----- values -----
    const Word* Value(std::size_t& i, const std::string& what);
    bool Time(std::size_t& i, const std::string& what, ScenarioTime& out);
    bool Unsigned(std::size_t& i, const std::string& what, uint64_t max, uint64_t& out);
    bool OnOff(std::size_t& i, const std::string& what, bool& out);
    bool NodeName(const Word& w);
    bool NodeRef(const Word& w, std::vector<std::pair<std::string, ConfigLocation>>& refs);

    // ----- directives -----
    void Statement1(const Statement& st, std::size_t& index);
    void ParseNode();
    void ParseLink();
    void ParseShaper();
    void ParseConfig(const Statement& st, std::size_t& index);
    void ParseFlow();
    void ParseRecord();
    void ParseDump();
    void ParseDefault();
    void ParseTable();
    void TakeConfig(ScenarioConfig config, ParsedConfig parsed);

    // ----- after the text -----
    void Finish();

    std::string m_file;
    std::string m_directory;
    ParsedScenario& m_out;
    Scenario& m_s;
    std::vector<std::string> m_lines;
    std::vector<Word> m_words; //!< the words of the statement being parsed
    PolicyConfigParser m_config;
    /// node references to check once every node is declared: name -> where
    std::vector<std::pair<std::string, ConfigLocation>> m_nodeRefs;
    std::map<std::string, uint32_t> m_nextEth;                              //!< next ethN per node
    std::map<std::string, std::map<std::string, ConfigLocation>> m_devices; //!< per node
    std::vector<std::pair<ScenarioTime, ConfigLocation>> m_times;           //!< times to check
    std::vector<ConfigLocation> m_flowPorts; //!< where each flow's port is (or its line)
    bool m_pcapSeen{false};
    /// per error of an included file, in order: where its include directive is
    std::vector<std::pair<uint32_t, uint32_t>> m_includeErrors;
};

Statement
TextParser::Lex(std::size_t& index)
{
    Statement st;
    st.first = index;
    bool inWord = false;
    bool quoted = false;
    Word w;
    while (index < m_lines.size())
    {
        const std::string& line = m_lines[index];
        const uint32_t lineNo = static_cast<uint32_t>(index + 1);
        bool continued = false;
        for (std::size_t i = 0; i < line.size(); ++i)
        {
            const char c = line[i];
            const uint32_t col = static_cast<uint32_t>(i + 1);
            if (quoted)
            {
                if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    w.text += c;
                }
                w.endLine = lineNo;
                w.endColumn = col + 1;
                continue;
            }
            if (IsBlank(c))
            {
                if (inWord)
                {
                    st.words.push_back(w);
                    inWord = false;
                }
                continue;
            }
            if (c == '#' && !inWord)
            {
                break; // a comment
            }
            if (c == '\\')
            {
                // a line continuation if only blanks or a comment follow
                std::size_t j = i + 1;
                while (j < line.size() && IsBlank(line[j]))
                {
                    ++j;
                }
                if (j == line.size() || line[j] == '#')
                {
                    continued = true;
                    break;
                }
            }
            if (!inWord)
            {
                w = Word();
                w.line = lineNo;
                w.column = col;
                inWord = true;
            }
            if (c == '"')
            {
                quoted = true;
            }
            else
            {
                w.text += c;
            }
            w.endLine = lineNo;
            w.endColumn = col + 1;
        }
        if (inWord && !quoted)
        {
            st.words.push_back(w);
            inWord = false;
        }
        st.last = index;
        ++index;
        if (quoted)
        {
            Error(w.line, w.column, "unterminated quote");
            quoted = false;
            st.words.push_back(w);
            inWord = false;
            break;
        }
        if (!continued)
        {
            break;
        }
    }
    return st;
}

bool
TextParser::IsBlockEnd(const std::string& line) const
{
    std::istringstream in(line);
    std::string first;
    std::string second;
    in >> first;
    if (first != "end")
    {
        return false;
    }
    return !(in >> second) || second[0] == '#';
}

void
TextParser::Error(uint32_t line, uint32_t column, const std::string& message)
{
    m_out.errors.push_back(ConfigError{m_file, line, column, message});
}

void
TextParser::Error(const Word& w, const std::string& message)
{
    Error(w.line, w.column, message);
}

void
TextParser::Error(const ConfigLocation& at, const std::string& message)
{
    m_out.errors.push_back(ConfigError{at.file, at.line, at.column, message});
}

void
TextParser::Missing(const std::string& message)
{
    const Word& last = m_words.back();
    Error(last.endLine, last.endColumn, message);
}

ConfigLocation
TextParser::Where(const Word& w) const
{
    return ConfigLocation{m_file, w.line, w.column};
}

const Word*
TextParser::Value(std::size_t& i, const std::string& what)
{
    if (i + 1 >= m_words.size())
    {
        Missing("expected " + what + " after " + Quote(m_words[i].text));
        return nullptr;
    }
    ++i;
    return &m_words[i];
}

bool
TextParser::Time(std::size_t& i, const std::string& what, ScenarioTime& out)
{
    const std::string kw = m_words[i].text;
    const Word* w = Value(i, what + " (e.g. 20s, 250ms)");
    if (!w)
    {
        return false;
    }
    if (!ParseTime(w->text, out))
    {
        Error(*w,
              "expected " + what + " (e.g. 20s, 250ms) after " + Quote(kw) + ", found " +
                  Quote(w->text));
        return false;
    }
    return true;
}

bool
TextParser::Unsigned(std::size_t& i, const std::string& what, uint64_t max, uint64_t& out)
{
    const std::string kw = m_words[i].text;
    const Word* w = Value(i, what);
    if (!w)
    {
        return false;
    }
    if (!ParseUnsigned(w->text, max, out))
    {
        Error(*w,
              "expected " + what + " (0.." + std::to_string(max) + ") after " + Quote(kw) +
                  ", found " + Quote(w->text));
        return false;
    }
    return true;
}

bool
TextParser::OnOff(std::size_t& i, const std::string& what, bool& out)
{
    const std::string kw = m_words[i].text;
    const Word* w = Value(i, "on or off");
    if (!w)
    {
        return false;
    }
    if (w->text == "on" || w->text == "yes" || w->text == "true" || w->text == "1")
    {
        out = true;
        return true;
    }
    if (w->text == "off" || w->text == "no" || w->text == "false" || w->text == "0")
    {
        out = false;
        return true;
    }
    Error(*w, "expected on or off after " + Quote(kw) + ", found " + Quote(w->text));
    return false;
}

bool
TextParser::NodeName(const Word& w)
{
    if (!IsName(w.text))
    {
        Error(w,
              Quote(w.text) +
                  " is not a node name (a letter or _, then letters, digits, _, . or -)");
        return false;
    }
    if (ReservedWords().count(w.text))
    {
        Error(w, Quote(w.text) + " is a keyword of the scenario format and cannot name a node");
        return false;
    }
    return true;
}

void
TextParser::Run()
{
    std::size_t index = 0;
    while (index < m_lines.size())
    {
        const Statement st = Lex(index);
        if (st.words.empty())
        {
            continue;
        }
        Statement1(st, index);
    }
    Finish();
}

void
TextParser::Statement1(const Statement& st, std::size_t& index)
{
    m_words = st.words;
    const Word& d = m_words[0];
    const std::string& k = d.text;
    std::size_t i = 0;
    auto extra = [this](std::size_t next) {
        if (next < m_words.size())
        {
            Error(m_words[next],
                  "unexpected " + Quote(m_words[next].text) + " after " +
                      Quote(m_words[next - 1].text));
        }
    };
    if (k == "scenario")
    {
        const Word* w = Value(i, "a name");
        if (w)
        {
            if (!IsName(w->text))
            {
                Error(*w, Quote(w->text) + " is not a name (letters, digits, _, . or -)");
            }
            m_s.name = w->text;
            extra(i + 1);
        }
    }
    else if (k == "duration")
    {
        ScenarioTime t = 0;
        if (Time(i, "a time", t))
        {
            if (t <= 0)
            {
                Error(m_words[i], "the duration must be above 0");
            }
            m_s.duration = t;
            extra(i + 1);
        }
    }
    else if (k == "seed")
    {
        uint64_t v = 0;
        if (Unsigned(i, "a seed", UINT32_MAX, v))
        {
            if (v == 0)
            {
                Error(m_words[i], "the seed must be above 0 (ns-3 RngSeedManager)");
            }
            m_s.seed = static_cast<uint32_t>(v);
            extra(i + 1);
        }
    }
    else if (k == "run")
    {
        uint64_t v = 0;
        if (Unsigned(i, "a run number", UINT64_MAX, v))
        {
            m_s.run = v;
            extra(i + 1);
        }
    }
    else if (k == "output")
    {
        const Word* w = Value(i, "a directory");
        if (w)
        {
            m_s.output = w->text;
            extra(i + 1);
        }
    }
    else if (k == "bin")
    {
        ScenarioTime t = 0;
        if (Time(i, "a time", t))
        {
            if (t <= 0)
            {
                Error(m_words[i], "the bin width must be above 0");
            }
            m_s.bin = t;
            extra(i + 1);
        }
    }
    else if (k == "progress")
    {
        ScenarioTime t = 0;
        if (Time(i, "a time", t))
        {
            m_s.progress = t;
            extra(i + 1);
        }
    }
    else if (k == "checksum")
    {
        bool on = false;
        if (OnOff(i, "on or off", on))
        {
            m_s.checksum = on;
            extra(i + 1);
        }
    }
    else if (k == "rule-style")
    {
        const Word* w = Value(i, "Linux21 or Modern");
        if (w)
        {
            if (w->text != "Linux21" && w->text != "Modern")
            {
                Error(*w,
                      "expected Linux21 or Modern after \"rule-style\", found " + Quote(w->text));
            }
            m_s.ruleStyle = w->text;
            extra(i + 1);
        }
    }
    else if (k == "table")
    {
        ParseTable();
    }
    else if (k == "default")
    {
        ParseDefault();
    }
    else if (k == "node")
    {
        ParseNode();
    }
    else if (k == "link")
    {
        ParseLink();
    }
    else if (k == "shaper")
    {
        ParseShaper();
    }
    else if (k == "config")
    {
        ParseConfig(st, index);
    }
    else if (k == "ping" || k == "udp" || k == "tcp")
    {
        ParseFlow();
    }
    else if (k == "record")
    {
        ParseRecord();
    }
    else if (k == "dump")
    {
        ParseDump();
    }
    else if (k == "end")
    {
        Error(d, "\"end\" without a \"config\" block");
    }
    else
    {
        Error(d,
              "unknown directive " + Quote(k) +
                  " (expected scenario, duration, seed, run, output, bin, progress, checksum, "
                  "rule-style, table, default, node, link, shaper, config, ping, udp, tcp, "
                  "record or dump)");
    }
}

void
TextParser::ParseTable()
{
    std::size_t i = 0;
    uint64_t id = 0;
    if (!Unsigned(i, "a table id", UINT32_MAX, id))
    {
        return;
    }
    const Word* name = Value(i, "a table name");
    if (!name)
    {
        return;
    }
    if (!m_config.DefineTable(name->text, static_cast<uint32_t>(id)))
    {
        Error(*name,
              Quote(name->text) + " cannot name table " + std::to_string(id) +
                  " (a number, a predefined name, or a name given to another table)");
        return;
    }
    m_s.tables.emplace_back(static_cast<uint32_t>(id), name->text);
    if (i + 1 < m_words.size())
    {
        Error(m_words[i + 1], "unexpected " + Quote(m_words[i + 1].text));
    }
}

void
TextParser::ParseDefault()
{
    std::size_t i = 0;
    const Word* name = Value(i, "an attribute (e.g. ns3::TcpSocket::SegmentSize)");
    if (!name)
    {
        return;
    }
    if (name->text.rfind("ns3::", 0) != 0 || name->text.find("::", 5) == std::string::npos)
    {
        Error(*name,
              "expected an attribute as ns3::Type::Attribute after \"default\", found " +
                  Quote(name->text));
        return;
    }
    const Word* value = Value(i, "a value");
    if (!value)
    {
        return;
    }
    m_s.defaults.push_back(ScenarioAttribute{name->text, value->text, Where(*name)});
    if (i + 1 < m_words.size())
    {
        Error(m_words[i + 1], "unexpected " + Quote(m_words[i + 1].text));
    }
}

void
TextParser::ParseNode()
{
    std::vector<ScenarioNode> declared;
    std::size_t i = 1;
    for (; i < m_words.size(); ++i)
    {
        const Word& w = m_words[i];
        bool option = w.text == "attr";
        for (const NodeOption& o : NodeOptions())
        {
            option = option || w.text == o.keyword;
        }
        if (option)
        {
            break;
        }
        if (!NodeName(w))
        {
            return;
        }
        if (m_s.FindNode(w.text))
        {
            Error(w, "node " + Quote(w.text) + " is declared twice");
            return;
        }
        for (const ScenarioNode& n : declared)
        {
            if (n.name == w.text)
            {
                Error(w, "node " + Quote(w.text) + " is declared twice");
                return;
            }
        }
        declared.push_back(ScenarioNode{w.text, Where(w), {}});
    }
    if (declared.empty())
    {
        if (i < m_words.size())
        {
            Error(m_words[i], "expected a node name before " + Quote(m_words[i].text));
        }
        else
        {
            Missing("expected a node name after \"node\"");
        }
        return;
    }
    std::vector<ScenarioAttribute> attributes;
    for (; i < m_words.size(); ++i)
    {
        const Word& kw = m_words[i];
        if (kw.text == "attr")
        {
            const Word* name = Value(i, "an Ipv4PolicyRouting attribute name");
            if (!name)
            {
                return;
            }
            const Word* value = Value(i, "a value");
            if (!value)
            {
                return;
            }
            attributes.push_back(ScenarioAttribute{name->text, value->text, Where(*name)});
            continue;
        }
        const NodeOption* option = nullptr;
        for (const NodeOption& o : NodeOptions())
        {
            if (kw.text == o.keyword)
            {
                option = &o;
            }
        }
        if (!option)
        {
            std::vector<const char*> names;
            for (const NodeOption& o : NodeOptions())
            {
                names.push_back(o.keyword);
            }
            names.push_back("attr");
            Error(kw,
                  "unknown node option " + Quote(kw.text) + " (expected " + Join(names, ", ") +
                      ")");
            return;
        }
        if (option->values.empty())
        {
            bool on = false;
            if (!OnOff(i, "on or off", on))
            {
                return;
            }
            attributes.push_back(
                ScenarioAttribute{option->attribute, on ? "true" : "false", Where(m_words[i])});
            continue;
        }
        const Word* value = Value(i, Join(option->values, ", "));
        if (!value)
        {
            return;
        }
        bool known = false;
        for (const char* v : option->values)
        {
            known = known || value->text == v;
        }
        if (!known)
        {
            Error(*value,
                  "expected " + Join(option->values, ", ") + " after " + Quote(kw.text) +
                      ", found " + Quote(value->text));
            return;
        }
        attributes.push_back(ScenarioAttribute{option->attribute, value->text, Where(*value)});
    }
    for (ScenarioNode& n : declared)
    {
        n.attributes = attributes;
        m_s.nodes.push_back(n);
    }
}

void
TextParser::ParseLink()
{
    ScenarioLink link;
    link.where = Where(m_words[0]);
    std::size_t i = 0;
    const Word* type = Value(i, "p2p or csma");
    if (!type)
    {
        return;
    }
    if (type->text == "p2p" || type->text == "point-to-point")
    {
        link.type = ScenarioLinkType::POINT_TO_POINT;
    }
    else if (type->text == "csma" || type->text == "ethernet")
    {
        link.type = ScenarioLinkType::CSMA;
    }
    else
    {
        Error(*type, "expected p2p or csma after \"link\", found " + Quote(type->text));
        return;
    }
    bool rateSeen = false;
    bool delaySeen = false;
    for (++i; i < m_words.size(); ++i)
    {
        const Word& w = m_words[i];
        if (w.text == "rate")
        {
            const Word* v = Value(i, "a rate (e.g. 10Mbps)");
            if (!v)
            {
                return;
            }
            if (!ParseRate(v->text, link.rate))
            {
                Error(*v,
                      "expected a rate (e.g. 10Mbps, 256kbps, 1.5Mbit/s) after \"rate\", found " +
                          Quote(v->text));
                return;
            }
            rateSeen = true;
        }
        else if (w.text == "delay")
        {
            if (!Time(i, "a time", link.delay))
            {
                return;
            }
            delaySeen = true;
        }
        else if (w.text == "queue")
        {
            const Word* v = Value(i, "a queue length in packets (e.g. 100p)");
            if (!v)
            {
                return;
            }
            std::string n = v->text;
            if (!n.empty() && n.back() == 'p')
            {
                n.pop_back();
            }
            uint64_t q = 0;
            if (!ParseUnsigned(n, 1000000, q) || q == 0)
            {
                Error(*v,
                      "expected a queue length in packets (e.g. 100p) after \"queue\", found " +
                          Quote(v->text));
                return;
            }
            link.queue = static_cast<uint32_t>(q);
        }
        else if (w.text == "mtu")
        {
            uint64_t mtu = 0;
            if (!Unsigned(i, "an MTU in bytes", 65535, mtu))
            {
                return;
            }
            if (mtu < 68)
            {
                Error(m_words[i], "an IPv4 MTU is at least 68 bytes");
                return;
            }
            link.mtu = static_cast<uint32_t>(mtu);
        }
        else if (LooksLikeAddress(w.text))
        {
            if (link.endpoints.empty())
            {
                Error(w, "an address must follow a NODE[:DEVICE] endpoint");
                return;
            }
            ScenarioEndpoint& e = link.endpoints.back();
            if (e.hasAddress)
            {
                Error(w, "endpoint " + e.node + ":" + e.device + " has an address already");
                return;
            }
            if (!ParseAddressLength(w.text, e.address, e.length))
            {
                Error(w, "expected an address as a.b.c.d/len, found " + Quote(w.text));
                return;
            }
            e.hasAddress = true;
        }
        else
        {
            ScenarioEndpoint e;
            e.where = Where(w);
            const std::size_t colon = w.text.find(':');
            e.node = w.text.substr(0, colon);
            if (colon != std::string::npos)
            {
                e.device = w.text.substr(colon + 1);
                if (!IsName(e.device))
                {
                    Error(w.line,
                          w.column + static_cast<uint32_t>(colon) + 1,
                          "expected a device name after \"" + e.node + ":\", found " +
                              Quote(e.device));
                    return;
                }
            }
            if (!IsName(e.node) || ReservedWords().count(e.node))
            {
                Error(w,
                      "expected NODE[:DEVICE], an address, rate, delay, queue or mtu, found " +
                          Quote(w.text));
                return;
            }
            m_nodeRefs.emplace_back(e.node, e.where);
            if (e.device.empty())
            {
                // the next ethN not taken by an explicit name
                auto& names = m_devices[e.node];
                uint32_t& n = m_nextEth[e.node];
                while (names.count("eth" + std::to_string(n)))
                {
                    ++n;
                }
                e.device = "eth" + std::to_string(n++);
            }
            auto& names = m_devices[e.node];
            const auto seen = names.find(e.device);
            if (seen != names.end())
            {
                Error(w,
                      "device " + e.node + ":" + e.device + " is used already (at " +
                          seen->second.ToString() + ")");
                return;
            }
            names[e.device] = e.where;
            link.endpoints.push_back(e);
        }
    }
    (void)rateSeen;
    (void)delaySeen;
    if (link.type == ScenarioLinkType::POINT_TO_POINT && link.endpoints.size() != 2)
    {
        Missing("a p2p link has two endpoints (NODE[:DEVICE] [ADDRESS/LEN]), found " +
                std::to_string(link.endpoints.size()));
        return;
    }
    if (link.type == ScenarioLinkType::CSMA && link.endpoints.empty())
    {
        Missing("a csma link needs at least one endpoint (NODE[:DEVICE] [ADDRESS/LEN])");
        return;
    }
    m_s.links.push_back(link);
}

void
TextParser::ParseShaper()
{
    ScenarioShaper sh;
    sh.where = Where(m_words[0]);
    std::size_t i = 0;
    const Word* name = Value(i, "NODE:NAME (e.g. site:shaper0)");
    if (!name)
    {
        return;
    }
    const std::size_t colon = name->text.find(':');
    if (colon == std::string::npos || !IsName(name->text.substr(0, colon)) ||
        !IsName(name->text.substr(colon + 1)))
    {
        Error(*name,
              "expected NODE:NAME (e.g. site:shaper0) after \"shaper\", found " +
                  Quote(name->text));
        return;
    }
    sh.node = name->text.substr(0, colon);
    sh.name = name->text.substr(colon + 1);
    m_nodeRefs.emplace_back(sh.node, Where(*name));
    bool speedSeen = false;
    for (++i; i < m_words.size(); ++i)
    {
        const Word& w = m_words[i];
        if (w.text == "master")
        {
            const Word* v = Value(i, "the device to shape");
            if (!v)
            {
                return;
            }
            sh.master = v->text;
        }
        else if (w.text == "speed")
        {
            const Word* v = Value(i, "a rate (e.g. 1Mbps)");
            if (!v)
            {
                return;
            }
            if (!ParseRate(v->text, sh.rate))
            {
                Error(*v,
                      "expected a rate (e.g. 1Mbps, 64kbps) after \"speed\", found " +
                          Quote(v->text));
                return;
            }
            speedSeen = true;
        }
        else if (w.text == "mode")
        {
            const Word* v = Value(i, "Exact or Linux");
            if (!v)
            {
                return;
            }
            if (v->text != "Exact" && v->text != "Linux")
            {
                Error(*v, "expected Exact or Linux after \"mode\", found " + Quote(v->text));
                return;
            }
            sh.mode = v->text;
        }
        else if (w.text == "burst")
        {
            uint64_t b = 0;
            const Word* v = Value(i, "a size in bytes");
            if (!v)
            {
                return;
            }
            if (!ParseBytes(v->text, b) || b > UINT32_MAX)
            {
                Error(*v, "expected a size in bytes after \"burst\", found " + Quote(v->text));
                return;
            }
            sh.burst = static_cast<uint32_t>(b);
        }
        else if (w.text == "queue")
        {
            const Word* v = Value(i, "a queue length in packets (e.g. 50p)");
            if (!v)
            {
                return;
            }
            std::string n = v->text;
            if (!n.empty() && n.back() == 'p')
            {
                n.pop_back();
            }
            uint64_t q = 0;
            if (!ParseUnsigned(n, 1000000, q) || q == 0)
            {
                Error(*v,
                      "expected a queue length in packets after \"queue\", found " +
                          Quote(v->text));
                return;
            }
            sh.queue = static_cast<uint32_t>(q);
        }
        else
        {
            Error(w,
                  "unknown shaper option " + Quote(w.text) +
                      " (expected master, speed, mode, burst or queue)");
            return;
        }
    }
    if (sh.master.empty())
    {
        Missing("a shaper needs \"master DEVICE\" (the device it shapes)");
        return;
    }
    if (!speedSeen)
    {
        Missing("a shaper needs \"speed RATE\"");
        return;
    }
    auto& names = m_devices[sh.node];
    const auto seen = names.find(sh.name);
    if (seen != names.end())
    {
        Error(*name,
              "device " + sh.node + ":" + sh.name + " is used already (at " +
                  seen->second.ToString() + ")");
        return;
    }
    names[sh.name] = Where(*name);
    m_s.shapers.push_back(sh);
}

void
TextParser::TakeConfig(ScenarioConfig config, ParsedConfig parsed)
{
    for (const ConfigError& e : parsed.errors)
    {
        m_out.errors.push_back(e);
        if (e.file != m_file)
        {
            m_includeErrors.emplace_back(config.where.line, config.where.column);
        }
    }
    for (const ConfigNote& n : parsed.notes)
    {
        m_out.notes.push_back(n);
    }
    config.parsed = std::move(parsed);
    m_s.configs.push_back(std::move(config));
}

void
TextParser::ParseConfig(const Statement& st, std::size_t& index)
{
    ScenarioConfig config;
    config.where = Where(m_words[0]);
    config.source = m_file;
    std::size_t i = 0;
    const Word* node = Value(i, "a node name");
    if (!node)
    {
        return;
    }
    config.node = node->text;
    m_nodeRefs.emplace_back(node->text, Where(*node));
    std::size_t next = i + 1;
    if (next < m_words.size() && m_words[next].text == "at")
    {
        ScenarioTime t = 0;
        i = next;
        if (!Time(i, "a time", t))
        {
            // skip a block that may follow, so that its lines are not read as directives
            if (i + 1 >= m_words.size())
            {
                while (index < m_lines.size() && !IsBlockEnd(m_lines[index]))
                {
                    ++index;
                }
                index += index < m_lines.size() ? 1 : 0;
            }
            return;
        }
        config.at = t;
        m_times.emplace_back(t, Where(m_words[i]));
        next = i + 1;
    }
    if (next >= m_words.size())
    {
        // a block: the lines up to "end", given to the configuration parser at their own
        // line numbers
        const std::size_t begin = index;
        while (index < m_lines.size() && !IsBlockEnd(m_lines[index]))
        {
            ++index;
        }
        if (index == m_lines.size())
        {
            Error(config.where, "this config block has no \"end\" line");
            return;
        }
        std::string text(begin, '\n');
        for (std::size_t k = begin; k < index; ++k)
        {
            text += m_lines[k] + "\n";
        }
        ++index; // the "end" line
        TakeConfig(config, m_config.Parse(text, m_file));
        return;
    }
    const Word& w = m_words[next];
    if (w.text == "include")
    {
        const Word* path = nullptr;
        i = next;
        path = Value(i, "a file name");
        if (!path)
        {
            return;
        }
        if (i + 1 < m_words.size())
        {
            Error(m_words[i + 1], "unexpected " + Quote(m_words[i + 1].text) + " after the file");
            return;
        }
        std::string resolved = path->text;
        if (!m_directory.empty() && !resolved.empty() && resolved[0] != '/')
        {
            resolved = m_directory + "/" + resolved;
        }
        std::ifstream in(resolved);
        if (!in)
        {
            Error(*path,
                  "cannot read the configuration file " + Quote(path->text) +
                      (resolved != path->text ? " (" + resolved + ")" : ""));
            return;
        }
        std::ostringstream ss;
        ss << in.rdbuf();
        config.source = resolved;
        TakeConfig(config, m_config.Parse(ss.str(), resolved));
        return;
    }
    // one command on the line: the rest of it (with its continuation lines), at its own
    // line and column
    std::string text(w.line - 1, '\n');
    const std::string& first = m_lines[w.line - 1];
    text += std::string(w.column - 1, ' ') + first.substr(w.column - 1) + "\n";
    for (std::size_t k = w.line; k <= st.last; ++k)
    {
        text += m_lines[k] + "\n";
    }
    TakeConfig(config, m_config.Parse(text, m_file));
}

void
TextParser::ParseFlow()
{
    ScenarioFlow f;
    f.where = Where(m_words[0]);
    f.startWhere = f.where;
    const std::string& k = m_words[0].text;
    f.kind = k == "ping" ? ScenarioFlowKind::PING
                         : (k == "udp" ? ScenarioFlowKind::UDP : ScenarioFlowKind::TCP);
    f.size = f.kind == ScenarioFlowKind::PING ? 56 : 1000;
    std::size_t i = 0;
    const Word* name = Value(i, "a flow name");
    if (!name)
    {
        return;
    }
    if (!IsName(name->text))
    {
        Error(*name, Quote(name->text) + " is not a flow name (letters, digits, _, . or -)");
        return;
    }
    if (m_s.FindFlow(name->text) >= 0)
    {
        Error(*name, "flow " + Quote(name->text) + " is declared twice");
        return;
    }
    f.name = name->text;
    bool fromSeen = false;
    bool toSeen = false;
    ConfigLocation portWhere = f.where;
    ConfigLocation stopWhere = f.where;
    const bool isPing = f.kind == ScenarioFlowKind::PING;
    const bool isUdp = f.kind == ScenarioFlowKind::UDP;
    const bool isTcp = f.kind == ScenarioFlowKind::TCP;
    for (++i; i < m_words.size(); ++i)
    {
        const Word& w = m_words[i];
        const std::string& o = w.text;
        auto only = [&](bool ok, const char* kinds) {
            if (!ok)
            {
                Error(w, Quote(o) + " is an option of " + kinds + " flows, not of " + k);
            }
            return ok;
        };
        if (o == "from")
        {
            const Word* v = Value(i, "a node name");
            if (!v)
            {
                return;
            }
            f.from = v->text;
            m_nodeRefs.emplace_back(v->text, Where(*v));
            fromSeen = true;
        }
        else if (o == "to")
        {
            const Word* v = Value(i, isPing ? "an address" : "an address[:port]");
            if (!v)
            {
                return;
            }
            f.toWhere = Where(*v);
            std::string a = v->text;
            const std::size_t colon = a.find(':');
            if (colon != std::string::npos)
            {
                if (isPing)
                {
                    Error(*v, "a ping goes to an address without a port");
                    return;
                }
                uint64_t port = 0;
                if (!ParseUnsigned(a.substr(colon + 1), 65535, port) || port == 0 || port >= 49152)
                {
                    Error(v->line,
                          v->column + static_cast<uint32_t>(colon) + 1,
                          "expected a port (1..49151; 49152 and above are ns-3's ephemeral "
                          "ports) after \":\", found " +
                              Quote(a.substr(colon + 1)));
                    return;
                }
                f.port = static_cast<uint16_t>(port);
                portWhere = ConfigLocation{m_file, v->line, v->column + uint32_t(colon) + 1};
                a = a.substr(0, colon);
            }
            if (!ParseAddress(a, f.destination))
            {
                Error(*v, "expected an address (a.b.c.d) after \"to\", found " + Quote(a));
                return;
            }
            toSeen = true;
        }
        else if (o == "src")
        {
            const Word* v = Value(i, "an address of the sending node");
            if (!v)
            {
                return;
            }
            uint32_t a = 0;
            if (!ParseAddress(v->text, a))
            {
                Error(*v, "expected an address (a.b.c.d) after \"src\", found " + Quote(v->text));
                return;
            }
            f.source = a;
            f.sourceWhere = Where(*v);
        }
        else if (o == "tos")
        {
            const Word* v = Value(i, "a TOS (hexadecimal as in iproute2, or a name)");
            if (!v)
            {
                return;
            }
            if (!ParseTos(v->text, f.tos))
            {
                Error(*v,
                      "expected a TOS after \"tos\" (hexadecimal as in iproute2: 10 or 0x10; "
                      "or lowdelay, throughput, reliability, mincost), found " +
                          Quote(v->text));
                return;
            }
            if (f.tos & 0x03)
            {
                Error(*v,
                      "TOS " + Quote(v->text) +
                          " sets the two low (ECN) bits; give the TOS octet without them");
                return;
            }
        }
        else if (o == "start")
        {
            if (!Time(i, "a time", f.start))
            {
                return;
            }
            f.startWhere = Where(m_words[i]);
        }
        else if (o == "stop")
        {
            ScenarioTime t = 0;
            if (!Time(i, "a time", t))
            {
                return;
            }
            f.stop = t;
            stopWhere = Where(m_words[i]);
            m_times.emplace_back(t, stopWhere);
        }
        else if (o == "size")
        {
            if (!only(isPing || isUdp, "ping and udp"))
            {
                return;
            }
            uint64_t s = 0;
            if (!Unsigned(i, "a payload size in bytes", 65000, s))
            {
                return;
            }
            if (isUdp && s < 1)
            {
                Error(m_words[i], "a UDP payload has at least 1 byte");
                return;
            }
            if (isPing && s < 16)
            {
                Error(m_words[i],
                      "a ping payload has at least 16 bytes (policy-sim's mark and timestamp)");
                return;
            }
            f.size = static_cast<uint32_t>(s);
        }
        else if (o == "rate")
        {
            if (!only(isUdp, "udp"))
            {
                return;
            }
            const Word* v = Value(i, "a rate (e.g. 64kbps)");
            if (!v)
            {
                return;
            }
            if (!ParseRate(v->text, f.rate))
            {
                Error(*v,
                      "expected a rate (e.g. 64kbps, 2Mbps) after \"rate\", found " +
                          Quote(v->text));
                return;
            }
        }
        else if (o == "pattern")
        {
            if (!only(isUdp, "udp"))
            {
                return;
            }
            const Word* v = Value(i, "cbr or poisson");
            if (!v)
            {
                return;
            }
            if (v->text != "cbr" && v->text != "poisson")
            {
                Error(*v, "expected cbr or poisson after \"pattern\", found " + Quote(v->text));
                return;
            }
            f.poisson = v->text == "poisson";
        }
        else if (o == "interval")
        {
            if (!only(isPing, "ping"))
            {
                return;
            }
            if (!Time(i, "a time", f.interval))
            {
                return;
            }
            if (f.interval <= 0)
            {
                Error(m_words[i], "the interval must be above 0");
                return;
            }
        }
        else if (o == "count")
        {
            if (!only(isPing, "ping"))
            {
                return;
            }
            uint64_t c = 0;
            if (!Unsigned(i, "a number of requests", 65535, c))
            {
                return;
            }
            f.count = static_cast<uint32_t>(c);
        }
        else if (o == "max-bytes")
        {
            if (!only(isTcp, "tcp"))
            {
                return;
            }
            const Word* v = Value(i, "a size (e.g. 5MB)");
            if (!v)
            {
                return;
            }
            if (!ParseBytes(v->text, f.maxBytes))
            {
                Error(*v,
                      "expected a size (e.g. 500kB, 5MB) after \"max-bytes\", found " +
                          Quote(v->text));
                return;
            }
        }
        else if (o == "sink")
        {
            if (!only(!isPing, "udp and tcp"))
            {
                return;
            }
            const Word* v = Value(i, "a node name");
            if (!v)
            {
                return;
            }
            f.sink = v->text;
            f.sinkWhere = Where(*v);
            m_nodeRefs.emplace_back(v->text, Where(*v));
        }
        else
        {
            Error(w,
                  "unknown " + k + " option " + Quote(o) +
                      (isPing ? " (expected from, to, src, tos, size, interval, count, start "
                                "or stop)"
                              : (isUdp ? " (expected from, to, src, tos, rate, size, pattern, "
                                         "sink, start or stop)"
                                       : " (expected from, to, src, tos, max-bytes, sink, "
                                         "start or stop)")));
            return;
        }
    }
    if (!fromSeen)
    {
        Missing("a " + k + " flow needs \"from NODE\"");
        return;
    }
    if (!toSeen)
    {
        Missing("a " + k + " flow needs \"to ADDRESS\"");
        return;
    }
    if (f.stop && *f.stop <= f.start)
    {
        Error(stopWhere,
              "the flow stops (" + TimeText(*f.stop) + ") before it starts (" + TimeText(f.start) +
                  ")");
        return;
    }
    m_flowPorts.push_back(portWhere);
    m_s.flows.push_back(f);
}

void
TextParser::ParseRecord()
{
    std::size_t i = 0;
    const Word* what = Value(i, "pcap, paths or csv");
    if (!what)
    {
        return;
    }
    if (what->text == "pcap")
    {
        if (m_pcapSeen)
        {
            Error(*what, "\"record pcap\" is given twice (name every device on one line)");
            return;
        }
        m_pcapSeen = true;
        for (++i; i < m_words.size(); ++i)
        {
            const Word& w = m_words[i];
            if (w.text == "all")
            {
                m_s.pcapAll = true;
                continue;
            }
            if (w.text == "none")
            {
                continue;
            }
            if (w.text == "snaplen")
            {
                uint64_t n = 0;
                if (!Unsigned(i, "a snapshot length in bytes", 65535, n))
                {
                    return;
                }
                if (n < 64)
                {
                    Error(m_words[i], "a snapshot length below 64 bytes cuts IPv4 headers");
                    return;
                }
                m_s.snaplen = static_cast<uint32_t>(n);
                continue;
            }
            const std::size_t colon = w.text.find(':');
            if (colon == std::string::npos || !IsName(w.text.substr(0, colon)) ||
                !IsName(w.text.substr(colon + 1)))
            {
                Error(w,
                      "expected all, none, NODE:DEVICE or snaplen N after \"record pcap\", "
                      "found " +
                          Quote(w.text));
                return;
            }
            ScenarioDeviceRef ref{w.text.substr(0, colon), w.text.substr(colon + 1), Where(w)};
            m_nodeRefs.emplace_back(ref.node, ref.where);
            m_s.pcap.push_back(ref);
        }
        return;
    }
    if (what->text == "paths")
    {
        if (i + 1 >= m_words.size())
        {
            Missing("expected the nodes whose devices paths.csv counts after \"record paths\"");
            return;
        }
        for (++i; i < m_words.size(); ++i)
        {
            m_nodeRefs.emplace_back(m_words[i].text, Where(m_words[i]));
            m_s.pathNodes.push_back(m_words[i].text);
        }
        return;
    }
    if (what->text == "csv")
    {
        m_s.csv.clear();
        if (i + 1 >= m_words.size())
        {
            Missing("expected all, none or CSV names after \"record csv\"");
            return;
        }
        for (++i; i < m_words.size(); ++i)
        {
            const Word& w = m_words[i];
            if (w.text == "all")
            {
                m_s.csv = ScenarioParser::CsvNames();
                continue;
            }
            if (w.text == "none")
            {
                m_s.csv.clear();
                continue;
            }
            const auto& names = ScenarioParser::CsvNames();
            if (std::find(names.begin(), names.end(), w.text) == names.end())
            {
                std::string all;
                for (const std::string& n : names)
                {
                    all += (all.empty() ? "" : ", ") + n;
                }
                Error(w, "unknown CSV " + Quote(w.text) + " (expected all, none, " + all + ")");
                return;
            }
            if (!m_s.WritesCsv(w.text))
            {
                m_s.csv.push_back(w.text);
            }
        }
        return;
    }
    Error(*what, "expected pcap, paths or csv after \"record\", found " + Quote(what->text));
}

void
TextParser::ParseDump()
{
    ScenarioDump dump;
    dump.where = Where(m_words[0]);
    std::size_t i = 1;
    for (; i < m_words.size() && m_words[i].text != "at" && m_words[i].text != "style"; ++i)
    {
        m_nodeRefs.emplace_back(m_words[i].text, Where(m_words[i]));
        dump.nodes.push_back(m_words[i].text);
    }
    if (dump.nodes.empty())
    {
        if (i < m_words.size())
        {
            Error(m_words[i], "expected a node name before " + Quote(m_words[i].text));
        }
        else
        {
            Missing("expected a node name after \"dump\"");
        }
        return;
    }
    for (; i < m_words.size(); ++i)
    {
        const Word& w = m_words[i];
        if (w.text == "at")
        {
            if (i + 1 >= m_words.size())
            {
                Missing("expected a time (e.g. 1s) after \"at\"");
                return;
            }
            while (i + 1 < m_words.size() && m_words[i + 1].text != "style")
            {
                ScenarioTime t = 0;
                ++i;
                if (!ParseTime(m_words[i].text, t))
                {
                    Error(m_words[i],
                          "expected a time (e.g. 1s, 250ms) after \"at\", found " +
                              Quote(m_words[i].text));
                    return;
                }
                dump.times.push_back(t);
                m_times.emplace_back(t, Where(m_words[i]));
            }
        }
        else if (w.text == "style")
        {
            const Word* v = Value(i, "seed, modern or both");
            if (!v)
            {
                return;
            }
            if (v->text == "seed")
            {
                dump.style = "Seed";
            }
            else if (v->text == "modern")
            {
                dump.style = "Modern";
            }
            else if (v->text == "both")
            {
                dump.style = "Both";
            }
            else
            {
                Error(*v, "expected seed, modern or both after \"style\", found " + Quote(v->text));
                return;
            }
        }
        else
        {
            Error(w, "expected at or style, found " + Quote(w.text));
            return;
        }
    }
    if (dump.times.empty())
    {
        Missing("a dump needs \"at TIME...\"");
        return;
    }
    m_s.dumps.push_back(dump);
}

void
TextParser::Finish()
{
    if (m_s.name.empty())
    {
        std::string stem = m_file;
        const std::size_t slash = stem.find_last_of('/');
        if (slash != std::string::npos)
        {
            stem = stem.substr(slash + 1);
        }
        const std::size_t dot = stem.find_last_of('.');
        if (dot != std::string::npos && dot > 0)
        {
            stem = stem.substr(0, dot);
        }
        m_s.name = IsName(stem) ? stem : "scenario";
    }
    // Every node named is declared.
    for (const auto& [name, where] : m_nodeRefs)
    {
        if (!m_s.FindNode(name))
        {
            std::string known;
            for (const ScenarioNode& n : m_s.nodes)
            {
                known += (known.empty() ? "" : ", ") + n.name;
            }
            Error(where,
                  "unknown node " + Quote(name) + " (declare it with \"node " + name + "\"" +
                      (known.empty() ? "" : "; known: " + known) + ")");
        }
    }
    // Times within the run.
    for (const auto& [t, where] : m_times)
    {
        if (t > m_s.duration)
        {
            Error(where,
                  TimeText(t) + " is after the end of the run (duration " + TimeText(m_s.duration) +
                      ")");
        }
    }
    // Ports: given ones unique per protocol, the others chosen from 5001 up.
    std::map<std::pair<ScenarioFlowKind, uint16_t>, std::size_t> used;
    for (std::size_t k = 0; k < m_s.flows.size(); ++k)
    {
        const ScenarioFlow& f = m_s.flows[k];
        if (f.kind == ScenarioFlowKind::PING || f.port == 0)
        {
            continue;
        }
        const auto key = std::make_pair(f.kind, f.port);
        const auto seen = used.find(key);
        if (seen != used.end())
        {
            Error(m_flowPorts[k],
                  std::string(ScenarioFlowKindName(f.kind)) + " port " + std::to_string(f.port) +
                      " is used by flow " + Quote(m_s.flows[seen->second].name) +
                      " already (policy-sim tells flows apart by their port)");
            continue;
        }
        used[key] = k;
    }
    for (ScenarioFlow& f : m_s.flows)
    {
        if (f.kind == ScenarioFlowKind::PING || f.port != 0)
        {
            continue;
        }
        uint16_t p = 5001;
        while (used.count(std::make_pair(f.kind, p)))
        {
            ++p;
        }
        f.port = p;
        used[std::make_pair(f.kind, p)] = 0;
    }
    // A flow's stop defaults to the end of the run; one starting at the end never runs.
    for (std::size_t k = 0; k < m_s.flows.size(); ++k)
    {
        ScenarioFlow& f = m_s.flows[k];
        if (!f.stop && f.start >= m_s.duration)
        {
            Error(f.startWhere,
                  "flow " + Quote(f.name) + " starts at " + TimeText(f.start) +
                      ", not before the end of the run (duration " + TimeText(m_s.duration) + ")");
        }
    }
    if (m_s.nodes.empty() && m_out.errors.empty())
    {
        m_out.errors.push_back(ConfigError{m_file, 0, 0, "the scenario declares no node"});
    }
    // Errors in file order: the checks above report at the end, and an included file's
    // errors stand where its include directive is.
    std::vector<std::pair<std::pair<uint32_t, uint32_t>, ConfigError>> keyed;
    std::size_t included = 0;
    for (const ConfigError& e : m_out.errors)
    {
        if (e.file == m_file || included >= m_includeErrors.size())
        {
            keyed.emplace_back(std::make_pair(e.line, e.column), e);
        }
        else
        {
            keyed.emplace_back(m_includeErrors[included++], e);
        }
    }
    std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) {
        return a.first < b.first;
    });
    m_out.errors.clear();
    for (const auto& k : keyed)
    {
        m_out.errors.push_back(k.second);
    }
}

} // namespace

ParsedScenario
ScenarioParser::Parse(const std::string& text,
                      const std::string& file,
                      const std::string& directory) const
{
    ParsedScenario out;
    TextParser parser(text, file, directory, out);
    parser.Run();
    return out;
}

ParsedScenario
ScenarioParser::ParseFile(const std::string& path) const
{
    std::ifstream in(path);
    if (!in)
    {
        ParsedScenario out;
        out.scenario.file = path;
        out.errors.push_back(ConfigError{path, 0, 0, "cannot read the file"});
        return out;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    const std::size_t slash = path.find_last_of('/');
    return Parse(ss.str(), path, slash == std::string::npos ? "" : path.substr(0, slash));
}

} // namespace ns3
