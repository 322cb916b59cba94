import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A repository is shared through git: what a teammate or a merge wrote is read as strictly as
/// a flag, by every command and by `doctor` alike, and nothing in it can become code or a path.
@Suite("Hand-edited repositories: refused on load, never executed or written outside")
struct HandEditedRepositoryTests {
  struct Edit: CustomStringConvertible, Sendable {
    var description: String
    /// The file to edit: connections, variables or deployments (the one holding `containing`).
    var directory: String
    var containing: String
    var replace: String
    var with: String
    /// What the refusal says besides the file and its line.
    var reason: String
    /// The refusal's line, counted from the line the edit is on.
    var lineOffset = 0
  }

  static let edits: [Edit] = [
    Edit(
      description: "a conn_id with shell syntax", directory: "connections", containing: "\"key\" : \"db\"",
      replace: "\"key\" : \"db\"", with: "\"key\" : \"db;touch${IFS}pwned;x\"",
      reason: "conn_id is not allowed"),
    Edit(
      description: "a variable key with a command substitution", directory: "variables",
      containing: "\"key\" : \"region\"", replace: "\"key\" : \"region\"",
      with: "\"key\" : \"region$(touch pwned)\"", reason: "key is not allowed"),
    Edit(
      description: "a Deployment named ../../x", directory: "deployments", containing: "\"name\" : \"dev\"",
      replace: "\"name\" : \"dev\"", with: "\"name\" : \"../../escaped\"",
      reason: "Deployment name is not allowed"),
    Edit(
      description: "an unknown member", directory: "connections", containing: "\"key\" : \"db\"",
      replace: "\"host\" : \"h\"", with: "\"host\" : \"h\", \"pasword\" : \"x\"",
      reason: "unknown member \"pasword\""),
    Edit(
      description: "a trailing comma", directory: "connections", containing: "\"key\" : \"db\"",
      replace: "\"host\" : \"h\"", with: "\"host\" : \"h\",", reason: "not valid JSON", lineOffset: 1),
    Edit(
      description: "a duplicate member", directory: "connections", containing: "\"key\" : \"db\"",
      replace: "\"host\" : \"h\"", with: "\"host\" : \"h\", \"host\" : \"evil\"", reason: "appears twice"),
    Edit(
      description: "a conn_type with spaces and a semicolon", directory: "connections",
      containing: "\"key\" : \"db\"", replace: "\"conn_type\" : \"postgres\"",
      with: "\"conn_type\" : \"Postgres; rm -rf ~\"", reason: "not a connection type"),
    Edit(
      description: "an escape sequence in who changed it", directory: "connections",
      containing: "\"key\" : \"db\"", replace: "\"updatedBy\" : \"alice\"",
      with: "\"updatedBy\" : \"alice\\u001b]0;owned\\u0007\"", reason: "user name is not allowed"),
    Edit(
      description: "a host of the wrong type", directory: "connections", containing: "\"key\" : \"db\"",
      replace: "\"host\" : \"h\"", with: "\"host\" : {\"a\" : 1}", reason: "host"),
  ]

  func repository() throws -> CLI {
    let cli = CLI()
    try cli.ok("workspace", "create", "data")
    for name in ["dev", "prod"] { try cli.ok("deployment", "create", name) }
    try cli.ok("connection", "create", "db", "--type", "postgres", "--host", "h", "--link-all")
    try cli.ok("variable", "create", "region", "--value", "eu", "--link-all")
    return cli
  }

  func file(_ cli: CLI, _ directory: String, containing text: String) throws -> String {
    let files = (FileManager.default.enumerator(atPath: cli.repository)?.allObjects as? [String] ?? [])
      .filter { $0.contains("/\(directory)/") && $0.hasSuffix(".json") }
    for relative in files {
      let path = cli.repository + "/" + relative
      if try String(contentsOfFile: path, encoding: .utf8).contains(text) { return path }
    }
    throw CancellationError()
  }

  /// Runs a shell (bash or dash) in the scratch directory with `airenv` on its PATH.
  func shell(_ cli: CLI, _ shell: String, _ script: String) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: shell)
    process.arguments = ["-c", script]
    var environment = cli.environment
    environment["PATH"] = URL(fileURLWithPath: CLI.binary).deletingLastPathComponent().path + ":/usr/bin:/bin"
    process.environment = environment
    process.currentDirectoryURL = URL(fileURLWithPath: cli.scratch)
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
  }

  @Test(arguments: edits)
  func everyCommandAndTheDoctorRefuseItWithItsLine(edit: Edit) throws {
    let cli = try repository()
    let path = try file(cli, edit.directory, containing: edit.containing)
    let original = try String(contentsOfFile: path, encoding: .utf8)
    let edited = original.replacingOccurrences(of: edit.replace, with: edit.with)
    #expect(edited != original)
    try edited.write(toFile: path, atomically: true, encoding: .utf8)
    let line =
      try #require(
        edited.components(separatedBy: "\n").firstIndex {
          $0.contains(edit.with.components(separatedBy: ",")[0])
        }
      ) + 1 + edit.lineOffset

    for arguments in [
      ["connection", "list"], ["variable", "get", "region"], ["resolve", "--deployment", "prod"],
      ["export", "--deployment", "prod", "--format", "env"], ["doctor"],
    ] {
      let result = try cli.run(arguments)
      #expect(result.status != 0, "airenv \(arguments.joined(separator: " ")) accepted \(edit)")
      let said = result.stdout + result.stderr
      #expect(said.contains(path + ":\(line):"), "airenv \(arguments.joined(separator: " ")): \(said)")
      #expect(said.contains(edit.reason), "airenv \(arguments.joined(separator: " ")): \(said)")
      #expect(!said.contains("\u{1B}"), "a raw escape reached the output of \(arguments)")
    }
    // Nothing the file says runs, whichever shell reads an export.
    for (shell, format) in [("/bin/bash", "shell"), ("/bin/dash", "shell"), ("/bin/bash", "env")] {
      _ = try self.shell(
        cli, shell, "eval \"$(airenv export --deployment dev --format \(format))\"; . /dev/null")
      #expect(!FileManager.default.fileExists(atPath: cli.scratch + "/pwned"), "\(shell) ran \(edit)")
    }
    #expect(try String(contentsOfFile: path, encoding: .utf8) == edited, "the file was rewritten")
  }

  @Test func exportAllNeverWritesOutsideItsDirectory() throws {
    let cli = try repository()
    let path = try file(cli, "deployments", containing: "\"name\" : \"dev\"")
    let original = try String(contentsOfFile: path, encoding: .utf8)
    try original.replacingOccurrences(of: "\"name\" : \"dev\"", with: "\"name\" : \"../../escaped\"")
      .write(toFile: path, atomically: true, encoding: .utf8)
    let out = cli.scratch + "/a/b/out"
    let result = try cli.run("export", "--all", "--format", "airflow-json", "--out", out)
    #expect(result.status != 0)
    #expect(!FileManager.default.fileExists(atPath: cli.scratch + "/a/escaped"))
    #expect(!FileManager.default.fileExists(atPath: cli.scratch + "/escaped"))
  }

  /// A file from git may be a link or a named pipe: reading must neither hang nor follow it.
  @Test func linksPipesAndHugeFilesAreRefusedWithoutReadingThem() throws {
    let cli = try repository()
    let path = try file(cli, "connections", containing: "\"key\" : \"db\"")
    for damage in ["link to /dev/zero", "named pipe", "sparse 100 MB file"] {
      try FileManager.default.removeItem(atPath: path)
      switch damage {
      case "link to /dev/zero": #expect(symlink("/dev/zero", path) == 0)
      case "named pipe": #expect(mkfifo(path, 0o600) == 0)
      default:
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        #expect(truncate(path, 100 << 20) == 0)
      }
      let started = Date()
      let result = try cli.run("connection", "list")
      #expect(Date().timeIntervalSince(started) < 10, "\(damage): took too long")
      #expect(result.status == 1, "\(damage)")
      #expect(
        result.stderr.contains("symbolic link") || result.stderr.contains("not a regular file")
          || result.stderr.contains("the limit is 64 MiB"), "\(damage): \(result.stderr)")
    }
  }

  /// The journal moves files by the paths it names: one that was not airenv's own must not reach
  /// outside the repository.
  @Test func aJournalNamingPathsOutsideTheRepositoryIsRefused() throws {
    let cli = try repository()
    let victim = cli.scratch + "/victim.txt"
    try "keep me".write(toFile: victim, atomically: true, encoding: .utf8)
    let journal = #"{"version": 1, "writes": [], "deletes": ["../victim.txt"]}"#
    try journal.write(toFile: cli.repository + "/.journal.json", atomically: true, encoding: .utf8)
    let result = try cli.run("connection", "list")
    #expect(result.status == 1)
    #expect(result.stderr.contains("not a path inside the repository"))
    #expect(try String(contentsOfFile: victim, encoding: .utf8) == "keep me")
  }
}
