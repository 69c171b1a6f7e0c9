using System.CommandLine;
using System.Globalization;
using HonestyEngine.Abstractions;
using HonestyEngine.Runtime.Chat;
using HonestyEngine.Runtime.Handle;
using HonestyEngine.Runtime.Inference;
using HonestyEngine.Runtime.Models;
using HonestyEngine.Runtime.SafeTensors;
using HonestyEngine.Runtime.Tokenization;

namespace HonestyEngine.Cli.Commands;

/// <summary>`honesty model verify|generate`: check a Hugging Face folder against a transformers reference file, or
/// generate text from it.</summary>
internal sealed class ModelCommand : ICliCommand
{
    public Command Build()
    {
        var command = new Command("model", "Load and run Hugging Face checkpoints (verify against a transformers reference, generate).");
        command.Subcommands.Add(Verify());
        command.Subcommands.Add(Generate());
        return command;
    }

    private static Command Verify()
    {
        var dir = new Argument<string>("model-dir") { Description = "Hugging Face model folder (config.json + safetensors)." };
        var adapter = new Option<string?>("--adapter") { Description = "PEFT LoRA adapter folder applied (unmerged) on top." };
        var reference = new Option<string>("--reference") { Description = "reference.safetensors written by transformers (case{c}.input_ids, .embed, .layer{i}, .final_norm, .logits, .greedy).", Required = true };
        var tolerance = new Option<double>("--tolerance") { Description = "Maximum absolute error allowed.", DefaultValueFactory = _ => 1e-4 };
        var command = new Command("verify", "Compare embed, every layer, final_norm and logits (max abs error) and the greedy continuation with a reference; exit 1 on any miss.");
        command.Arguments.Add(dir);
        command.Options.Add(adapter);
        command.Options.Add(reference);
        command.Options.Add(tolerance);
        command.SetAction(parse => Guard(() =>
        {
            double tol = parse.GetValue(tolerance);
            if (!(tol >= 0)) throw new CliException($"--tolerance must be a non-negative number, got {tol}.");
            var model = TransformerModel.Load(parse.GetValue(dir)!, parse.GetValue(adapter));
            var report = ReferenceVerifier.Verify(model, parse.GetValue(reference)!, tol);
            Console.WriteLine($"{model.Config.Architecture} ({model.Config.ModelType}), {model.Config.NumLayers} layers, tolerance {tol.ToString("G3", CultureInfo.InvariantCulture)}");
            Console.WriteLine($"{"case",-5} {"quantity",-11} {"max abs err",12}  result");
            foreach (var e in report.Entries)
            {
                string err = e.Quantity == "greedy" ? (e.Passed ? "match" : "differ") : e.MaxAbsError.ToString("E2", CultureInfo.InvariantCulture);
                Console.WriteLine($"{e.Case,-5} {e.Quantity,-11} {err,12}  {(e.Passed ? "ok" : "MISS")}{(e.Detail is null ? "" : "  " + e.Detail)}");
            }
            int misses = report.Entries.Count(e => !e.Passed);
            Console.WriteLine(misses == 0 ? $"PASS: all {report.Entries.Count} checks within tolerance." : $"FAIL: {misses} of {report.Entries.Count} checks missed.");
            return misses == 0 ? 0 : 1;
        }));
        return command;
    }

    private static Command Generate()
    {
        var dir = new Argument<string>("model-dir") { Description = "Hugging Face model folder (config.json, safetensors, tokenizer.json)." };
        var prompt = new Option<string>("--prompt") { Description = "The prompt (a user message with --chat, raw text otherwise).", Required = true };
        var chat = new Option<bool>("--chat") { Description = "Render the prompt as a user turn with the model's chat template." };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Maximum new tokens.", DefaultValueFactory = _ => 64 };
        var temperature = new Option<float>("--temperature") { Description = "0 = greedy.", DefaultValueFactory = _ => 0f };
        var topP = new Option<float>("--top-p") { Description = "Nucleus sampling threshold.", DefaultValueFactory = _ => 1f };
        var seed = new Option<int>("--seed") { Description = "Sampling seed.", DefaultValueFactory = _ => 0 };
        var adapter = new Option<string?>("--adapter") { Description = "PEFT LoRA adapter folder." };
        var command = new Command("generate", "Generate a continuation (greedy by default) and print it.");
        command.Arguments.Add(dir);
        foreach (var o in new Option[] { prompt, chat, maxTokens, temperature, topP, seed, adapter }) command.Options.Add(o);
        command.SetAction(parse => Guard(() =>
        {
            int max = parse.GetValue(maxTokens);
            if (max < 0) throw new CliException($"--max-tokens must be >= 0, got {max}.");
            float t = parse.GetValue(temperature), p = parse.GetValue(topP);
            if (!(t >= 0)) throw new CliException($"--temperature must be >= 0, got {t}.");
            if (!(p > 0 && p <= 1)) throw new CliException($"--top-p must be in (0, 1], got {p}.");
            using var handle = TransformerModelHandle.OpenHandle(parse.GetValue(dir)!, parse.GetValue(adapter));
            var text = parse.GetValue(prompt)!;
            var request = new GenerationRequest(parse.GetValue(chat) ? Prompt.Chat([ChatMessage.User(text)]) : Prompt.Raw(text),
                new SamplingOptions(max, t, p, parse.GetValue(seed)));
            var result = handle.Generate([request])[0];
            Console.WriteLine(result.Text);
            Console.Error.WriteLine($"[{result.TokenIds.Length} tokens, finish: {result.FinishReason}]");
            return 0;
        }));
        return command;
    }

    /// <summary>Prints the runtime's input errors as one line ("error: ...") with exit code 2; System.CommandLine
    /// would otherwise report them as unhandled exceptions with a stack trace.</summary>
    private static int Guard(Func<int> action)
    {
        try { return action(); }
        catch (Exception e) when (e is CliException or ModelConfigException or SafeTensorsFormatException or TokenizerFormatException
                                      or ChatTemplateException or FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return e is CliException c ? c.ExitCode : 2;
        }
    }
}
