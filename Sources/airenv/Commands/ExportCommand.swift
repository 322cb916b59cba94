import AirenvFormats
import AirenvModel
import AirenvStore
import AirenvText
import ArgumentParser
import Foundation

struct ExportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Write Deployments' resolved sets in the formats Airflow reads.",
    discussion: """
      airflow-json, airflow-yaml, airflow-env: connections.* and variables.* for Airflow's
      LocalFilesystemBackend (need --out DIR). env: a dotenv file of AIRFLOW_CONN_* (JSON form) and
      AIRFLOW_VAR_*. shell: the same as `export` lines for bash, dash or zsh. airflow-settings: the
      Astro CLI's airflow_settings.yaml. uri: conn_id<TAB>URI lines. k8s-secret: a Kubernetes Secret
      holding connections.json and variables.json. Secret fields are left out unless
      --include-secrets is given.
      """)

  @OptionGroup var global: GlobalOptions
  @Option(help: "The Deployment to export.", completion: Completions.deployments) var deployment: String?
  @Flag(help: "Export every Deployment, each under --out DIR/<deployment>/.") var all = false
  @Option(help: "The format: \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
  var format: ExportFormat
  @Option(help: "A directory, or a file for single-file formats; stdout when left out.", completion: .file())
  var out: String?
  @Flag(help: "Create --out's missing parent directories (else a missing one is an error).")
  var parents = false
  @Flag(help: "Include secret values (Owner and Operator; Authors and Members when secretsFetching is on).")
  var includeSecrets = false

  func validate() throws {
    if all == (deployment != nil) { throw ValidationError("give either --deployment D or --all") }
    if out?.isEmpty == true { throw ValidationError("--out is empty; name a file or a directory") }
    if all && out == nil { throw ValidationError("--all writes one set per Deployment and needs --out DIR") }
    if format.isFilePair && out == nil {
      throw ValidationError("--format \(format.rawValue) writes two files and needs --out DIR")
    }
  }

  func run() throws {
    if let out, let missing = PrivateFiles.missingParent(of: out) {
      let why =
        "--out \(TerminalText.escaped(out)): \(TerminalText.escaped(missing.directory)) \(missing.reason)"
      if missing.reason != "does not exist" { throw Failure.usage(why) }
      if !parents { throw Failure.usage(why + "; create it, or add --parents to create it") }
    }
    let session = global.session
    let workspace = try session.read(allowingConflicts: true)
    // With secretsFetching on, even a Member may export with secrets; otherwise values need Author.
    if includeSecrets {
      try workspace.mayExportSecrets(session.actor.user)
    } else {
      try workspace.authorize(.viewValues, for: session.actor.user)
    }
    let targets: [Deployment]
    if let deployment {
      guard let target = workspace.deployment(named: deployment) else {
        throw ModelError.notFound(what: "Deployment", name: deployment, workspace: workspace.name)
      }
      targets = [target]
      try workspace.requireSettled(target)
    } else {
      targets = workspace.sortedDeployments
      try workspace.requireSettled(targets)
      // One directory per Deployment: two names equal ignoring case would share one (a merge or a
      // hand edit can bring them; `doctor` reports it).
      var seen: [String: String] = [:]
      for target in targets {
        if let other = seen.updateValue(target.name, forKey: target.name.lowercased()) {
          throw Failure.validation(
            "Deployments \"\(other)\" and \"\(target.name)\" would be written to one directory (their names differ "
              + "only in case); rename one (`airenv deployment rename`)")
        }
      }
    }
    try session.application.requireVerified(targets, in: workspace)
    var withheld: [String] = []
    var readWhole: [String] = []
    try Exporter.forEachExport(of: workspace, for: targets, includingSecrets: includeSecrets, as: format) {
      target, export in
      let set: ExportSet
      let files: [ExportFile]
      switch export {
      case .success(let export): (set, files) = (export.set, export.files)
      case .failure(let error):
        throw Failure(message: "Deployment \(target.name): \(error.message)", code: error.code)
      }
      withheld += set.withheld.map { "\(target.name): \($0)" }
      let empty = set.variables.filter(\.value.isEmpty).map(\.key)
      if format == .airflowSettings && !empty.isEmpty {
        Console.error(
          "airenv: warning: the Astro CLI skips empty variables in airflow_settings.yaml, so Deployment "
            + "\(target.name) will not get: \(empty.joined(separator: ", "))")
      }
      if format.isReadWhole && set.connections.count > 100 {
        readWhole.append("\(target.name) (\(set.connections.count))")
      }
      try write(files, for: target, all: targets.count > 1 || all)
    }
    // Said once for all the Deployments it concerns, not once for each of a hundred.
    if !readWhole.isEmpty {
      Console.error(
        "airenv: warning: Airflow's LocalFilesystemBackend re-reads the whole file on every lookup, which grows "
          + "with the square of its size — prefer --format env, where each lookup reads one variable; connections "
          + "in the file of " + (readWhole.count == 1 ? "Deployment " : "Deployments ")
          + readWhole.prefix(5).joined(separator: ", ")
          + (readWhole.count > 5 ? " and \(readWhole.count - 5) more" : ""))
    }
    if !withheld.isEmpty {
      let objects = Set(withheld.map { $0.components(separatedBy: ":").prefix(2).joined(separator: ":") })
      Console.error(
        "airenv: withheld \(counted(withheld.count, "secret field")) of \(counted(objects.count, "object")) (add --include-secrets "
          + "to export them): " + withheld.prefix(20).joined(separator: ", ")
          + (withheld.count > 20 ? " and \(withheld.count - 20) more" : ""))
    }
  }

  private func write(_ files: [ExportFile], for target: Deployment, all: Bool) throws {
    guard let out else {
      // An export is data for a program (eval, dotenv, Airflow), written as it is to a pipe or
      // a file. A terminal would obey an escape sequence in a value (an OSC 52 that writes the
      // clipboard, a title change): there it is shown escaped, and said so.
      if isatty(1) != 1 {
        for chunk in files.lazy.flatMap(\.chunks) { print(chunk, terminator: "") }
        return
      }
      let text = files.map(\.contents).joined()
      let shown = TerminalText.escaped(text, keepingNewlines: true)
      print(shown, terminator: "")
      if shown != text {
        Console.error(
          "airenv: control characters in the values are shown as escapes on this terminal; redirect "
            + "or --out to get the exact bytes")
      }
      return
    }
    let directory = all ? try PrivateFiles.child(of: out, named: target.name) : out
    if files.count == 1 && !all && !PrivateFiles.isDirectory(out) && !out.hasSuffix("/") {
      try PrivateFiles.write(chunks: files[0].chunks, to: out)
      Console.error("airenv: wrote \(out)")
      return
    }
    try PrivateFiles.makeDirectory(directory)
    for file in files {
      try PrivateFiles.write(chunks: file.chunks, to: try PrivateFiles.child(of: directory, named: file.name))
      Console.error("airenv: wrote \(directory)/\(file.name)")
    }
  }
}

extension ExportProblem {
  var code: Int32 {
    switch self {
    case .locked: 1
    case .missing, .unrepresentable: 3
    }
  }
}
