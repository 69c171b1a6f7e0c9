using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.WhiteBoxElicitation;

/// <summary>Layers are given as a fraction of depth (plugins/README.md): layer = round(f * (NumLayers - 1)).</summary>
internal static class LayerChoice
{
    public static int Resolve(MethodContext context, double fraction, string method)
    {
        if (!double.IsFinite(fraction) || fraction < 0 || fraction > 1)
            throw new MethodInputException($"{method}: layer fraction {fraction} is outside [0, 1]: the layer it names does not exist.");
        return context.CheckLayer((int)Math.Round(fraction * (context.Model.Info.NumLayers - 1), MidpointRounding.AwayFromZero));
    }
}
