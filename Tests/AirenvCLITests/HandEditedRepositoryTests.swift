import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A repository is shared through git: what a teammate or a merge wrote is read as strictly as
/// a flag, by every command that reads it and by `doctor` alike, and nothing in it can become
/// code or a path.
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

    // Showing one object parses only the files that may hold it, and a listing only the files
    // of its kind (issue 14): the damaged one.
    let kind = edit.directory == "connections" ? "connection" : "variable"
    let showing = [kind, "get", edit.directory == "connections" ? "db" : "region"]
    for arguments in [
      [kind, "list"], showing, ["resolve", "--deployment", "prod"],
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
          || result.stderr.contains("the limit is 16 MiB"), "\(damage): \(result.stderr)")
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
    #expect(result.stderr.contains("not a file airenv writes inside the repository"))
    #expect(try String(contentsOfFile: victim, encoding: .utf8) == "keep me")
  }
}

/// What a hostile tester found after the first round, each pinned down.
@Suite("Hand-edited repositories: links, journals, history entries")
struct HandEditedRepositoryLinkTests {
  func repository() throws -> (CLI, workspace: String) {
    let cli = CLI()
    try cli.ok("workspace", "create", "data")
    try cli.ok("deployment", "create", "dev")
    try cli.ok("variable", "create", "region", "--value", "eu", "--link-all")
    let workspaces = try FileManager.default.contentsOfDirectory(atPath: cli.repository + "/workspaces")
    return (cli, cli.repository + "/workspaces/" + workspaces[0])
  }

  /// A journal that names a path through a link, under --readonly and not: nothing outside the
  /// repository is created or deleted.
  @Test func aJournalThroughALinkTouchesNothingOutside() throws {
    let (cli, workspace) = try repository()
    let outside = cli.scratch + "/outside"
    try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
    try "keep".write(toFile: outside + "/important", atomically: true, encoding: .utf8)
    #expect(symlink(outside, workspace + "/link") == 0)
    try "PWNED".write(toFile: workspace + "/payload", atomically: true, encoding: .utf8)
    let id = (workspace as NSString).lastPathComponent
    let journal = """
      {"version": 1, "writes": [{"path": "workspaces/\(id)/link/planted", "temporary": "workspaces/\(id)/payload"}],
       "deletes": ["workspaces/\(id)/link/important"]}
      """
    try journal.write(toFile: cli.repository + "/.journal.json", atomically: true, encoding: .utf8)
    for arguments in [["--readonly", "variable", "list"], ["variable", "list"], ["doctor", "--fix"]] {
      _ = try cli.run(arguments)
      #expect(FileManager.default.fileExists(atPath: outside + "/important"), "\(arguments)")
      #expect(!FileManager.default.fileExists(atPath: outside + "/planted"), "\(arguments)")
    }
    #expect(try cli.run("variable", "list").stderr.contains("not a file airenv writes inside the repository"))
  }

  @Test func readOnlyUseNeverFinishesAnInterruptedChange() throws {
    let (cli, workspace) = try repository()
    let id = (workspace as NSString).lastPathComponent
    let variable = try FileManager.default.contentsOfDirectory(atPath: workspace + "/variables")[0]
    let journal = #"{"version": 1, "writes": [], "deletes": ["workspaces/\#(id)/variables/\#(variable)"]}"#
    try journal.write(toFile: cli.repository + "/.journal.json", atomically: true, encoding: .utf8)
    #expect(try cli.ok("--readonly", "variable", "list").contains("region"))
    #expect(FileManager.default.fileExists(atPath: cli.repository + "/.journal.json"))
    #expect(!(try cli.ok("variable", "list").contains("region")))
  }

  @Test func aLinkedDirectoryIsRefusedAndDoctorChangesNothingThroughIt() throws {
    let (cli, workspace) = try repository()
    let outside = cli.scratch + "/elsewhere"
    try FileManager.default.moveItem(atPath: workspace + "/variables", toPath: outside)
    #expect(symlink(outside, workspace + "/variables") == 0)
    #expect(chmod(outside, 0o755) == 0)
    let result = try cli.run("variable", "create", "x", "--value", "1")
    #expect(result.status == 1 && result.stderr.contains("it is a symbolic link"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: outside).count == 1)
    let doctor = try cli.run("doctor", "--fix")
    #expect(doctor.stdout.contains("link: \(workspace)/variables"))
    var info = stat()
    #expect(stat(outside, &info) == 0 && info.st_mode & 0o777 == 0o755)
  }

  @Test(arguments: [
    (
      "an escaped duplicate member", "\"key\" : \"region\"", "\"key\" : \"region\", \"k\\u0065y\" : \"zz\"",
      "appears twice"
    ),
    ("a fractional version", "\"version\" : 1", "\"version\" : 1.0", "whole number"),
    ("version zero", "\"version\" : 1", "\"version\" : 0", "versions start at 1"),
    ("a fractional revision", "\"revision\" : 1", "\"revision\" : 1.0", "whole number"),
    (
      "a scope naming a Deployment", "\"kind\" : \"workspace\"",
      "\"kind\" : \"workspace\", \"deployment\" : \"dep_1\"", "Deployment"
    ),
    ("an unpaired surrogate", "\"value\" : \"eu\"", "\"value\" : \"\\ud800\"", "surrogate"),
    ("the largest revision", "\"revision\" : 1", "\"revision\" : 9223372036854775807", "revision"),
  ])
  func strictReadingRefusesWhatSlipsPastJSONDecoder(
    _ name: String, _ replace: String, _ with: String, _ reason: String
  ) throws {
    let (cli, workspace) = try repository()
    let path =
      workspace + "/variables/"
      + (try FileManager.default.contentsOfDirectory(atPath: workspace + "/variables")[0])
    let original = try String(contentsOfFile: path, encoding: .utf8)
    let edited = original.replacingOccurrences(of: replace, with: with)
    #expect(edited != original, "\(name)")
    try edited.write(toFile: path, atomically: true, encoding: .utf8)
    let result = try cli.run("variable", "list")
    #expect(result.status == 1, "\(name)")
    #expect(result.stderr.contains(path + ":"), "\(name): \(result.stderr)")
    #expect(result.stderr.lowercased().contains(reason.lowercased()), "\(name): \(result.stderr)")
  }

  @Test func aDateThatDoesNotExistIsRefused() throws {
    let (cli, workspace) = try repository()
    let path =
      workspace + "/variables/"
      + (try FileManager.default.contentsOfDirectory(atPath: workspace + "/variables")[0])
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let edited = text.replacingOccurrences(
      of: #""createdAt" : "[0-9TZ:-]+""#, with: #""createdAt" : "2026-13-45T99:99:99Z""#,
      options: .regularExpression)
    #expect(edited != text)
    try edited.write(toFile: path, atomically: true, encoding: .utf8)
    let result = try cli.run("variable", "list")
    #expect(
      result.status == 1 && result.stderr.contains(path) && result.stderr.contains("date"), "\(result.stderr)"
    )
  }

  @Test func invalidUTF8InAStoredFileIsRefusedWithItsLine() throws {
    let (cli, workspace) = try repository()
    let path =
      workspace + "/variables/"
      + (try FileManager.default.contentsOfDirectory(atPath: workspace + "/variables")[0])
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    let text = String(decoding: bytes, as: UTF8.self)
    let line = text.components(separatedBy: "\n").firstIndex { $0.contains("\"eu\"") }! + 1
    let value = Array("\"eu\"".utf8)
    let at = (0..<(bytes.count - value.count)).first { Array(bytes[$0..<($0 + value.count)]) == value }! + 1
    bytes[at] = 0xFF
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    let result = try cli.run("variable", "list")
    #expect(result.status == 1)
    #expect(
      result.stderr.contains("\(path):\(line):") && result.stderr.contains("not UTF-8"), "\(result.stderr)")
  }

  @Test func doctorFindsWhatBreaksExportsAndCommands() throws {
    let (cli, workspace) = try repository()
    try cli.ok("deployment", "create", "prod")
    // Two Deployments named alike: a merge of two branches can bring them.
    let deployments = workspace + "/deployments/"
    for name in try FileManager.default.contentsOfDirectory(atPath: deployments) {
      let text = try String(contentsOfFile: deployments + name, encoding: .utf8)
      try text.replacingOccurrences(of: "\"name\" : \"prod\"", with: "\"name\" : \"DEV\"")
        .write(toFile: deployments + name, atomically: true, encoding: .utf8)
    }
    // A secret stored as plaintext.
    let variable =
      workspace + "/variables/"
      + (try FileManager.default.contentsOfDirectory(atPath: workspace + "/variables")[0])
    let text = try String(contentsOfFile: variable, encoding: .utf8)
    try text.replacingOccurrences(of: "\"secret\" : false", with: "\"secret\" : true")
      .write(toFile: variable, atomically: true, encoding: .utf8)
    let doctor = try cli.run("doctor")
    #expect(doctor.stdout.contains("duplicate-name"), "\(doctor.stdout)")
    #expect(doctor.stdout.contains("secrets stored as plaintext: base/value"), "\(doctor.stdout)")
    // The export stops at the two Deployments named alike (a conflict to settle), before it
    // could mix them.
    let export = try cli.run("export", "--all", "--format", "env", "--out", cli.scratch + "/out")
    #expect(
      export.status == 4 && export.stderr.lowercased().contains("two deployments are named \"dev\"")
        && export.stderr.contains("airenv conflicts"), "\(export.status) \(export.stderr)")
    #expect(!FileManager.default.fileExists(atPath: cli.scratch + "/out"))
  }

  /// An undo restores the object its entry names, never another one a hand edit points it at.
  @Test func anEntryWhoseEarlierVersionIsAnotherObjectIsNotUndone() throws {
    let (cli, workspace) = try repository()
    try cli.ok("variable", "create", "victim", "--value", "keep")
    try cli.ok("variable", "update", "region", "--value", "us")
    let history = workspace + "/history/"
    let last = try FileManager.default.contentsOfDirectory(atPath: history).sorted().last!
    let victim = try #require(try cli.json("variable", "get", "victim")["id"] as? String)
    // Only the earlier version's id is changed, not the change's own id.
    var entry = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: history + last)))
        as? [String: Any])
    var changes = try #require(entry["changes"] as? [[String: Any]])
    var before = try #require(changes[0]["before"] as? [String: Any])
    before["id"] = victim
    changes[0]["before"] = before
    entry["changes"] = changes
    try JSONSerialization.data(withJSONObject: entry, options: [.prettyPrinted, .sortedKeys])
      .write(to: URL(fileURLWithPath: history + last))
    let undo = try cli.run("undo")
    #expect(undo.status != 0, "\(undo.stdout)")
    #expect(try cli.ok("variable", "get", "victim").contains("keep"))
    #expect(try cli.ok("variable", "list").contains("victim"))
  }

  /// A history file whose name claims the largest sequence made every save overflow and trap.
  @Test func aHistoryFileAirenvDidNotNameIsRefusedByName() throws {
    let (cli, workspace) = try repository()
    let history = workspace + "/history/"
    let some = try #require(try FileManager.default.contentsOfDirectory(atPath: history).sorted().last)
    try FileManager.default.copyItem(atPath: history + some, toPath: history + "9223372036854775807.json")
    let saved = try cli.run("variable", "update", "region", "--value", "x")
    #expect(saved.status == 1, "\(saved.status) \(saved.stderr)")
    #expect(saved.stderr.contains("9223372036854775807.json: not a history entry's name"), "\(saved.stderr)")
    // The history is shown without it, and says why it is passed over.
    let shown = try cli.run("history")
    #expect(shown.status == 0 && shown.stdout.contains("variable create"), "\(shown)")
    #expect(
      shown.stderr.contains("a history entry is passed over: ")
        && shown.stderr.contains("9223372036854775807.json: not a history entry's name"), "\(shown.stderr)")
    try FileManager.default.removeItem(atPath: history + "9223372036854775807.json")
    try cli.ok("variable", "update", "region", "--value", "x")
  }

  /// Review 13: entries made up with names that sort last take no place among `history --limit`,
  /// and one numbered as high as airenv numbers is named when it stops every save.
  @Test func madeUpEntriesNamedLastHideNoChangeAndAreNamed() throws {
    let (cli, workspace) = try repository()
    let history = workspace + "/history/"
    for index in 1...3 {
      try Data("not json".utf8).write(
        to: URL(fileURLWithPath: history + "20991231T235959Z-000000010\(index)-0000000\(index).json"))
    }
    let shown = try cli.run("history", "--limit", "2")
    #expect(shown.status == 0 && shown.stdout.contains("variable create"), "\(shown)")
    #expect(shown.stderr.contains("a history entry is passed over: "), "\(shown.stderr)")
    let highest = "20991231T235959Z-9999999999-0000000f.json"
    try Data("not json".utf8).write(to: URL(fileURLWithPath: history + highest))
    let saved = try cli.run("variable", "update", "region", "--value", "x")
    #expect(saved.status != 0 && saved.stderr.contains("entry 9999999999 (\(highest))"), "\(saved.stderr)")
  }

  /// An entry's name orders the history by time: a file renamed to another time is refused by
  /// name, as one renamed to another sequence is.
  @Test func aHistoryFileRenamedToAnotherTimeIsRefused() throws {
    let (cli, workspace) = try repository()
    let history = workspace + "/history/"
    let last = try #require(try FileManager.default.contentsOfDirectory(atPath: history).sorted().last)
    #expect(last.count == 41 && last.hasPrefix("20"), "\(last)")
    let renamed = "19990101T000000Z" + last.dropFirst(16)
    try FileManager.default.moveItem(atPath: history + last, toPath: history + renamed)
    let result = try cli.run("history")
    #expect(result.status == 0 && result.stderr.contains("a history entry is passed over"), "\(result)")
    #expect(
      result.stderr.contains(renamed + ": its time") && result.stderr.contains("does not match its name"))
    #expect(try cli.run("undo").status == 1)
    try FileManager.default.moveItem(atPath: history + renamed, toPath: history + last)
    #expect(try cli.run("history").stderr.isEmpty)
  }

  /// The name and contents of the newest history entry in `history` (a directory path ending in /).
  private static func newestEntry(in history: String) throws -> (String, [String: Any]) {
    let last = try #require(try FileManager.default.contentsOfDirectory(atPath: history).sorted().last)
    let entry = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: history + last)))
        as? [String: Any])
    return (last, entry)
  }

  /// An entry made up by hand whose user holds terminal escapes: `history` passes over it,
  /// saying why (escaped), and shows the rest; undo refuses, since it must know every change.
  @Test func anEntryWithEscapesInItsUserIsPassedOverByHistory() throws {
    let (cli, workspace) = try repository()
    let history = workspace + "/history/"
    let (last, newest) = try Self.newestEntry(in: history)
    var entry = newest
    entry["user"] = "\u{1B}]0;PWNED\u{07}\u{1B}[2Jevil"
    entry["sequence"] = 50
    let forged = String(last.prefix(16)) + "-0000000050-0e5c0e5c.json"
    try JSONSerialization.data(withJSONObject: entry, options: [.prettyPrinted, .sortedKeys])
      .write(to: URL(fileURLWithPath: history + forged))
    let shown = try cli.run("history")
    #expect(shown.status == 0 && shown.stdout.contains("variable create"), "\(shown)")
    #expect(shown.stderr.contains(forged) && shown.stderr.contains("control character"), "\(shown.stderr)")
    #expect(!shown.stderr.contains("\u{1B}") && !shown.stdout.contains("\u{1B}"))
    let undone = try cli.run("undo")
    #expect(undone.status == 1 && undone.stderr.contains(forged), "\(undone)")
    // A file name with a newline in it makes no line of its own.
    try FileManager.default.removeItem(atPath: history + forged)
    let newline = "x\nairenv: note: every entry is verified\n.json"
    try Data("{}".utf8).write(to: URL(fileURLWithPath: history + newline))
    let named = try cli.run("history")
    #expect(named.status == 0 && named.stderr.contains("x\\nairenv: note"), "\(named.stderr)")
    #expect(!named.stderr.split(separator: "\n").contains { $0.hasPrefix("airenv: note") })
  }

  /// In a repository with the one shared key, a made-up unsigned "workspace create" entry put
  /// first in the history turns no check on (nothing there is verified, and nothing is refused).
  @Test func aMadeUpCreationTurnsNoCheckOnInASharedKeyRepository() throws {
    let (cli, workspace) = try repository()
    let history = workspace + "/history/"
    var entry = try Self.newestEntry(in: history).1
    entry["command"] = "workspace create"
    entry["sequence"] = 0
    entry["changes"] = [
      ["kind": "workspace", "id": "x", "key": "x", "after": ["dataKey": "0123456789abcdef"]]
    ]
    try JSONSerialization.data(withJSONObject: entry, options: [.prettyPrinted, .sortedKeys])
      .write(to: URL(fileURLWithPath: history + "00000000T000000Z-0000000000-00000000.json"))
    let listed = try cli.run("variable", "list", environment: ["XDG_CACHE_HOME": cli.scratch + "/fresh"])
    #expect(listed.status == 0 && !listed.stderr.contains("unverified"), "\(listed)")
  }

  /// An entry dated in the future (a clone whose clock runs ahead, merged in git) does not
  /// hide the change just made: it is dated no earlier, undo takes it back and says so, and
  /// `history --limit` shows the same newest entries as the whole history.
  @Test func anEntryFromAClockAheadDoesNotHideTheNextChange() throws {
    let (cli, workspace) = try repository()
    let history = workspace + "/history/"
    var entry = try Self.newestEntry(in: history).1
    entry["time"] = "2099-01-01T00:00:00Z"
    entry["user"] = "bob"
    entry["sequence"] = 50
    entry["changes"] = [[String: Any]]()
    try JSONSerialization.data(withJSONObject: entry, options: [.prettyPrinted, .sortedKeys])
      .write(to: URL(fileURLWithPath: history + "20990101T000000Z-0000000050-0badc0de.json"))
    try cli.ok("variable", "update", "region", "--value", "us")
    let undone = try cli.ok("undo")
    #expect(undone.contains("undid #51") && undone.contains("variable region"), "\(undone)")
    #expect(try cli.ok("variable", "get", "region").contains("eu"))
    let all = try #require(
      try cli.run("history", "--output", "json", "--limit", "1000").json as? [[String: Any]])
    let newest = try #require(
      try cli.run("history", "--output", "json", "--limit", "3").json as? [[String: Any]])
    #expect(
      all.prefix(3).compactMap { $0["sequence"] as? Int } == newest.compactMap { $0["sequence"] as? Int })
    #expect(newest.compactMap { $0["sequence"] as? Int } == [52, 51, 50])
  }

  /// A revision set by hand to the largest one airenv reads is not saved past it: the next
  /// read would refuse the file and with it the whole Workspace.
  @Test func aRevisionAtItsLimitIsNotSavedPastIt() throws {
    let (cli, workspace) = try repository()
    let variable =
      workspace + "/variables/"
      + (try #require(try FileManager.default.contentsOfDirectory(atPath: workspace + "/variables").first))
    let edited = try String(contentsOfFile: variable, encoding: .utf8).replacingOccurrences(
      of: "\"revision\" : 1", with: "\"revision\" : 2147483647")
    try edited.write(toFile: variable, atomically: true, encoding: .utf8)
    let update = try cli.run("variable", "update", "region", "--value", "x")
    #expect(update.status == 1)
    #expect(update.stderr.contains("not saved, nothing was written: stamp.revision"), "\(update.stderr)")
    #expect(try String(contentsOfFile: variable, encoding: .utf8) == edited)
    #expect(try cli.ok("variable", "list").contains("region"))

    let header = workspace + "/workspace.json"
    let text = try String(contentsOfFile: header, encoding: .utf8)
    let revision = try #require(text.range(of: #""revision" : \d+"#, options: .regularExpression))
    try text.replacingCharacters(in: revision, with: "\"revision\" : 2147483647").write(
      toFile: header, atomically: true, encoding: .utf8)
    let rename = try cli.run("workspace", "rename", "data", "data2")
    #expect(rename.status == 1 && rename.stderr.contains("not saved"), "\(rename.stderr)")
    #expect(try cli.ok("workspace", "list").contains("data"))
  }

  /// `doctor --fix` changed the mode of a file outside the repository through a hard link.
  @Test func doctorNeverChangesAFileThroughAHardLink() throws {
    let (cli, workspace) = try repository()
    let outside = cli.scratch + "/victim.json"
    try "{}".write(toFile: outside, atomically: true, encoding: .utf8)
    chmod(outside, 0o644)
    #expect(link(outside, workspace + "/history/.x.json") == 0)
    let doctor = try cli.run("doctor", "--fix")
    #expect(doctor.stdout.contains("hard links"), "\(doctor.stdout)")
    let attributes = try FileManager.default.attributesOfItem(atPath: outside)
    #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o644)
  }

}
