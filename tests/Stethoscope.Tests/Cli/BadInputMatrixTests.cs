using System.Text;
using Stethoscope.Runs;
using static Stethoscope.Tests.Cli.BadInputScene;
using static Stethoscope.Tests.Cli.CliInvocation;

namespace Stethoscope.Tests.Cli;

/// <summary>
/// The README's contract, row by row, across data, shapes, weights, run folders, images, option values, output paths
/// and links: every row is one <c>error:</c> line with no stack trace, exit code 2 for an option's value and 1 for a
/// bad file, name or write, and the folder holds exactly what it held before (nothing created, nothing replaced).
/// Together with <see cref="OptionValueTests"/> this is the bad-input matrix of issue 20.
/// </summary>
public class BadInputMatrixTests
{
    /// <summary>One bad input: the exit code, a fragment the error line must hold, and the command line for a scene.</summary>
    public sealed record Row(string Name, int Code, string Expected, Func<BadInputScene, string[]> Args);

    const string Cpu = "--device";

    static readonly Row[] Table =
    [
        // Command line: parse errors in words, never a .NET type name.
        new("unknown command", 2, "unknown command 'frobnicate'; commands: demo, train,", _ => ["frobnicate"]),
        new("unknown command with --verbose", 2, "unknown command 'frobnicate'", _ => ["frobnicate", "--verbose"]),
        new("no command", 2, "no command given; commands:", _ => []),
        new("unknown option", 2, "--bogus", _ => ["train", "--bogus"]),
        new("lr not a number", 2, "'abc'", _ => ["train", "--lr", "abc"]),
        new("batch size not a whole number", 2, "'1.5'", _ => ["train", "--batch-size", "1.5"]),
        new("batch size beyond int", 2, "'2147483648'", _ => ["train", "--batch-size", "2147483648"]),
        new("epochs not a number", 2, "'x'", _ => ["train", "--epochs", "x"]),
        new("max steps not a number", 2, "'x'", _ => ["train", "--max-steps", "x"]),
        new("seed not a number", 2, "'x'", _ => ["train", "--seed", "x"]),
        new("optimizer unknown", 2, "rmsprop", _ => ["train", "--optimizer", "rmsprop"]),
        new("device unknown", 2, "tpu", _ => ["train", "--device", "tpu"]),
        new("on-divergence unknown", 2, "explode", _ => ["train", "--on-divergence", "explode"]),
        new("mapping unknown", 2, "chirp", _ => ["train", "--sonify", "--mapping", "chirp"]),
        new("lr without a value", 2, "--lr", _ => ["train", "--lr"]),
        new("port not a number", 2, "'http'", _ => ["dashboard", "--port", "http"]),
        new("sonify format unknown", 2, "mp3", s => ["sonify", s.Run(), "--format", "mp3"]),
        new("sonify mapping unknown", 2, "chirp", s => ["sonify", s.Run(), "--mapping", "chirp"]),
        new("filters scale unknown", 2, "wide", s => ["filters", s.Run(), "--scale", "wide"]),
        new("erf samples not a number", 2, "'many'", _ => ["erf", "--samples", "many"]),
        new("compare without runs", 2, "RUN", _ => ["compare"]),
        new("report without run", 2, "RUN", _ => ["report"]),
        new("report with two runs", 2, "'b'", _ => ["report", "a", "b"]),
        new("sonify without run", 2, "RUN", _ => ["sonify"]),

        // Option values: range and meaning checks are exit 2, before anything is created.
        new("lr NaN", 2, "learning rate", s => ["train", "--lr", "NaN", "--data", "synthetic:16", Cpu, "cpu", "--runs", s.Root]),
        new("lr infinite", 2, "learning rate", s => ["train", "--lr", "Infinity", "--data", "synthetic:16", Cpu, "cpu", "--runs", s.Root]),
        new("momentum negative", 2, "momentum", s => ["train", "--momentum", "-0.5", "--data", "synthetic:16", Cpu, "cpu", "--runs", s.Root]),
        new("data unknown kind", 2, "data 'foo' is not one of: bundled, mnist[:TRAIN[/TEST]]", s => ["train", "--data", "foo", Cpu, "cpu", "--runs", s.Root]),
        new("data mnist without folder", 2, "data 'mnist:' is not one of", s => ["train", "--data", "mnist:", Cpu, "cpu", "--runs", s.Root]),
        new("data bundled with argument", 2, "data 'bundled:x' is not one of", s => ["train", "--data", "bundled:x", Cpu, "cpu", "--runs", s.Root]),
        new("data synthetic too large", 2, "synthetic count", s => ["train", "--data", "synthetic:99999999999", Cpu, "cpu", "--runs", s.Root]),
        new("data synthetic plus", 2, "synthetic count", s => ["train", "--data", "synthetic:+5", Cpu, "cpu", "--runs", s.Root]),
        new("summary input not a shape", 2, "abc", _ => ["summary", "--input", "abc"]),
        new("summary input zero", 2, "0x28x28", _ => ["summary", "--input", "0x28x28"]),
        new("summary input huge", 2, "3x100000x100000", _ => ["summary", "--input", "3x100000x100000"]),
        new("summary input negative", 2, "1x-28x28", _ => ["summary", "--input", "1x-28x28"]),
        new("summary input two numbers", 2, "28x28", _ => ["summary", "--input", "28x28"]),
        new("rf input huge", 2, "1x100000x100000", _ => ["rf", "--input", "1x100000x100000"]),
        new("erf unit negative", 2, "unit", s => ["erf", "--unit", "-1,0", Cpu, "cpu", "--out", s["out"]]),
        new("sonify loss track with seed mapping", 2, "--loss-track needs --mapping log", s => ["sonify", s.Run(), "--loss-track"]),
        new("filters gradients batch zero", 2, "batch", s => ["filters", s.Run(), "--gradients", "--batch-size", "0", Cpu, "cpu", "--out", s["f.png"]]),
        new("hypercolumns sample negative", 2, "--sample", s => ["hypercolumns", s.Run(), "--sample", "-1", Cpu, "cpu", "--out", s["out"]]),
        new("activations sample out of range", 2, "--sample", s => ["activations", s.Run(), "--sample", "100000", Cpu, "cpu", "--out", s["a.png"]]),
        new("erf-stack kernel huge", 2, "an odd kernel 1..255", s => ["erf", "--model", "erf-stack", "--kernel", "2147483647", Cpu, "cpu", "--out", s["out"]]),
        new("erf-stack depth zero", 2, "erf-stack needs depth 1..1000", s => ["erf", "--model", "erf-stack", "--depth", "0", Cpu, "cpu", "--out", s["out"]]),
        new("hypercolumns clusters zero", 2, "--clusters and --restarts must be at least 1", s => ["hypercolumns", "--model", "mnist-net", "--image", s.File_("i.png", Png(28, 28)), "--clusters", "0", Cpu, "cpu", "--out", s["out"]]),

        // Names: an unknown model or layer is a bad name, exit 1, with what is valid.
        new("model unknown in train", 1, "nope", s => ["train", "--model", "nope", "--data", "synthetic:16", Cpu, "cpu", "--runs", s.Root]),
        new("model that cannot be trained", 1, "analysis model with no training objective", s => ["train", "--model", "erf-stack", "--data", "synthetic:16", Cpu, "cpu", "--runs", s.Root]),
        new("model unknown in summary", 1, "nope", _ => ["summary", "--model", "nope"]),
        new("model unknown in rf", 1, "nope", _ => ["rf", "--model", "nope"]),
        new("model unknown in erf", 1, "nope", s => ["erf", "--model", "nope", Cpu, "cpu", "--out", s["out"]]),
        new("layer unknown in filters", 1, "has no layer 'nope'", s => ["filters", s.Run(), "--layer", "nope", Cpu, "cpu", "--out", s["f.png"]]),
        new("layer not a convolution in filters", 1, "layer fc1 is not a convolution", s => ["filters", s.Run(), "--layer", "fc1", Cpu, "cpu", "--out", s["f.png"]]),
        new("layer unknown in activations", 1, "nope", s => ["activations", s.Run(), "--sample", "0", "--layer", "nope", Cpu, "cpu", "--out", s["a.png"]]),
        new("layer unknown in erf", 1, "nope", s => ["erf", s.Run(), "--layer", "nope", Cpu, "cpu", "--out", s["out"]]),
        new("layers unknown in hypercolumns", 1, "nope", s => ["hypercolumns", "--model", "mnist-net", "--image", s.File_("i.png", Png(28, 28)), "--layers", "nope", Cpu, "cpu", "--out", s["out"]]),

        // Data folders.
        new("mnist folder missing", 1, "no such folder", s => ["train", "--data", $"mnist:{s["none"]}", Cpu, "cpu", "--runs", s.Root]),
        new("mnist folder empty", 1, "no train-images", s => ["train", "--data", $"mnist:{s.Folder("empty")}", Cpu, "cpu", "--runs", s.Root]),
        new("mnist images truncated", 1, "truncated or padded", s => ["train", "--data", $"mnist:{s.Mnist("m", trainImages: [.. IdxImages(20, 28, 28).Take(500)])}", Cpu, "cpu", "--runs", s.Root]),
        new("mnist images wrong magic", 1, "magic number", s => ["train", "--data", $"mnist:{s.Mnist("m", trainImages: [.. IdxLabels(20)])}", Cpu, "cpu", "--runs", s.Root]),
        new("mnist images header only", 1, "16-byte header", s => ["train", "--data", $"mnist:{s.Mnist("m", trainImages: [1, 2, 3])}", Cpu, "cpu", "--runs", s.Root]),
        new("mnist test images of another size", 1, "test images are 1x20x20 but the training images are 1x28x28", s => ["train", "--data", $"mnist:{s.Mnist("m", 28, 20)}", Cpu, "cpu", "--runs", s.Root]),
        new("mnist images huge count", 1, "not a usable size", s => ["train", "--data", $"mnist:{s.Mnist("m", trainImages: IdxImages(0, 0, 0).Select((b, i) => i == 7 ? (byte)0x7f : b).ToArray())}", Cpu, "cpu", "--runs", s.Root]),
        new("mnist labels a folder", 1, "train-labels", s => { var m = s.Mnist("m"); File.Delete(Path.Combine(m, "train-labels-idx1-ubyte")); Directory.CreateDirectory(Path.Combine(m, "train-labels-idx1-ubyte")); return ["train", "--data", $"mnist:{m}", Cpu, "cpu", "--runs", s.Root]; }),
        new("mnist images gzip damaged", 1, "train-images", s => { var m = s.Mnist("m"); File.Delete(Path.Combine(m, "train-images-idx3-ubyte")); s.File_("m/train-images-idx3-ubyte.gz", [0x1f, 0x8b, 8, 0, 1, 2, 3]); return ["train", "--data", $"mnist:{m}", Cpu, "cpu", "--runs", s.Root]; }),
        new("cifar10 folder missing", 1, "no such folder", s => ["train", "--data", $"cifar10:{s["none"]}", Cpu, "cpu", "--runs", s.Root]),
        new("cifar10 folder empty", 1, "data_batch_1.bin", s => ["train", "--data", $"cifar10:{s.Folder("c")}", Cpu, "cpu", "--runs", s.Root]),
        new("cifar10 batch truncated", 1, "whole number of 3073-byte records", s => { s.File_("c/data_batch_1.bin", new byte[3073 + 5]); s.File_("c/test_batch.bin", new byte[3073]); return ["train", "--data", $"cifar10:{s["c"]}", Cpu, "cpu", "--runs", s.Root]; }),
        new("cifar10 label out of range", 1, "label 200", s => { s.File_("c/data_batch_1.bin", [200, .. new byte[3072]]); s.File_("c/test_batch.bin", new byte[3073]); return ["train", "--data", $"cifar10:{s["c"]}", Cpu, "cpu", "--runs", s.Root]; }),
        new("images folder missing", 1, "no such folder", s => ["train", "--data", $"images:{s["none"]}", Cpu, "cpu", "--runs", s.Root]),
        new("images folder one class", 1, "at least 2", s => { s.File_("i/a/1.png", Png(8, 8)); return ["train", "--data", $"images:{s["i"]}", Cpu, "cpu", "--runs", s.Root]; }),
        new("images class empty", 1, "no images", s => { s.File_("i/a/1.png", Png(8, 8)); s.Folder("i/b"); return ["train", "--data", $"images:{s["i"]}", Cpu, "cpu", "--runs", s.Root]; }),
        new("images of two sizes", 1, "but the folder's images are", s => ImageFolder(s, (b, i) => i == 3 ? Png(9, 9) : Png(8, 8))),
        new("images one truncated", 1, "truncated", s => ImageFolder(s, (b, i) => i == 3 ? [.. Png(64, 64, grey: false).Take(80)] : Png(64, 64, grey: false), side: 64)),
        new("images one not an image", 1, "not an image", s => ImageFolder(s, (b, i) => i == 3 ? Encoding.UTF8.GetBytes("hello") : Png(8, 8))),
        new("images one huge header", 1, "pixels", s => ImageFolder(s, (b, i) => i == 0 ? PngHeaderOnly(20000, 20000) : Png(8, 8))),

        // Weights: safetensors headers and checkpoints.
        new("safetensors missing", 1, "no such safetensors file", s => Weights(s, s["none.safetensors"])),
        new("safetensors empty", 1, "too short", s => Weights(s, s.File_("w.safetensors", []))),
        new("safetensors header length beyond file", 1, "header length", s => Weights(s, s.File_("w.safetensors", [255, 0, 0, 0, 0, 0, 0, 0, 1]))),
        new("safetensors header not utf-8", 1, "not UTF-8", s => Weights(s, s.File_("w.safetensors", Safetensors([(byte)'{', (byte)'"', 0xff, 0xfe, (byte)'"', (byte)':', (byte)'1', (byte)'}'], 0)))),
        new("safetensors header not json", 1, "not valid JSON", s => Weights(s, s.File_("w.safetensors", Safetensors("{nope", 0)))),
        new("safetensors header an array", 1, "not a JSON object", s => Weights(s, s.File_("w.safetensors", Safetensors("[1,2]", 0)))),
        new("safetensors duplicate name", 1, "'a' appears twice", s => Weights(s, s.File_("w.safetensors", Safetensors("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 4)))),
        new("safetensors negative shape", 1, "negative", s => Weights(s, s.File_("w.safetensors", Safetensors("""{"a":{"dtype":"F32","shape":[-1,-4],"data_offsets":[0,16]}}""", 16)))),
        new("safetensors huge shape", 1, "shape", s => Weights(s, s.File_("w.safetensors", Safetensors("""{"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,0]}}""", 0)))),
        new("safetensors one offset", 1, "data_offsets", s => Weights(s, s.File_("w.safetensors", Safetensors("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0]}}""", 4)))),
        new("safetensors offsets reversed", 1, "bytes", s => Weights(s, s.File_("w.safetensors", Safetensors("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}""", 4)))),
        new("safetensors offsets beyond file", 1, "bytes", s => Weights(s, s.File_("w.safetensors", Safetensors("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[100,104]}}""", 4)))),
        new("safetensors offsets overlap", 1, "overlap", s => Weights(s, s.File_("w.safetensors", Safetensors("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12)))),
        new("safetensors data not covered", 1, "not covered", s => Weights(s, s.File_("w.safetensors", Safetensors("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8)))),
        new("safetensors dtype unknown", 1, "only F32", s => Weights(s, s.File_("w.safetensors", Safetensors("""{"a":{"dtype":"I8","shape":[1],"data_offsets":[0,1]}}""", 1)))),
        new("safetensors shape not numbers", 1, "lacks dtype, shape or data_offsets", s => Weights(s, s.File_("w.safetensors", Safetensors("""{"a":{"dtype":"F32","shape":["x"],"data_offsets":[0,4]}}""", 4)))),
        new("safetensors entry not an object", 1, "'a'", s => Weights(s, s.File_("w.safetensors", Safetensors("""{"a":3}""", 0)))),
        new("safetensors names do not fit", 1, "does not fit", s => Weights(s, s.File_("w.safetensors", Safetensors("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 4)))),
        new("safetensors a folder", 1, "w.safetensors", s => Weights(s, s.Folder("w.safetensors"))),
        new("checkpoint missing", 1, "final.dat", s => { var r = s.Run(); File.Delete(Path.Combine(r, "checkpoints", "final.dat")); return ["filters", r, Cpu, "cpu", "--out", s["f.png"]]; }),
        new("checkpoint empty", 1, "final.dat", s => { var r = s.Run(); File.WriteAllBytes(Path.Combine(r, "checkpoints", "final.dat"), []); return ["filters", r, Cpu, "cpu", "--out", s["f.png"]]; }),
        new("checkpoint truncated", 1, "final.dat", s => { var r = s.Run(); Truncate(Path.Combine(r, "checkpoints", "final.dat"), 100); return ["filters", r, Cpu, "cpu", "--out", s["f.png"]]; }),
        new("checkpoint garbage", 1, "final.dat", s => { var r = s.Run(); File.WriteAllBytes(Path.Combine(r, "checkpoints", "final.dat"), Enumerable.Range(0, 4000).Select(i => (byte)(i * 37)).ToArray()); return ["filters", r, Cpu, "cpu", "--out", s["f.png"]]; }),
        new("checkpoint a folder", 1, "final.dat", s => { var r = s.Run(); File.Delete(Path.Combine(r, "checkpoints", "final.dat")); Directory.CreateDirectory(Path.Combine(r, "checkpoints", "final.dat")); return ["filters", r, Cpu, "cpu", "--out", s["f.png"]]; }),
        new("checkpoint file outside a run", 1, "x.dat", s => ["filters", s.File_("x.dat", new byte[10]), Cpu, "cpu", "--out", s["f.png"]]),
        new("checkpoint with trailing bytes", 1, "bytes follow the last tensor", s => { var r = s.Run(); File.AppendAllText(Path.Combine(r, "checkpoints", "final.dat"), "tail"); return ["filters", r, Cpu, "cpu", "--out", s["f.png"]]; }),

        // Run folders and run.json.
        new("filters run missing", 1, "none", s => ["filters", s["none"], Cpu, "cpu", "--out", s["f.png"]]),
        new("filters run empty", 1, "run.json", s => ["filters", s.Folder("empty"), Cpu, "cpu", "--out", s["f.png"]]),
        new("plot run missing", 1, "no such run folder", s => ["plot", s["none"]]),
        new("plot run is a file", 1, "f.txt", s => ["plot", s.Text("f.txt", "x")]),
        new("report run missing", 1, "no such run folder", s => ["report", s["none"]]),
        new("sonify run missing", 1, "no such run folder", s => ["sonify", s["none"]]),
        new("compare run missing", 1, "no such run folder", s => ["compare", s.Run(), s["none"], "--out", s["cmp"]]),
        new("compare run empty", 1, "run.json", s => ["compare", s.Run(), s.Folder("empty"), "--out", s["cmp"]]),
        new("activations run missing", 1, "none", s => ["activations", s["none"], "--sample", "0", Cpu, "cpu", "--out", s["a.png"]]),
        .. RunJsonRows("{}", "empty object"),
        .. RunJsonRows("{\"name\":\"x\"}", "name only"),
        .. RunJsonRows("[]", "an array"),
        .. RunJsonRows("null", "null"),
        .. RunJsonRows("\"run\"", "a string"),
        .. RunJsonRows("{\"name\":", "truncated"),
        .. RunJsonRows("\u0000\u0001\u0002binary", "binary"),
        new("run.json missing config", 1, "run.json: missing field 'config'", s => ["filters", RunWithJson(s, j => j.Remove("config")), Cpu, "cpu", "--out", s["f.png"]]),
        new("run.json missing model", 1, "run.json: missing field 'model'", s => ["filters", RunWithJson(s, j => j.Remove("model")), Cpu, "cpu", "--out", s["f.png"]]),
        new("run.json missing data", 1, "run.json: missing field 'data'", s => ["compare", s.Run("a"), RunWithJson(s, j => j.Remove("data")), "--out", s["cmp"]]),
        new("run.json config model missing", 1, "run.json: missing field 'config.model'", s => ["filters", RunWithJson(s, j => j["config"]!.AsObject().Remove("model")), Cpu, "cpu", "--out", s["f.png"]]),
        new("run.json status unknown", 1, "run.json", s => ["report", RunWithJson(s, j => j["status"] = "dancing")]),
        new("run.json a folder", 1, "run.json", s => { var r = s.Run(); File.Delete(Path.Combine(r, "run.json")); Directory.CreateDirectory(Path.Combine(r, "run.json")); return ["report", r]; }),
        new("run.json unknown model", 1, "no-such-model", s => ["filters", RunWithJson(s, j => j["config"]!["model"] = "no-such-model"), Cpu, "cpu", "--out", s["f.png"]]),
        new("report without metrics.csv", 1, "metrics.csv", s => { var r = s.Run(); File.Delete(Path.Combine(r, "metrics.csv")); return ["report", r]; }),
        new("plot without metrics.csv", 1, "metrics.csv", s => { var r = s.Run(); File.Delete(Path.Combine(r, "metrics.csv")); return ["plot", r]; }),
        new("sonify without metrics.csv", 1, "metrics.csv", s => { var r = s.Run(); File.Delete(Path.Combine(r, "metrics.csv")); return ["sonify", r]; }),
        new("sonify metrics.csv empty", 1, "metrics.csv", s => { var r = s.Run(); File.WriteAllText(Path.Combine(r, "metrics.csv"), ""); return ["sonify", r]; }),
        new("plot metrics.csv empty", 1, "metrics.csv", s => { var r = s.Run(); File.WriteAllText(Path.Combine(r, "metrics.csv"), ""); return ["plot", r]; }),
        new("plot metrics.csv a number that is not", 1, "metrics.csv", s => { var r = s.Run(); File.AppendAllText(Path.Combine(r, "metrics.csv"), "3,0,abc,0.1,0.01,1,1,1,1\n"); return ["plot", r]; }),
        new("compare metrics.csv missing", 1, "metrics.csv", s => { var r = s.Run("b"); File.Delete(Path.Combine(r, "metrics.csv")); return ["compare", s.Run("a"), r, "--out", s["cmp"]]; }),
        new("train out holds a run", 1, "already holds a run", s => ["train", "--data", "synthetic:16", "--max-steps", "1", Cpu, "cpu", "--quiet", "--out", s.Run()]),

        // Images given to a command.
        .. ImageRows("missing", "no such image file", s => s["none.png"]),
        .. ImageRows("empty", "not an image", s => s.File_("e.png", [])),
        .. ImageRows("text", "not an image", s => s.Text("t.png", "hello, world")),
        .. ImageRows("truncated", "truncated", s => s.File_("t.png", [.. Png(64, 64, grey: false).Take(80)])),
        .. ImageRows("huge header", "pixels", s => s.File_("h.png", PngHeaderOnly(20000, 20000))),
        .. ImageRows("a folder", "no such image file", s => s.Folder("d.png")),
        .. ImageRows("a fifo", "not a regular file", s => s.Fifo("p.png")),

        // Output paths: only regular files are written, and a refused path is left as it was.
        .. OutputRows("a directory", "is a directory, not a regular file", s => s.Folder("o.png")),
        .. OutputRows("a fifo", "is a device, FIFO or socket, not a regular file", s => s.Fifo("o.png")),
        .. OutputRows("a symbolic link", "is a symbolic link, not a regular file", s => s.Link("o.png", s.Text("target.png", "keep me"))),
        .. OutputRows("empty", "cannot be empty", _ => ""),
        .. OutputRows("under a file", "cannot write", s => Path.Combine(s.Text("file", "x"), "o.png")),
        .. OutputRows("in /sys", "cannot write /sys/stethoscope-test.png: permission denied", _ => "/sys/stethoscope-test.png"),
        new("report index.html a directory", 1, "is a directory", s => { var r = s.Run(); Directory.CreateDirectory(Path.Combine(r, "index.html")); return ["report", r]; }),
        new("report index.html a fifo", 1, "not a regular file", s => { var r = s.Run(); s.Fifo("run/index.html"); return ["report", r]; }),
        new("plot figure a fifo", 1, "not a regular file", s => { var r = s.Run(); Directory.CreateDirectory(Path.Combine(r, "figures")); s.Fifo("run/figures/curves.png"); return ["plot", r]; }),
        new("plot figures a file", 1, "figures", s => { var r = s.Run(); Directory.Delete(Path.Combine(r, "figures"), recursive: true); File.WriteAllText(Path.Combine(r, "figures"), "x"); return ["plot", r]; }),
        new("sonify default wav a fifo", 1, "not a regular file", s => { var r = s.Run(); Directory.CreateDirectory(Path.Combine(r, "sound")); s.Fifo("run/sound/gradient-norms-seed.wav"); return ["sonify", r]; }),
        new("train out a file", 1, "exists and is not a folder", s => ["train", "--data", "synthetic:16", "--max-steps", "1", Cpu, "cpu", "--quiet", "--out", s.Text("file", "x")]),
        new("train out a fifo", 1, "exists and is not a folder", s => ["train", "--data", "synthetic:16", "--max-steps", "1", Cpu, "cpu", "--quiet", "--out", s.Fifo("fifo")]),
        new("train out empty", 1, "cannot be empty", _ => ["train", "--data", "synthetic:16", "--max-steps", "1", Cpu, "cpu", "--quiet", "--out", ""]),
        new("train out under a file", 1, "cannot write", s => ["train", "--data", "synthetic:16", "--max-steps", "1", Cpu, "cpu", "--quiet", "--out", Path.Combine(s.Text("file", "x"), "run")]),
        new("train out in /sys", 1, "permission denied", _ => ["train", "--data", "synthetic:16", "--max-steps", "1", Cpu, "cpu", "--quiet", "--out", "/sys/stethoscope-test-run"]),
        new("train runs a file", 1, "cannot write", s => ["train", "--data", "synthetic:16", "--max-steps", "1", Cpu, "cpu", "--quiet", "--runs", s.Text("file", "x")]),

        // Links and folders for the dashboard.
        new("dashboard runs missing", 1, "no such folder", s => ["dashboard", "--runs", s["none"], "--port", "0"]),
        new("dashboard runs a file", 1, "not a folder", s => ["dashboard", "--runs", s.Text("file", "x"), "--port", "0"]),
        new("dashboard runs empty path", 1, "no such folder", _ => ["dashboard", "--runs", "", "--port", "0"]),
        new("dashboard host a name", 2, "not an IP address", s => ["dashboard", "--runs", s.Root, "--host", "localhost.example"]),
    ];

    public static TheoryData<string> Rows => [.. Table.Select(r => r.Name)];

    [Theory]
    [MemberData(nameof(Rows))]
    public void A_bad_input_is_one_error_line_with_its_exit_code_and_leaves_everything_as_it_was(string name)
    {
        var row = Table.Single(r => r.Name == name);
        using var scene = new BadInputScene();
        var args = row.Args(scene);
        var before = scene.Snapshot();
        var error = AssertOneLineError(row.Code, Invoke(args));
        Assert.Contains(row.Expected, error);
        Assert.DoesNotContain("System.", error);
        Assert.Equal(before, scene.Snapshot());
    }

    [Fact]
    public void The_matrix_with_the_option_value_table_has_at_least_150_rows()
    {
        var optionRows = typeof(OptionValueTests).GetMethod(nameof(OptionValueTests.A_bad_option_value_exits_2_with_one_line_and_creates_nothing))!
            .GetCustomAttributes(typeof(InlineDataAttribute), false).Length;
        Assert.Equal(Table.Length, Table.Select(r => r.Name).Distinct().Count());
        Assert.True(Table.Length + optionRows >= 150, $"{Table.Length} + {optionRows}");
    }

    static string[] Weights(BadInputScene s, string path) =>
        ["hypercolumns", "--model", "mnist-net", "--weights", path, "--image", s.File_("i.png", Png(28, 28)), Cpu, "cpu", "--out", s["out"]];

    static string[] ImageFolder(BadInputScene s, Func<byte[]?, int, byte[]> image, int side = 8)
    {
        for (var c = 0; c < 2; c++)
            for (var i = 0; i < 6; i++)
                s.File_($"i/{c}/{i}.png", image(null, c * 6 + i));
        _ = side;
        return ["train", "--data", $"images:{s["i"]}", "--max-steps", "1", Cpu, "cpu", "--runs", s.Root];
    }

    static void Truncate(string path, int length)
    {
        using var file = File.Open(path, FileMode.Open);
        file.SetLength(length);
    }

    static string RunWithJson(BadInputScene s, Action<System.Text.Json.Nodes.JsonObject> change)
    {
        var run = s.Run("changed");
        var path = Path.Combine(run, "run.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        change(json);
        File.WriteAllText(path, json.ToJsonString());
        return run;
    }

    /// <summary>A run.json that is not a manifest, given to every command that reads one.</summary>
    static IEnumerable<Row> RunJsonRows(string json, string what)
    {
        string Damaged(BadInputScene s)
        {
            var run = s.Run("bad");
            File.WriteAllText(Path.Combine(run, "run.json"), json);
            return run;
        }
        yield return new($"run.json {what} in compare", 1, "run.json", s => ["compare", s.Run("a"), Damaged(s), "--out", s["cmp"]]);
        yield return new($"run.json {what} in report", 1, "run.json", s => ["report", Damaged(s)]);
        yield return new($"run.json {what} in filters", 1, "run.json", s => ["filters", Damaged(s), Cpu, "cpu", "--out", s["f.png"]]);
        yield return new($"run.json {what} in erf", 1, "run.json", s => ["erf", Damaged(s), Cpu, "cpu", "--samples", "2", "--out", s["out"]]);
    }

    static IEnumerable<Row> ImageRows(string what, string expected, Func<BadInputScene, string> image)
    {
        yield return new($"image {what} in activations", 1, expected, s => ["activations", s.Run(), "--image", image(s), Cpu, "cpu", "--out", s["a.png"]]);
        yield return new($"image {what} in hypercolumns", 1, expected, s => ["hypercolumns", "--model", "mnist-net", "--image", image(s), Cpu, "cpu", "--out", s["out"]]);
    }

    /// <summary>A refused output path for each command that writes one file where the user says.</summary>
    static IEnumerable<Row> OutputRows(string what, string expected, Func<BadInputScene, string> output)
    {
        yield return new($"filters out {what}", 1, expected, s => ["filters", s.Run(), Cpu, "cpu", "--out", output(s)]);
        yield return new($"activations out {what}", 1, expected, s => ["activations", s.Run(), "--sample", "0", Cpu, "cpu", "--out", output(s)]);
        yield return new($"sonify out {what}", 1, expected, s => ["sonify", s.Run(), "--out", output(s)]);
        yield return new($"erf out {what}", 1, expected, s => ["erf", "--model", "mnist-net", "--samples", "2", Cpu, "cpu", "--out", output(s)]);
    }
}
