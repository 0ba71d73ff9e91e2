using System.Reflection;
using Stethoscope.Models;

namespace Stethoscope.Tests.Architecture;

/// <summary>Design rules of DESIGN.md and STYLE.md, enforced on the compiled library.</summary>
public class HouseRulesTests
{
    static readonly Assembly Library = typeof(LayerStack).Assembly;

    static IEnumerable<Type> ReferencedTypes(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var methods = type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all));
        foreach (var method in methods)
        {
            var body = method.GetMethodBody();
            if (body is null)
                continue;
            var il = body.GetILAsByteArray()!;
            // Every 4-byte little-endian token after a call/newobj/ldfld-family opcode may name a member; resolve what resolves.
            for (var i = 0; i + 4 < il.Length; i++)
            {
                if (il[i] is not (0x28 or 0x6f or 0x73 or 0x7b or 0x7d or 0x7e or 0x80 or 0xd0))
                    continue;
                var token = BitConverter.ToInt32(il, i + 1);
                Type? found = null;
                try
                {
                    found = type.Module.ResolveMember(token)?.DeclaringType;
                }
                catch (ArgumentException)
                {
                }
                if (found is not null)
                    yield return found;
            }
        }
    }

    [Fact]
    public void The_library_never_writes_to_the_console()
    {
        var offenders = Library.GetTypes().Where(t => ReferencedTypes(t).Contains(typeof(Console))).Select(t => t.FullName).ToArray();
        Assert.Empty(offenders);
    }

    [Fact]
    public void The_trainer_knows_nothing_of_sound_pictures_or_the_dashboard()
    {
        string[] forbidden = ["Stethoscope.Sound", "Stethoscope.Imaging", "Stethoscope.Dashboard", "Stethoscope.Runs", "Stethoscope.TensorBoard"];
        var training = Library.GetTypes().Where(t => t.Namespace == "Stethoscope.Training");
        var offenders = training
            .SelectMany(t => ReferencedTypes(t).Where(r => forbidden.Any(f => r.Namespace?.StartsWith(f, StringComparison.Ordinal) == true)).Select(r => $"{t.Name} -> {r.FullName}"))
            .ToArray();
        Assert.Empty(offenders);
    }

    [Fact]
    public void Every_public_type_is_documented()
    {
        var xml = File.ReadAllText(Path.ChangeExtension(Library.Location, ".xml"));
        var undocumented = Library.GetExportedTypes().Where(t => !xml.Contains($"\"T:{t.FullName}\"")).Select(t => t.FullName).ToArray();
        Assert.Empty(undocumented);
    }
}
