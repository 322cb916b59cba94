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

  @Test func theSameNameCreatedOnBothSidesStopsEveryCommandWithBothFilesNamed() throws {
    let cli = try Self.clones()
    try cli.ok("connection", "create", "db", "--type", "postgres", "--host", "ours", "--link-all")
    try cli.ok("deployment", "create", "staging")
    try Self.theirs(cli, "connection", "create", "db", "--type", "postgres", "--host", "theirs", "--link-all")
    try Self.theirs(cli, "deployment", "create", "staging")
    #expect(try Self.mergeTheirs(cli).isEmpty)

    for command in [
      ["connection", "list"], ["matrix"], ["export", "--deployment", "dev", "--format", "env"],
      ["export", "--deployment", "dev", "--format", "airflow-json", "--out", cli.scratch + "/out"],
      ["variable", "list"], ["resolve", "--deployment", "dev"],
    ] {
      let result = try cli.run(command)
      #expect(result.status == 1, "\(command): \(result.status) \(result.stdout)")
      #expect(result.stderr.contains("as does") && result.stderr.contains("git merge"), "\(result.stderr)")
      #expect(!result.stdout.contains("AIRFLOW_CONN_DB"))
    }
    let doctor = try cli.run("doctor")
    #expect(doctor.stdout.contains("duplicate-name") && doctor.stdout.contains("duplicate-id"))

    // Removing one file of each pair is the way out, and nothing else is lost.
    let workspace = try #require(
      try FileManager.default.contentsOfDirectory(atPath: cli.repository + "/workspaces").first)
    for directory in ["deployments", "connections"] {
      let path = cli.repository + "/workspaces/\(workspace)/\(directory)"
      let files = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".json") }
      for file in files {
        let text = try String(contentsOfFile: path + "/" + file, encoding: .utf8)
        if text.contains("\"theirs\"") || (directory == "deployments" && text.contains("\"bob\"")) {
          try FileManager.default.removeItem(atPath: path + "/" + file)
        }
      }
    }
    let env = try cli.ok("export", "--deployment", "dev", "--format", "env")
    #expect(env.components(separatedBy: "AIRFLOW_CONN_DB=").count == 2)
    #expect(try cli.ok("deployment", "list").components(separatedBy: "staging").count == 2)
  }
}
