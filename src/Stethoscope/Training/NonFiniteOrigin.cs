namespace Stethoscope.Training;

/// <summary>Where in a training step a NaN or infinity first appeared.</summary>
public enum NonFinitePass
{
    /// <summary>A module's output in the forward pass.</summary>
    Forward,

    /// <summary>A gradient, going backward: through a module or into a parameter.</summary>
    Backward,

    /// <summary>The loss itself, or its gradient with respect to the model's output, from a finite output.</summary>
    Loss,

    /// <summary>The parameters before the step's forward: the previous optimizer step (or whatever changed the weights
    /// after the previous, finite, step) left them non-finite.</summary>
    Update,

    /// <summary>The replay found everything finite, or could not run.</summary>
    Unknown,
}

/// <summary>
/// Where the first non-finite value of a run came from, found by replaying that step (<see cref="NonFiniteReplay"/>);
/// written to run.json as <c>non_finite_origin</c>.
/// </summary>
/// <param name="Step">The first step whose readings were not finite.</param>
/// <param name="Pass">Where the value appeared.</param>
/// <param name="Module">The module that produced it (its <c>named_modules()</c> path), or null where no module is to blame.</param>
/// <param name="Parameter">The parameter involved: the non-finite weight (update, forward) or the first parameter whose
/// gradient was non-finite (backward); null when none.</param>
/// <param name="InputsFinite">Whether what went into the module was finite (forward: its input; backward: its input and
/// the gradient of its output; update: the previous step's readings); null when unknown.</param>
/// <param name="Detail">One sentence for people.</param>
public sealed record NonFiniteOrigin(long Step, NonFinitePass Pass, string? Module, string? Parameter, bool? InputsFinite, string Detail)
{
    /// <summary>Where, in a few words: "forward pass in conv2 (conv2.weight), inputs finite". A method, so that run.json
    /// keeps only the contract's fields.</summary>
    public string Where()
    {
        var module = Module is null ? "" : $" in {Module}";
        var parameter = Parameter is null ? "" : Pass == NonFinitePass.Backward ? $", reaching {Parameter}" : $" ({Parameter})";
        var inputs = InputsFinite switch { true => ", inputs finite", false => ", inputs not finite", _ => "" };
        return Pass switch
        {
            NonFinitePass.Forward => $"forward pass{module}{parameter}{inputs}",
            NonFinitePass.Backward => $"backward pass{module}{parameter}{inputs}",
            NonFinitePass.Loss => "the loss",
            NonFinitePass.Update => $"the update before step {Step}{parameter}",
            _ => "not located",
        };
    }

    /// <summary>Where, then the sentence: one line for a summary or a report.</summary>
    public string Line() => $"step {Step}, {Where()}: {Detail}";
}
