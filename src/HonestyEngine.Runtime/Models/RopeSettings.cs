namespace HonestyEngine.Runtime.Models;

/// <summary>Rotary embedding of one layer type: the inverse frequencies (float32, as transformers computes them)
/// and the attention factor that scales cos/sin (1 for default, linear and llama3 rope).</summary>
public sealed record RopeSettings(string RopeType, double Theta, int RotaryDim, float[] InverseFrequencies, float AttentionFactor)
{
    /// <summary>Builds the settings transformers' ROPE_INIT_FUNCTIONS would give for these parameters.</summary>
    /// <param name="parameters">rope_type, factor, low_freq_factor, high_freq_factor, original_max_position_embeddings.</param>
    public static RopeSettings Create(string source, string ropeType, double theta, int rotaryDim, IReadOnlyDictionary<string, double> parameters)
    {
        if (rotaryDim <= 0 || rotaryDim % 2 != 0) throw new ModelConfigException($"{source}: rotary dimension {rotaryDim} must be a positive even number.");
        if (!(theta > 0) || !float.IsFinite((float)theta)) throw new ModelConfigException($"{source}: rope_theta must be a positive finite number (got {theta}).");
        // _compute_default_rope_parameters: 1 / base ** (arange(0, dim, 2).float() / dim), in float32.
        var inv = new float[rotaryDim / 2];
        for (int i = 0; i < inv.Length; i++)
            inv[i] = 1f / MathF.Pow((float)theta, (float)(2 * i) / rotaryDim);
        double Need(string key) => !parameters.TryGetValue(key, out var v)
            ? throw new ModelConfigException($"{source}: rope_type '{ropeType}' needs '{key}'.")
            : v > 0 && double.IsFinite(v) && float.IsFinite((float)v) ? v
            : throw new ModelConfigException($"{source}: '{key}' must be a positive finite number (got {v.ToString(System.Globalization.CultureInfo.InvariantCulture)}).");
        switch (ropeType)
        {
            case "default":
                break;
            case "linear":
                {
                    // Linear scaling divides positions by factor; equivalently the inverse frequencies.
                    float factor = (float)Need("factor");
                    for (int i = 0; i < inv.Length; i++) inv[i] /= factor;
                    break;
                }
            case "llama3":
                {
                    // _compute_llama3_parameters (Llama 3.1 / 3.3)
                    float factor = (float)Need("factor");
                    float low = (float)Need("low_freq_factor"), high = (float)Need("high_freq_factor");
                    float oldContext = (float)Need("original_max_position_embeddings");
                    if (!(high > low))
                        throw new ModelConfigException($"{source}: 'high_freq_factor' ({high}) must be greater than 'low_freq_factor' ({low}).");
                    float lowWavelen = oldContext / low, highWavelen = oldContext / high;
                    for (int i = 0; i < inv.Length; i++)
                    {
                        float f = inv[i];
                        float wavelen = 2f * MathF.PI / f;
                        float scaled = wavelen > lowWavelen ? f / factor : f;
                        float smooth = (oldContext / wavelen - low) / (high - low);
                        float smoothed = (1 - smooth) * scaled / factor + smooth * scaled;
                        bool medium = !(wavelen < highWavelen) && !(wavelen > lowWavelen);
                        inv[i] = medium ? smoothed : scaled;
                    }
                    break;
                }
            default:
                throw new ModelConfigException($"{source}: rope_type '{ropeType}' is not supported. Supported: default, linear, llama3.");
        }
        return new RopeSettings(ropeType, theta, rotaryDim, inv, 1f);
    }
}
