import AirenvModel
import AirenvStore
import ArgumentParser
import Foundation

struct InitCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "init", abstract: "Create an empty repository (does nothing if one exists).",
    discussion: """
      A new repository keeps secrets readable only by those allowed: each Workspace created in it \
      starts with its creator as Owner and a data key wrapped for their identity, which init makes \
      when none is held here (`airenv identity show` prints its public part to share).

      With --git, the repository is made ready to share through git: a git repository is created \
      there unless it is inside one already, and .gitignore and .gitattributes keep out what \
      belongs to one machine (the lock, an unfinished change's journal, temporary files, any key \
      file) and keep JSON files' line ends as airenv wrote them.
      """)

  @OptionGroup var global: GlobalOptions
  @Flag(help: "Make the repository ready to share through git.") var git = false

  func run() throws {
    let session = global.session
    try session.refuseIfReadonly()
    let repository = session.repository
    guard !repository.exists else {
      Console.out("a repository exists at \(repository.root)")
      try writeGitFiles(repository)
      return
    }
    // The identity first: a repository whose Workspaces nobody could open is never made.
    var held = try session.identities.get()
    let user = session.actor.user
    if !held.contains(where: { $0.user == user }) {
      let identity = try session.identityFile.create(for: user)
      held.append(identity)
      repository.hold(held, actingAs: user)
      Console.out("created an identity for \(user) in \(session.identityFile.path)")
      Console.out("public key: \(identity.publicText)")
    }
    _ = try repository.initialize(dataKeys: true)
    Console.out("created an empty repository at \(repository.root)")
    Console.out(
      "  note: Workspaces created here make \(user) their Owner, with a data key only members' identities open"
    )
    try writeGitFiles(repository)
  }

  private func writeGitFiles(_ repository: Repository) throws {
    guard git else { return }
    // The files first: a refusal (a .gitignore that is a link) leaves no git repository behind.
    let written = try repository.writeGitFiles()
    if try !GitTool.isInsideWorkTree(repository.root) {
      try GitTool.run(["init", "-q"], in: repository.root)
      Console.out("created a git repository at \(repository.root)")
    }
    Console.out(
      written.isEmpty
        ? ".gitignore and .gitattributes already hold what airenv needs"
        : "wrote \(written.joined(separator: " and ")): commit them with the repository")
  }
}

/// The real `git`, for `init --git`.
enum GitTool {
  /// Whether `directory` is inside a git working tree; a failure other than "not a git
  /// repository" (git missing, a repository git refuses to trust) is an error, not a no.
  static func isInsideWorkTree(_ directory: String) throws -> Bool {
    let (status, output, errors) = try launch(["rev-parse", "--is-inside-work-tree"], in: directory)
    if status == 0 && output == "true" { return true }
    if status != 0 && errors.contains("not a git repository") { return false }
    throw Failure(
      message: "git rev-parse in \(directory) failed: \(errors.isEmpty ? output : errors)", code: 1)
  }

  static func run(_ arguments: [String], in directory: String) throws {
    let (status, output, errors) = try launch(arguments, in: directory)
    guard status == 0 else {
      throw Failure(
        message: "git \(arguments.joined(separator: " ")) failed: \(errors.isEmpty ? output : errors)",
        code: 1)
    }
  }

  private static func launch(_ arguments: [String], in directory: String) throws -> (Int32, String, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["git", "-C", directory] + arguments
    // Files, not pipes: neither stream can fill up and stall git while the other is read.
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
      "airenv-git-\(UUID().uuidString)")
    let outputURL = scratch.appendingPathExtension("out")
    let errorsURL = scratch.appendingPathExtension("err")
    _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errorsURL.path, contents: nil)
    defer {
      try? FileManager.default.removeItem(at: outputURL)
      try? FileManager.default.removeItem(at: errorsURL)
    }
    process.standardOutput = try FileHandle(forWritingTo: outputURL)
    process.standardError = try FileHandle(forWritingTo: errorsURL)
    process.standardInput = FileHandle.nullDevice
    do { try process.run() } catch {
      throw Failure(
        message: "cannot run git (\(error.localizedDescription)); install git, or run init without --git",
        code: 1)
    }
    process.waitUntilExit()
    if process.terminationStatus == 127 {
      throw Failure(message: "git was not found on PATH; install git, or run init without --git", code: 1)
    }
    func text(_ url: URL) -> String {
      String(decoding: (try? Data(contentsOf: url)) ?? Data(), as: UTF8.self)
        .trimmingCharacters(in: .whitespacesAndNewlines)
    }
    return (process.terminationStatus, text(outputURL), text(errorsURL))
  }
}
