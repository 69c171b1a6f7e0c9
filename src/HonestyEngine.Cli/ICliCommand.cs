using System.CommandLine;

namespace HonestyEngine.Cli;

/// <summary>One top-level verb of the `honesty` command (run, list, model, tokenizer, testbeds, ...).
/// Program discovers every implementation in this assembly, so each area adds its verb in its own file.</summary>
internal interface ICliCommand
{
    Command Build();
}
