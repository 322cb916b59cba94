import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

@Suite("TUI end to end: hostile text, a small terminal, a fatal signal")
struct TerminalHostileInputTests {
  /// Combining accent, emoji with skin tone, ZWJ family, flag, keycap, then plain letters.
  static let clusters = "e\u{301}👍\u{1F3FD}👨\u{200D}👩\u{200D}👧🇫🇷1\u{FE0F}\u{20E3}"

  func repository() throws -> CLI {
    let cli = CLI()
    try cli.ok("workspace", "create", "data")
    for name in ["dev", "prod"] { try cli.ok("deployment", "create", name) }
    try cli.ok("connection", "create", "db", "--type", "postgres", "--host", "h", "--link-all")
    return cli
  }

  @Test func everyLineEditorTakesClustersTypedAndPasted() throws {
    let cli = try repository()
    let tui = try TmuxSession(cli: cli, width: 110, height: 30, command: CLI.binary)
    try tui.wait(for: "Connections (1)")
    // The filter: each code point is a key, as a terminal sends a paste.
    try tui.press("/")
    try tui.type(Self.clusters + "xyz")
    try tui.wait(for: "/é👍🏽")
    try tui.wait(for: "xyz")
    try tui.press("BSpace", "BSpace", "BSpace", "Escape")
    // The command line.
    try tui.press(":")
    try tui.type(Self.clusters + "q")
    try tui.wait(for: ":é👍🏽")
    try tui.press("Escape")
    // A form field: the characters typed after the clusters follow them.
    try tui.press("n")
    try tui.wait(for: "New connection")
    try tui.type(Self.clusters + "abc")
    // Back over "abc", then delete the keycap cluster whole.
    try tui.press("Left", "Left", "Left", "BSpace")
    try tui.type("!")
    let form = try tui.wait(for: "!abc")
    #expect(!form.contains("1️⃣"))
    try tui.press("Escape")
    try tui.wait(for: "cancelled; nothing changed")
    try tui.press("q")
    try tui.wait(for: "AIRENV-EXITED 0")
  }

  /// While "terminal too small" is shown, `d` then `y` must not delete what cannot be seen.
  @Test func keysDoNothingWhileTheTerminalIsTooSmall() throws {
    let cli = try repository()
    let tui = try TmuxSession(cli: cli, command: CLI.binary)
    try tui.wait(for: "Connections (1)")
    try tui.resize(width: 60, height: 15)
    try tui.wait(for: "terminal too small")
    try tui.press("d")
    try tui.press("y")
    try tui.press("Enter")
    try tui.resize(width: 100, height: 30)
    let screen = try tui.wait(for: "Connections (1)")
    #expect(!screen.contains("Delete"))
    #expect(try cli.ok("connection", "list").contains("db"))
    try tui.press("q")
    try tui.wait(for: "AIRENV-EXITED 0")
  }

  /// Wide clusters are measured by one rule in the layout and the terminal's diff: after moving
  /// over them the screen is exactly what a full repaint (Ctrl-L) draws.
  @Test func wideClustersLeaveNoStaleCells() throws {
    let cli = try repository()
    for (index, text) in ["👍🏽 a", "👨‍👩‍👧 family", "🇫🇷 1️⃣ e\u{301}", "漢字 ok"].enumerated() {
      try cli.ok("variable", "create", "v\(index)", "--value", text, "--description", text, "--link-all")
    }
    let tui = try TmuxSession(cli: cli, width: 100, height: 30, command: CLI.binary)
    try tui.wait(for: "Connections (1)")
    try tui.press("2")
    try tui.wait(for: "Variables (4)")
    // The history arrives after the first frame and adds lines to the detail pane: a screen
    // captured before it would differ from the repaint for that reason alone.
    try tui.wait(for: "Recent changes")
    for key in ["Down", "Down", "Down", "Up", "Down", "Up", "Up", "Down"] { try tui.press(key) }
    try tui.press("/")
    try tui.type("v")
    try tui.press("Enter")
    let moved = try tui.settled(for: "filter: v") { $0.contains("filter: v") }
    // Ctrl-L repaints every cell; the command line opened after it shows it was handled.
    try tui.press("C-l", ":")
    try tui.wait(for: "the command line") { $0.split(separator: "\n").last?.hasPrefix(":") == true }
    try tui.press("Escape")
    let repainted = try tui.settled(for: "the command line to close") {
      $0.split(separator: "\n").last?.hasPrefix(":") != true && $0.contains("filter: v")
    }
    #expect(moved == repainted, "before:\n\(moved)\nafter Ctrl-L:\n\(repainted)")
    try tui.press("q")
    try tui.wait(for: "AIRENV-EXITED 0")
  }

  /// Any fatal path gives the terminal back and removes the demo repository: a signal that
  /// kills the process (a Swift trap is SIGILL; a stack overflow SIGSEGV).
  @Test(arguments: [SIGSEGV, SIGILL])
  func aFatalSignalRestoresTheTerminalAndRemovesTheDemo(signal: Int32) throws {
    let (tui, temporary) = try demoSignalled(with: signal)
    let after = try tui.wait(for: "AIRENV-EXITED")
    #expect(after.contains("the terminal was restored"))
    #expect(after.contains("EXIT=\(128 + signal)"))
    // Cooked mode and echo are back.
    #expect(after.contains(" icanon") && !after.contains("-icanon"))
    #expect(after.contains(" echo ") && !after.contains("-echo "))
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: temporary).filter { $0.hasPrefix("airenv-demo-") }
        .isEmpty)
  }

  /// A signal that ends a process (SIGPIPE, SIGUSR1, SIGALRM, SIGIO, SIGPWR, the real-time ones,
  /// and SIGQUIT, which would dump core) ends the TUI through its ordinary way out: terminal
  /// restored, demo removed, exit 128 + the signal.
  @Test(arguments: [
    SIGUSR1, SIGALRM, SIGPIPE, SIGQUIT, SIGIO, SIGPWR, SIGSTKFLT, __libc_current_sigrtmin(),
    __libc_current_sigrtmax(),
  ])
  func anEndingSignalLeavesThroughTheOrdinaryWayOut(signal: Int32) throws {
    let (tui, temporary) = try demoSignalled(with: signal)
    let after = try tui.wait(for: "AIRENV-EXITED")
    #expect(after.contains("EXIT=\(128 + signal)"))
    #expect(after.contains(" icanon") && !after.contains("-icanon"))
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: temporary).filter { $0.hasPrefix("airenv-demo-") }
        .isEmpty)
  }

  /// `airenv tui --demo` in tmux with its own TMPDIR, sent `signal` once its first screen is up;
  /// the session (which prints the exit status and the terminal's modes afterwards) and TMPDIR.
  private func demoSignalled(with signal: Int32) throws -> (TmuxSession, String) {
    let cli = CLI()
    let temporary = cli.scratch + "/tmp"
    let pidFile = cli.scratch + "/pid"
    try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
    // The shell writes its process id, then becomes airenv (exec keeps the id).
    let tui = try TmuxSession(
      cli: cli, environment: ["TMPDIR": temporary],
      command: "sh -c 'echo \\$\\$ > \(pidFile); exec \(CLI.binary) tui --demo'; echo EXIT=\\$?; stty -a")
    try tui.wait(for: "Workspace demo")
    let demos = try FileManager.default.contentsOfDirectory(atPath: temporary).filter {
      $0.hasPrefix("airenv-demo-")
    }
    #expect(demos.count == 1)
    let pid = try #require(
      pid_t(
        try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
    #expect(kill(pid, signal) == 0)
    return (tui, temporary)
  }
}
