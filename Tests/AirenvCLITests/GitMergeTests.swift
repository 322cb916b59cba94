import Foundation
import Testing

/// Two clones of one repository, changed apart and merged with real git: what git can join
/// merges without a conflict; what it cannot (two people creating the same name) stops every
/// command with the two files named, never a crash or a doubled export.
@Suite("A repository merged in git", .serialized)
struct GitMergeTests {
  /// `repository` committed to git, and a clone of it at `scratch/theirs`.
  static func clones() throws -> CLI {
    let cli = CLI()
    try cli.ok("workspace", "create", "team")
    try cli.ok("deployment", "create", "dev")
    try cli.ok("variable", "create", "region", "--value", "eu", "--link-all")
    try git(
      cli,
      "cd repo && git init -q -b main && git add -A && git commit -qm start && cd .. && git clone -q repo theirs"
    )
    return cli
  }

  @discardableResult
  static func git(_ cli: CLI, _ script: String, expecting status: Int32 = 0) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = ["-c", "set -e; cd \"$1\"; " + script, "git", cli.scratch]
    process.environment = [
      "PATH": "/usr/bin:/bin", "HOME": cli.scratch, "GIT_AUTHOR_NAME": "t",
      "GIT_AUTHOR_EMAIL": "t@example.com",
      "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_NOSYSTEM": "1",
    ]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == status, "\(script): \(text)")
    return text
  }

  /// Runs airenv on the other clone.
  static func theirs(_ cli: CLI, _ arguments: String...) throws {
    let result = try cli.run(
      arguments, environment: ["AIRENV_REPO": cli.scratch + "/theirs", "AIRENV_USER": "bob"])
    #expect(result.status == 0, "\(arguments): \(result.stderr)")
  }

  static func mergeTheirs(_ cli: CLI) throws -> String {
    try git(
      cli,
      "cd theirs && git add -A && git commit -qm theirs && cd ../repo && git add -A && git commit -qm ours")
    return try git(
      cli, "cd repo && git pull -q --no-rebase --no-edit ../theirs main 2>&1; git status --porcelain")
  }

  @Test func changesToDifferentObjectsMergeWithoutAConflictAndKeepBothHistories() throws {
    let cli = try Self.clones()
    try cli.ok("connection", "create", "warehouse", "--type", "postgres", "--host", "w", "--link-all")
    try Self.theirs(cli, "variable", "update", "region", "--value", "us")
    try Self.theirs(cli, "deployment", "create", "staging")
    let status = try Self.mergeTheirs(cli)
    #expect(status.isEmpty, "the merge left: \(status)")
    let history = try cli.ok("history")
    #expect(history.contains("connection create") && history.contains("variable update"))
    #expect(history.contains("deployment create"))
    // Both clones saved entry 3: two files, both listed, and the next save follows the last.
    try cli.ok("variable", "update", "region", "--value", "ap")
    let listed = try cli.run("history", "--limit", "100", "--output", "json")
    let entries = try #require(listed.json as? [[String: Any]])
    #expect(entries.compactMap { $0["sequence"] as? Int }.sorted() == [1, 2, 3, 3, 4, 5])
    #expect(try cli.ok("doctor").contains("no problems"))
    #expect(try cli.ok("resolve", "--deployment", "staging").contains("region"))
  }

  /// Two people make 50 changes each on their own clone. Git merges them without a conflict,
  /// the history holds every change newest first by time, and each person's undo takes back
  /// their own latest change, although both clones numbered their entries alike.
  @Test func fiftyChangesOnEachSideMergeAndEachPersonUndoesTheirOwn() throws {
    let cli = try Self.clones()
    for index in 1...50 {
      try cli.ok("variable", "create", "ours_\(index)", "--value", "\(index)", "--link-all")
      try Self.theirs(cli, "variable", "create", "theirs_\(index)", "--value", "\(index)", "--link-all")
    }
    #expect(try Self.mergeTheirs(cli).isEmpty)
    let entries = try #require(
      try cli.run("history", "--limit", "1000", "--output", "json").json as? [[String: Any]])
    // The clones' first two entries (the Deployment and the variable), then 50 on each side.
    #expect(entries.count == 102)
    let times = entries.compactMap { $0["time"] as? String }
    #expect(times.count == 102 && times == times.sorted(by: >), "not newest first: \(times)")
    let files = try FileManager.default.subpathsOfDirectory(atPath: cli.repository + "/workspaces")
      .filter { $0.contains("/history/") }.map { ($0 as NSString).lastPathComponent }
    #expect(Set(files).count == 102)
    #expect(files.allSatisfy { $0.hasPrefix("20") && $0.count == 41 }, "\(files)")
    let listing = try cli.ok("variable", "list")
    #expect((1...50).allSatisfy { listing.contains("ours_\($0) ") && listing.contains("theirs_\($0) ") })

    // Entry 52 exists twice (alice's and bob's): undoing alice's leaves bob's to undo.
    try cli.ok("undo")
    let bob = ["AIRENV_USER": "bob"]
    #expect(try cli.run(["undo"], environment: bob).status == 0)
    var names = try cli.ok("variable", "list")
    #expect(!names.contains("ours_50 ") && !names.contains("theirs_50 "))
    #expect(names.contains("ours_49 ") && names.contains("theirs_49 "))
    // Each goes on to their own next change; a redo brings back what that person undid last.
    try cli.ok("undo")
    #expect(try cli.run(["redo"], environment: bob).status == 0)
    names = try cli.ok("variable", "list")
    #expect(!names.contains("ours_49 ") && names.contains("theirs_50 ") && names.contains("theirs_49 "))
    #expect(try cli.ok("doctor").contains("no problems"))
  }

  /// `init --git` makes a repository ready to share: git keeps neither the lock, a journal, a
  /// temporary file nor a key, and JSON keeps its line ends.
  @Test func initWithGitKeepsOutWhatBelongsToOneMachine() throws {
    let cli = CLI()
    let said = try cli.ok("init", "--git")
    #expect(said.contains("created a git repository") && said.contains(".gitignore and .gitattributes"))
    #expect(FileManager.default.fileExists(atPath: cli.repository + "/.git"))
    try cli.ok("workspace", "create", "team")
    try cli.ok("variable", "create", "region", "--value", "eu")
    for name in [".journal.json", ".journal.data", ".region.json.tmp-1-2", "stray.key"] {
      _ = FileManager.default.createFile(atPath: cli.repository + "/" + name, contents: Data("x".utf8))
    }
    let tracked = try Self.git(cli, "cd repo && git add -A && git commit -qm first && git ls-files")
    #expect(
      tracked.contains(".gitignore") && tracked.contains(".gitattributes") && tracked.contains("airenv.json"))
    for name in [".lock", ".journal.json", ".journal.data", ".region.json.tmp-1-2", "stray.key"] {
      #expect(!tracked.split(separator: "\n").contains(Substring(name)), "git keeps \(name)")
    }
    #expect(try Self.git(cli, "cd repo && git check-attr eol -- airenv.json").contains("eol: lf"))
    // Again, or inside a git repository already: nothing is doubled, no repository nested.
    #expect(try cli.ok("init", "--git").contains("already hold"))
    let ignore = try String(contentsOfFile: cli.repository + "/.gitignore", encoding: .utf8)
    #expect(ignore.components(separatedBy: ".lock").count == 2)
    let nested = CLI()
    try Self.git(nested, "git init -q . && mkdir sub")
    let inside = try nested.run(
      ["init", "--git"], environment: ["AIRENV_REPO": nested.scratch + "/sub/repo"])
    #expect(inside.status == 0 && !inside.stdout.contains("created a git repository"), "\(inside.stdout)")
    #expect(!FileManager.default.fileExists(atPath: nested.scratch + "/sub/repo/.git"))
    // A .gitignore of another platform's line ends gains nothing twice; one that is a link is
    // refused before any git repository is made.
    let crlf = CLI()
    try FileManager.default.createDirectory(atPath: crlf.repository, withIntermediateDirectories: true)
    try Data(".lock\r\nbuild/\r\n".utf8).write(to: URL(fileURLWithPath: crlf.repository + "/.gitignore"))
    try crlf.ok("init", "--git")
    let kept = try String(contentsOfFile: crlf.repository + "/.gitignore", encoding: .utf8)
    #expect(
      kept.hasPrefix(".lock\r\nbuild/\r\n") && kept.components(separatedBy: ".lock").count == 2, "\(kept)")
    let linked = CLI()
    try FileManager.default.createDirectory(atPath: linked.repository, withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(
      atPath: linked.repository + "/.gitignore", withDestinationPath: linked.scratch + "/elsewhere")
    let refused = try linked.run("init", "--git")
    #expect(refused.status == 1 && refused.stderr.contains("symbolic link"), "\(refused.stderr)")
    #expect(!FileManager.default.fileExists(atPath: linked.repository + "/.git"))
    #expect(!FileManager.default.fileExists(atPath: linked.scratch + "/elsewhere"))
  }

  /// The ids of the stored files in one directory of the Workspace whose text contains `marker`.
  static func ids(in directory: String, containing marker: String, _ cli: CLI) throws -> [String] {
    let workspace = try #require(
      try FileManager.default.contentsOfDirectory(atPath: cli.repository + "/workspaces").first)
    let path = cli.repository + "/workspaces/\(workspace)/\(directory)"
    return try FileManager.default.contentsOfDirectory(atPath: path).filter { file in
      guard file.hasSuffix(".json") else { return false }
      return try String(contentsOfFile: path + "/" + file, encoding: .utf8).contains(marker)
    }.map { String($0.dropLast(5)) }
  }

  /// Both sides create connection "db" and Deployment "staging": git merges the four files
  /// without a conflict. Listings show both with the conflict marked; resolve and export refuse
  /// exactly the Deployments made ambiguous, naming both files; every change but a settlement
  /// waits; `airenv conflicts` lists them and settles each as one history entry.
  @Test func theSameNameCreatedOnBothSidesIsAConflictToSettle() throws {
    let cli = try Self.clones()
    try cli.ok("connection", "create", "db", "--type", "postgres", "--host", "ours", "--link-all")
    try cli.ok("deployment", "create", "staging")
    try Self.theirs(cli, "connection", "create", "db", "--type", "postgres", "--host", "theirs", "--link-all")
    try Self.theirs(cli, "deployment", "create", "staging")
    #expect(try Self.mergeTheirs(cli).isEmpty)
    let ours = try #require(try Self.ids(in: "connections", containing: "\"ours\"", cli).first)
    let theirs = try #require(try Self.ids(in: "connections", containing: "\"theirs\"", cli).first)
    let bobs = try #require(try Self.ids(in: "deployments", containing: "\"bob\"", cli).first)

    let listed = try cli.run("connection", "list")
    #expect(listed.status == 0)
    #expect(listed.stdout.components(separatedBy: "db (conflict)").count == 3, "\(listed.stdout)")
    #expect(
      listed.stderr.contains("connections/\(ours).json")
        && listed.stderr.contains("connections/\(theirs).json"))
    let items = try #require(try cli.run("connection", "list", "--output", "json").json as? [[String: Any]])
    #expect(items.filter { $0["conflict"] != nil }.count == 2)

    for command in [
      ["resolve", "--deployment", "dev"], ["export", "--deployment", "dev", "--format", "env"],
      ["export", "--all", "--format", "airflow-json", "--out", cli.scratch + "/out"],
      ["resolve", "--deployment", "staging"],
    ] {
      let result = try cli.run(command)
      #expect(result.status == 4, "\(command): \(result.status) \(result.stdout)")
      #expect(
        result.stderr.contains("a git merge left") && result.stderr.contains(".json and "), "\(result.stderr)"
      )
      #expect(!result.stdout.contains("AIRFLOW_CONN_DB"))
    }
    #expect(try cli.run("resolve", "--deployment", "dev").stderr.contains("connections/\(theirs).json"))
    // Any other change waits for the settlement, and says why.
    let change = try cli.run("variable", "update", "region", "--value", "us")
    #expect(change.status == 1 && change.stderr.contains("airenv conflicts"))
    let doctor = try cli.run("doctor")
    #expect(doctor.stdout.contains("duplicate-name") && doctor.stdout.contains("duplicate-id"))

    let conflicts = try cli.run("conflicts", "--output", "json")
    #expect(conflicts.status == 4)
    let found = try #require(conflicts.json as? [[String: Any]])
    #expect(Set(found.compactMap { $0["subject"] as? String }) == ["connection", "deployment"])

    let entries = try #require(try cli.run("history", "--output", "json").json as? [[String: Any]]).count
    #expect(try cli.run("conflicts", "resolve", "--keep", ours).status == 2, "deleting theirs needs --yes")
    try cli.ok("conflicts", "resolve", "--keep", "connections/\(ours).json", "--yes")
    try cli.ok("conflicts", "resolve", "--rename", bobs, "--to", "staging-bob")
    let history = try #require(try cli.run("history", "--output", "json").json as? [[String: Any]])
    #expect(history.count == entries + 2)
    #expect(history.prefix(2).allSatisfy { $0["command"] as? String == "conflicts resolve" })

    #expect(try cli.ok("conflicts").contains("no conflicts"))
    let env = try cli.ok("export", "--deployment", "dev", "--format", "env")
    #expect(env.components(separatedBy: "AIRFLOW_CONN_DB=").count == 2 && env.contains("ours"))
    #expect(try cli.ok("deployment", "list").contains("staging-bob"))
    #expect(try cli.ok("doctor").contains("no problems"))
  }

  /// One side deletes a Deployment while the other links an object to it (and creates one
  /// that belongs to it): git merges them cleanly, leaving references to a Deployment that is
  /// gone. They affect no Deployment's resolved set; `conflicts` lists them and
  /// `--drop-dangling` removes them. An override of an object deleted on the other side is a
  /// conflict git itself reports (both sides changed the object's file).
  @Test func aDeploymentDeletedOnOneSideLeavesDanglingReferencesToDrop() throws {
    let cli = try Self.clones()
    try cli.ok("deployment", "create", "staging")
    try cli.ok("connection", "create", "api", "--type", "http")
    try Self.git(
      cli,
      "cd repo && git add -A && git commit -qm more && cd ../theirs && git pull -q --no-rebase ../repo main")
    try cli.ok("deployment", "delete", "staging", "--yes")
    try Self.theirs(cli, "connection", "link", "api", "--deployment", "staging", "--host", "s")
    try Self.theirs(cli, "variable", "create", "local", "--value", "x", "--scope-deployment", "staging")
    #expect(try Self.mergeTheirs(cli).isEmpty)

    let conflicts = try cli.run("conflicts")
    #expect(conflicts.status == 4)
    #expect(
      conflicts.stdout.contains("dangling") && conflicts.stdout.contains("api")
        && conflicts.stdout.contains("local"))
    #expect(try cli.ok("resolve", "--deployment", "dev").contains("region"))
    #expect(try cli.run("conflicts", "resolve", "--drop-dangling").status == 2, "deleting local needs --yes")
    try cli.ok("conflicts", "resolve", "--drop-dangling", "--yes")
    #expect(try cli.ok("conflicts").contains("no conflicts"))
    #expect(!(try cli.ok("variable", "list")).contains("local"))
    #expect(try cli.ok("connection", "get", "api").contains("api"))
    #expect(try cli.ok("doctor").contains("no problems"))

    // Deleted here, overridden there: git stops on the file itself.
    try cli.ok("connection", "delete", "api", "--yes")
    try Self.git(cli, "cd repo && git add -A && git commit -qm gone")
    try Self.theirs(cli, "connection", "update", "api", "--host", "changed")
    try Self.git(cli, "cd theirs && git add -A && git commit -qm changed")
    let merge = try Self.git(
      cli, "cd repo && git pull -q --no-rebase --no-edit ../theirs main 2>&1", expecting: 1)
    #expect(merge.contains("CONFLICT (modify/delete)"), "\(merge)")
  }
}
