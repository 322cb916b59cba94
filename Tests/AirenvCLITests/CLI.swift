import Foundation
import Testing

/// Runs the built `airenv` binary against a repository of its own.
final class CLI: @unchecked Sendable {
  struct Result {
    var status: Int32
    var stdout: String
    var stderr: String

    var json: Any? { try? JSONSerialization.jsonObject(with: Data(stdout.utf8)) }
  }

  let repository: String
  let scratch: String

  static let binary: String = {
    let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
      .appendingPathComponent("airenv").path
    if FileManager.default.isExecutableFile(atPath: besideTests) { return besideTests }
    var directory = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { directory.deleteLastPathComponent() }
    return directory.appendingPathComponent(".build/debug/airenv").path
  }()

  init() {
    scratch = NSTemporaryDirectory() + "airenv-cli-\(UUID().uuidString)"
    repository = scratch + "/repo"
    try? FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(atPath: scratch) }

  var environment: [String: String] {
    [
      "AIRENV_REPO": repository, "AIRENV_USER": "alice", "PATH": "/usr/bin:/bin", "HOME": scratch,
      "LANG": "C.UTF-8", "TZ": "UTC",
    ]
  }

  /// Someone else on this machine, acting with a configuration directory (identity, key file)
  /// of their own.
  func person(_ user: String) -> [String: String] {
    ["AIRENV_USER": user, "XDG_CONFIG_HOME": scratch + "/\(user)-config"]
  }

  /// The public identity `identity show` prints for whoever `environment` makes act.
  func publicKey(_ environment: [String: String] = [:]) throws -> String {
    let shown = try run(["identity", "show", "--output", "json"], environment: environment)
    let items = try #require(shown.json as? [[String: String]], "\(shown.stderr)")
    return try #require(items.first?["public_key"])
  }

  /// Runs `airenv arguments…`; standard input is `input` or empty (never a terminal).
  @discardableResult
  func run(_ arguments: String..., input: String = "", environment extra: [String: String] = [:]) throws
    -> Result
  {
    try run(arguments, input: input, environment: extra)
  }

  func run(_ arguments: [String], input: String = "", environment extra: [String: String] = [:]) throws
    -> Result
  {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Self.binary)
    process.arguments = arguments
    process.environment = environment.merging(extra) { _, new in new }
    let id = UUID().uuidString
    let outPath = scratch + "/\(id).out"
    let errPath = scratch + "/\(id).err"
    let inPath = scratch + "/\(id).in"
    _ = FileManager.default.createFile(atPath: outPath, contents: nil)
    _ = FileManager.default.createFile(atPath: errPath, contents: nil)
    _ = FileManager.default.createFile(atPath: inPath, contents: Data(input.utf8))
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
    process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: inPath))
    try process.run()
    process.waitUntilExit()
    defer { for path in [outPath, errPath, inPath] { try? FileManager.default.removeItem(atPath: path) } }
    return Result(
      status: process.terminationStatus,
      stdout: String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self),
      stderr: String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self))
  }

  /// Runs and requires success, returning stdout.
  @discardableResult
  func ok(_ arguments: String..., input: String = "", environment extra: [String: String] = [:]) throws
    -> String
  {
    let result = try run(arguments, input: input, environment: extra)
    #expect(result.status == 0, "airenv \(arguments.joined(separator: " ")) failed: \(result.stderr)")
    return result.stdout
  }

  func json(_ arguments: String...) throws -> [String: Any] {
    let result = try run(arguments + ["--output", "json"])
    #expect(result.status == 0, "\(result.stderr)")
    return try #require(result.json as? [String: Any])
  }

  /// Runs a shell script with `airenv` on PATH, in the background.
  func spawnShell(_ script: String) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = ["-c", script]
    var environment = environment
    environment["PATH"] =
      URL(fileURLWithPath: Self.binary).deletingLastPathComponent().path + ":/usr/bin:/bin"
    process.environment = environment
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
  }
}
