import AirenvStore
import AirenvText
import ArgumentParser

struct DoctorCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "doctor",
    abstract: "Check the whole repository and report every problem; --fix repairs only what loses nothing.",
    discussion: """
      Checks format versions, JSON, the schema of every file, references to Deployments that do not
      exist, ids that collide ignoring case, Deployments that would get two objects with one id,
      secrets that do not decrypt with the current key, files or directories others can read or
      that belong to another user, a loose key file, and
      leftovers of interrupted writes. Exit 0 when clean, 1 when problems exist.
      """)
  @OptionGroup var global: GlobalOptions
  @Flag(help: "Tighten modes, remove dangling references, finish an interrupted change, remove leftovers.")
  var fix = false
  @Option(name: .shortAndLong, help: "table or json.") var output: OutputFormat = .table

  func run() throws {
    let session = global.session
    if fix { try session.refuseIfReadonly() }
    let problems = try session.repository.diagnose(fix: fix)
    try Output.print(problems, as: output) {
      guard !problems.isEmpty else { return "no problems found in \(session.repository.root)\n" }
      var lines: [String] = []
      for problem in problems {
        let place = [problem.file, problem.object].compactMap { $0 }.joined(separator: ": ")
        let state = problem.fixed ? " [fixed]" : problem.fixable ? " [doctor --fix repairs this]" : ""
        lines.append("\(problem.kind): \(place)\n  \(problem.problem)\(state)")
      }
      return lines.joined(separator: "\n") + "\n\(counted(problems.count, "problem"))\n"
    }
    let remaining = problems.filter { !$0.fixed }
    if !remaining.isEmpty { throw ExitCode(1) }
  }
}
