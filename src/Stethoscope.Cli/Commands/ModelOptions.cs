using System.CommandLine;
using Stethoscope.Data;
using Stethoscope.Models;

namespace Stethoscope.Cli.Commands;

/// <summary>The <c>--model</c>, <c>--input</c> and <c>--classes</c> options of every command that builds a model by name.</summary>
public sealed class ModelOptions
{
    public Option<string> Model { get; } = new("--model") { Description = "model name (see 'stethoscope models')", DefaultValueFactory = _ => "mnist-net" };

    public Option<string?> Input { get; } = new("--input") { Description = "input shape CxHxW (default: the model's own)" };

    public Option<int?> Classes { get; } = new("--classes") { Description = "number of output classes (default: the model's own)" };

    /// <summary>Adds the options; a command whose <c>--input</c> means more than a shape adds its own.</summary>
    public void AddTo(Command command, bool withInput = true)
    {
        command.Options.Add(Model);
        if (withInput)
            command.Options.Add(Input);
        command.Options.Add(Classes);
    }

    /// <summary>The recipe and request the options name, validated.</summary>
    public (ModelRecipe Recipe, ModelRequest Request) Read(ParseResult result, ErfStackSettings? erfStack = null) =>
        Read(result, result.GetValue(Input), erfStack);

    /// <summary>As <see cref="Read(ParseResult, ErfStackSettings?)"/>, with the input shape's text given by the caller (null: the model's own).</summary>
    public (ModelRecipe Recipe, ModelRequest Request) Read(ParseResult result, string? input, ErfStackSettings? erfStack)
    {
        var recipe = ModelRegistry.Find(result.GetValue(Model)!);
        var classes = result.GetValue(Classes);
        if (classes is < 1)
            throw new InvalidOptionException($"--classes must be at least 1; got {classes}");
        return (recipe, new ModelRequest(input is null ? recipe.DefaultInput : ParseInput(input), classes, erfStack));
    }

    /// <summary>For a command that takes a RUN or <c>--model</c>: the model's name when it is the model, null for the run;
    /// both or neither is an option error.</summary>
    public static string? RunOrModel(string? run, string? model) => (run, model) switch
    {
        (null, null) => throw new InvalidOptionException("give a RUN (a run folder or checkpoint) or --model NAME"),
        (not null, not null) => throw new InvalidOptionException("give a RUN or --model, not both"),
        _ => model,
    };

    /// <summary>What an image file is normalised with before it enters a model built by name: nothing for a model that
    /// normalises its input itself (a pretrained network with its preprocessing), ImageNet's statistics for colour
    /// models, nothing for grey ones.</summary>
    public static Normalization ImageNormalization(ModelRecipe recipe) =>
        !recipe.NormalizesInput && recipe.DefaultInput.Channels == 3 ? Normalization.ImageNet : Normalization.Identity(Math.Max(1, recipe.DefaultInput.Channels));

    /// <summary>The most values one input may have (64 Mi, a 3x4730x4730 picture): a larger one is refused before
    /// any model or tensor is made.</summary>
    public const long MaxInputValues = 64L << 20;

    /// <summary>--input as a shape: a malformed or oversized one is an option value (exit code 2).</summary>
    static InputShape ParseInput(string input)
    {
        InputShape shape;
        try
        {
            shape = InputShape.Parse(input);
        }
        catch (StethoscopeException e) when (e is not InvalidOptionException)
        {
            throw new InvalidOptionException(e.Message);
        }
        if ((long)shape.Channels * shape.Height * shape.Width > MaxInputValues)
            throw new InvalidOptionException($"--input {input} has {(long)shape.Channels * shape.Height * shape.Width} values; at most {MaxInputValues} are accepted");
        return shape;
    }
}
