import AirenvModel
import ArgumentParser
import Foundation

struct DiffCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "diff", abstract: "Compare what two Deployments get; secrets only say \"differs\".")
  @OptionGroup var global: GlobalOptions
  @Argument(help: "The first Deployment.", completion: Completions.deployments) var first: String
  @Argument(help: "The second Deployment.", completion: Completions.deployments) var second: String
  @Option(name: .shortAndLong, help: "table, json or yaml.") var output: OutputFormat = .table

  struct Change: Encodable {
    var field: String
    var from: String?
    var to: String?
    var secret: Bool
  }

  struct Entry: Encodable {
    var kind: ObjectKind
    var id: String
    /// only-in-first, only-in-second or differs.
    var status: String
    var changes: [Change]
  }

  struct View: Encodable {
    var first: String
    var second: String
    var entries: [Entry]
  }

  func run() throws {
    let session = global.session
    let workspace = try session.read()
    // Values are compared in full, but only an Author or higher may see the non-secret ones.
    try workspace.authorize(.viewValues, for: session.actor.user)
    func deployment(_ name: String) throws -> Deployment {
      guard let found = workspace.deployment(named: name) else {
        throw ModelError.notFound(what: "Deployment", name: name, workspace: workspace.name)
      }
      return found
    }
    let (left, right) = (try deployment(first), try deployment(second))
    let entries = workspace.differences(between: left.id, and: right.id).map { difference in
      Entry(
        kind: difference.kind, id: difference.key, status: difference.status.rawValue,
        changes: difference.fields.map {
          Change(field: $0.name, from: $0.first, to: $0.second, secret: $0.secret)
        })
    }
    let view = View(first: left.name, second: right.name, entries: entries)
    try Output.print(view, as: output) {
      guard !entries.isEmpty else {
        return "\(view.first) and \(view.second) get the same objects and values\n"
      }
      var table = TextTable("KIND", "ID", "FIELD", view.first, view.second)
      for entry in entries {
        if entry.changes.isEmpty {
          let mark = entry.status == "only-in-first" ? ("present", "—") : ("—", "present")
          table.add([entry.kind.rawValue, entry.id, "", mark.0, mark.1])
        }
        for change in entry.changes {
          table.add([
            entry.kind.rawValue, entry.id, change.field,
            change.secret ? "differs (secret)" : TextTable.clip(change.from ?? "(none)", 36),
            change.secret ? "differs (secret)" : TextTable.clip(change.to ?? "(none)", 36),
          ])
        }
      }
      return table.rendered
    }
  }
}
