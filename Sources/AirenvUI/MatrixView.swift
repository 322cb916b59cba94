import AirenvModel
import AirenvText

/// Column widths of the matrix and how many Deployment columns fit.
struct MatrixLayout {
  let idWidth: Int
  let allWidth = 5
  let columnWidth: Int
  let visibleDeploymentColumns: Int

  init(state: AppState) {
    idWidth = min(28, max(16, state.width / 4))
    columnWidth = 11
    visibleDeploymentColumns = max(1, (state.width - idWidth - allWidth - 2) / columnWidth)
  }
}

/// Draws only what is on screen: visible rows times visible columns, whatever the size of
/// the Workspace. The id column and the header row stay frozen.
func renderMatrix(_ state: AppState, _ screen: inout ScreenBuffer, _ glyphs: Glyphs) {
  let layout = MatrixLayout(state: state)
  let top = 2
  let indices = state.rows[state.tab] ?? []
  let firstColumn = state.matrix.columnOffset
  let lastColumn = min(state.deploymentOrder.count, firstColumn + layout.visibleDeploymentColumns)
  let label = state.tab == .connections ? "CONN_ID" : "KEY"
  screen.put(" " + glyphs.fit(label, layout.idWidth - 1), x: 0, y: top, role: .muted, bold: true)
  screen.put(glyphs.fit(" All", layout.allWidth), x: layout.idWidth, y: top, role: .muted, bold: true)
  for column in firstColumn..<max(firstColumn, lastColumn) {
    let x = layout.idWidth + layout.allWidth + (column - firstColumn) * layout.columnWidth
    let name = glyphs.fit(state.deployment(at: column).name, layout.columnWidth - 1)
    screen.put(name, x: x + 1, y: top, role: column + 1 == state.matrix.column ? .accent : .muted, bold: true)
  }
  if firstColumn > 0 { screen.put("<", x: layout.idWidth + layout.allWidth - 1, y: top, role: .accent) }
  if lastColumn < state.deploymentOrder.count { screen.put(">", x: state.width - 1, y: top, role: .accent) }
  screen.put(String(repeating: glyphs.horizontal, count: state.width), x: 0, y: top + 1, role: .border)

  // Every cell of one state reads the same: made once per frame, not once per cell.
  var cellTexts: [CellState: String] = [:]
  for cellState in CellState.allCases {
    cellTexts[cellState] = glyphs.fit(
      String(repeating: " ", count: layout.columnWidth / 2 - 1) + glyphs.cell(cellState), layout.columnWidth)
  }
  let visibleRows = max(1, state.bodyHeight - 4)
  for row in 0..<visibleRows {
    let position = state.matrix.rowOffset + row
    guard position < indices.count else { break }
    let y = top + 2 + row
    let key: String
    let linkedToAll: Bool
    let cells: (DeploymentID) -> CellState
    if state.tab == .connections {
      let object = state.workspace.connections[indices[position]]
      (key, linkedToAll, cells) = (object.key, object.linkedToAll, object.cellState)
    } else {
      let object = state.workspace.variables[indices[position]]
      (key, linkedToAll, cells) = (object.key, object.linkedToAll, object.cellState)
    }
    let isCursorRow = position == state.matrix.row
    screen.put(
      " " + glyphs.fit(key, layout.idWidth - 2), x: 0, y: y, role: isCursorRow ? .accent : .text,
      bold: isCursorRow)
    let allText = glyphs.fit("  " + (linkedToAll ? glyphs.check : " "), layout.allWidth)
    let allCursor = isCursorRow && state.matrix.column == 0
    screen.put(
      allText, x: layout.idWidth, y: y,
      role: allCursor ? .selection : (linkedToAll ? .linkedAll : .notLinked), bold: linkedToAll)
    for column in firstColumn..<max(firstColumn, lastColumn) {
      let cellState = cells(state.deployment(at: column).id)
      let x = layout.idWidth + layout.allWidth + (column - firstColumn) * layout.columnWidth
      let text = cellTexts[cellState] ?? ""
      let isCursor = isCursorRow && column + 1 == state.matrix.column
      screen.put(
        text, x: x, y: y, role: isCursor ? .selection : Glyphs.role(cellState), bold: cellState != .notLinked)
    }
  }
  if indices.isEmpty { screen.put(" nothing to show", x: 0, y: top + 2, role: .muted) }
  let legendY = top + state.bodyHeight - 1
  var x = 1
  for cell in CellState.allCases {
    let item = glyphs.cell(cell) + " " + cell.rawValue.replacingOccurrences(of: "-", with: " ") + "  "
    if x + CellWidth.of(item) > state.width { break }
    x = screen.put(glyphs.cell(cell), x: x, y: legendY, role: Glyphs.role(cell), bold: true)
    x = screen.put(
      " " + cell.rawValue.replacingOccurrences(of: "-", with: " ") + "  ", x: x, y: legendY, role: .muted)
  }
  let position = "\(min(state.matrix.row + 1, indices.count))/\(indices.count)"
  screen.put(position, x: state.width - CellWidth.of(position) - 1, y: legendY - 1, role: .muted)
}
