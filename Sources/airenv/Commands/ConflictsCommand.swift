import AirenvModel
import ArgumentParser

/// What a git merge left in conflict — two objects or Deployments of one name, links to a
/// Deployment deleted on the other side — and how to settle each, one history entry each.
struct ConflictsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "conflicts",
    abstract: "What a git merge left in conflict, and how to settle it.",
    discussion: """
      Two clones that each create connection "db" (or Deployment "qa") merge without a textual \
      conflict, but the Workspace then holds two of them. Until that is settled, resolve and export \
      refuse the Deployments it makes ambiguous, and every change but a settlement waits.
      """,
    subcommands: [List.self, Resolve.self], defaultSubcommand: List.self)

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "list",
      abstract: "List the conflicts, with their files and the Deployments they affect.",
      discussion: "Exits with 4 when there is a conflict, so a CI step after a merge can stop on it.")
    @OptionGroup var global: GlobalOptions
    @Option(name: .shortAndLong, help: "table, json or yaml.") var output: OutputFormat = .table

    func run() throws {
      let workspace = try global.session.read(allowingConflicts: true)
      let names = workspace.deploymentNamesByID
      let views = workspace.conflicts().map { ConflictView($0, deploymentNames: names) }
      try Output.print(views, as: output) {
        if views.isEmpty { return "no conflicts\n" }
        var table = TextTable("KIND", "WHAT", "NAME", "FILES", "DEPLOYMENTS", "WHY")
        for view in views {
          table.add([
            view.kind, view.subject, view.name, view.files.joined(separator: " "),
            view.deployments.joined(separator: ","), view.reason,
          ])
        }
        return table.rendered
          + "\nsettle each with `airenv conflicts resolve` (--keep ID, --rename ID --to NAME, "
          + "--drop-dangling)\n"
      }
      if !views.isEmpty { throw ExitCode(4) }
    }
  }

  struct Resolve: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "resolve",
      abstract:
        "Settle one conflict: keep one of two, rename one, or drop what names a Deployment that is gone.")
    @OptionGroup var global: GlobalOptions
    @Option(
      help:
        "Of two objects or Deployments with one name, keep this one (its id or file) and delete the other.")
    var keep: String?
    @Option(help: "Give this object or Deployment (its id or file) a new name; with --to.")
    var rename: String?
    @Option(help: "The new name for --rename.") var to: String?
    @Flag(
      help:
        "Remove every link and exclusion naming a Deployment that is gone, and the objects that belonged to one."
    )
    var dropDangling = false
    @Flag(help: "Confirm deleting without asking.") var yes = false

    func run() throws {
      let chosen = [keep != nil, rename != nil, dropDangling].filter { $0 }.count
      guard chosen == 1 else {
        throw Failure.usage("give one of --keep ID, --rename ID --to NAME or --drop-dangling")
      }
      if (rename == nil) != (to == nil) { throw Failure.usage("--rename and --to go together") }
      let settlement: Settlement
      if let keep {
        settlement = .keep(id: Self.id(keep))
      } else if let rename, let to {
        settlement = .rename(id: Self.id(rename), to: to)
      } else {
        settlement = .dropDangling
      }
      try global.session.apply(.settle(settlement), yes: yes)
    }

    /// An id as given, or as the file `airenv conflicts` names (`connections/con_1.json`).
    static func id(_ given: String) -> String {
      var id = Substring(given)
      if let slash = id.lastIndex(of: "/") { id = id[id.index(after: slash)...] }
      if id.hasSuffix(".json") { id = id.dropLast(5) }
      return String(id)
    }
  }
}

/// One conflict as `airenv conflicts` shows it.
struct ConflictView: JSONShaped {
  var kind: String
  var subject: String
  var name: String
  var ids: [String]
  var files: [String]
  var reason: String
  /// The names of the Deployments it makes ambiguous.
  var deployments: [String]

  init(_ conflict: Conflict, deploymentNames: [DeploymentID: String]) {
    kind = conflict.kind.rawValue
    subject = conflict.subject
    name = conflict.name
    ids = conflict.ids
    files = conflict.files
    reason = conflict.reason
    deployments = conflict.deployments.map { deploymentNames[$0] ?? $0 }
  }

  func writeJSON<Writer: JSONWriter>(to writer: inout Writer) {
    writer.object { writer in
      writer.member("deployments", strings: deployments)
      writer.member("files", strings: files)
      writer.member("ids", strings: ids)
      writer.member("kind", .string(kind))
      writer.member("name", .string(name))
      writer.member("reason", .string(reason))
      writer.member("subject", .string(subject))
    }
  }
}
