using HonestyEngine.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace HonestProbes;

/// <summary>A plugin-registered service (exercises <see cref="IPluginModule"/> and constructor injection).</summary>
public interface IDirectionFitter
{
    /// <summary>mean(positive rows) - mean(negative rows) of an [n, d] matrix.</summary>
    float[] MeanDifference(Tensor x, IReadOnlyList<bool> positive);
}

public sealed class MeanDifferenceFitter : IDirectionFitter
{
    public float[] MeanDifference(Tensor x, IReadOnlyList<bool> positive)
    {
        int d = x.RowLength;
        var pos = new double[d];
        var neg = new double[d];
        int np = 0, nn = 0;
        for (int i = 0; i < x.Rows; i++)
        {
            var row = x.ReadRow(i);
            var acc = positive[i] ? pos : neg;
            if (positive[i]) np++; else nn++;
            for (int j = 0; j < d; j++) acc[j] += row[j];
        }
        if (np == 0 || nn == 0) throw new MethodInputException($"Mean difference needs both classes; got {np} positive and {nn} negative rows.");
        var w = new float[d];
        for (int j = 0; j < d; j++) w[j] = (float)(pos[j] / np - neg[j] / nn);
        return w;
    }
}

public sealed class HonestProbesModule : IPluginModule
{
    public void ConfigureServices(IServiceCollection services) => services.AddSingleton<IDirectionFitter, MeanDifferenceFitter>();
}

internal static class Probe
{
    /// <summary>Scores every transcript by its projection on w, using the host's compute backend.</summary>
    public static IReadOnlyList<double> Project(MethodContext context, IReadOnlyList<Transcript> transcripts, string hook, float[] w)
    {
        var acts = context.Activations.Get(context.Model, transcripts, hook);
        var scores = new float[acts.Rows];
        context.Compute.ProjectScores(acts.Data, acts.Rows, acts.RowLength, w, 1, [0f], scores);
        return scores.Select(s => (double)s).ToList();
    }

    /// <summary>Apollo-style direction from instructed honest/deceptive pairs (the host's resource catalog).</summary>
    public static float[] FromInstructedPairs(MethodContext context, IDirectionFitter fitter, string hook)
    {
        var pairs = context.Resources.Get(ResourceNames.InstructedPairs);
        var prompts = pairs.Select(p => new Prompt { Messages = [.. p.Messages, ChatMessage.Assistant(p.Response ?? "")], Render = ChatRenderOptions.Complete }).ToList();
        var acts = context.Activations.GetForPrompts(context.Model, prompts, hook);
        return fitter.MeanDifference(acts, pairs.Select(p => p.Label == 1).ToList());
    }
}
