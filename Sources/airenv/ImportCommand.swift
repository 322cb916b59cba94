import AirenvFormats
import AirenvModel
import AirenvStore
import ArgumentParser
import Foundation

extension ImportFormat: ExpressibleByArgument {}

struct ImportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract: "Import connections and variables from the files teams already have.",
    discussion: """
      Reads airflow_settings.yaml, dotenv files (AIRFLOW_CONN_* as URI or JSON, AIRFLOW_VAR_*),
      LocalFilesystemBackend JSON/YAML/.env files, `airflow connections export` and
      `airflow variables export` files, and conn_id<TAB>URI lines. All or nothing: every problem
      is reported with file:line and, if there is any, nothing is written.
      """)

  enum Conflict: String, ExpressibleByArgument {
    case fail, skip, overwrite
  }

  @OptionGroup var global: GlobalOptions
  @Argument(help: "The file to import.") var file: String
  @Option(
    help:
      "auto (by extension and content) or \(ImportFormat.allCases.dropFirst().map(\.rawValue).joined(separator: ", "))."
  )
  var format: ImportFormat = .auto
  @Option(name: .customLong("scope-deployment"), help: "Import as objects of this Deployment only.")
  var scopeDeployment: String?
  @Flag(help: "Link the imported objects to all Deployments.") var linkAll = false
  @Option(help: "When an id exists: fail (default), skip it, or overwrite its base fields (links stay).")
  var onConflict: Conflict = .fail
  @Flag(help: "Report what would change and write nothing.") var dryRun = false

  struct Report {
    var created: [String] = []
    var updated: [String] = []
    var skipped: [String] = []
  }

  func validate() throws {
    if linkAll && scopeDeployment != nil {
      throw ValidationError("--link-all and --scope-deployment exclude each other")
    }
  }

  func run() throws {
    let session = global.session
    guard let data = FileManager.default.contents(atPath: file) else {
      throw Failure(message: "cannot read \(file): no such file or not readable", code: 1)
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw Failure(message: "\(file) is not UTF-8 text", code: 3)
    }
    let set = try Importer.read(text, file: file, format: format)
    let report: Report
    if dryRun {
      var workspace = try session.read()
      report = try apply(set, to: &workspace, by: session.actor)
    } else {
      try session.refuseIfReadonly()
      report = try session.repository.update(
        workspace: session.workspaceName, command: "import", by: session.actor.user
      ) { workspace in
        try apply(set, to: &workspace, by: session.actor)
      }
    }
    let verb = dryRun ? "would import" : "imported"
    Console.out(
      "\(verb) \(file) (\(set.format.rawValue)): created \(report.created.count), updated \(report.updated.count), "
        + "skipped \(report.skipped.count)")
    for line in report.created { Console.out("  created \(line)") }
    for line in report.updated { Console.out("  updated \(line)") }
    for line in report.skipped { Console.out("  skipped \(line)") }
    for line in set.ignored { Console.out("  ignored \(line)") }
    if !dryRun && scopeDeployment == nil && !linkAll && !report.created.isEmpty {
      Console.out("  note: new objects are linked to no Deployment yet; link them, or import with --link-all")
    }
  }

  /// Applies every entry as a model command; any problem aborts the whole import.
  private func apply(_ set: ImportSet, to workspace: inout Workspace, by actor: Actor) throws -> Report {
    var report = Report()
    var problems: [ImportProblem] = []
    let sharing: Sharing =
      scopeDeployment.map { .scoped(toDeployment: $0) } ?? (linkAll ? .linkedToAll : .restricted)
    for entry in set.connections {
      let reference = ObjectReference(.connection, entry.connId, scopeDeployment: scopeDeployment)
      do {
        if let existing = exactMatch(workspace.connections, entry.connId, in: workspace) {
          switch onConflict {
          case .fail:
            throw ModelError.duplicateKey(
              kind: .connection, key: entry.connId,
              existing: "an existing connection (use --on-conflict skip or overwrite)")
          case .skip:
            report.skipped.append("connection \(entry.connId) (exists)")
          case .overwrite:
            var changes = entry.fields
            changes.clear = Set(
              ConnectionField.allCases.filter {
                $0 != .connType && changes.fields[$0] == nil && existing.base.fields[$0] != nil
              })
            changes.extraUnset = Set(existing.base.extra.keys).subtracting(changes.extraSet.keys)
            try workspace.apply(
              .updateConnection(reference, changes, linkedToAll: linkAll ? true : nil), by: actor)
            report.updated.append("connection \(entry.connId)")
          }
        } else {
          try workspace.apply(
            .createConnection(key: entry.connId, fields: entry.fields, sharing: sharing), by: actor)
          report.created.append("connection \(entry.connId)")
        }
      } catch let error as ModelError {
        problems.append(ImportProblem(file: file, line: entry.line, reason: error.message))
      }
    }
    for entry in set.variables {
      let reference = ObjectReference(.variable, entry.key, scopeDeployment: scopeDeployment)
      do {
        if exactMatch(workspace.variables, entry.key, in: workspace) != nil {
          switch onConflict {
          case .fail:
            throw ModelError.duplicateKey(
              kind: .variable, key: entry.key,
              existing: "an existing variable (use --on-conflict skip or overwrite)")
          case .skip:
            report.skipped.append("variable \(entry.key) (exists)")
          case .overwrite:
            let changes = VariableChanges(value: entry.value, description: entry.description)
            try workspace.apply(
              .updateVariable(reference, changes, linkedToAll: linkAll ? true : nil), by: actor)
            report.updated.append("variable \(entry.key)")
          }
        } else {
          let changes = VariableChanges(value: entry.value, description: entry.description)
          try workspace.apply(.createVariable(key: entry.key, fields: changes, sharing: sharing), by: actor)
          report.created.append("variable \(entry.key)")
        }
      } catch let error as ModelError {
        problems.append(ImportProblem(file: file, line: entry.line, reason: error.message))
      }
    }
    if !problems.isEmpty { throw ImportProblems(problems: problems) }
    return report
  }

  /// The object an imported id would collide with: in the target scope, ignoring case.
  private func exactMatch<P>(_ objects: [EnvironmentObject<P>], _ key: String, in workspace: Workspace)
    -> EnvironmentObject<P>?
  {
    let owner = scopeDeployment.flatMap { workspace.deployment(named: $0)?.id }
    return objects.first { object in
      object.key.lowercased() == key.lowercased()
        && (owner.map { object.scope == .deployment($0) } ?? (object.scope == .workspace))
    }
  }
}
