using System.Globalization;

namespace HonestyEngine.Runtime.Chat.Jinja;

/// <summary>Recursive-descent parser for the Jinja subset chat templates use: if/elif/else, for (with else,
/// an inline filter, tuple targets, loop.*), set (also ns.attr and block set), macro, break/continue,
/// generation blocks, and Jinja's expression grammar with Python literals, filters and tests.</summary>
internal sealed class JinjaParser
{
    private readonly List<Token> _tokens;
    private int _pos;

    private JinjaParser(List<Token> tokens) => _tokens = tokens;

    public static IReadOnlyList<Node> Parse(string source)
    {
        var parser = new JinjaParser(JinjaLexer.Tokenize(source));
        var body = parser.ParseBody(out string? end);
        if (end is not null) throw parser.Error($"unexpected '{{% {end} %}}'");
        return body;
    }

    private Token Peek(int ahead = 0) => _tokens[Math.Min(_pos + ahead, _tokens.Count - 1)];
    private Token Next() => _tokens[Math.Min(_pos++, _tokens.Count - 1)];

    private JinjaException Error(string message) => new($"line {Peek().Line}: {message}");

    private bool IsOp(string op, int ahead = 0) => Peek(ahead) is { Kind: TokenKind.Operator } t && t.Value == op;
    private bool IsName(string name, int ahead = 0) => Peek(ahead) is { Kind: TokenKind.Name } t && t.Value == name;

    private void ExpectOp(string op)
    {
        if (!IsOp(op)) throw Error($"expected '{op}', got {Peek()}");
        _pos++;
    }

    private string ExpectName()
    {
        if (Peek().Kind != TokenKind.Name) throw Error($"expected a name, got {Peek()}");
        return Next().Value;
    }

    private void Expect(TokenKind kind)
    {
        if (Peek().Kind != kind) throw Error($"expected {new Token(kind, "", 0)}, got {Peek()}");
        _pos++;
    }

    /// <summary>Parses nodes until an end tag it does not own; returns that tag's keyword (or null at the end).</summary>
    private List<Node> ParseBody(out string? endKeyword, params string[] terminators)
    {
        var nodes = new List<Node>();
        while (true)
        {
            var t = Peek();
            switch (t.Kind)
            {
                case TokenKind.Eof:
                    endKeyword = null;
                    if (terminators.Length > 0) throw Error($"missing {{% {terminators[^1]} %}} (template ended)");
                    return nodes;
                case TokenKind.Text:
                    nodes.Add(new TextNode(Next().Value, t.Line));
                    break;
                case TokenKind.VariableBegin:
                    Next();
                    var e = ParseExpression();
                    Expect(TokenKind.VariableEnd);
                    nodes.Add(new OutputNode(e, t.Line));
                    break;
                case TokenKind.BlockBegin:
                {
                    var keyword = Peek(1);
                    if (keyword.Kind == TokenKind.Name && terminators.Contains(keyword.Value))
                    {
                        _pos += 2;
                        endKeyword = keyword.Value;
                        return nodes;
                    }
                    Next();
                    nodes.Add(ParseStatement());
                    break;
                }
                default:
                    throw Error($"unexpected {t}");
            }
        }
    }

    private Node ParseStatement()
    {
        var t = Peek();
        string keyword = ExpectName();
        switch (keyword)
        {
            case "if": return ParseIf(t.Line);
            case "for": return ParseFor(t.Line);
            case "set": return ParseSet(t.Line);
            case "macro": return ParseMacro(t.Line);
            case "break": Expect(TokenKind.BlockEnd); return new BreakNode(t.Line);
            case "continue": Expect(TokenKind.BlockEnd); return new ContinueNode(t.Line);
            case "generation":
            {
                Expect(TokenKind.BlockEnd);
                var body = ParseBody(out _, "endgeneration");
                Expect(TokenKind.BlockEnd);
                return new ScopeNode(body, t.Line);
            }
            case "elif" or "else" or "endif" or "endfor" or "endset" or "endmacro" or "endgeneration" or "endraw":
                throw new JinjaException($"line {t.Line}: unexpected '{{% {keyword} %}}' without a matching opening tag");
            default:
                throw new JinjaException($"line {t.Line}: unsupported statement '{{% {keyword} %}}' (supported: if, for, set, macro, break, continue, generation, raw)");
        }
    }

    private Node ParseIf(int line)
    {
        var branches = new List<(Expr, IReadOnlyList<Node>)>();
        var condition = ParseExpression();
        Expect(TokenKind.BlockEnd);
        while (true)
        {
            var body = ParseBody(out string? end, "elif", "else", "endif");
            branches.Add((condition, body));
            if (end == "elif") { condition = ParseExpression(); Expect(TokenKind.BlockEnd); continue; }
            if (end == "else")
            {
                Expect(TokenKind.BlockEnd);
                var elseBody = ParseBody(out _, "endif");
                Expect(TokenKind.BlockEnd);
                return new IfNode(branches, elseBody, line);
            }
            Expect(TokenKind.BlockEnd);
            return new IfNode(branches, null, line);
        }
    }

    private Node ParseFor(int line)
    {
        var targets = new List<string> { ExpectName() };
        while (IsOp(",")) { Next(); targets.Add(ExpectName()); }
        if (!IsName("in")) throw Error($"expected 'in' in for loop, got {Peek()}");
        Next();
        var iterable = ParseTernaryFree();
        Expr? filter = null;
        if (IsName("if")) { Next(); filter = ParseTernaryFree(); }
        if (IsName("recursive")) throw Error("recursive for loops are not supported");
        Expect(TokenKind.BlockEnd);
        var body = ParseBody(out string? end, "else", "endfor");
        IReadOnlyList<Node>? elseBody = null;
        Expect(TokenKind.BlockEnd);
        if (end == "else")
        {
            elseBody = ParseBody(out _, "endfor");
            Expect(TokenKind.BlockEnd);
        }
        return new ForNode(targets, iterable, filter, body, elseBody, line);
    }

    private Node ParseSet(int line)
    {
        var first = Peek();
        string name = ExpectName();
        if (IsOp("."))
        {
            Next();
            string attr = ExpectName();
            ExpectOp("=");
            var value = ParseExpression();
            Expect(TokenKind.BlockEnd);
            return new SetNode(new AttrExpr(new NameExpr(name, line), attr, line), value, line);
        }
        if (IsOp(","))
        {
            var items = new List<Expr> { new NameExpr(name, line) };
            while (IsOp(",")) { Next(); items.Add(new NameExpr(ExpectName(), line)); }
            ExpectOp("=");
            var value = ParseExpression();
            Expect(TokenKind.BlockEnd);
            return new SetNode(new TupleExpr(items, line), value, line);
        }
        if (Peek().Kind == TokenKind.BlockEnd)
        {
            Next();
            var body = ParseBody(out _, "endset");
            Expect(TokenKind.BlockEnd);
            return new SetBlockNode(name, body, line);
        }
        ExpectOp("=");
        var v = ParseExpression();
        Expect(TokenKind.BlockEnd);
        _ = first;
        return new SetNode(new NameExpr(name, line), v, line);
    }

    private Node ParseMacro(int line)
    {
        string name = ExpectName();
        ExpectOp("(");
        var parameters = new List<(string, Expr?)>();
        while (!IsOp(")"))
        {
            string p = ExpectName();
            Expr? def = null;
            if (IsOp("=")) { Next(); def = ParseExpression(); }
            parameters.Add((p, def));
            if (!IsOp(",")) break;
            Next();
        }
        ExpectOp(")");
        Expect(TokenKind.BlockEnd);
        var body = ParseBody(out _, "endmacro");
        if (Peek().Kind == TokenKind.Name && Peek().Value == name) Next();
        Expect(TokenKind.BlockEnd);
        return new MacroNode(name, parameters, body, line);
    }

    // ---- expressions -----------------------------------------------------------------------------------

    public Expr ParseExpression()
    {
        var e = ParseTernaryFree();
        while (IsName("if"))
        {
            int line = Next().Line;
            var condition = ParseTernaryFree();
            Expr? otherwise = null;
            if (IsName("else")) { Next(); otherwise = ParseExpression(); }
            e = new CondExpr(condition, e, otherwise, line);
        }
        return e;
    }

    /// <summary>An expression without a trailing "x if c else y" (for-loop iterables and filters use this).</summary>
    private Expr ParseTernaryFree() => ParseOr();

    private Expr ParseOr()
    {
        var left = ParseAnd();
        while (IsName("or")) { int line = Next().Line; left = new BinaryExpr("or", left, ParseAnd(), line); }
        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseNot();
        while (IsName("and")) { int line = Next().Line; left = new BinaryExpr("and", left, ParseNot(), line); }
        return left;
    }

    private Expr ParseNot()
    {
        if (IsName("not")) { int line = Next().Line; return new UnaryExpr("not", ParseNot(), line); }
        return ParseCompare();
    }

    private Expr ParseCompare()
    {
        var left = ParseConcat();
        while (true)
        {
            int line = Peek().Line;
            if (Peek().Kind == TokenKind.Operator && Peek().Value is "==" or "!=" or "<" or ">" or "<=" or ">=")
            {
                string op = Next().Value;
                left = new BinaryExpr(op, left, ParseConcat(), line);
            }
            else if (IsName("in")) { Next(); left = new BinaryExpr("in", left, ParseConcat(), line); }
            else if (IsName("not") && IsName("in", 1)) { _pos += 2; left = new BinaryExpr("not in", left, ParseConcat(), line); }
            else return left;
        }
    }

    private Expr ParseConcat()
    {
        var left = ParseAdd();
        while (IsOp("~")) { int line = Next().Line; left = new BinaryExpr("~", left, ParseAdd(), line); }
        return left;
    }

    private Expr ParseAdd()
    {
        var left = ParseMul();
        while (IsOp("+") || IsOp("-")) { var t = Next(); left = new BinaryExpr(t.Value, left, ParseMul(), t.Line); }
        return left;
    }

    private Expr ParseMul()
    {
        var left = ParsePow();
        while (IsOp("*") || IsOp("/") || IsOp("//") || IsOp("%")) { var t = Next(); left = new BinaryExpr(t.Value, left, ParsePow(), t.Line); }
        return left;
    }

    private Expr ParsePow()
    {
        var left = ParseUnary();
        while (IsOp("**")) { var t = Next(); left = new BinaryExpr("**", left, ParseUnary(), t.Line); }
        return left;
    }

    private Expr ParseUnary()
    {
        if (IsOp("-") || IsOp("+"))
        {
            var t = Next();
            return new UnaryExpr(t.Value, ParseUnary(), t.Line);
        }
        return ParseFilterAndTests(ParsePostfix(ParsePrimary()));
    }

    private Expr ParseFilterAndTests(Expr e)
    {
        while (true)
        {
            if (IsOp("|"))
            {
                int line = Next().Line;
                string name = ExpectName();
                while (IsOp(".")) { Next(); name += "." + ExpectName(); }
                var (args, kwargs) = IsOp("(") ? ParseCallArgs() : ([], []);
                e = ParsePostfix(new FilterExpr(e, name, args, kwargs, line));
            }
            else if (IsName("is"))
            {
                int line = Next().Line;
                bool negated = false;
                if (IsName("not")) { Next(); negated = true; }
                string name = ExpectName();
                List<Expr> args = [];
                if (IsOp("(")) args = ParseCallArgs().Args;
                else if (StartsTestArgument()) args = [ParsePostfix(ParsePrimary())];
                e = new TestExpr(e, name, args, negated, line);
            }
            else return e;
        }
    }

    private bool StartsTestArgument()
    {
        var t = Peek();
        if (t.Kind is TokenKind.String or TokenKind.Integer or TokenKind.Float) return true;
        if (t.Kind == TokenKind.Operator) return t.Value is "[" or "{";
        return t.Kind == TokenKind.Name && t.Value is not ("else" or "and" or "or" or "not" or "in" or "is" or "if");
    }

    private Expr ParsePostfix(Expr e)
    {
        while (true)
        {
            int line = Peek().Line;
            if (IsOp("."))
            {
                Next();
                var t = Next();
                if (t.Kind == TokenKind.Name) e = new AttrExpr(e, t.Value, line);
                else if (t.Kind == TokenKind.Integer) e = new ItemExpr(e, new ConstExpr(long.Parse(t.Value, CultureInfo.InvariantCulture), line), line);
                else throw Error($"expected an attribute name after '.', got {t}");
            }
            else if (IsOp("["))
            {
                Next();
                Expr? start = null, stop = null, step = null;
                bool isSlice = false;
                if (!IsOp(":")) start = ParseExpression();
                if (IsOp(":"))
                {
                    isSlice = true;
                    Next();
                    if (!IsOp(":") && !IsOp("]")) stop = ParseExpression();
                    if (IsOp(":")) { Next(); if (!IsOp("]")) step = ParseExpression(); }
                }
                ExpectOp("]");
                e = isSlice ? new SliceExpr(e, start, stop, step, line) : new ItemExpr(e, start!, line);
            }
            else if (IsOp("("))
            {
                var (args, kwargs) = ParseCallArgs();
                e = new CallExpr(e, args, kwargs, line);
            }
            else return e;
        }
    }

    private (List<Expr> Args, List<(string, Expr)> Kwargs) ParseCallArgs()
    {
        ExpectOp("(");
        var args = new List<Expr>();
        var kwargs = new List<(string, Expr)>();
        while (!IsOp(")"))
        {
            if (Peek().Kind == TokenKind.Name && IsOp("=", 1))
            {
                string name = Next().Value;
                Next();
                kwargs.Add((name, ParseExpression()));
            }
            else
            {
                if (kwargs.Count > 0) throw Error("positional argument after keyword argument");
                args.Add(ParseExpression());
            }
            if (!IsOp(",")) break;
            Next();
        }
        ExpectOp(")");
        return (args, kwargs);
    }

    private Expr ParsePrimary()
    {
        var t = Next();
        switch (t.Kind)
        {
            case TokenKind.String:
            {
                string s = t.Value;
                while (Peek().Kind == TokenKind.String) s += Next().Value; // adjacent literals concatenate
                return new ConstExpr(s, t.Line);
            }
            case TokenKind.Integer:
                return new ConstExpr(long.Parse(t.Value, CultureInfo.InvariantCulture), t.Line);
            case TokenKind.Float:
                return new ConstExpr(double.Parse(t.Value, CultureInfo.InvariantCulture), t.Line);
            case TokenKind.Name:
                return t.Value switch
                {
                    "true" or "True" => new ConstExpr(true, t.Line),
                    "false" or "False" => new ConstExpr(false, t.Line),
                    "none" or "None" => new ConstExpr(null, t.Line),
                    _ => new NameExpr(t.Value, t.Line),
                };
            case TokenKind.Operator when t.Value == "(":
            {
                if (IsOp(")")) { Next(); return new TupleExpr([], t.Line); }
                var first = ParseExpression();
                if (IsOp(")")) { Next(); return first; }
                var items = new List<Expr> { first };
                while (IsOp(","))
                {
                    Next();
                    if (IsOp(")")) break;
                    items.Add(ParseExpression());
                }
                ExpectOp(")");
                return new TupleExpr(items, t.Line);
            }
            case TokenKind.Operator when t.Value == "[":
            {
                var items = new List<Expr>();
                while (!IsOp("]"))
                {
                    items.Add(ParseExpression());
                    if (!IsOp(",")) break;
                    Next();
                }
                ExpectOp("]");
                return new ListExpr(items, t.Line);
            }
            case TokenKind.Operator when t.Value == "{":
            {
                var items = new List<(Expr, Expr)>();
                while (!IsOp("}"))
                {
                    var key = ParseExpression();
                    ExpectOp(":");
                    items.Add((key, ParseExpression()));
                    if (!IsOp(",")) break;
                    Next();
                }
                ExpectOp("}");
                return new DictExpr(items, t.Line);
            }
            default:
                _pos--;
                throw Error($"unexpected {t} in expression");
        }
    }
}
