using System.Globalization;
using System.Text;

namespace HonestyEngine.Runtime.Chat.Jinja;

/// <summary>A parsed Jinja template, rendered the way transformers renders chat templates
/// (ImmutableSandboxedEnvironment with trim_blocks and lstrip_blocks, its own tojson, raise_exception and
/// strftime_now). Templates are parsed once; rendering is thread-safe.</summary>
public sealed class JinjaTemplate
{
    private readonly IReadOnlyList<Node> _body;

    public JinjaTemplate(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        _body = JinjaParser.Parse(source);
    }

    /// <summary>Renders with the given variables (strings, bools, numbers, lists, dictionaries, JsonElement).</summary>
    public string Render(IReadOnlyDictionary<string, object?> variables, Func<DateTime>? clock = null)
    {
        var globals = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, fn) in JinjaBuiltins.Globals(clock ?? (() => DateTime.Now))) globals[name] = fn;
        foreach (var (k, v) in variables) globals[k] = PyValue.FromClr(v);
        var interpreter = new JinjaInterpreter(globals);
        var output = new StringBuilder();
        interpreter.Execute(_body, output);
        return output.ToString();
    }
}

internal enum Flow { Normal, Break, Continue }

/// <summary>The macro object {% macro %} defines.</summary>
internal sealed class JinjaMacro(MacroNode node, JinjaInterpreter interpreter)
{
    public object? Invoke(List<object?> args, Dictionary<string, object?> kwargs)
    {
        var scope = new Dictionary<string, object?>(StringComparer.Ordinal);
        for (int i = 0; i < node.Parameters.Count; i++)
        {
            var (name, def) = node.Parameters[i];
            if (i < args.Count) scope[name] = args[i];
            else if (kwargs.TryGetValue(name, out var kv)) scope[name] = kv;
            else scope[name] = def is null ? new Undefined($"macro '{node.Name}' argument '{name}' was not given") : interpreter.Evaluate(def);
        }
        if (args.Count > node.Parameters.Count) throw new JinjaException($"line {node.Line}: macro '{node.Name}' takes {node.Parameters.Count} arguments, got {args.Count}");
        var output = new StringBuilder();
        interpreter.ExecuteInScope(node.Body, output, scope, isolate: true);
        return output.ToString();
    }
}

internal sealed class JinjaInterpreter
{
    private readonly List<Dictionary<string, object?>> _scopes;

    public JinjaInterpreter(Dictionary<string, object?> globals) => _scopes = [globals, new(StringComparer.Ordinal)];

    public void Execute(IReadOnlyList<Node> nodes, StringBuilder output)
    {
        var flow = ExecuteList(nodes, output);
        if (flow != Flow.Normal) throw new JinjaException("'break' or 'continue' outside of a loop");
    }

    public void ExecuteInScope(IReadOnlyList<Node> nodes, StringBuilder output, Dictionary<string, object?> scope, bool isolate)
    {
        // A macro sees the globals and the template's top-level names, not the caller's loop variables.
        var saved = isolate ? _scopes.GetRange(2, _scopes.Count - 2) : null;
        if (isolate) _scopes.RemoveRange(2, _scopes.Count - 2);
        _scopes.Add(scope);
        try { Execute(nodes, output); }
        finally
        {
            _scopes.RemoveAt(_scopes.Count - 1);
            if (saved is not null) _scopes.AddRange(saved);
        }
    }

    private Flow ExecuteList(IReadOnlyList<Node> nodes, StringBuilder output)
    {
        foreach (var node in nodes)
        {
            var flow = ExecuteNode(node, output);
            if (flow != Flow.Normal) return flow;
        }
        return Flow.Normal;
    }

    private Flow ExecuteNode(Node node, StringBuilder output)
    {
        try
        {
            switch (node)
            {
                case TextNode t: output.Append(t.Text); return Flow.Normal;
                case OutputNode o: output.Append(PyValue.Str(Evaluate(o.Value))); return Flow.Normal;
                case IfNode i:
                    foreach (var (condition, body) in i.Branches)
                        if (PyValue.Truthy(Evaluate(condition))) return ExecuteList(body, output);
                    return i.Else is null ? Flow.Normal : ExecuteList(i.Else, output);
                case ForNode f: return ExecuteFor(f, output);
                case SetNode s: Assign(s.Target, Evaluate(s.Value)); return Flow.Normal;
                case SetBlockNode sb:
                {
                    var captured = new StringBuilder();
                    var flow = ExecuteList(sb.Body, captured);
                    _scopes[^1][sb.Name] = captured.ToString();
                    return flow;
                }
                case MacroNode m: _scopes[^1][m.Name] = new JinjaMacro(m, this); return Flow.Normal;
                case BreakNode: return Flow.Break;
                case ContinueNode: return Flow.Continue;
                case ScopeNode sc: return ExecuteList(sc.Body, output);
                default: throw new JinjaException($"line {node.Line}: unknown node {node.GetType().Name}");
            }
        }
        catch (JinjaException e) when (!e.Message.StartsWith("line ", StringComparison.Ordinal) && e is not JinjaRaisedException)
        {
            throw new JinjaException($"line {node.Line}: {e.Message}", e);
        }
    }

    private Flow ExecuteFor(ForNode f, StringBuilder output)
    {
        var all = PyValue.Iterate(Evaluate(f.Iterable));
        var scope = new Dictionary<string, object?>(StringComparer.Ordinal);
        _scopes.Add(scope);
        try
        {
            List<object?> items = all;
            if (f.Filter is not null)
            {
                items = [];
                foreach (var item in all)
                {
                    BindTargets(f.Targets, item, scope);
                    if (PyValue.Truthy(Evaluate(f.Filter))) items.Add(item);
                }
            }
            if (items.Count == 0)
            {
                scope.Clear();
                return f.Else is null ? Flow.Normal : ExecuteList(f.Else, output) == Flow.Normal ? Flow.Normal : Flow.Normal;
            }
            var loop = new LoopInfo { Items = items };
            for (int i = 0; i < items.Count; i++)
            {
                scope.Clear();
                loop.Index0 = i;
                scope["loop"] = loop;
                BindTargets(f.Targets, items[i], scope);
                var flow = ExecuteList(f.Body, output);
                if (flow == Flow.Break) break;
            }
            return Flow.Normal;
        }
        finally { _scopes.RemoveAt(_scopes.Count - 1); }
    }

    private static void BindTargets(IReadOnlyList<string> targets, object? item, Dictionary<string, object?> scope)
    {
        if (targets.Count == 1) { scope[targets[0]] = item; return; }
        var parts = PyValue.Iterate(item);
        if (parts.Count != targets.Count)
            throw new JinjaException($"cannot unpack {parts.Count} values into {targets.Count} loop variables");
        for (int i = 0; i < targets.Count; i++) scope[targets[i]] = parts[i];
    }

    private void Assign(Expr target, object? value)
    {
        switch (target)
        {
            case NameExpr n: _scopes[^1][n.Name] = value; return;
            case AttrExpr { Target: NameExpr ns } a:
            {
                var obj = Lookup(ns.Name);
                if (obj is not JinjaNamespace space) throw new JinjaException($"line {a.Line}: cannot assign attribute on a non-namespace object '{ns.Name}'");
                space[a.Name] = value;
                return;
            }
            case TupleExpr t:
            {
                var parts = PyValue.Iterate(value);
                if (parts.Count != t.Items.Count) throw new JinjaException($"line {t.Line}: cannot unpack {parts.Count} values into {t.Items.Count} names");
                for (int i = 0; i < parts.Count; i++) Assign(t.Items[i], parts[i]);
                return;
            }
            default: throw new JinjaException($"line {target.Line}: cannot assign to this expression");
        }
    }

    private object? Lookup(string name)
    {
        for (int i = _scopes.Count - 1; i >= 0; i--)
            if (_scopes[i].TryGetValue(name, out var v)) return v;
        return new Undefined($"'{name}' is undefined");
    }

    public object? Evaluate(Expr e)
    {
        switch (e)
        {
            case ConstExpr c: return c.Value;
            case NameExpr n: return Lookup(n.Name);
            case ListExpr l: return l.Items.Select(Evaluate).ToList();
            case TupleExpr t: return t.Items.Select(Evaluate).ToArray();
            case DictExpr d:
            {
                var dict = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (k, v) in d.Items)
                {
                    var key = Evaluate(k);
                    if (key is not string ks) throw new JinjaException($"line {d.Line}: only string dictionary keys are supported, got {PyValue.TypeName(key)}");
                    dict[ks] = Evaluate(v);
                }
                return dict;
            }
            case AttrExpr a: return GetAttribute(Evaluate(a.Target), a.Name, a.Line);
            case ItemExpr i: return GetItem(Evaluate(i.Target), Evaluate(i.Index), i.Line);
            case SliceExpr s: return Slice(Evaluate(s.Target), s.Start is null ? null : Evaluate(s.Start), s.Stop is null ? null : Evaluate(s.Stop), s.Step is null ? null : Evaluate(s.Step), s.Line);
            case CallExpr call: return EvaluateCall(call);
            case FilterExpr f:
            {
                var target = Evaluate(f.Target);
                var args = f.Args.Select(Evaluate).ToList();
                var kwargs = f.Kwargs.ToDictionary(k => k.Name, k => Evaluate(k.Value), StringComparer.Ordinal);
                return JinjaBuiltins.Filter(f.Name, target, args, kwargs, this, f.Line);
            }
            case TestExpr t:
            {
                var result = JinjaBuiltins.Test(t.Name, Evaluate(t.Target), t.Args.Select(Evaluate).ToList(), t.Line);
                return t.Negated ? !result : result;
            }
            case UnaryExpr u:
            {
                var v = Evaluate(u.Operand);
                return u.Op switch
                {
                    "not" => !PyValue.Truthy(v),
                    "-" => v is long l ? (object)(-l) : v is bool b ? (object)(b ? -1L : 0L) : (object)(-PyValue.ToDouble(CheckDefined(v, u.Line))),
                    _ => v is bool bb ? (bb ? 1L : 0L) : v is long or double ? v : throw new JinjaException($"line {u.Line}: bad operand type for unary +: '{PyValue.TypeName(v)}'"),
                };
            }
            case BinaryExpr b: return EvaluateBinary(b);
            case CondExpr c:
                return PyValue.Truthy(Evaluate(c.Condition)) ? Evaluate(c.Then)
                    : c.Else is null ? new Undefined("the inline if had no else branch") : Evaluate(c.Else);
            default: throw new JinjaException($"line {e.Line}: unknown expression {e.GetType().Name}");
        }
    }

    private static object? CheckDefined(object? v, int line) =>
        v is Undefined u ? throw new JinjaException($"line {line}: {u.Description}") : v;

    private object? EvaluateBinary(BinaryExpr b)
    {
        if (b.Op == "and")
        {
            var l = Evaluate(b.Left);
            return PyValue.Truthy(l) ? Evaluate(b.Right) : l;
        }
        if (b.Op == "or")
        {
            var l = Evaluate(b.Left);
            return PyValue.Truthy(l) ? l : Evaluate(b.Right);
        }
        var left = Evaluate(b.Left);
        var right = Evaluate(b.Right);
        switch (b.Op)
        {
            case "==": return PyValue.Equals(left, right);
            case "!=": return !PyValue.Equals(left, right);
            case "<": return PyValue.Compare(CheckDefined(left, b.Line), CheckDefined(right, b.Line)) < 0;
            case ">": return PyValue.Compare(CheckDefined(left, b.Line), CheckDefined(right, b.Line)) > 0;
            case "<=": return PyValue.Compare(CheckDefined(left, b.Line), CheckDefined(right, b.Line)) <= 0;
            case ">=": return PyValue.Compare(CheckDefined(left, b.Line), CheckDefined(right, b.Line)) >= 0;
            case "in": return PyValue.Contains(right, left);
            case "not in": return !PyValue.Contains(right, left);
            case "~": return PyValue.Str(left) + PyValue.Str(right);
        }
        CheckDefined(left, b.Line);
        CheckDefined(right, b.Line);
        string TypeError() => $"line {b.Line}: unsupported operand type(s) for {b.Op}: '{PyValue.TypeName(left)}' and '{PyValue.TypeName(right)}'";
        switch (b.Op)
        {
            case "+":
                if (left is string ls && right is string rs) return ls + rs;
                if (left is List<object?> ll && right is List<object?> rl) return ll.Concat(rl).ToList();
                if (left is object?[] lt && right is object?[] rt) return lt.Concat(rt).ToArray();
                break;
            case "*":
                if (left is string s1 && right is long n1) return string.Concat(Enumerable.Repeat(s1, (int)Math.Max(0, n1)));
                if (left is long n2 && right is string s2) return string.Concat(Enumerable.Repeat(s2, (int)Math.Max(0, n2)));
                if (left is List<object?> l1 && right is long n3) return Enumerable.Repeat(l1, (int)Math.Max(0, n3)).SelectMany(x => x).ToList();
                break;
            case "%":
                if (left is string) throw new JinjaException($"line {b.Line}: printf-style '%' string formatting is not supported; use ~ or the format filter");
                break;
        }
        if (!PyValue.IsNumber(left) || !PyValue.IsNumber(right)) throw new JinjaException(TypeError());
        bool ints = left is long or bool && right is long or bool;
        if (ints)
        {
            long x = left is bool bx ? (bx ? 1 : 0) : (long)left!, y = right is bool by ? (by ? 1 : 0) : (long)right!;
            switch (b.Op)
            {
                case "+": return x + y;
                case "-": return x - y;
                case "*": return x * y;
                case "/": if (y == 0) throw new JinjaException($"line {b.Line}: division by zero"); return (double)x / y;
                case "//": if (y == 0) throw new JinjaException($"line {b.Line}: integer division by zero"); return (long)Math.Floor((double)x / y);
                case "%": if (y == 0) throw new JinjaException($"line {b.Line}: modulo by zero"); return ((x % y) + y) % y;
                case "**": return y >= 0 ? (object)(long)Math.Pow(x, y) : (object)Math.Pow(x, y);
            }
        }
        double dx = PyValue.ToDouble(left), dy = PyValue.ToDouble(right);
        return b.Op switch
        {
            "+" => dx + dy,
            "-" => dx - dy,
            "*" => dx * dy,
            "/" => dy == 0 ? throw new JinjaException($"line {b.Line}: float division by zero") : dx / dy,
            "//" => dy == 0 ? throw new JinjaException($"line {b.Line}: float floor division by zero") : Math.Floor(dx / dy),
            "%" => dy == 0 ? throw new JinjaException($"line {b.Line}: float modulo") : dx - dy * Math.Floor(dx / dy),
            "**" => Math.Pow(dx, dy),
            _ => throw new JinjaException(TypeError()),
        };
    }

    internal static object? GetAttribute(object? target, string name, int line)
    {
        switch (target)
        {
            case Undefined u: throw new JinjaException($"line {line}: {u.Description} (reading attribute '{name}')");
            case LoopInfo loop: return loop.Get(name);
            case Dictionary<string, object?> d:
                return d.TryGetValue(name, out var v) ? v : new Undefined($"'{PyValue.TypeName(d)} object' has no attribute '{name}'");
            default:
                return new Undefined($"'{PyValue.TypeName(target)} object' has no attribute '{name}'");
        }
    }

    internal static object? GetItem(object? target, object? index, int line)
    {
        switch (target)
        {
            case Undefined u: throw new JinjaException($"line {line}: {u.Description} (reading item {PyValue.Repr(index)})");
            case Dictionary<string, object?> d when index is string key:
                return d.TryGetValue(key, out var v) ? v : new Undefined($"'dict object' has no attribute {PyValue.Repr(key)}");
            case System.Collections.IList list when index is long or bool:
            {
                long i = index is bool b ? (b ? 1 : 0) : (long)index;
                if (i < 0) i += list.Count;
                return i >= 0 && i < list.Count ? list[(int)i] : new Undefined($"list index {PyValue.Repr(index)} out of range");
            }
            case string s when index is long idx:
            {
                var runes = s.EnumerateRunes().ToList();
                if (idx < 0) idx += runes.Count;
                return idx >= 0 && idx < runes.Count ? runes[(int)idx].ToString() : new Undefined($"string index {index} out of range");
            }
            case LoopInfo loop when index is string name:
                return loop.Get(name);
            default:
                if (target is Dictionary<string, object?>) return new Undefined($"dict has no key {PyValue.Repr(index)}");
                return new Undefined($"'{PyValue.TypeName(target)} object' has no item {PyValue.Repr(index)}");
        }
    }

    private static object? Slice(object? target, object? start, object? stop, object? step, int line)
    {
        long? AsIndex(object? v) => v switch
        {
            null => null,
            long l => l,
            bool b => b ? 1 : 0,
            _ => throw new JinjaException($"line {line}: slice indices must be integers or None, got {PyValue.TypeName(v)}"),
        };
        long st = AsIndex(step) ?? 1;
        if (st == 0) throw new JinjaException($"line {line}: slice step cannot be zero");
        List<object?> items;
        bool isString = target is string;
        if (target is string s) items = s.EnumerateRunes().Select(r => (object?)r.ToString()).ToList();
        else if (target is System.Collections.IList l) items = l.Cast<object?>().ToList();
        else if (target is Undefined u) throw new JinjaException($"line {line}: {u.Description} (slicing)");
        else throw new JinjaException($"line {line}: '{PyValue.TypeName(target)}' object is not subscriptable");
        int n = items.Count;
        long Clamp(long? v, long def, bool forStop)
        {
            if (v is null) return def;
            long x = v.Value < 0 ? v.Value + n : v.Value;
            return st > 0 ? Math.Clamp(x, 0, n) : Math.Clamp(x, -1, n - 1);
        }
        long a = Clamp(AsIndex(start), st > 0 ? 0 : n - 1, false);
        long b = Clamp(AsIndex(stop), st > 0 ? n : -1, true);
        var result = new List<object?>();
        if (st > 0) for (long i = a; i < b; i += st) result.Add(items[(int)i]);
        else for (long i = a; i > b; i += st) result.Add(items[(int)i]);
        if (isString) return string.Concat(result.Select(x => (string)x!));
        if (target is object?[]) return result.ToArray();
        return result;
    }

    private object? EvaluateCall(CallExpr call)
    {
        var args = call.Args.Select(Evaluate).ToList();
        var kwargs = call.Kwargs.ToDictionary(k => k.Name, k => Evaluate(k.Value), StringComparer.Ordinal);
        if (call.Callee is AttrExpr attr)
        {
            var target = Evaluate(attr.Target);
            if (target is string or System.Collections.IList or LoopInfo || (target is Dictionary<string, object?> d && target is not JinjaNamespace && !d.ContainsKey(attr.Name)))
                return JinjaBuiltins.Method(target, attr.Name, args, kwargs, call.Line);
            return Invoke(GetAttribute(target, attr.Name, call.Line), args, kwargs, call.Line);
        }
        return Invoke(Evaluate(call.Callee), args, kwargs, call.Line);
    }

    private static object? Invoke(object? callee, List<object?> args, Dictionary<string, object?> kwargs, int line) => callee switch
    {
        JinjaFunction f => f.Invoke(args, kwargs),
        JinjaMacro m => m.Invoke(args, kwargs),
        Undefined u => throw new JinjaException($"line {line}: {u.Description} (called as a function)"),
        _ => throw new JinjaException($"line {line}: '{PyValue.TypeName(callee)}' object is not callable"),
    };
}
