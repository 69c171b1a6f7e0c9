using System.Collections;
using System.Reflection;
using HonestyEngine.Abstractions;

namespace GroundTruthSpy;

/// <summary>Walks an object graph by reflection, as a plugin determined to find ground truth could: every public and
/// non-public instance field (and, on types outside the BCL, every readable property), recursively, with a visited set
/// and a depth limit, recording every string and int it sees. It does not descend into model handles (a model's
/// weights legitimately encode its behaviour) or delegates (the views open models through factories).</summary>
internal sealed class Walker(Action<string, string, string, string> record, int maxDepth = 24)
{
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
    private readonly HashSet<object> _visited = new(ReferenceEqualityComparer.Instance);

    public int Objects => _visited.Count;

    /// <summary>Walks <paramref name="value"/>, recording under <paramref name="root"/>.</summary>
    public void Walk(object? value, string root) => Visit(value, root, "(root)", 0);

    private void Visit(object? value, string root, string member, int depth)
    {
        if (value is null) return;
        switch (value)
        {
            case string s:
                record(root, "s", member, s);
                return;
            case int i:
                record(root, "i", member, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                return;
            case IModelHandle or ITokenizer or Delegate:
                return;
        }
        var type = value.GetType();
        if (type.IsPrimitive || type.IsEnum || type.IsPointer || Skipped(type) || depth >= maxDepth) return;
        if (!type.IsValueType && !_visited.Add(value)) return;

        if (value is Array array)
        {
            if (array.Rank == 1 && type.GetElementType() is { } element && (element == typeof(int) || element == typeof(string) || !element.IsPrimitive))
                foreach (var item in array) Visit(item, root, member + "[]", depth + 1);
            return;
        }
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (var field in t.GetFields(Instance))
            {
                if (field.FieldType.IsPointer || field.FieldType.IsByRefLike) continue;
                object? v;
                try { v = field.GetValue(value); } catch { continue; }
                Visit(v, root, $"{t.Name}.{field.Name}", depth + 1);
            }
            // Computed properties of host and contract types (a view could compute a value from a hidden reference);
            // BCL properties are left alone (Task.Result blocks, Lazy.Value runs factories) - their fields are walked.
            if (IsFramework(t)) continue;
            foreach (var property in t.GetProperties(Instance))
            {
                if (property.GetIndexParameters().Length > 0 || property.GetMethod is null || property.PropertyType.IsByRefLike) continue;
                object? v;
                try { v = property.GetValue(value); } catch { continue; }
                Visit(v, root, $"{t.Name}.{property.Name}", depth + 1);
            }
        }
    }

    private static bool IsFramework(Type t) =>
        t.Namespace is { } ns && (ns == "System" || ns.StartsWith("System.", StringComparison.Ordinal) || ns.StartsWith("Microsoft.", StringComparison.Ordinal));

    /// <summary>Reflection and runtime plumbing: metadata, not data (and huge).</summary>
    private static bool Skipped(Type t) =>
        typeof(MemberInfo).IsAssignableFrom(t) || typeof(Assembly).IsAssignableFrom(t) || typeof(Module).IsAssignableFrom(t)
        || typeof(ParameterInfo).IsAssignableFrom(t) || typeof(System.Runtime.Loader.AssemblyLoadContext).IsAssignableFrom(t)
        || typeof(Task).IsAssignableFrom(t) || typeof(Thread).IsAssignableFrom(t) || typeof(ExecutionContext).IsAssignableFrom(t)
        || typeof(SynchronizationContext).IsAssignableFrom(t) || typeof(WaitHandle).IsAssignableFrom(t)
        || typeof(System.Runtime.InteropServices.SafeHandle).IsAssignableFrom(t);
}
