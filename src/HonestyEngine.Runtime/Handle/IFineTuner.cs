using HonestyEngine.Abstractions;

namespace HonestyEngine.Runtime.Handle;

/// <summary>Trains a model opened by this runtime. The training engine (HonestyEngine.Training) references the
/// runtime, so the runtime cannot call it directly: the host registers an implementation in
/// <see cref="TransformerModelHandle.FineTuner"/> at start-up.</summary>
public interface IFineTuner
{
    IModelHandle FineTune(TransformerModelHandle baseHandle, FineTuneRequest request, CancellationToken cancellationToken);
}
