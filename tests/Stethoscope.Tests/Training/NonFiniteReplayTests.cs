using Stethoscope.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Stethoscope.Tests.Training;

/// <summary>
/// The replay of a non-finite step in a user's own loop, which gives the watcher no loss function. The non-finite
/// values are a handful, set by hand (a weight, a gradient, an input), so the test host holds almost none (see
/// <see cref="NonFiniteOriginTests"/> for whole runs, in their own process).
/// </summary>
public class NonFiniteReplayTests
{
    /// <summary>A tiny user model: BatchNorm (running statistics the replay must not move), dropout (random draws it
    /// must not consume), a linear head.</summary>
    sealed class TinyNet : nn.Module<Tensor, Tensor>
    {
        readonly BatchNorm1d norm = nn.BatchNorm1d(4);
        readonly Dropout dropout = nn.Dropout(0.25);
        readonly Linear head = nn.Linear(4, 3);

        public TinyNet()
            : base("tiny-net") => RegisterComponents();

        public Linear Head => head;

        public BatchNorm1d Norm => norm;

        public override Tensor forward(Tensor x) => head.call(dropout.call(norm.call(x)));
    }

    /// <summary>Runs <paramref name="steps"/> steps of a plain loop (SGD); the actions may break something after
    /// backward or after the update, and <paramref name="input"/> may change the batch.</summary>
    static StepRecord[] Loop(TrainingWatcher watch, TinyNet model, int steps, Action<int, TinyNet>? afterBackward = null, Func<int, Tensor, Tensor>? input = null, Action<int, TinyNet>? afterUpdate = null)
    {
        using var optimizer = optim.SGD(model.parameters(), 0.1);
        var records = new List<StepRecord>();
        model.train();
        for (var step = 1; step <= steps; step++)
        {
            using var scope = NewDisposeScope();
            using var generator = new Generator((ulong)step);
            var x = randn([6, 4], generator: generator);
            x = input?.Invoke(step, x) ?? x;
            var labels = randint(0, 3, [6], generator: generator);
            optimizer.zero_grad();
            var output = model.call(x);
            var loss = nn.functional.cross_entropy(output, labels);
            loss.backward();
            afterBackward?.Invoke(step, model);
            records.Add(watch.Step(loss, output, labels, optimizer));
            optimizer.step();
            afterUpdate?.Invoke(step, model);
        }
        return [.. records];
    }

    static void Set(Tensor tensor, float value)
    {
        using var noGrad = no_grad();
        tensor.fill_(value);
    }

    [Fact]
    public void Without_a_loss_function_a_non_finite_gradient_is_located_by_the_parameters_gradients_and_the_model_is_left_as_it_was()
    {
        using var model = new TinyNet();
        using var watch = new TrainingWatcher(model, Trainer.StandardProbes, []);
        Tensor? runningMean = null, randomState = null, headGrad = null;
        Loop(watch, model, 2, afterBackward: (step, m) =>
        {
            if (step != 2)
                return;
            Set(m.Head.weight!.grad![1, 2], float.NaN);
            runningMean = m.Norm.running_mean!.clone().DetachFromDisposeScope();
            randomState = random.get_rng_state().DetachFromDisposeScope();
            headGrad = m.Head.bias!.grad!.clone().DetachFromDisposeScope();
        });
        var origin = watch.NonFiniteOrigin!;
        Assert.Equal((2L, NonFinitePass.Backward, "head", "head.weight", (bool?)null), (origin.Step, origin.Pass, origin.Module, origin.Parameter, origin.InputsFinite));
        Assert.Contains("no loss function was given", origin.Detail);
        Assert.Contains("head.weight is the first whose gradient holds 1 NaN of 12 values", origin.Detail);
        Assert.Equal(2, watch.FirstNonFiniteStep);
        using (runningMean)
        using (randomState)
        using (headGrad)
        {
            // The replay ran a forward pass in training mode; what it moved is put back (checked after the optimizer
            // step, which changes neither BatchNorm's statistics, nor the random generator, nor the gradients).
            Assert.True(model.Norm.running_mean!.eq(runningMean!).all().item<bool>());
            Assert.True(random.get_rng_state().eq(randomState!).all().item<bool>());
            Assert.True(model.Head.bias!.grad!.eq(headGrad!).all().item<bool>());
        }
    }

    [Fact]
    public void A_weight_broken_between_two_finite_steps_is_the_update()
    {
        using var model = new TinyNet();
        using var watch = new TrainingWatcher(model, Trainer.StandardProbes, []);
        var records = Loop(watch, model, 3, afterUpdate: (step, m) =>
        {
            if (step == 1)
                Set(m.Head.weight![0, 1], float.PositiveInfinity);
        });
        Assert.True(records[0].IsFinite);
        var origin = watch.NonFiniteOrigin!;
        Assert.Equal((2L, NonFinitePass.Update, "head", "head.weight", (bool?)true), (origin.Step, origin.Pass, origin.Module, origin.Parameter, origin.InputsFinite));
        Assert.Contains("the update after step 1", origin.Detail);
        Assert.Equal("step 2, the update before step 2 (head.weight): " + origin.Detail, origin.Line());
    }

    [Fact]
    public void A_batch_that_is_not_finite_is_found_at_the_first_module_with_its_inputs_not_finite()
    {
        using var model = new TinyNet();
        using var watch = new TrainingWatcher(model, Trainer.StandardProbes, [], new WatchSettings(Loss: (o, t) => nn.functional.cross_entropy(o, t)));
        Loop(watch, model, 1, input: (_, x) =>
        {
            Set(x[3, 2], float.NaN);
            return x;
        });
        var origin = watch.NonFiniteOrigin!;
        Assert.Equal((1L, NonFinitePass.Forward, "norm", null, (bool?)false), (origin.Step, origin.Pass, origin.Module, origin.Parameter, origin.InputsFinite));
        Assert.Contains("the batch itself is not finite", origin.Detail);
    }

    [Fact]
    public void A_finite_run_has_no_origin_and_the_input_copy_goes_with_the_watch()
    {
        using var model = new TinyNet();
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        using (var watch = new TrainingWatcher(model, Trainer.StandardProbes, []))
        {
            Loop(watch, model, 3);
            Assert.Null(watch.NonFiniteOrigin);
            Assert.Null(watch.Finish().NonFiniteOrigin);
        }
        // Everything the watcher and its replay kept (the input copy, the optimizer is the loop's) was freed with it.
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
