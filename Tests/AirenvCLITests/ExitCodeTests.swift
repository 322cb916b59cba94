import Foundation
import Testing

@Suite("CLI: exit codes and error messages")
struct ExitCodeTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var arguments: [String]
    var status: Int32
    var message: String
    var testDescription: String { arguments.joined(separator: " ") }
  }

  static let cases: [Case] = [
    Case(
      arguments: ["connection", "list", "--bogus"], status: 2,
      message: "airenv: error: Unknown option '--bogus'"),
    Case(
      arguments: ["connection", "create", "x"], status: 3, message: "conn_type: a new connection needs a type"
    ),
    Case(
      arguments: ["connection", "create", "bad id", "--type", "http"], status: 3,
      message: "conn_id \"bad id\" is not allowed: it contains a space"),
    Case(
      arguments: ["connection", "create", "WAREHOUSE_DB", "--type", "http"], status: 4,
      message: "is already used by the Workspace connection \"warehouse_db\""),
    Case(
      arguments: ["connection", "create", "x", "--type", "http", "--port", "0"], status: 3,
      message: "port: \"0\" is not a port number from 1 to 65535"),
    Case(
      arguments: ["connection", "create", "x", "--type", "http", "--extra", "{oops"], status: 3,
      message: "extra is not valid JSON"),
    Case(
      arguments: ["connection", "create", "x", "--uri", "postgres://h:notaport/db"], status: 3,
      message: "--uri is not an Airflow connection URI"),
    Case(
      arguments: ["connection", "link", "scratch_db", "--deployment", "prod"], status: 3,
      message: "belongs to Deployment \"dev\" and cannot be linked"),
    Case(
      arguments: ["deployment", "create", "prod"], status: 4, message: "Deployment \"prod\" already exists"),
    Case(
      arguments: ["connection", "get", "warehouse_db", "--workspace", "nope"], status: 3,
      message: "no Workspace \"nope\" in this repository (Workspaces: demo)"),
    Case(
      arguments: ["--readonly", "variable", "update", "alert_email", "--value", "x"], status: 5,
      message: "read-only mode (--readonly)"),
    Case(
      arguments: ["--workspace", "nope", "connection", "list"], status: 3, message: "no Workspace \"nope\""),
    Case(
      arguments: ["variable", "update", "alert_email", "--value", "x", "--readonly"], status: 5,
      message: "read-only mode (--readonly): this command changes the repository; refused"),
    Case(
      arguments: ["connection", "update", "warehouse_db"], status: 2, message: "nothing to change"),
    Case(
      arguments: ["connection", "update", "warehouse_db", "--password-env", "UNSET_VARIABLE"], status: 3,
      message: "environment variable UNSET_VARIABLE (for the password) is not set"),
    Case(
      arguments: ["conection", "list"], status: 2,
      message: "`airenv` has no command \"conection\"; did you mean `airenv connection`?"),
    Case(
      arguments: ["--repo", "/elsewhere", "variable", "lst"], status: 2,
      message: "`airenv variable` has no command \"lst\"; did you mean `airenv variable list`?"),
    Case(
      arguments: ["history", "purje"], status: 2,
      message: "`airenv history` has no command \"purje\"; did you mean `airenv history purge`?"),
    Case(
      arguments: ["help", "nosuch"], status: 2,
      message: "`airenv` has no command \"nosuch\"; its commands are"),
    Case(
      arguments: ["help", "connection", "zzz"], status: 2,
      message: "`airenv connection` has no command \"zzz\""),
  ]

  /// Inputs that once trapped: a one-character relative path, an extra nested too deeply to be
  /// written back, a revision at the top of its range.
  @Test func inputsThatOnceTrappedAreRefusedOrWork() throws {
    let cli = CLI()
    try cli.ok("demo")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CLI.binary)
    process.arguments = ["export", "--deployment", "prod", "--format", "airflow-json", "--out", "o"]
    process.environment = cli.environment
    process.currentDirectoryURL = URL(fileURLWithPath: cli.scratch)
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    #expect(FileManager.default.fileExists(atPath: cli.scratch + "/o/connections.json"))

    let deep = "{\"a\":" + String(repeating: "[", count: 506) + String(repeating: "]", count: 506) + "}"
    let refused = try cli.run("connection", "create", "deep", "--type", "http", "--extra", deep)
    #expect(refused.status == 3 && refused.stderr.contains("nests objects or lists more than 64 levels"))
    let secret =
      "{\"api_token\":" + String(repeating: "[", count: 100) + "\"TOPSECRET\""
      + String(repeating: "]", count: 100) + "}"
    let hidden = try cli.run("connection", "create", "deep2", "--type", "http", "--extra", secret)
    #expect(hidden.status == 3 && !hidden.stderr.contains("TOPSECRET"))
  }

  @Test func anEmptyHistoryListSaysWhy() throws {
    let cli = CLI()
    try cli.ok("demo")
    #expect(try cli.ok("history", "--limit", "0").contains("--limit 0 shows no entries"))
    #expect(
      try cli.ok("history", "--object", "nope").contains(
        "no connection, variable or Deployment \"nope\" exists, and no change to one is recorded"))
  }

  /// Help wraps at words to the terminal's width, never in the middle of one.
  @Test func helpWrapsAtWords() throws {
    let help = try CLI().run("connection", "create", "--help", environment: ["COLUMNS": "60"])
    #expect(help.status == 0)
    let lines = help.stdout.split(separator: "\n")
    for line in lines { #expect(line.count <= 60, "\(line)") }
    let words = Set(help.stdout.split(whereSeparator: \.isWhitespace))
    for word in ["google_cloud_platform,", "DEV_DB_PASSWORD", "$XDG_DATA_HOME/airenv)."] {
      #expect(words.contains(Substring(word)), "\(word) was split")
    }
  }

  @Test func theVersionIsPrinted() throws {
    let result = try CLI().run("--version")
    #expect(result.status == 0)
    #expect(result.stdout.hasPrefix("airenv ") && result.stdout.contains("."))
  }

  @Test(arguments: cases)
  func refusal(_ test: Case) throws {
    let cli = CLI()
    try cli.ok("demo")
    let before = try cli.ok("resolve", "--deployment", "prod", "--reveal", "--output", "json")
    let result = try cli.run(test.arguments)
    #expect(result.status == test.status, "\(result.stderr)")
    #expect(result.stderr.contains(test.message), "\(result.stderr)")
    #expect(result.stdout.isEmpty)
    #expect(try cli.ok("resolve", "--deployment", "prod", "--reveal", "--output", "json") == before)
  }

  @Test func aMissingRepositoryExitsOneAndSaysWhatToDo() throws {
    let result = try CLI().run("connection", "list")
    #expect(result.status == 1)
    #expect(result.stderr.contains("no airenv repository at"))
    #expect(result.stderr.contains("`airenv init`"))
  }

  /// A repository that exists but cannot be reached is not "no repository" (here a symbolic
  /// link loop, the failure root meets too; a missing permission reads the same way).
  @Test func anUnreachableRepositorySaysItCannotBeRead() throws {
    let cli = CLI()
    let loop = cli.scratch + "/loop"
    try FileManager.default.createSymbolicLink(atPath: loop, withDestinationPath: loop)
    let result = try cli.run("--repo", loop, "connection", "list")
    #expect(result.status == 1)
    #expect(result.stderr.contains("cannot be read"), "\(result.stderr)")
    #expect(!result.stderr.contains("no airenv repository"))
  }

  @Test func anExportIntoAMissingDirectoryAsksForParents() throws {
    let cli = CLI()
    try cli.ok("demo")
    let missing = cli.scratch + "/not-made/sub"
    for arguments in [
      ["--format", "env", "--out", missing + "/prod.env"],
      ["--format", "airflow-json", "--out", missing + "/prod"],
    ] {
      let result = try cli.run(["export", "--deployment", "prod"] + arguments)
      #expect(result.status == 2, "\(result.stderr)")
      #expect(result.stderr.contains("does not exist") && result.stderr.contains("--parents"))
      #expect(!FileManager.default.fileExists(atPath: cli.scratch + "/not-made"))
    }
    try cli.ok(
      "export", "--deployment", "prod", "--format", "env", "--out", missing + "/prod.env", "--parents")
    #expect(FileManager.default.fileExists(atPath: missing + "/prod.env"))
    // A parent that is a file is said to be one, and --parents cannot help it.
    let file = cli.scratch + "/a-file"
    try Data().write(to: URL(fileURLWithPath: file))
    let notADirectory = try cli.run(
      "export", "--deployment", "prod", "--format", "env", "--out", file + "/x.env", "--parents")
    #expect(notADirectory.status == 2 && notADirectory.stderr.contains("is not a directory"))
    #expect(!notADirectory.stderr.contains("--parents"))
    // A new directory inside one that exists is made without asking.
    try cli.ok("export", "--deployment", "prod", "--format", "airflow-json", "--out", missing + "/json")
    #expect(FileManager.default.fileExists(atPath: missing + "/json/connections.json"))
  }

  /// Counts name their noun in the right number: "1 link", "1 secret field of 1 object".
  @Test func messagesCountInTheRightNumber() throws {
    let cli = CLI()
    try cli.ok("workspace", "create", "w")
    try cli.ok("deployment", "create", "prod")
    try cli.ok("connection", "create", "db", "--type", "postgres", "--password-stdin", input: "pw")
    try cli.ok("connection", "link", "db", "--deployment", "prod", "--host", "prod-db")
    let export = try cli.run("export", "--deployment", "prod", "--format", "env")
    #expect(export.stderr.contains("withheld 1 secret field of 1 object "), "\(export.stderr)")
    // A long list of what was withheld is cut, not printed whole (5,000 objects made a line of 300 KB).
    let file = cli.scratch + "/many.env"
    try (1...25).map { "AIRFLOW_CONN_C\($0)='postgres://app:pw\($0)@db-\($0):5432/app'" }.joined(
      separator: "\n"
    )
    .write(toFile: file, atomically: true, encoding: .utf8)
    try cli.ok("import", file, "--link-all")
    let many = try cli.run("export", "--deployment", "prod", "--format", "env")
    #expect(
      many.stderr.contains("withheld 26 secret fields of 26 objects ") && many.stderr.contains(" and 6 more")
        && !many.stderr.contains("pw1"), "\(many.stderr)")
    let delete = try cli.run("connection", "delete", "db")
    #expect(delete.stderr.contains("its 1 link and"), "\(delete.stderr)")
    #expect(!delete.stderr.contains("1 links"))
    // A deletion says how to take it back.
    #expect(try cli.ok("connection", "delete", "db", "--yes").contains("`airenv undo` restores it"))
    #expect(try cli.ok("deployment", "delete", "prod", "--yes").contains("`airenv undo` restores it"))
    #expect(!(try cli.ok("deployment", "create", "qa")).contains("undo"))
    #expect(try cli.ok("doctor").contains("no problems found"))
  }

  @Test func aPlainPasswordFlagWarnsAboutShellHistory() throws {
    let cli = CLI()
    try cli.ok("workspace", "create", "w")
    let result = try cli.run("connection", "create", "db", "--type", "postgres", "--password", "hunter2")
    #expect(result.status == 0)
    #expect(result.stderr.contains("leaks the password into shell history and `ps`"))
  }

  @Test func aStaleEditIsRefusedAsAConflictNamingWhoAndWhen() throws {
    let cli = CLI()
    try cli.ok("demo")
    let revision = try #require(try cli.json("connection", "get", "warehouse_db")["revision"] as? Int)
    try cli.ok("connection", "update", "warehouse_db", "--host", "h2", "--user", "bob")
    let stale = try cli.run(
      "connection", "update", "warehouse_db", "--host", "h3", "--expect-revision", String(revision))
    #expect(stale.status == 4)
    #expect(
      stale.stderr.contains(
        "changed since you read it (revision \(revision), now \(revision + 1)): changed by bob at"))
    let base = try #require(try cli.json("connection", "get", "warehouse_db")["base"] as? [String: Any])
    #expect(base["host"] as? String == "h2")
  }

  @Test func aCorruptFileIsRefusedWithItsPathAndLineAndLeftUntouched() throws {
    let cli = CLI()
    try cli.ok("demo")
    let variables = try #require(
      FileManager.default.enumerator(atPath: cli.repository)?.allObjects as? [String]
    ).filter { $0.contains("/variables/") }
    let path = cli.repository + "/" + variables[0]
    let damaged = Data("{\n  \"version\": 1,\n  \"key\": \"x\"\n  \"oops\": 1\n}\n".utf8)
    try damaged.write(to: URL(fileURLWithPath: path))
    // Every command that may read it refuses: a listing, and a change naming a key it may hold.
    for arguments in [["variable", "list"], ["variable", "create", "X", "--value", "1"]] {
      let result = try cli.run(arguments)
      #expect(result.status == 1, "\(arguments)")
      #expect(result.stderr.contains("\(path):4:3: not valid JSON: expected \",\" or \"}\""), "\(arguments)")
    }
    // A change to other objects parses only the files that may hold their keys (issue 14), and
    // leaves the damaged file as it is.
    #expect(try cli.run("variable", "create", "another", "--value", "1").status == 0)
    // A listing of connections reads no variable file; what gives a Deployment both does.
    #expect(try cli.run("connection", "list").status == 0)
    #expect(try cli.run("resolve", "--deployment", "dev").stderr.contains(path))
    #expect(FileManager.default.contents(atPath: path) == damaged)
    #expect(try cli.run("doctor").stdout.contains(path))
  }
}
