import Foundation
import Testing

@Suite("History, undo and redo")
struct HistoryTests {
  func history(_ cli: CLI) throws -> [[String: Any]] {
    let result = try cli.run("history", "--limit", "1000", "--output", "json")
    #expect(result.status == 0, "\(result.stderr)")
    return try #require(result.json as? [[String: Any]])
  }

  /// Everything a user could observe, except revisions and times.
  func observable(_ cli: CLI) throws -> String {
    var parts: [String] = []
    let deployments = try #require(
      try cli.run("deployment", "list", "--output", "json").json as? [[String: Any]])
    for deployment in deployments.compactMap({ $0["name"] as? String }) {
      parts.append(try cli.ok("resolve", "--deployment", deployment, "--reveal", "--output", "json"))
    }
    parts.append(try cli.ok("matrix", "--output", "json"))
    parts.append(try cli.ok("matrix", "--variables", "--output", "json"))
    parts.append(try cli.ok("deployment", "list", "--output", "json"))
    return parts.joined(separator: "\n")
  }

  func fixture() throws -> CLI {
    let cli = CLI()
    try cli.ok("workspace", "create", "w")
    for name in ["dev", "prod", "feature"] { try cli.ok("deployment", "create", name) }
    try cli.ok(
      "connection", "create", "db", "--type", "postgres", "--host", "dev-db", "--password-stdin",
      "--link-all", input: "dev-Ω-pw")
    try cli.ok(
      "connection", "link", "db", "--deployment", "prod", "--host", "prod-db", "--password-stdin",
      input: "prod-Ω-pw")
    try cli.ok("connection", "exclude", "db", "--deployment", "feature")
    try cli.ok("variable", "create", "token_var", "--value-stdin", "--link-all", input: "var-Ω-secret")
    try cli.ok("connection", "create", "scratch", "--type", "http", "--scope-deployment", "dev")
    return cli
  }

  static let commands: [[String]] = [
    ["deployment", "create", "qa"], ["deployment", "rename", "feature", "feature-x"],
    ["deployment", "delete", "prod", "--yes"],
    ["connection", "create", "api", "--type", "http", "--link-all"],
    ["connection", "update", "db", "--host", "h2", "--password", "changed-Ω-pw"],
    ["connection", "update", "db", "--no-link-all"],
    ["connection", "link", "db", "--deployment", "dev", "--schema", "s"],
    ["connection", "unlink", "db", "--deployment", "prod", "--yes"],
    ["connection", "exclude", "db", "--deployment", "dev"],
    ["connection", "include", "db", "--deployment", "feature"],
    ["connection", "reset", "db", "--deployment", "prod", "--field", "host"],
    ["connection", "rename", "db", "warehouse"],
    ["connection", "promote", "scratch", "--scope-deployment", "dev"],
    ["connection", "delete", "db", "--yes"],
    ["variable", "update", "token_var", "--value", "other-Ω"],
    ["variable", "link", "token_var", "--deployment", "prod", "--value", "p"],
    ["variable", "delete", "token_var", "--yes"], ["workspace", "member", "set", "bob", "author"],
    ["workspace", "settings", "--secrets-fetching", "on"],
  ]

  @Test(arguments: commands)
  func everyCommandIsOneEntryAndUndoesAndRedoesExactly(arguments: [String]) throws {
    let cli = try fixture()
    let before = try observable(cli)
    let count = try history(cli).count
    let result = try cli.run(arguments)
    #expect(result.status == 0, "\(arguments): \(result.stderr)")
    let after = try observable(cli)
    let entries = try history(cli)
    #expect(entries.count == count + 1, "\(arguments) wrote \(entries.count - count) entries")
    #expect(entries.first?["user"] as? String == "alice")
    let command = (entries.first?["command"] as? String) ?? ""
    #expect(arguments.joined(separator: " ").hasPrefix(command), "\(command) for \(arguments)")
    #expect(((entries.first?["changes"] as? [[String: Any]])?.isEmpty) == false)
    if let index = arguments.firstIndex(of: "--deployment") {
      #expect(entries.first?["deployment"] as? String == arguments[index + 1], "no Deployment in the entry")
    }

    try cli.ok("undo")
    #expect(try observable(cli) == before, "undo of \(arguments) did not restore the state")
    try cli.ok("redo")
    #expect(try observable(cli) == after, "redo of \(arguments) did not re-apply it")
    #expect(try history(cli).count == count + 3)
  }

  @Test func noSecretValueIsEverWrittenToTheHistory() throws {
    let cli = try fixture()
    for arguments in Self.commands.prefix(17) { _ = try cli.run(arguments) }
    try cli.ok("undo")
    let directory = try #require(
      (FileManager.default.enumerator(atPath: cli.repository)?.allObjects as? [String])?.first {
        $0.hasSuffix("/history")
      })
    let files = try FileManager.default.contentsOfDirectory(atPath: cli.repository + "/" + directory)
    #expect(files.count > 10)
    for file in files {
      let bytes = try Data(contentsOf: URL(fileURLWithPath: cli.repository + "/" + directory + "/" + file))
      for secret in ["dev-Ω-pw", "prod-Ω-pw", "var-Ω-secret", "changed-Ω-pw", "other-Ω"] {
        #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) in \(file)")
      }
    }
    let entries = try history(cli)
    let secretFields = entries.flatMap {
      ($0["changes"] as? [[String: Any]] ?? []).flatMap { $0["fields"] as? [[String: Any]] ?? [] }
    }
    .filter { $0["secret"] as? Bool == true }
    #expect(!secretFields.isEmpty)
    #expect(secretFields.allSatisfy { $0["before"] == nil && $0["after"] == nil })
  }

  @Test func undoRefusesToOverwriteSomeoneElsesLaterChange() throws {
    let cli = try fixture()
    try cli.ok("connection", "update", "db", "--host", "mine")
    try cli.ok("connection", "update", "db", "--host", "bobs", "--user", "bob")
    let refused = try cli.run("undo")
    #expect(refused.status == 4)
    #expect(refused.stderr.contains("connection \"db\" was changed since by bob at"))
    #expect(
      try cli.json("connection", "get", "db")["base"].map { ($0 as! [String: Any])["host"] as? String }
        == "bobs")
    // Bob's own undo is fine and puts back alice's value.
    try cli.ok("undo", "--user", "bob")
    #expect(
      try cli.json("connection", "get", "db")["base"].map { ($0 as! [String: Any])["host"] as? String }
        == "mine")
  }

  @Test func undoWithNothingToUndoSaysSo() throws {
    let cli = try fixture()
    let result = try cli.run("undo", "--user", "carol")
    #expect(result.status == 3)
    #expect(result.stderr.contains("carol has no change left to undo"))
    #expect(try cli.run("redo").status == 3)
  }

  /// Undoing a Deployment's creation after others linked to it and scoped to it left links
  /// to a Deployment that was gone; undoing a deletion after a new object took the name left
  /// two. Both are refused as conflicts, and nothing is written.
  @Test func anUndoThatWouldBreakWhatWasMadeSinceIsRefused() throws {
    let cli = CLI()
    try cli.ok("workspace", "create", "w")
    try cli.ok("deployment", "create", "feat")
    try cli.ok("connection", "create", "c", "--type", "http", "--user", "bob")
    try cli.ok("connection", "link", "c", "--deployment", "feat", "--host", "fh", "--user", "bob")
    try cli.ok("variable", "create", "v", "--value", "x", "--scope-deployment", "feat", "--user", "bob")
    let before = try history(cli).count
    let undo = try cli.run("undo")
    #expect(undo.status == 4)
    #expect(undo.stderr.contains("is linked to a Deployment that is not there"), "\(undo.stderr)")
    #expect(try history(cli).count == before)
    #expect(try cli.ok("doctor").contains("no problems"))

    try cli.ok("variable", "create", "region", "--value", "eu")
    try cli.ok("variable", "delete", "region", "--yes")
    try cli.ok("variable", "create", "REGION", "--value", "us", "--user", "bob")
    let restore = try cli.run("undo")
    #expect(restore.status == 4)
    #expect(restore.stderr.contains("brings back variable \"region\""), "\(restore.stderr)")
    #expect(try cli.ok("variable", "get", "REGION").contains("us"))
  }

}

@Suite("History in words: names, bounded summaries, and what each role sees")
struct HistoryWordsTests {
  @Test func summariesNameDeploymentsNotTheirIds() throws {
    let cli = try HistoryTests().fixture()
    let table = try cli.ok("history")
    #expect(table.contains("links.prod."), "\(table)")
    #expect(!table.contains("dep_"), "\(table)")
    try cli.ok("connection", "link", "db", "--deployment", "dev", "--host", "dev-2")
    let undone = try cli.ok("undo")
    #expect(undone.contains("links.dev") && !undone.contains("dep_"), "\(undone)")
    // A Deployment deleted since is still named, by what the history recorded for it.
    try cli.ok("deployment", "create", "tmpd")
    try cli.ok("connection", "link", "db", "--deployment", "tmpd", "--host", "x")
    try cli.ok("deployment", "delete", "tmpd", "--yes")
    let after = try cli.ok("history")
    #expect(after.contains("links.tmpd.") && !after.contains("dep_"), "\(after)")
  }

  /// An undo of a 300-object import says what it did in one short line, not 300 names.
  @Test func aBulkChangeIsSummarisedByCounts() throws {
    let cli = CLI()
    try cli.ok("workspace", "create", "w")
    let file = cli.scratch + "/variables.json"
    let variables = (0..<300).map { "\"bulk_\($0)\": \"value \($0)\"" }.joined(separator: ", ")
    try Data("{\(variables)}".utf8).write(to: URL(fileURLWithPath: file))
    try cli.ok("import", file, "--format", "airflow-json")
    let history = try cli.ok("history")
    #expect(history.contains("created 300 variables"), "\(history)")
    let undone = try cli.ok("undo")
    #expect(undone.contains("deleted 300 variables"), "\(undone)")
    #expect(undone.utf8.count < 200, "\(undone)")
  }

  /// Role × surface: every member may read the history, in the CLI as on the TUI's History
  /// screen; the values before and after need the Author role, as field values do elsewhere.
  @Test(arguments: [("member", false), ("author", true), ("operator", true), ("owner", true)])
  func historyShowsValuesOnlyToThoseWhoMaySeeThem(role: String, values: Bool) throws {
    let cli = try HistoryTests().fixture()
    try cli.ok("variable", "create", "plain_var", "--value", "before-value", "--link-all")
    try cli.ok("variable", "update", "plain_var", "--value", "after-value")
    if role != "owner" { try cli.ok("workspace", "member", "set", "reader", role) }
    let user = role == "owner" ? "alice" : "reader"
    let result = try cli.run("history", "--output", "json", environment: ["AIRENV_USER": user])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("plain_var"))
    #expect(result.stdout.contains("after-value") == values, "\(role)")
    #expect(!result.stdout.contains("var-Ω-secret") && !result.stdout.contains("prod-Ω-pw"))
    let table = try cli.run("history", environment: ["AIRENV_USER": user])
    #expect(table.status == 0 && table.stdout.contains("changed variable plain_var (base.value)"))
  }
}
