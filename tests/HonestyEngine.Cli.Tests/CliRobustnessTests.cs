using System.Text.Json.Nodes;
using HonestyEngine.Engine.IO;
using HonestyEngine.Engine.Results;
using HonestyEngine.Runtime.SafeTensors;

namespace HonestyEngine.Cli.Tests;

/// <summary>Issue 17 through the command line: every bad input gets one clear error line (no stack trace) and the
/// documented exit code (README, Commands: 0 ok, 1 an error before any cell ran, 2 a failed cell or a bad input file),
/// never a silent different result.</summary>
public sealed class CliRobustnessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    private static CliResult Run(FakeRepo repo, params string[] args) =>
        Cli.Run(repo.Path, Timeout, ["run", "--plugins", Repo.Plugins, "--cache", repo.Cache, "--quick", .. args]);

    private static RunResults Results(string outDir) => ResultsFile.Read(Path.Combine(outDir, ResultsFile.FileName));

    // ---- item 8: an empty selection is an error ----

    [Theory]
    [InlineData("--methods", "")]
    [InlineData("--testbeds", "")]
    [InlineData("--methods", " , ")]
    public void An_empty_selection_is_an_error_not_everything(string flag, string value)
    {
        using var repo = new FakeRepo("taboo");
        // Before issue 17 this ran every method (or every testbed): minutes, so the short timeout fails it.
        var r = Cli.Run(repo.Path, TimeSpan.FromSeconds(40), "run", "--plugins", Repo.Plugins, "--cache", repo.Cache, "--quick",
            "--out", repo.Sub("out"), flag, value, flag == "--methods" ? "--testbeds" : "--methods", flag == "--methods" ? "taboo" : "lda-probe");
        Assert.True(r.ExitCode == 1, r.ToString());
        var error = Assert.Single(r.ErrorLines());
        Assert.Contains($"{flag} is empty", error);
        Assert.False(Directory.Exists(Path.Combine(repo.Cache, "cells")), "no cell may run");
    }

    // ---- item 8: --out naming a file fails before running ----

    [Fact]
    public void An_out_path_that_is_a_file_fails_before_any_cell_runs()
    {
        using var repo = new FakeRepo("taboo");
        var file = repo.Sub("results.txt");
        File.WriteAllText(file, "mine");
        var r = Run(repo, "--testbeds", "taboo", "--methods", "lda-probe", "--out", file);
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains(file, Assert.Single(r.ErrorLines()));
        Assert.False(Directory.Exists(Path.Combine(repo.Cache, "cells")), "the cells must not have run");
        Assert.Equal("mine", File.ReadAllText(file));
    }

    // ---- items 7 and 9: a broken testbed fails only itself; exit codes; the failed count ----

    [Fact]
    public void A_broken_testbed_folder_fails_only_itself_and_the_exit_code_says_so()
    {
        using var repo = new FakeRepo("taboo", "honest-base");
        var broken = repo.Broken("broken", """{"name": "broken", "version": "1"}""");

        // A selection without it runs clean (exit 0), and still names the broken folder.
        var clean = Run(repo, "--testbeds", "taboo", "--methods", "lda-probe", "--out", repo.Sub("out-clean"));
        Assert.True(clean.ExitCode == 0, clean.ToString());
        Assert.Contains(broken, clean.Stdout);
        // One method cell and the two detector reference rows (trigger-presence oracle, response-text baseline).
        Assert.Matches(@"^3 cells run, 0 from cache, 0 failed\. Results in ", clean.LastLine);

        // With it: its cell fails with its error, the others run; exit 2 and the count in the last line.
        var all = Run(repo, "--methods", "lda-probe", "--out", repo.Sub("out-all"));
        Assert.True(all.ExitCode == 2, all.ToString());
        Assert.Matches(@"^6 cells run, 3 from cache, 3 failed\. Results in ", all.LastLine); // taboo is cached from the run above
        var cells = Results(repo.Sub("out-all")).Cells.Where(c => c.Role == CellRole.Method).ToList();
        Assert.Equal(CellStatus.Ok, cells.Single(c => c.Testbed == "taboo").Status);
        Assert.Equal(CellStatus.Ok, cells.Single(c => c.Testbed == "honest-base").Status);
        var failed = cells.Single(c => c.Testbed == "broken");
        Assert.Equal(CellStatus.Failed, failed.Status);
        Assert.Contains(Path.Combine(broken, "testbed.json"), failed.Error);
        Assert.Contains("missing", failed.Error);

        // `list` and `testbeds list` report it with its path (and exit 1); the other testbeds are listed.
        var list = Cli.Run(repo.Path, Timeout, "list", "--plugins", Repo.Plugins);
        Assert.True(list.ExitCode == 1, list.ToString());
        Assert.Contains(list.ErrorLines(), l => l.Contains(Path.Combine(broken, "testbed.json")));
        Assert.Contains("honest-base", list.Stdout);
        var tlist = Cli.Run(repo.Path, Timeout, "testbeds", "list");
        Assert.True(tlist.ExitCode == 1, tlist.ToString());
        Assert.Contains(tlist.ErrorLines(), l => l.Contains(broken));

        // An unknown method is a configuration error before anything runs: exit 1.
        var unknown = Run(repo, "--testbeds", "taboo", "--methods", "no-such-method", "--out", repo.Sub("out-unknown"));
        Assert.True(unknown.ExitCode == 1, unknown.ToString());
        Assert.Contains("no-such-method", Assert.Single(unknown.ErrorLines()));
    }

    [Fact]
    public void Testbeds_verify_of_another_testbed_is_not_blocked_by_a_broken_folder()
    {
        using var repo = new FakeRepo("honest-base");
        var broken = repo.Broken("broken", "{ not json");
        var r = Cli.Run(repo.Path, TimeSpan.FromMinutes(4), "testbeds", "verify", "--only", "honest-base");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("honest-base", r.Stdout);
        Assert.Contains(broken, r.Stderr);
        // Verifying everything verifies the broken folder too, and fails on it.
        var all = Cli.Run(repo.Path, TimeSpan.FromMinutes(4), "testbeds", "verify", "--only", "broken");
        Assert.True(all.ExitCode == 1, all.ToString());
        Assert.Contains(Path.Combine(broken, "testbed.json"), all.Stderr);
    }

    [Fact]
    public void Two_folders_with_one_testbed_name_fail_that_name_only_naming_both_folders()
    {
        using var repo = new FakeRepo("taboo", "honest-base");
        repo.Link("taboo-again", "taboo"); // its testbed.json also says "taboo"
        var other = Run(repo, "--testbeds", "honest-base", "--methods", "lda-probe", "--out", repo.Sub("out1"));
        Assert.True(other.ExitCode == 0, other.ToString());

        var dup = Run(repo, "--testbeds", "taboo", "--methods", "lda-probe", "--out", repo.Sub("out2"));
        Assert.True(dup.ExitCode == 2, dup.ToString());
        var cell = Assert.Single(Results(repo.Sub("out2")).Cells.Where(c => c.Role == CellRole.Method));
        Assert.Equal(CellStatus.Failed, cell.Status);
        Assert.Contains(Path.Combine(repo.TestbedsDir, "taboo") + " ", cell.Error);
        Assert.Contains(Path.Combine(repo.TestbedsDir, "taboo-again"), cell.Error);
    }

    // ---- item 8: report on a malformed results.json ----

    [Fact]
    public void Report_on_results_with_null_cells_is_one_clear_line()
    {
        using var repo = new FakeRepo();
        var dir = repo.Sub("run");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "results.json"), """{"schema_version": 2, "cells": null}""");
        File.WriteAllText(Path.Combine(dir, "samples.jsonl"), "");
        foreach (var verb in new[] { "report", "rescore" })
        {
            var r = Cli.Run(repo.Path, Timeout, verb, dir);
            Assert.True(r.ExitCode == 2, r.ToString());
            var error = Assert.Single(r.ErrorLines());
            Assert.Contains(Path.Combine(dir, "results.json"), error);
            Assert.Contains("'cells'", error);
            Assert.DoesNotContain("NullReference", r.Output);
        }
    }

    // ---- item 6: imports refuse unknown splits ----

    [Fact]
    public void An_import_whose_eval_rows_say_test_is_refused_naming_the_line()
    {
        using var repo = new FakeRepo();
        string acts = repo.Sub("acts.safetensors"), labels = repo.Sub("labels.jsonl");
        int n = 12, d = 4;
        var x = Enumerable.Range(0, n * d).Select(i => (float)Math.Sin(i)).ToArray();
        SafeTensorsWriter.Write(acts, [SafeTensorsEntry.F32("layer_0", [n, d], x), SafeTensorsEntry.F32("layer_1", [n, d], x)]);
        File.WriteAllLines(labels, Enumerable.Range(0, n).Select(i =>
            $"{{\"id\":\"r{i}\",\"label\":{(i % 3 == 2 ? "0" : (i % 2).ToString())},\"split\":\"{(i < 4 ? "train" : i % 3 == 2 ? "control" : "test")}\"}}"));
        var r = Run(repo, "--import", acts, "--import-labels", labels, "--methods", "lda-probe", "--out", repo.Sub("out"));
        Assert.True(r.ExitCode == 1, r.ToString());
        var error = Assert.Single(r.ErrorLines());
        Assert.Contains(labels + ":5:", error);
        Assert.Contains("'test'", error);
    }

    // ---- item 4: model verify refuses a malformed reference ----

    [Fact]
    public void Model_verify_refuses_an_empty_greedy_continuation()
    {
        using var repo = new FakeRepo();
        var llama = Path.Combine(Repo.HfReference, "models", "llama");
        var reference = repo.Sub("reference.safetensors");
        using (var st = SafeTensorsFile.Open(Path.Combine(llama, "reference.safetensors")))
            SafeTensorsWriter.Write(reference, st.Tensors.Keys.Order(StringComparer.Ordinal).Select(k => k == "case0.greedy"
                ? SafeTensorsEntry.I64(k, [0], [])
                : st.Info(k).DType == SafeTensorDType.I64 ? SafeTensorsEntry.I64(k, st.Info(k).ShapeInt32(), st.ReadInt64(k)) : SafeTensorsEntry.F32(k, st.Info(k).ShapeInt32(), st.ReadFloat32(k))).ToList());
        var r = Cli.Run(repo.Path, Timeout, "model", "verify", llama, "--reference", reference);
        Assert.True(r.ExitCode == 2, r.ToString());
        var error = Assert.Single(r.ErrorLines());
        Assert.Contains(reference, error);
        Assert.Contains("case0.greedy", error);
    }

    [Fact]
    public void Model_verify_refuses_an_adapter_that_targets_nothing()
    {
        using var repo = new FakeRepo();
        var lora = Path.Combine(Repo.HfReference, "models", "llama-lora");
        var adapter = repo.Sub("adapter");
        Directory.CreateDirectory(adapter);
        File.Copy(Path.Combine(lora, "adapter", "adapter_model.safetensors"), Path.Combine(adapter, "adapter_model.safetensors"));
        var cfg = JsonNode.Parse(File.ReadAllText(Path.Combine(lora, "adapter", "adapter_config.json")))!;
        cfg["layers_to_transform"] = new JsonArray(40);
        File.WriteAllText(Path.Combine(adapter, "adapter_config.json"), cfg.ToJsonString());
        var r = Cli.Run(repo.Path, Timeout, "model", "verify", lora, "--adapter", adapter, "--reference", Path.Combine(lora, "adapter", "reference_with_adapter.safetensors"));
        Assert.True(r.ExitCode == 2, r.ToString());
        var error = Assert.Single(r.ErrorLines());
        Assert.Contains(adapter, error);
        Assert.Contains("layers_to_transform [40]", error);
    }

    // ---- item 5: a failing static constructor shows its inner message ----

    [Fact]
    public void The_error_line_of_a_failing_static_constructor_shows_the_inner_message()
    {
        var e = new TypeInitializationException("Some.Plugin.Tables", new InvalidOperationException("tables.bin is missing\nsecond line"));
        var line = Program.ErrorLine(new System.Reflection.TargetInvocationException(e));
        Assert.StartsWith("error: tables.bin is missing second line (InvalidOperationException, in the static constructor of Some.Plugin.Tables;", line);
        Assert.DoesNotContain('\n', line);
    }
}
