import AirenvModel
import AirenvPresentation
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

  func run() throws {
    let workspace = try global.session.read()
    let deployments = workspace.sortedDeployments
    let rows: [Row] =
      variables
      ? workspace.variables.map { row($0, deployments) } : workspace.connections.map { row($0, deployments) }
    let view = View(
      kind: variables ? .variable : .connection, deployments: deployments.map(\.name),
      rows: rows.sorted { $0.id.lowercased() < $1.id.lowercased() })
    let ascii = !Session.localeIsUTF8()
    try Output.print(view, as: output) {
      var table = TextTable(header: [view.kind.keyName.uppercased(), "ALL"] + view.deployments)
      for row in view.rows {
        table.add(
          [row.id, row.linkedToAll ? (ascii ? "yes" : "✓") : ""]
            + view.deployments.map { (row.cells[$0] ?? .notLinked).glyph(ascii: ascii) })
      }
      let legend = CellState.allCases.map { "\($0.glyph(ascii: ascii)) \($0.rawValue)" }
      return table.rendered + "\n" + legend.joined(separator: "   ") + "\n"
    }
  }

  private func row<P>(_ object: EnvironmentObject<P>, _ deployments: [Deployment]) -> Row {
    Row(
      id: object.key, linkedToAll: object.linkedToAll,
      cells: Dictionary(uniqueKeysWithValues: deployments.map { ($0.name, object.cellState(for: $0.id)) }))
  }

}
