import AirenvModel
import AirenvText

/// Column widths of the matrix and how many Deployment columns fit. When every column fits
/// with its whole name it is as wide as the longest name needs; otherwise as many columns as fit
/// at the narrowest width share the whole width, so no width goes unused while names are cut
/// (the cursor's column then shows its whole name over its neighbours', and on the status line).
struct MatrixLayout {
  let idWidth: Int
  let allWidth = 5
  let columnWidth: Int
  let visibleDeploymentColumns: Int
  static let narrowest = 11

  init(state: AppState) {
    idWidth = min(28, max(16, state.width / 4))
    let room = max(1, state.width - idWidth - allWidth - 2)
    let count = state.deploymentColumns.count
    let longest = state.deploymentColumns.reduce(0) {
      max($0, CellWidth.of(state.workspace.deployments[$1].name))
    }
    let wanted = max(Self.narrowest, min(24, longest + 2))
    if count * wanted <= room {
      visibleDeploymentColumns = max(1, count)
      columnWidth = wanted
    } else {
      visibleDeploymentColumns = max(1, min(count, room / Self.narrowest))
      columnWidth = room / visibleDeploymentColumns
    }
  }
}

/// Draws only what is on screen: visible rows times visible columns, whatever the size of
/// the Workspace. The id column and the header row stay frozen.
func renderMatrix(_ state: AppState, _ screen: inout ScreenBuffer, _ glyphs: Glyphs) {
  let layout = MatrixLayout(state: state)
  renderMatrixHeader(state, &screen, glyphs, layout)
  renderMatrixRows(state, &screen, glyphs, layout)
  renderMatrixStatus(state, &screen, glyphs)
}

/// The frozen header row: the id and All columns, then the visible Deployments' names.
private func renderMatrixHeader(
  _ state: AppState, _ screen: inout ScreenBuffer, _ glyphs: Glyphs, _ layout: MatrixLayout
) {
  let top = state.layout.body.y
  let firstColumn = state.matrix.columnOffset
  let lastColumn = min(state.deploymentColumns.count, firstColumn + layout.visibleDeploymentColumns)
  let label = state.tab == .connections ? "CONN_ID" : "KEY"
  screen.put(" " + glyphs.fit(label, layout.idWidth - 1), x: 0, y: top, role: .muted, bold: true)
  screen.put(glyphs.fit(" All", layout.allWidth), x: layout.idWidth, y: top, role: .muted, bold: true)
  for column in firstColumn..<max(firstColumn, lastColumn) where column + 1 != state.matrix.column {
    let x = layout.idWidth + layout.allWidth + (column - firstColumn) * layout.columnWidth
    let name = glyphs.fit(state.deployment(at: column).name, layout.columnWidth - 1)
    screen.put(name, x: x + 1, y: top, role: .muted, bold: true)
  }
  // The cursor's column last and whole, over its neighbours' names if it must.
  if (firstColumn..<lastColumn).contains(state.matrix.column - 1) {
    let x = layout.idWidth + layout.allWidth + (state.matrix.column - 1 - firstColumn) * layout.columnWidth
    let name = state.deployment(at: state.matrix.column - 1).name
    // Whole columns' worth, so a neighbour's name is hidden rather than left in pieces.
    let columns = (CellWidth.of(name) + layout.columnWidth) / layout.columnWidth
    let span = min(columns * layout.columnWidth - 1, state.width - x - 2)
    screen.put(glyphs.fit(name, span), x: x + 1, y: top, role: .accent, bold: true)
  }
  if firstColumn > 0 { screen.put("<", x: layout.idWidth + layout.allWidth - 1, y: top, role: .accent) }
  if lastColumn < state.deploymentColumns.count { screen.put(">", x: state.width - 1, y: top, role: .accent) }
  screen.put(String(repeating: glyphs.horizontal, count: state.width), x: 0, y: top + 1, role: .border)
}

/// The visible rows times the visible columns, and nothing else.
private func renderMatrixRows(
  _ state: AppState, _ screen: inout ScreenBuffer, _ glyphs: Glyphs, _ layout: MatrixLayout
) {
  let top = state.layout.body.y
  let indices = state.rows[state.tab] ?? []
  let firstColumn = state.matrix.columnOffset
  let lastColumn = min(state.deploymentColumns.count, firstColumn + layout.visibleDeploymentColumns)
  // Every cell of one state reads the same: made once per frame, not once per cell.
  var cellTexts: [CellState: String] = [:]
  for cellState in CellState.allCases {
    cellTexts[cellState] = glyphs.fit(
      String(repeating: " ", count: layout.columnWidth / 2 - 1) + glyphs.cell(cellState), layout.columnWidth)
  }
  let visibleRows = state.layout.matrixRows
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
}

/// The status line (the cell under the cursor in words, the position) and the legend.
private func renderMatrixStatus(_ state: AppState, _ screen: inout ScreenBuffer, _ glyphs: Glyphs) {
  let indices = state.rows[state.tab] ?? []
  let legendY = state.layout.body.maxY - 1
  var x = 1
  for cell in CellState.allCases {
    let item = glyphs.cell(cell) + " " + cell.rawValue.replacingOccurrences(of: "-", with: " ") + "  "
    if x + CellWidth.of(item) > state.width { break }
    x = screen.put(glyphs.cell(cell), x: x, y: legendY, role: Glyphs.role(cell), bold: true)
    x = screen.put(
      " " + cell.rawValue.replacingOccurrences(of: "-", with: " ") + "  ", x: x, y: legendY, role: .muted)
  }
  let shownColumns = state.deploymentColumns.count
  let narrowed =
    shownColumns < state.deploymentOrder.count
    ? "\(shownColumns) of \(state.deploymentOrder.count) Deployments · " : ""
  let position = narrowed + "row \(min(state.matrix.row + 1, indices.count))/\(indices.count)"
  let positionX = state.width - CellWidth.of(position) - 1
  screen.put(position, x: positionX, y: legendY - 1, role: .muted)
  // The cell under the cursor in full: its object, its Deployment's whole name and its state.
  if let id = state.matrixDeploymentID, let deployment = state.workspace.deployment(id: id),
    let row = state.currentRow
  {
    let key =
      state.tab == .connections ? state.workspace.connections[row].key : state.workspace.variables[row].key
    let cell =
      state.tab == .connections
      ? state.workspace.connections[row].cellState(for: id)
      : state.workspace.variables[row].cellState(for: id)
    let text = "\(key) on \(deployment.name): " + cell.rawValue.replacingOccurrences(of: "-", with: " ")
    screen.put(glyphs.clip(text, max(0, positionX - 3)), x: 1, y: legendY - 1, role: .accent)
  }
}
