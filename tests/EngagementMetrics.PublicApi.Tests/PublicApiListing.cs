using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace EngagementMetrics.PublicApi.Tests;

/// <summary>A text listing of an assembly's public types and their public and protected members, one per line, sorted.</summary>
internal static class PublicApiListing
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    public static string Of(Assembly assembly)
    {
        var text = new StringBuilder();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            text.Append(Header(type)).Append('\n');
            foreach (var member in Members(type).Order(StringComparer.Ordinal))
            {
                text.Append("  ").Append(member).Append('\n');
            }
        }

        return text.ToString();
    }

    private static string Header(Type type)
    {
        var kind = type switch
        {
            { IsEnum: true } => "enum",
            { IsInterface: true } => "interface",
            { IsValueType: true } => type.GetMethod("<Clone>$") is not null || IsRecordStruct(type) ? "record struct" : "struct",
            _ when typeof(Delegate).IsAssignableFrom(type) => "delegate",
            _ => type.GetMethod("<Clone>$") is not null ? "record class" : "class",
        };
        var modifiers = type switch
        {
            { IsAbstract: true, IsSealed: true } when !type.IsValueType && !type.IsInterface => "static ",
            { IsSealed: true } when !type.IsValueType && !type.IsEnum && !typeof(Delegate).IsAssignableFrom(type) => "sealed ",
            { IsAbstract: true } when !type.IsInterface => "abstract ",
            _ => string.Empty,
        };
        var bases = new List<string>();
        if (type.BaseType is { } baseType && baseType != typeof(object) && baseType != typeof(ValueType) && baseType != typeof(Enum) && baseType != typeof(MulticastDelegate))
        {
            bases.Add(Name(baseType));
        }

        bases.AddRange(type.GetInterfaces().Where(i => i.IsPublic || i.IsNestedPublic).Select(Name).Order(StringComparer.Ordinal));
        return $"public {modifiers}{kind} {Name(type)}{(bases.Count > 0 ? " : " + string.Join(", ", bases) : string.Empty)}";
    }

    private static bool IsRecordStruct(Type type) =>
        type.GetMethod("PrintMembers", BindingFlags.NonPublic | BindingFlags.Instance) is { } m && m.IsDefined(typeof(CompilerGeneratedAttribute));

    private static IEnumerable<string> Members(Type type)
    {
        if (type.IsEnum)
        {
            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                yield return $"{field.Name} = {Convert.ToInt64(field.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture)}";
            }

            yield break;
        }

        foreach (var member in type.GetMembers(Declared))
        {
            if (Describe(member) is { } line)
            {
                yield return line;
            }
        }
    }

    private static string? Describe(MemberInfo member)
    {
        switch (member)
        {
            case ConstructorInfo c when Visible(c):
                return $"{Access(c)} {(c.IsStatic ? "static " : string.Empty)}.ctor({Parameters(c.GetParameters())})";
            case MethodInfo m when Visible(m) && !m.IsSpecialName || m is { IsSpecialName: true } && m.Name.StartsWith("op_", StringComparison.Ordinal) && Visible(m):
                var generic = m.IsGenericMethod ? "<" + string.Join(", ", m.GetGenericArguments().Select(a => a.Name)) + ">" : string.Empty;
                return $"{Access(m)} {Modifiers(m)}{Name(m.ReturnType)} {m.Name}{generic}({Parameters(m.GetParameters())})";
            case PropertyInfo p:
                var accessors = new List<string>();
                if (p.GetMethod is { } get && Visible(get))
                {
                    accessors.Add("get;");
                }

                if (p.SetMethod is { } set && Visible(set))
                {
                    accessors.Add(set.ReturnParameter.GetRequiredCustomModifiers().Any(t => t == typeof(IsExternalInit)) ? "init;" : "set;");
                }

                if (accessors.Count == 0)
                {
                    return null;
                }

                var accessor = p.GetMethod is { } g && Visible(g) ? g : p.SetMethod!;
                var indexer = p.GetIndexParameters() is { Length: > 0 } index ? $"this[{Parameters(index)}]" : p.Name;
                return $"{Access(accessor)} {Modifiers(accessor)}{Name(p.PropertyType)} {indexer} {{ {string.Join(' ', accessors)} }}";
            case FieldInfo f when (f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly) && !f.IsSpecialName:
                var constant = f.IsLiteral ? $"const {Name(f.FieldType)} {f.Name} = {Literal(f.GetRawConstantValue())}" : $"{(f.IsStatic ? "static " : string.Empty)}{(f.IsInitOnly ? "readonly " : string.Empty)}{Name(f.FieldType)} {f.Name}";
                return $"{(f.IsPublic ? "public" : "protected")} {constant}";
            case EventInfo e when e.AddMethod is { } add && Visible(add):
                return $"{Access(add)} event {Name(e.EventHandlerType!)} {e.Name}";
            case Type nested when nested.IsNestedPublic:
                return null;
            default:
                return null;
        }
    }

    private static bool Visible(MethodBase method) => method.IsPublic || method.IsFamily || method.IsFamilyOrAssembly;

    private static string Access(MethodBase method) => method.IsPublic ? "public" : "protected";

    private static string Modifiers(MethodInfo method) =>
        method.IsStatic ? "static " :
        method.IsAbstract && !method.DeclaringType!.IsInterface ? "abstract " :
        method.GetBaseDefinition() != method ? "override " :
        method.IsVirtual && !method.IsFinal && !method.DeclaringType!.IsInterface ? "virtual " : string.Empty;

    private static string Parameters(ParameterInfo[] parameters) => string.Join(", ", parameters.Select(p =>
    {
        var type = p.ParameterType;
        var prefix = type.IsByRef ? (p.IsOut ? "out " : p.IsIn ? "in " : "ref ") : p.IsDefined(typeof(ParamArrayAttribute)) ? "params " : string.Empty;
        var name = Name(type.IsByRef ? type.GetElementType()! : type);
        var value = p.HasDefaultValue ? " = " + Literal(p.DefaultValue) : string.Empty;
        return $"{prefix}{name} {p.Name}{value}";
    }));

    private static string Literal(object? value) => value switch
    {
        null => "null",
        string s => "\"" + s + "\"",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "null",
    };

    private static string Name(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Name(underlying) + "?";
        }

        if (type.IsArray)
        {
            return Name(type.GetElementType()!) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
        }

        if (type.IsGenericParameter)
        {
            return type.Name;
        }

        var name = type.IsNested ? Name(type.DeclaringType!) + "." + type.Name : (type.Namespace is { Length: > 0 } ns ? ns + "." : string.Empty) + type.Name;
        if (!type.IsGenericType)
        {
            return name;
        }

        var tick = name.IndexOf('`', StringComparison.Ordinal);
        var arguments = type.GetGenericArguments();
        if (type.IsNested && type.DeclaringType!.IsGenericType)
        {
            arguments = arguments[type.DeclaringType.GetGenericArguments().Length..];
        }

        return (tick >= 0 ? name[..tick] : name) + (arguments.Length > 0 ? "<" + string.Join(", ", arguments.Select(Name)) + ">" : string.Empty);
    }
}
