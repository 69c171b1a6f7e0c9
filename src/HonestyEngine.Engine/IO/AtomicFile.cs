using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace HonestyEngine.Engine.IO;

/// <summary>Writes files so that a reader (or a rerun after kill -9) sees either the old content or the
/// whole new content, never a half-written file: write to a temp file in the same folder, flush to disk, rename.
///
/// Temp files and folders are named <c>.{name}.{pid}.{32 hex digits}.tmp</c> (the runtime's safetensors writer, the
/// activation store and the fine-tune cache use the same pattern). A process killed mid-write leaves its temp behind;
/// <see cref="RemoveStaleTemps"/> deletes the ones whose process is gone at the start of the next run.</summary>
public static partial class AtomicFile
{
    public static void WriteAllText(string path, string content) =>
        Write(path, stream =>
        {
            var bytes = new UTF8Encoding(false).GetBytes(content);
            stream.Write(bytes);
        });

    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var temp = TempPathFor(full);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>A temp name next to <paramref name="path"/>: <c>.{name}.{pid}.{guid}.tmp</c>.</summary>
    public static string TempPathFor(string path)
    {
        var full = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar);
        return Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
    }

    [GeneratedRegex(@"^\..+\.(\d{1,10})\.[0-9a-f]{32}\.tmp$", RegexOptions.CultureInvariant)]
    private static partial Regex TempName();

    /// <summary>True when <paramref name="name"/> (a file or folder name) is one of our temps and the process that
    /// wrote it is no longer running. Temps of live processes (another run sharing the cache) are kept.</summary>
    public static bool IsStaleTemp(string name)
    {
        var m = TempName().Match(name);
        if (!m.Success || !int.TryParse(m.Groups[1].Value, out int pid)) return false;
        return pid != Environment.ProcessId && !ProcessIsAlive(pid);
    }

    private static bool ProcessIsAlive(int pid)
    {
        if (OperatingSystem.IsLinux()) return Directory.Exists($"/proc/{pid}");
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    /// <summary>Deletes every stale temp file or folder (see <see cref="IsStaleTemp"/>) under <paramref name="root"/>,
    /// recursively, without following symbolic links. Returns how many were removed; entries that cannot be
    /// deleted (permissions, a race with another cleaner) are left alone.</summary>
    public static int RemoveStaleTemps(string root)
    {
        if (!Directory.Exists(root)) return 0;
        int removed = 0;
        var pending = new Stack<string>();
        pending.Push(root);
        var options = new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = true, RecurseSubdirectories = false };
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            IEnumerable<string> entries;
            try { entries = Directory.EnumerateFileSystemEntries(dir, "*", options).ToList(); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
            foreach (var entry in entries)
            {
                FileSystemInfo info = new FileInfo(entry);
                bool isDir = (info.Attributes & FileAttributes.Directory) != 0;
                bool isLink = info.LinkTarget is not null;
                if (IsStaleTemp(Path.GetFileName(entry)))
                {
                    try
                    {
                        if (isDir && !isLink) Directory.Delete(entry, recursive: true);
                        else File.Delete(entry);
                        removed++;
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
                }
                else if (isDir && !isLink) pending.Push(entry);
            }
        }
        return removed;
    }

    /// <summary>Replaces the folder <paramref name="path"/> with one <paramref name="write"/> fills: the new folder is
    /// written under a temp name next to it, then swapped in (atomically with renameat2's exchange where Linux offers
    /// it, else with two renames), so a kill leaves the old folder or the new one, whole; the old one is then
    /// deleted. If <paramref name="write"/> throws, the old folder stays as it was.</summary>
    public static void ReplaceDirectory(string path, Action<string> write)
    {
        var full = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = TempPathFor(full);
        Directory.CreateDirectory(temp);
        try { write(temp); }
        catch
        {
            TryDeleteDirectory(temp);
            throw;
        }
        if (!Directory.Exists(full))
        {
            Directory.Move(temp, full);
            return;
        }
        if (TryExchange(temp, full))
        {
            TryDeleteDirectory(temp); // now the old folder
            return;
        }
        var old = TempPathFor(full);
        Directory.Move(full, old);
        Directory.Move(temp, full);
        TryDeleteDirectory(old);
    }

    private static void TryDeleteDirectory(string dir)
    {
        try { Directory.Delete(dir, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* a stale temp: the next run removes it */ }
    }

    private const int AtFdCwd = -100;
    private const uint RenameExchange = 2;

    [DllImport("libc.so.6", EntryPoint = "renameat2", SetLastError = true)]
    private static extern int RenameAt2(int oldDirFd, string oldPath, int newDirFd, string newPath, uint flags);

    /// <summary>Swaps two existing paths in one step (Linux renameat2 RENAME_EXCHANGE); false where unavailable.</summary>
    private static bool TryExchange(string a, string b)
    {
        if (!OperatingSystem.IsLinux()) return false;
        try { return RenameAt2(AtFdCwd, a, AtFdCwd, b, RenameExchange) == 0; }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException) { return false; }
    }
}
