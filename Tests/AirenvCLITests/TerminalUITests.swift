import Foundation
import Testing

@Suite("TUI end to end: the real binary in tmux")
struct TerminalUITests {
  func repository() throws -> CLI {
    let cli = CLI()
    try cli.ok("workspace", "create", "data")
    for name in ["dev", "prod", "feature-a", "feature-b"] { try cli.ok("deployment", "create", name) }
    return cli
  }

  @Test func theBranchDeployStoryFromTheKeyboard() throws {
    let cli = try repository()
    let tui = try TmuxSession(cli: cli, command: CLI.binary)
    try tui.wait(for: "Connections (0)")

    // Create a postgres connection in the form, linked to all Deployments.
    try tui.press("n")
    try tui.wait(for: "New connection")
    try tui.type("warehouse")
    try tui.press("Tab", "Tab")
    try tui.type("dev-db")
    try tui.press("Tab", "Tab")
    try tui.type("app")
    try tui.press("Tab")
    try tui.type("dev-pw")
    for _ in 0..<5 { try tui.press("Tab") }
    try tui.press("Space")
    try tui.wait(for: "[x] yes")
    try tui.press("C-s")
    try tui.wait(for: "created connection \"warehouse\", linked to all Deployments")

    // Override prod's host and password in the matrix's override form.
    try tui.press("m")
    try tui.wait(for: "MATRIX")
    for _ in 0..<4 { try tui.press("Right") }
    try tui.press("o")
    try tui.wait(for: "Override warehouse on prod")
    try tui.press("Tab", "Tab")
    try tui.type("prod-db")
    try tui.press("Tab", "Tab", "Tab")
    try tui.type("prod-pw")
    try tui.press("C-s")
    try tui.wait(for: "linked connection \"warehouse\" to Deployment \"prod\" (overrides: host, password)")

    // Exclude one feature Deployment (it gets the connection through Linked to all).
    try tui.press("Left")
    try tui.press("Space")
    try tui.wait(for: "excluded Deployment \"feature-b\"")
    // q leaves the matrix first (SPEC §5.2), then quits from the list.
    try tui.press("q")
    try tui.wait(for: "the list again") { !$0.contains("MATRIX") }
    try tui.press("q")
    try tui.wait(for: "AIRENV-EXITED 0")
    // The TUI saves through the same application layer as the CLI: its history entries name
    // the Deployment a change was about.
    #expect(try cli.ok("history", "--deployment", "feature-b").contains("connection exclude"))

    let prod = try cli.json("resolve", "--deployment", "prod", "--reveal")
    let fields = try #require(((prod["connections"] as? [[String: Any]])?.first)?["fields"] as? [String: Any])
    #expect(fields["host"] as? String == "prod-db")
    #expect(fields["password"] as? String == "prod-pw")
    #expect(fields["login"] as? String == "app")
    #expect(fields["port"] as? Int == 5432)
    let dev = try cli.json("resolve", "--deployment", "dev", "--reveal")
    let devFields = try #require(
      ((dev["connections"] as? [[String: Any]])?.first)?["fields"] as? [String: Any])
    #expect(devFields["host"] as? String == "dev-db")
    #expect(devFields["password"] as? String == "dev-pw")
    let excluded = try cli.json("resolve", "--deployment", "feature-b")
    #expect((excluded["connections"] as? [Any])?.isEmpty == true)
    #expect((try cli.json("resolve", "--deployment", "feature-a")["connections"] as? [Any])?.count == 1)
  }

  @Test func undoRedoAndTheHistoryScreen() throws {
    let cli = try repository()
    try cli.ok("connection", "create", "db", "--type", "postgres", "--host", "h", "--link-all")
    let tui = try TmuxSession(cli: cli, command: CLI.binary)
    try tui.wait(for: "Recent changes")
    try tui.press("m")
    try tui.wait(for: "MATRIX")
    try tui.press("Right", "Space")
    try tui.wait(for: "excluded Deployment \"dev\"")
    #expect((try cli.json("resolve", "--deployment", "dev")["connections"] as? [Any])?.isEmpty == true)
    try tui.press("u")
    try tui.wait(for: "undid #")
    #expect((try cli.json("resolve", "--deployment", "dev")["connections"] as? [Any])?.count == 1)
    try tui.press("C-r")
    try tui.wait(for: "redid #")
    #expect((try cli.json("resolve", "--deployment", "dev")["connections"] as? [Any])?.isEmpty == true)
    try tui.press("H")
    let history = try tui.settled(for: "History of data, newest first") {
      $0.contains("History of data, newest first")
    }
    #expect(
      history.contains("redo #") && history.contains("undo #") && history.contains("connection exclude"),
      "\(history)")
    try tui.press("/")
    try tui.type("create")
    try tui.press("Enter")
    // The tab bar shows the filter once it is applied (the list may be drawn before).
    let filtered = try tui.settled(for: "filter: create") { $0.contains("filter: create") }
    #expect(filtered.contains("connection create") && !filtered.contains("connection exclude"))
    try tui.press("Escape", "q")
    try tui.wait(for: "AIRENV-EXITED 0")
  }

  @Test func changesFromAnotherProcessAppearWithoutARestartAndKeepTheCursor() throws {
    let cli = try repository()
    try cli.ok("connection", "create", "m_conn", "--type", "http")
    try cli.ok("connection", "create", "z_conn", "--type", "http")
    let tui = try TmuxSession(cli: cli, command: CLI.binary)
    try tui.wait(for: "Connections (2)")
    try tui.press("Down")
    try tui.wait(for: "z_conn  http")
    try cli.ok("connection", "create", "a_conn", "--type", "postgres")
    try tui.wait(for: "Connections (3)")
    // The cursor stays on z_conn, whose detail pane is still shown.
    let screen = try tui.settled(for: "z_conn  http") { $0.contains("z_conn  http") }
    #expect(screen.contains("a_conn"))
  }

  @Test func anEditOverTakenByAnotherUsersChangeIsRefusedWithWhoAndWhen() throws {
    let cli = try repository()
    try cli.ok("workspace", "member", "set", "bob", "operator")
    try cli.ok("variable", "create", "region", "--value", "eu")
    let tui = try TmuxSession(cli: cli, command: CLI.binary)
    try tui.wait(for: "Connections (0)")
    try tui.press("2")
    try tui.wait(for: "Variables (1)")
    try tui.press("e")
    try tui.wait(for: "Edit variable region")
    // While the form is open, bob changes the same variable from his own shell.
    try cli.ok("variable", "update", "region", "--value", "us", environment: ["AIRENV_USER": "bob"])
    try tui.type("-west")
    try tui.wait(for: "eu-west")
    try tui.press("C-s")
    let screen = try tui.settled(for: "changed by bob at") { $0.contains("changed by bob at") }
    #expect(screen.contains("variable \"region\" changed since you read it"))
    // Nothing of the stale edit was written: bob's value stands.
    try tui.press("Escape")
    try tui.press("q")
    try tui.wait(for: "AIRENV-EXITED 0")
    #expect(try cli.ok("variable", "get", "region").contains("us"))
    #expect(!(try cli.ok("variable", "get", "region").contains("west")))
  }

  @Test func severalWorkspacesWithoutADefaultOpenThePicker() throws {
    let cli = CLI()
    for name in ["alpha", "beta", "gamma"] { try cli.ok("workspace", "create", name) }
    try cli.ok("workspace", "delete", "alpha", "--yes")
    let tui = try TmuxSession(cli: cli, command: CLI.binary)
    try tui.wait(for: "choose a Workspace")
    try tui.press("Down", "Enter")
    try tui.wait(for: "Workspace gamma")
    try tui.press("q")
    try tui.wait(for: "AIRENV-EXITED 0")
  }

  @Test func resizingBelowTheMinimumShowsWhatItNeedsAndRecovers() throws {
    let tui = try TmuxSession(cli: try repository(), command: CLI.binary + " tui --demo")
    try tui.wait(for: "Connections (13)")
    try tui.resize(width: 60, height: 15)
    try tui.wait(for: "terminal too small (need 80×24, have 60×15)")
    try tui.resize(width: 120, height: 40)
    try tui.wait(for: "Connections (13)")
    try tui.press("?")
    try tui.wait(for: "Keys (↑↓ scroll, Esc or ? close)")
    try tui.press("Escape")
    try tui.wait(for: "Enter open")
    try tui.press("q")
    try tui.wait(for: "AIRENV-EXITED 0")
  }

  /// q, Ctrl-C and the signals that end a session (SIGTERM, SIGHUP when an SSH connection
  /// drops, SIGINT from outside) each leave the terminal as it was: the alternate screen left,
  /// the cursor shown, the line discipline back to canonical mode with echo. A signal ends
  /// the program through the same way out, with the shell's code for it (128 + signal).
  @Test(arguments: [("q", 0), ("Ctrl-C", 0), ("TERM", 143), ("HUP", 129), ("INT", 130)])
  func everyWayOutRestoresTheTerminal(way: String, code: Int) throws {
    // A private temporary directory, to see that the demo repository is removed too.
    let cli = try repository()
    let temporary = cli.scratch + "/tmp"
    try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
    let tui = try TmuxSession(
      cli: cli, environment: ["TMPDIR": temporary],
      command: CLI.binary
        + " tui --demo; code=\\$?; stty -a | grep -o -w -E -- '-?(icanon|echo|isig|opost)' | tr '\\n' ' ';"
        + " (exit \\$code)")
    try tui.wait(for: "warehouse_db")
    #expect(try tui.tmux(["display", "-p", "-t", "main", "#{alternate_on}"]).hasPrefix("1"))
    switch way {
    case "q": try tui.press("q")
    case "Ctrl-C": try tui.press("C-c")
    default:
      // The program is the only child of the pane's shell.
      let shell = try tui.tmux(["display", "-p", "-t", "main", "#{pane_pid}"])
        .trimmingCharacters(in: .whitespacesAndNewlines)
      #expect(system("pkill -\(way) -P \(shell)") == 0)
    }
    let screen = try tui.wait(for: "AIRENV-EXITED")
    #expect(screen.contains("AIRENV-EXITED \(code)"), "\(way)")
    #expect(try tui.tmux(["display", "-p", "-t", "main", "#{alternate_on} #{cursor_flag}"]).hasPrefix("0 1"))
    let modes = screen.split(whereSeparator: \.isWhitespace).map(String.init)
    for mode in ["icanon", "echo", "isig", "opost"] { #expect(modes.contains(mode), "\(way): \(mode)") }
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: temporary).isEmpty, "\(way): demo left behind")
  }

  @Test func worksUnderTERMvt100() throws {
    let tui = try TmuxSession(
      cli: try repository(), environment: ["TERM": "vt100"], command: CLI.binary + " tui --demo")
    try tui.wait(for: "warehouse_db")
    try tui.press("m")
    try tui.wait(for: "MATRIX")
    try tui.press("q")
    try tui.wait(for: "the list again") { !$0.contains("MATRIX") }
    try tui.press("q")
    try tui.wait(for: "AIRENV-EXITED 0")
  }

  /// Whether any SGR escape sets a foreground or background colour (39 and 49 only reset).
  static func setsColour(_ screen: String) -> Bool {
    screen.components(separatedBy: "\u{1B}[").dropFirst().contains { sequence in
      guard let end = sequence.firstIndex(of: "m") else { return false }
      let parameters = sequence[..<end].split(separator: ";").compactMap { Int($0) }
      return parameters.contains {
        (30...38).contains($0) || (40...48).contains($0) || (90...107).contains($0)
      }
    }
  }

  @Test func noColorDrawsWithoutColourCodes() throws {
    let colour = try TmuxSession(cli: try repository(), command: CLI.binary + " tui --demo")
    try colour.wait(for: "warehouse_db")
    let coloured = try colour.screen(escapes: true)
    #expect(
      Self.setsColour(coloured),
      "the default theme should use colours: \(coloured.debugDescription.prefix(600))")
    let mono = try TmuxSession(
      cli: try repository(), environment: ["NO_COLOR": "1"], command: CLI.binary + " tui --demo")
    try mono.wait(for: "warehouse_db")
    let escapes = try mono.screen(escapes: true)
    #expect(!Self.setsColour(escapes), "NO_COLOR still drew colours")
    #expect(escapes.contains("7m"), "the selection should be shown in reverse video")
  }

  @Test func aBadThemeIsReportedAndTheDefaultUsed() throws {
    let cli = try repository()
    let theme = cli.scratch + "/broken.json"
    try #"{"roles": {"sparkles": {"fg": "red"}}}"#.write(toFile: theme, atomically: true, encoding: .utf8)
    let tui = try TmuxSession(cli: cli, command: CLI.binary + " tui --theme " + theme)
    try tui.wait(for: "unknown role \"sparkles\"")
    try tui.press("q")
    try tui.wait(for: "AIRENV-EXITED 0")
  }

  @Test func standardInputThatIsNotATerminalIsAClearErrorNotAHang() throws {
    let tui = try TmuxSession(cli: try repository(), command: CLI.binary + " tui < /dev/null")
    try tui.wait(for: "AIRENV-EXITED 1")
    #expect(try tui.screen().contains("the terminal UI needs a terminal on standard input and output"))
    // And with neither a terminal on stdin nor on stdout (as in a pipe).
    let result = try CLI().run("tui")
    #expect(result.status == 1)
    #expect(result.stderr.contains("needs a terminal"))
  }
}
