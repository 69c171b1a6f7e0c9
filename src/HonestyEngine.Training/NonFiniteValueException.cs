namespace HonestyEngine.Training;

/// <summary>A NaN or infinity appeared in training (loss, logits or gradient norm). Training stops
/// and reports where, instead of carrying the bad numbers into the weights.</summary>
public sealed class NonFiniteValueException(string message) : Exception(message);
