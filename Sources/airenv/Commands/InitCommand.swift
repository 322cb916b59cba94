import AirenvModel
import AirenvStore
import ArgumentParser
import Foundation

struct InitCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "init", abstract: "Create an empty repository (does nothing if one exists).",
    discussion: """
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
    let created = try repository.initialize()
    Console.out(
      created
        ? "created an empty repository at \(repository.root)"
        : "a repository exists at \(repository.root)")
    guard git else { return }
    if try !GitTool.isInsideWorkTree(repository.root) {
      try GitTool.run(["init", "-q"], in: repository.root)
      Console.out("created a git repository at \(repository.root)")
    }
    let written = try repository.writeGitFiles()
    Console.out(
      written.isEmpty
        ? ".gitignore and .gitattributes already hold what airenv needs"
        : "wrote \(written.joined(separator: " and ")): commit them with the repository")
  }
}

/// The real `git`, for `init --git`.
enum GitTool {
  static func isInsideWorkTree(_ directory: String) throws -> Bool {
    try run(["rev-parse", "--is-inside-work-tree"], in: directory, allowingFailure: true) == "true"
  }

  @discardableResult
  static func run(_ arguments: [String], in directory: String, allowingFailure: Bool = false) throws -> String
  {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["git", "-C", directory] + arguments
    // One pipe for both streams: git says little, and two pipes read in turn could block.
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    do { try process.run() } catch {
      throw Failure(
        message: "cannot run git (\(error.localizedDescription)); install git, or run init without --git",
        code: 1)
    }
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    if process.terminationStatus == 127 {
      throw Failure(message: "git was not found on PATH; install git, or run init without --git", code: 1)
    }
    if process.terminationStatus != 0 && !allowingFailure {
      throw Failure(
        message:
          "git \(arguments.joined(separator: " ")) failed: \(text.trimmingCharacters(in: .whitespacesAndNewlines))",
        code: 1)
    }
    return text.trimmingCharacters(in: .whitespacesAndNewlines)
  }
}
