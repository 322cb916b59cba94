import AirenvText
import ArgumentParser
import Foundation

/// A plain-text table with left-aligned columns, measured in terminal cells.
struct TextTable {
  var header: [String]
  var rows: [[String]] = []

  init(_ header: String...) { self.header = header }
  init(header: [String]) { self.header = header }

  mutating func add(_ row: [String]) { rows.append(row.map { TerminalText.escaped($0) }) }

  var rendered: String {
    let all = [header] + rows
    var widths = [Int](repeating: 0, count: header.count)
    for row in all {
      for (index, cell) in row.enumerated() where index < widths.count {
        widths[index] = max(widths[index], Self.width(of: cell))
      }
    }
    var text = ""
    for row in all {
      var line = ""
      for (index, cell) in row.enumerated() {
        line += cell
        if index < row.count - 1 {
          line += String(repeating: " ", count: widths[index] - Self.width(of: cell) + 2)
        }
      }
      text += line + "\n"
    }
    return text
  }

  static func width(of text: String) -> Int { CellWidth.of(text) }

  /// Shortens a cell to `limit` columns with an ellipsis; control characters (a newline too)
  /// are shown as their escapes, so a cell is always one line of printable text.
  static func clip(_ text: String, _ limit: Int = 48) -> String {
    CellWidth.clip(TerminalText.escaped(text), to: limit)
  }
}
