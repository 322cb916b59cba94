import Foundation
import Testing

/// The TUI on a Workspace a real git merge left in conflict: it opens on the screen that
/// settles it, each settlement one history entry, then on the Workspace itself.
extension GitMergeTests {
  @Test func theTUISettlesDuplicatesBeforeOpeningTheWorkspace() throws {
    let cli = try Self.clones()
    try cli.ok("connection", "create", "db", "--type", "postgres", "--host", "ours", "--link-all")
    try cli.ok("deployment", "create", "staging")
    try Self.theirs(cli, "connection", "create", "db", "--type", "postgres", "--host", "theirs", "--link-all")
    try Self.theirs(cli, "deployment", "create", "staging")
    #expect(try Self.mergeTheirs(cli).isEmpty)
    let stagings = Set(try Self.ids(in: "deployments", containing: "\"staging\"", cli))
    let ours = try #require(
      try Self.ids(in: "deployments", containing: "\"alice\"", cli).first(where: stagings.contains))

    let tui = try TmuxSession(cli: cli, width: 120, height: 30, command: CLI.binary)
    var screen = try tui.wait(for: "A git merge left 2 conflicts in this Workspace.")
    #expect(screen.contains("Settle each duplicate to open it"))
    #expect(screen.contains("host ours") && screen.contains("host theirs"))
    #expect(screen.contains("affects dev, staging"))
    // Nothing else opens while a duplicate is left, and a refusal says why.
    try tui.press("Escape")
    try tui.wait(for: "settle every duplicate first")

    // The staging Deployments come first (the CLI's order): keep ours, asked first (the
    // model's question, with what the deletion loses) with No focused, so Enter changes nothing.
    let staging = screen.components(separatedBy: "\n").filter { $0.contains("deployments/dep_") }
    let ourRow = try #require(staging.firstIndex { $0.contains(ours) })
    if ourRow == 1 { try tui.press("j") }
    try tui.press("K")
    // Polled until the whole dialog is drawn: a capture can land between its lines.
    let question = try tui.settled(for: "the question with its buttons") {
      $0.contains("Keep deployments/\(ours).json and delete") && $0.contains("[ No ]")
    }
    #expect(question.contains("Delete Deployment"))
    try tui.press("Enter")
    try tui.wait(for: "nothing changed")
    #expect(try cli.run("conflicts").status == 4)
    try tui.press("K")
    try tui.wait(for: "[ Yes ]")
    try tui.press("y")
    screen = try tui.wait(for: "A git merge left 1 conflict in this Workspace.")
    #expect(!screen.contains("deployment staging"))

    // Rename theirs: the line starts with the name, Ctrl-U clears it.
    let rows = screen.components(separatedBy: "\n").filter { $0.contains("connections/con_") }
    let theirsRow = try #require(rows.firstIndex { $0.contains("host theirs") })
    if theirsRow == 0 { try tui.press("k") } else { try tui.press("j") }
    try tui.press("R")
    try tui.wait(for: "new name: db")
    try tui.press("C-u")
    // A name the model refuses is refused here too, in its words, and nothing changes.
    try tui.type("db_théirs")
    try tui.press("Enter")
    try tui.wait(for: "conn_id \"db_théirs\" is not allowed")
    // What was typed is offered again, to correct.
    try tui.wait(for: "new name: db_théirs")
    try tui.press("C-u")
    try tui.type("db_theirs")
    try tui.press("Enter")
    // No conflict is left: the Workspace itself opens, with both connections.
    screen = try tui.wait(for: "Connections (2)")
    #expect(screen.contains("db_theirs"))
    try tui.press("q")
    try tui.wait(for: "AIRENV-EXITED 0")

    #expect(try cli.ok("conflicts").contains("no conflicts"))
    let history = try #require(
      try cli.run("history", "--limit", "2", "--output", "json").json as? [[String: Any]])
    #expect(history.compactMap { $0["command"] as? String } == ["conflicts resolve", "conflicts resolve"])
    #expect(try cli.ok("connection", "get", "db_theirs").contains("theirs"))
    #expect(try cli.ok("deployment", "list").components(separatedBy: "staging").count == 2)
  }

  @Test func aMergeUnderTheOpenTUIOpensTheSettlementScreen() throws {
    let cli = try Self.clones()
    try cli.ok("connection", "create", "db", "--type", "postgres", "--host", "ours", "--link-all")
    try Self.theirs(cli, "connection", "create", "db", "--type", "postgres", "--host", "theirs", "--link-all")
    let tui = try TmuxSession(cli: cli, width: 120, height: 30, command: CLI.binary)
    try tui.wait(for: "Connections (1)")
    #expect(try Self.mergeTheirs(cli).isEmpty)
    try tui.wait(for: "A git merge left 1 conflict in this Workspace.")
    let screen = try tui.wait(for: "host theirs")
    let rows = screen.components(separatedBy: "\n").filter { $0.contains("connections/con_") }
    if try #require(rows.firstIndex { $0.contains("host theirs") }) == 1 { try tui.press("j") }
    try tui.press("K")
    try tui.wait(for: "[ Yes ]")
    try tui.press("y")
    // Back in the Workspace, with the one kept.
    try tui.wait(for: "Connections (1)")
    try tui.press("Enter")
    try tui.wait(for: "host")
    #expect(try cli.ok("connection", "get", "db").contains("theirs"))
    try tui.press("C-c")
    try tui.wait(for: "AIRENV-EXITED")
  }

  @Test func danglingReferencesAloneMayBeDroppedOrLeftForLater() throws {
    let cli = try Self.clones()
    try cli.ok("deployment", "create", "staging")
    try Self.git(
      cli,
      "cd repo && git add -A && git commit -qm more && cd ../theirs && git pull -q --no-rebase ../repo main")
    try cli.ok("deployment", "delete", "staging", "--yes")
    try Self.theirs(cli, "variable", "create", "local", "--value", "x", "--scope-deployment", "staging")
    #expect(try Self.mergeTheirs(cli).isEmpty)

    // Esc opens the Workspace: a reference to a Deployment that is gone changes no other set.
    var tui = try TmuxSession(cli: cli, width: 120, height: 30, command: CLI.binary)
    var screen = try tui.wait(for: "A git merge left 1 conflict in this Workspace.")
    #expect(screen.contains("Drop the dangling references, or Esc"))
    try tui.press("K")
    try tui.wait(for: "choose one of two with the same name to keep")
    try tui.press("Escape")
    try tui.wait(for: "Connections (0)")
    try tui.press("q")
    try tui.wait(for: "AIRENV-EXITED 0")
    #expect(try cli.run("conflicts").status == 4)

    // x drops them, after a question.
    tui = try TmuxSession(cli: cli, width: 120, height: 30, command: CLI.binary)
    try tui.wait(for: "A git merge left 1 conflict")
    try tui.press("x")
    try tui.wait(for: "Delete the object of Deployments")
    try tui.press("y")
    screen = try tui.wait(for: "Variables (1)")
    #expect(!screen.contains("merge conflicts"))
    #expect(try cli.ok("conflicts").contains("no conflicts"))
    #expect(!(try cli.ok("variable", "list")).contains("local"))
  }
}
