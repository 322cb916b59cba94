import AirenvModel
import AirenvPresentation
import AirenvText
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
      rows: rows.sortedIgnoringCase(by: \.id))
    let ascii = !Session.localeIsUTF8()
    try Output.print(view, as: output) {
      // As many Deployment columns as fit the width per table; more Deployments make more
      // tables, one under the other, each with the id column again.
      let width = Console.width ?? Self.pipeWidth
      var tables: [String] = []
      let names = view.deployments.map { TerminalText.escaped($0) }
      var remaining = view.deployments.indices[...]
      repeat {
        var table = TextTable(header: [view.kind.keyName.uppercased(), "ALL"])
        for row in view.rows { table.add([row.id, row.linkedToAll ? (ascii ? "yes" : "✓") : ""]) }
        var used = table.columnWidths.reduce(0) { $0 + $1 + 2 }
        var chunk: [Int] = []
        while let next = remaining.first, chunk.isEmpty || used + TextTable.width(of: names[next]) <= width {
          chunk.append(next)
          used += max(TextTable.width(of: names[next]), 1) + 2
          remaining = remaining.dropFirst()
        }
        table.header += chunk.map { names[$0] }
        table.rows = zip(table.rows, view.rows).map { cells, row in
          cells + chunk.map { (row.cells[view.deployments[$0]] ?? .notLinked).glyph(ascii: ascii) }
        }
        tables.append(table.rendered(width: nil))
      } while !remaining.isEmpty
      // The legend wraps at the same width.
      var legend = [""]
      for item in CellState.allCases.map({ "\($0.glyph(ascii: ascii)) \($0.rawValue)" }) {
        let line = legend[legend.count - 1]
        if line.isEmpty || TextTable.width(of: line) + 3 + TextTable.width(of: item) <= width {
          legend[legend.count - 1] = line.isEmpty ? item : line + "   " + item
        } else {
          legend.append(item)
        }
      }
      return tables.joined(separator: "\n") + "\n" + legend.joined(separator: "\n") + "\n"
    }
  }

  /// Without a terminal or $COLUMNS the tables are cut at this width, not into one line per
  /// object as wide as every Deployment name together.
  static let pipeWidth = 160

  private func row<P>(_ object: EnvironmentObject<P>, _ deployments: [Deployment]) -> Row {
    Row(
      id: object.key, linkedToAll: object.linkedToAll,
      cells: Dictionary(uniqueKeysWithValues: deployments.map { ($0.name, object.cellState(for: $0.id)) }))
  }

}
