namespace HonestyEngine.Training.Optimization;

/// <summary>Linear warmup then cosine decay (transformers' get_cosine_schedule_with_warmup, with an
/// optional floor): lr(step) for step = 0 .. total-1.</summary>
public static class LearningRateSchedule
{
    public static float WarmupCosine(int step, int totalSteps, int warmupSteps, float peak, float minRatio = 0f)
    {
        if (warmupSteps > 0 && step < warmupSteps) return peak * (step + 1) / warmupSteps;
        int decaySteps = Math.Max(1, totalSteps - warmupSteps);
        double progress = Math.Clamp((double)(step - warmupSteps) / decaySteps, 0, 1);
        double cosine = 0.5 * (1 + Math.Cos(Math.PI * progress));
        return (float)(peak * (minRatio + (1 - minRatio) * cosine));
    }
}
