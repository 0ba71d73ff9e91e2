using Stethoscope.Probes;
using Stethoscope.Training;

namespace Stethoscope.Diagnosis;

/// <summary>One layer's value in a step (a gradient norm, an update ratio, a share of units).</summary>
public readonly record struct LayerValue(string Layer, float Value);

/// <summary>
/// A step as the rules read it, sorted out of a <see cref="StepRecord"/>'s readings by name: the loss, each layer's
/// gradient norm in forward order (<c>grad_norm/&lt;layer&gt;</c>), and on sampled steps each layer's update-to-weight
/// ratio (<c>dist/weight/&lt;layer&gt;/update_ratio</c>) and activation statistics (<c>act/&lt;layer&gt;/&lt;statistic&gt;</c>).
/// The same record comes from the watcher live and from <see cref="RunReplay"/> offline, so the rules cannot tell them apart.
/// </summary>
public sealed class DiagnosisStep
{
    /// <summary>The prefix of the activation statistics (written by the activation statistics probe).</summary>
    public const string ActivationPrefix = "act/";

    const string UpdateRatioSuffix = "/update_ratio";

    static readonly string UpdateRatioPrefix = DistributionProbe.Prefix + DistributionProbe.Kind(TensorKind.Weight) + "/";

    readonly Layout layout;

    DiagnosisStep(StepRecord record, Layout layout)
    {
        this.layout = layout;
        Record = record;
        GradientNorms = [.. layout.GradientNorms.Select(p => new LayerValue(p.Layer, record.Values[p.Index]))];
        UpdateRatios = [.. layout.UpdateRatios.Select(p => new LayerValue(p.Layer, record.Values[p.Index]))];
    }

    public StepRecord Record { get; }

    public long Step => Record.Step;

    public float Loss => Record.Loss;

    /// <summary>Each layer's weight-gradient norm, in forward order.</summary>
    public IReadOnlyList<LayerValue> GradientNorms { get; }

    /// <summary>‖Δw‖/‖w‖ of each layer, on the steps the distribution probe sampled; empty on the others.</summary>
    public IReadOnlyList<LayerValue> UpdateRatios { get; }

    /// <summary>
    /// The names of the readings that are NaN or infinite this step (the loss first). Series readings (histogram buckets,
    /// sampled weights) are left out: the run folder keeps them only thinned, so a replay could not see them, and the
    /// mean of the same tensor is non-finite whenever one of its samples is.
    /// </summary>
    public IReadOnlyList<string> NonFinite => nonFinite ??=
        [.. Enumerable.Range(0, Record.Values.Length).Where(i => !float.IsFinite(Record.Values[i]) && !IsSeries(Record.Names[i])).Select(i => Record.Names[i])];

    static bool IsSeries(string name) =>
        name.StartsWith(DistributionProbe.Prefix, StringComparison.Ordinal) && name[(name.LastIndexOf('/') + 1)..] is var last && (last.StartsWith("bucket", StringComparison.Ordinal) || last.StartsWith("sample", StringComparison.Ordinal));

    IReadOnlyList<string>? nonFinite;

    /// <summary>One activation statistic (<c>dead_fraction</c>, <c>saturated_fraction</c>, …) of every module that has it this step.</summary>
    public IReadOnlyList<LayerValue> Activations(string statistic) =>
        layout.Activations.TryGetValue(statistic, out var found) ? [.. found.Select(p => new LayerValue(p.Layer, Record.Values[p.Index]))] : [];

    /// <summary>Sorts out <paramref name="record"/>'s readings. The watcher passes the same list of names step after step:
    /// with the <paramref name="previous"/> step, a list already sorted out is not sorted again.</summary>
    public static DiagnosisStep Of(StepRecord record, DiagnosisStep? previous = null) =>
        new(record, previous is not null && ReferenceEquals(previous.layout.Names, record.Names) ? previous.layout : new Layout(record.Names));

    /// <summary>Where each kind of reading sits in a list of names.</summary>
    sealed class Layout
    {
        public Layout(IReadOnlyList<string> names)
        {
            Names = names;
            var activations = new Dictionary<string, List<(string, int)>>();
            for (var i = 0; i < names.Count; i++)
            {
                var name = names[i];
                if (name.StartsWith(GradientNormProbe.Prefix, StringComparison.Ordinal))
                    GradientNorms.Add((name[GradientNormProbe.Prefix.Length..], i));
                else if (name.StartsWith(UpdateRatioPrefix, StringComparison.Ordinal) && name.EndsWith(UpdateRatioSuffix, StringComparison.Ordinal))
                    UpdateRatios.Add((name[UpdateRatioPrefix.Length..^UpdateRatioSuffix.Length], i));
                else if (name.StartsWith(ActivationPrefix, StringComparison.Ordinal) && name.LastIndexOf('/') is var slash && slash > ActivationPrefix.Length)
                {
                    var statistic = name[(slash + 1)..];
                    if (!activations.TryGetValue(statistic, out var list))
                        activations[statistic] = list = [];
                    list.Add((name[ActivationPrefix.Length..slash], i));
                }
            }
            Activations = activations.ToDictionary(p => p.Key, p => (IReadOnlyList<(string, int)>)p.Value);
        }

        public IReadOnlyList<string> Names { get; }

        public List<(string Layer, int Index)> GradientNorms { get; } = [];

        public List<(string Layer, int Index)> UpdateRatios { get; } = [];

        public IReadOnlyDictionary<string, IReadOnlyList<(string Layer, int Index)>> Activations { get; }
    }
}
