import AirenvModel
import AirenvUI
import ArgumentParser
import Foundation

struct MatrixCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "matrix", abstract: "Which Deployment gets which object, at a glance.")
  @OptionGroup var global: GlobalOptions
  @Flag(help: "Show variables instead of connections.") var variables = false
  @Option(name: .shortAndLong, help: "table, json or yaml.") var output: OutputFormat = .table

  struct Row: Encodable {
    var id: String
    var linkedToAll: Bool
    var cells: [String: CellState]
  }

  struct View: Encodable {
    var kind: ObjectKind
    var deployments: [String]
    var rows: [Row]
  }

  static func glyph(_ state: CellState, ascii: Bool) -> String { state.glyph(ascii: ascii) }

  func run() throws {
    let workspace = try global.session.read()
    let deployments = workspace.sortedDeployments
    let rows: [Row] =
      variables
      ? workspace.variables.map { row($0, deployments) } : workspace.connections.map { row($0, deployments) }
    let view = View(
      kind: variables ? .variable : .connection, deployments: deployments.map(\.name),
      rows: rows.sorted { $0.id.lowercased() < $1.id.lowercased() })
    let ascii = !Self.localeIsUTF8
    try Output.print(view, as: output) {
      var table = TextTable(header: [view.kind.keyName.uppercased(), "ALL"] + view.deployments)
      for row in view.rows {
        table.add(
          [row.id, row.linkedToAll ? (ascii ? "yes" : "✓") : ""]
            + view.deployments.map { Self.glyph(row.cells[$0] ?? .notLinked, ascii: ascii) })
      }
      let legend = CellState.allCases.map { "\(Self.glyph($0, ascii: ascii)) \($0.rawValue)" }
      return table.rendered + "\n" + legend.joined(separator: "   ") + "\n"
    }
  }

  private func row<P>(_ object: EnvironmentObject<P>, _ deployments: [Deployment]) -> Row {
    Row(
      id: object.key, linkedToAll: object.linkedToAll,
      cells: Dictionary(uniqueKeysWithValues: deployments.map { ($0.name, object.cellState(for: $0.id)) }))
  }

  static var localeIsUTF8: Bool {
    let environment = ProcessInfo.processInfo.environment
    let locale =
      environment["LC_ALL"].flatMap { $0.isEmpty ? nil : $0 }
      ?? environment["LC_CTYPE"].flatMap { $0.isEmpty ? nil : $0 } ?? environment["LANG"] ?? ""
    return locale.uppercased().contains("UTF-8") || locale.uppercased().contains("UTF8")
  }
}

struct ResolveCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "resolve", abstract: "Everything one Deployment gets, with where each field comes from.")
  @OptionGroup var global: GlobalOptions
  @Option(help: "The Deployment.") var deployment: String
  @Flag(help: "Show secret values.") var reveal = false
  @Option(name: .shortAndLong, help: "table, json or yaml.") var output: OutputFormat = .table

  func run() throws {
    let session = global.session
    let (workspace, policy) = try session.read(reveal: reveal)
    let resolved = try ResolvedSet(workspace: workspace, deployment: deployment, policy: policy)
    try session.requireUnlocked(resolved.lockedFields, reveal: reveal)
    try Output.print(resolved, as: output) { resolved.table }
  }
}

struct DiffCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "diff", abstract: "Compare what two Deployments get; secrets only say \"differs\".")
  @OptionGroup var global: GlobalOptions
  @Argument(help: "The first Deployment.") var first: String
  @Argument(help: "The second Deployment.") var second: String
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
    let left = try ResolvedSet(workspace: workspace, deployment: first, policy: .everything)
    let right = try ResolvedSet(workspace: workspace, deployment: second, policy: .everything)
    var entries: [Entry] = []
    let leftConnections = Dictionary(
      uniqueKeysWithValues: left.connections.map { ($0.connId.lowercased(), $0) })
    let rightConnections = Dictionary(
      uniqueKeysWithValues: right.connections.map { ($0.connId.lowercased(), $0) })
    for key in Set(leftConnections.keys).union(rightConnections.keys).sorted() {
      let (a, b) = (leftConnections[key], rightConnections[key])
      if let a, let b {
        let changes = Self.fieldChanges(Self.flatten(a.fields), Self.flatten(b.fields))
        if !changes.isEmpty {
          entries.append(Entry(kind: .connection, id: a.connId, status: "differs", changes: changes))
        }
      } else {
        entries.append(
          Entry(
            kind: .connection, id: (a ?? b)!.connId, status: a == nil ? "only-in-second" : "only-in-first",
            changes: []))
      }
    }
    let leftVariables = Dictionary(uniqueKeysWithValues: left.variables.map { ($0.key.lowercased(), $0) })
    let rightVariables = Dictionary(uniqueKeysWithValues: right.variables.map { ($0.key.lowercased(), $0) })
    for key in Set(leftVariables.keys).union(rightVariables.keys).sorted() {
      let (a, b) = (leftVariables[key], rightVariables[key])
      if let a, let b {
        if a.value != b.value {
          let secret = a.secret || b.secret
          entries.append(
            Entry(
              kind: .variable, id: a.key, status: "differs",
              changes: [
                Change(
                  field: "value", from: secret ? nil : a.value, to: secret ? nil : b.value, secret: secret)
              ]))
        }
      } else {
        entries.append(
          Entry(
            kind: .variable, id: (a ?? b)!.key, status: a == nil ? "only-in-second" : "only-in-first",
            changes: []))
      }
    }
    let view = View(first: left.deployment, second: right.deployment, entries: entries)
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

  /// Each resolved field as text, keyed `host`, `extra.KEY`; secrets are flagged by name.
  static func flatten(_ fields: ConnectionFieldsView) -> [String: String] {
    var flat: [String: String] = ["conn_type": fields.connType]
    let pairs: [(String, String?)] = [
      ("description", fields.description), ("host", fields.host), ("schema", fields.schema),
      ("login", fields.login), ("password", fields.password), ("port", fields.port.map(String.init)),
    ]
    for (name, value) in pairs { if let value { flat[name] = value } }
    for (key, value) in fields.extra ?? [:] { flat["extra.\(key)"] = value.compactText }
    return flat
  }

  static func fieldChanges(_ a: [String: String], _ b: [String: String]) -> [Change] {
    Set(a.keys).union(b.keys).sorted().compactMap { name in
      guard a[name] != b[name] else { return nil }
      let secret =
        name == "password"
        || (name.hasPrefix("extra.") && Secrecy.isSecret(extraKey: String(name.dropFirst(6))))
        || [a[name], b[name]].contains { value in
          value.map { text in
            name.hasPrefix("extra.")
              && Secrecy.containsSecret(JSONValue.parseLenient(text), key: String(name.dropFirst(6)))
          } ?? false
        }
      return Change(field: name, from: secret ? nil : a[name], to: secret ? nil : b[name], secret: secret)
    }
  }
}
