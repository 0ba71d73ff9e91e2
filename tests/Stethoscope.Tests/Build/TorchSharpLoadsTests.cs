using static TorchSharp.torch;

namespace Stethoscope.Tests.Build;

public class TorchSharpLoadsTests
{
    [Fact]
    public void Native_library_loads_and_a_backward_pass_gives_the_exact_gradient()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new[] { 1f, -2f, 3f }, requires_grad: true);
        x.pow(2).sum().backward();
        Assert.Equal(new[] { 2f, -4f, 6f }, x.grad!.data<float>().ToArray());
    }

    [Fact]
    public void Test_output_holds_the_native_library_with_the_missing_version_need_made_weak_or_the_system_has_it()
    {
        var library = Directory.GetFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories).Single();
        var bytes = File.ReadAllBytes(library);
        var systemHasIt = File.Exists("/usr/lib/x86_64-linux-gnu/libstdc++.so.6")
            && System.Text.Encoding.ASCII.GetString(File.ReadAllBytes("/usr/lib/x86_64-linux-gnu/libstdc++.so.6")).Contains("GLIBCXX_3.4.32\0");
        Assert.True(systemHasIt || ElfVersionNeeds.IsWeak(bytes, "GLIBCXX_3.4.32"));
    }
}
