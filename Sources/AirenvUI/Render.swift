import AirenvModel
import AirenvPresentation
import AirenvText

/// Draws the state into a fresh screen. Pure: the same state always gives the same screen.
public func render(_ state: AppState) -> ScreenBuffer {
  var screen = ScreenBuffer(width: state.width, height: state.height)
  let glyphs = Glyphs(ascii: state.ascii)
  if state.isTooSmall {
    let text =
      "terminal too small (need \(AppState.minimumWidth)\(glyphs.ascii ? "x" : "×")"
      + "\(AppState.minimumHeight), have \(state.width)\(glyphs.ascii ? "x" : "×")\(state.height))"
    let lines =
      CellWidth.of(text) > state.width
      ? [text.components(separatedBy: " (")[0], "(" + text.components(separatedBy: " (")[1]] : [text]
    for (offset, line) in lines.enumerated() {
      screen.put(
        line, x: max(0, (state.width - CellWidth.of(line)) / 2),
        y: state.height / 2 - lines.count / 2 + offset,
        role: .warning, bold: true)
    }
    // Keys do nothing here but quit: nothing may change that the user cannot see.
    let hint = state.width >= 40 ? "q quits; other keys wait until it grows" : "q quits"
    let hintRow = state.height / 2 - lines.count / 2 + lines.count + 1
    if hintRow < state.height {
      screen.put(hint, x: max(0, (state.width - CellWidth.of(hint)) / 2), y: hintRow, role: .muted)
    }
    if state.ascii { screen.restrictToASCII() }
    return screen
  }
  renderHeader(state, &screen, glyphs)
  renderTabs(state, &screen)
  switch state.mode {
  case .list: renderList(state, &screen, glyphs)
  case .matrix: renderMatrix(state, &screen, glyphs)
  case .resolved, .diff, .historyEntry, .plan: renderPage(state, &screen, pageLines(state, glyphs))
  case .history: renderHistory(state, &screen, glyphs)
  case .workspaces: renderWorkspaces(state, &screen, glyphs)
  }
  renderFooter(state, &screen)
  switch state.overlay {
  case .help?: renderHelp(state, &screen, glyphs)
  case .confirm(let confirmation)?: renderConfirm(confirmation, &screen, glyphs)
  case .form(let form)?: FormView.render(form, state: state, into: &screen, glyphs: glyphs)
  case .filter(let editor)?, .command(let editor)?:
    let prefix = state.overlay == .filter(editor) ? "/" : ":"
    let line = state.layout.messageLine
    screen.fill(x: 0, y: line.y, width: line.width, height: 1, role: .input)
    let shown = editor.window(width: state.width - 1)
    screen.put(prefix + shown.text, x: 0, y: line.y, role: .input)
    screen.restyle(x: 1 + shown.cursorColumn, y: line.y, width: 1, role: .inputFocused)
  case nil: break
  }
  if state.ascii { screen.restrictToASCII() }
  return screen
}

private func renderHeader(_ state: AppState, _ screen: inout ScreenBuffer, _ glyphs: Glyphs) {
  screen.fill(x: 0, y: 0, width: state.width, height: 1, role: .header)
  let role = state.role?.title ?? "not a member"
  var x = screen.put(" airenv ", x: 0, y: 0, role: .header, bold: true)
  let parts = [
    "Workspace \(state.workspace.name)", "\(state.session.user) (\(role))",
    state.revealed ? "secrets shown" : nil,
  ].compactMap { $0 }
  for part in parts { x = screen.put(" \(glyphs.vertical) " + part, x: x, y: 0, role: .header) }
  // A member list no signed change by an Owner made: every object is held back until approved.
  if state.unverified[state.workspace.id] != nil {
    x = screen.put(" \(glyphs.vertical) ", x: x, y: 0, role: .header)
    x = screen.put(
      "! member list unverified: airenv approve workspace", x: x, y: 0, role: .warning, bold: true)
  }
  var right = glyphs.clip(state.session.repository, max(0, state.width - x - 16))
  if state.session.readonly { right = "READ-ONLY  " + right }
  let start = state.width - CellWidth.of(right) - 1
  if start > x + 1 { screen.put(right, x: start, y: 0, role: state.session.readonly ? .warning : .header) }
}

private func renderTabs(_ state: AppState, _ screen: inout ScreenBuffer) {
  var x = 1
  for tab in Tab.allCases {
    let label = " \(tab.rawValue + 1) \(tab.title) (\(state.workspace.count(of: tab))) "
    x = screen.put(label, x: x, y: 1, role: tab == state.tab ? .tabActive : .tab, bold: tab == state.tab) + 1
  }
  var right: String
  switch state.mode {
  case .list: right = ""
  case .matrix: right = "MATRIX"
  case .resolved: right = "RESOLVED"
  case .diff: right = "DIFF"
  case .history: right = "HISTORY"
  case .historyEntry(let id):
    right = "HISTORY #" + (state.history.first { $0.id == id }.map { String($0.sequence) } ?? "?")
  case .workspaces: right = "WORKSPACES"
  case .plan: right = "PLAN"
  }
  if !state.filter.isEmpty { right = "filter: \(state.filter)  " + right }
  if !right.isEmpty {
    screen.put(right, x: max(x, state.width - CellWidth.of(right) - 1), y: 1, role: .accent)
  }
}

private func renderFooter(_ state: AppState, _ screen: inout ScreenBuffer) {
  let y = state.layout.footer.y
  screen.fill(x: 0, y: y, width: state.width, height: 1, role: .footer)
  var x = 1
  for (key, summary) in Keymap.footer(for: state.keyContext) {
    let words = summary.components(separatedBy: " (")[0].components(separatedBy: " / ")[0]
    let width = CellWidth.of(key) + CellWidth.of(words) + 3
    if x + width > state.width { break }
    x = screen.put(key, x: x, y: y, role: .key, bold: true)
    x = screen.put(" " + words + "  ", x: x, y: y, role: .footer)
  }
  if let message = state.message {
    screen.put(
      message.text, x: 1, y: state.layout.messageLine.y, role: message.isError ? .error : .success,
      maxWidth: state.width - 2)
  } else if let problem = state.repositoryProblem {
    screen.put(
      problem + " (unreadable on disk; the last good state is shown)", x: 1,
      y: state.layout.messageLine.y, role: .error, maxWidth: state.width - 2)
  }
}

// MARK: List and detail

private func renderList(_ state: AppState, _ screen: inout ScreenBuffer, _ glyphs: Glyphs) {
  let top = 2
  let height = state.layout.list.height
  let listWidth = state.layout.list.width
  let indices = state.rows[state.tab] ?? []
  let scroll = state.scroll[state.tab] ?? 0
  let selected = state.selection[state.tab] ?? 0
  // Once any Deployment has a target, the Deployments list shows sync states instead of tags.
  let showsSync = state.tab == .deployments && state.workspace.deployments.contains { $0.target != nil }
  let header: String
  switch state.tab {
  case .connections: header = glyphs.fit("CONN_ID", listWidth - 18) + " TYPE"
  case .variables: header = glyphs.fit("KEY", listWidth - 12) + " SHARING"
  case .deployments:
    header =
      glyphs.fit("NAME", listWidth - 14)
      + (showsSync ? " SYNC" : " TAGS")
  }
  screen.put(" " + header, x: 0, y: top, role: .muted, bold: true, maxWidth: listWidth)
  if indices.isEmpty {
    screen.put(
      state.filter.isEmpty ? " (none yet: press n)" : " (nothing matches the filter)", x: 0, y: top + 1,
      role: .muted)
  }
  for row in 0..<max(0, height - 1) {
    let position = scroll + row
    guard position < indices.count else { break }
    let index = indices[position]
    let line: String
    let id: String
    switch state.tab {
    case .connections:
      let connection = state.workspace.connections[index]
      id = connection.id
      line = glyphs.fit(connection.key, listWidth - 18) + " " + glyphs.fit(connection.base.connType, 16)
    case .variables:
      let variable = state.workspace.variables[index]
      id = variable.id
      line =
        glyphs.fit(variable.key, listWidth - 12) + " "
        + glyphs.fit(SharingSummary(variable, in: state.workspace).short(width: 10), 10)
    case .deployments:
      let deployment = state.workspace.deployments[index]
      id = deployment.id
      let sync =
        deployment.target == nil ? "no target" : state.sync[deployment.id]?.summary ?? "checking…"
      line =
        glyphs.fit(deployment.name, listWidth - 14) + " "
        + glyphs.fit(showsSync ? sync : deployment.tags.joined(separator: ","), 12)
    }
    let isSelected = position == selected
    screen.put(" " + line, x: 0, y: top + 1 + row, role: isSelected ? .selection : .text, maxWidth: listWidth)
    if isSelected { screen.restyle(x: 0, y: top + 1 + row, width: listWidth, role: .selection) }
    // An unverified object is marked in the first column (the detail pane says why).
    if state.unverified[id] != nil { screen.put("!", x: 0, y: top + 1 + row, role: .warning, bold: true) }
  }
  for row in top..<(top + height) { screen.put(glyphs.vertical, x: listWidth, y: row, role: .border) }
  let detail = DetailView.lines(state, glyphs: glyphs)
  for (offset, line) in detail.prefix(height).enumerated() {
    var x = listWidth + 2
    for span in line {
      x = screen.put(
        span.text, x: x, y: top + offset, role: span.role, bold: span.bold, maxWidth: state.width - x)
    }
  }
}

// MARK: Pages (resolved set, diff, history, Workspaces)

private func renderWorkspaces(_ state: AppState, _ screen: inout ScreenBuffer, _ glyphs: Glyphs) {
  screen.put("Workspaces in this repository", x: 1, y: 2, role: .title, bold: true)
  screen.put(
    "Enter open · n new · R rename · d delete · Esc back", x: 1, y: 3, role: .muted, maxWidth: state.width - 2
  )
  guard !state.workspaces.isEmpty else {
    screen.put("reading…", x: 1, y: 5, role: .muted)
    return
  }
  let rows = state.layout.workspaceRows
  let top = max(0, state.workspaceCursor - rows + 1)
  for (offset, entry) in state.workspaces.dropFirst(top).prefix(rows).enumerated() {
    let y = 5 + offset
    var notes: [String] = []
    if entry.id == state.workspace.id { notes.append("on screen") }
    if entry.isDefault { notes.append("default") }
    let text = glyphs.fit(entry.name, min(40, state.width / 2)) + "  " + notes.joined(separator: ", ")
    screen.put(
      text, x: 2, y: y, role: entry.id == state.workspace.id ? .accent : .text, maxWidth: state.width - 3)
    if top + offset == state.workspaceCursor {
      screen.restyle(x: 1, y: y, width: state.width - 2, role: .selection)
    }
  }
}

/// The History screen: a title, a column header, then one row per entry with the cursor on one;
/// each column as wide as its widest value (within a cap) and a space between, so none runs
/// into the next.
private func renderHistory(_ state: AppState, _ screen: inout ScreenBuffer, _ glyphs: Glyphs) {
  screen.put("History of \(state.workspace.name), newest first", x: 1, y: 2, role: .title, bold: true)
  let shown = shownHistory(state)
  guard !shown.isEmpty else {
    if let problem = state.historyProblem {
      screen.put(
        "the history cannot be read: " + problem, x: 1, y: 3, role: .error, maxWidth: state.width - 2)
      return
    }
    let why = state.history.isEmpty ? "no changes recorded yet" : "nothing matches the filter"
    screen.put(why, x: 1, y: 3, role: .muted)
    return
  }
  func width(_ header: String, _ cap: Int, _ value: (HistoryLine) -> String) -> Int {
    min(cap, shown.map { CellWidth.of(value($0)) }.max().map { max($0, header.count) } ?? header.count)
  }
  let columns: [(String, Int, (HistoryLine) -> String)] = [
    ("#", width("#", 8) { "\($0.sequence)" }, { "\($0.sequence)" }),
    ("TIME", width("TIME", 16) { minutes($0.time) }, { minutes($0.time) }),
    ("USER", width("USER", 16) { $0.user }, { $0.user }),
    ("COMMAND", width("COMMAND", 28) { $0.command }, { $0.command }),
  ]
  func row(_ cells: [String], last: String, y: Int, role: StyleRole) {
    var x = 1
    for (cell, column) in zip(cells, columns) {
      screen.put(glyphs.fit(cell, column.1), x: x, y: y, role: role)
      x += column.1 + 2
    }
    screen.put(glyphs.clip(last, max(0, state.width - x - 1)), x: x, y: y, role: role)
  }
  // To the minute in the list (2027-01-15 09:12); the entry's own screen has the whole time.
  func minutes(_ time: String) -> String { String(time.prefix(16)).replacingOccurrences(of: "T", with: " ") }
  row(columns.map(\.0), last: "WHAT (Enter: the entry in full)", y: 3, role: .muted)
  let rows = state.layout.historyRows
  for (offset, line) in shown.dropFirst(state.pageScroll).prefix(rows).enumerated() {
    let y = 4 + offset
    let selected = state.pageScroll + offset == state.historyCursor
    row(columns.map { $0.2(line) }, last: line.summary, y: y, role: .text)
    if selected { screen.restyle(x: 0, y: y, width: state.width, role: .selection) }
  }
}

private func renderPage(_ state: AppState, _ screen: inout ScreenBuffer, _ lines: [[Span]]) {
  let start = min(state.pageScroll, max(0, lines.count - state.bodyHeight))
  for (offset, line) in lines.dropFirst(start).prefix(state.bodyHeight).enumerated() {
    var x = 1
    for span in line {
      x = screen.put(
        span.text, x: x, y: 2 + offset, role: span.role, bold: span.bold, maxWidth: state.width - x)
    }
  }
}

// MARK: Overlays

private func box(
  _ screen: inout ScreenBuffer, x: Int, y: Int, width: Int, height: Int, title: String, _ glyphs: Glyphs
) {
  screen.fill(x: x, y: y, width: width, height: height, role: .text)
  let horizontal = String(repeating: glyphs.horizontal, count: max(0, width - 2))
  let corners = glyphs.ascii ? ["+", "+", "+", "+"] : ["┌", "┐", "└", "┘"]
  screen.put(corners[0] + horizontal + corners[1], x: x, y: y, role: .border)
  screen.put(corners[2] + horizontal + corners[3], x: x, y: y + height - 1, role: .border)
  for row in (y + 1)..<(y + height - 1) {
    screen.put(glyphs.vertical, x: x, y: row, role: .border)
    screen.put(glyphs.vertical, x: x + width - 1, y: row, role: .border)
  }
  screen.put(" " + title + " ", x: x + 2, y: y, role: .title, bold: true)
}

/// Every key by where it acts, from the keymap table: the help overlay's lines.
func helpLines(_ glyphs: Glyphs) -> [[Span]] {
  var lines: [[Span]] = []
  // Keys that work everywhere are listed once; the too-small screen shows its own keys.
  let everywhere = Keymap.bindings.filter { $0.contexts.count == KeyContext.allCases.count }
  let groups =
    [("Everywhere", everywhere)]
    + KeyContext.allCases.filter { ![.tooSmall, .picker, .conflicts].contains($0) }.map { context in
      (
        context.rawValue,
        Keymap.bindings.filter {
          $0.contexts.contains(context) && $0.contexts.count < KeyContext.allCases.count
        }
      )
    }
  for (title, bindings) in groups {
    guard !bindings.isEmpty else { continue }
    if !lines.isEmpty { lines.append([]) }
    lines.append([Span(title, .title, bold: true)])
    for binding in bindings {
      let keys = binding.keys.map(\.label).joined(separator: " ")
      lines.append([Span("  " + glyphs.fit(keys, 16), .key, bold: true), Span(binding.summary, .text)])
    }
  }
  for context in Keymap.editing {
    guard let header = lines.firstIndex(where: { $0.first?.text == context.rawValue }) else { continue }
    lines.insert(
      [Span("  " + glyphs.fit("any other key", 16), .key, bold: true), Span("typed at the cursor", .text)],
      at: header + 1)
  }
  return lines
}

private func renderHelp(_ state: AppState, _ screen: inout ScreenBuffer, _ glyphs: Glyphs) {
  let lines = helpLines(glyphs)
  let frame = state.layout.helpBox
  let (x, width) = (frame.x, frame.width)
  box(
    &screen, x: x, y: frame.y, width: width, height: frame.height, title: "Keys (↑↓ scroll, Esc or ? close)",
    glyphs)
  let visible = state.layout.helpRows
  let start = min(state.pageScroll, max(0, lines.count - visible))
  for (offset, line) in lines.dropFirst(start).prefix(visible).enumerated() {
    var column = x + 2
    for span in line {
      column = screen.put(
        span.text, x: column, y: 2 + offset, role: span.role, bold: span.bold,
        maxWidth: x + width - 2 - column)
    }
  }
}

private func renderConfirm(_ confirmation: Confirmation, _ screen: inout ScreenBuffer, _ glyphs: Glyphs) {
  drawConfirmation(confirmation.question, yesFocused: confirmation.yesFocused, on: &screen, glyphs)
}

/// A yes/no question in a box over the middle of the screen, with the focused button marked.
func drawConfirmation(_ question: String, yesFocused: Bool, on screen: inout ScreenBuffer, _ glyphs: Glyphs) {
  let width = min(screen.width - 8, 70)
  let lines = wrap(question, width: width - 4)
  let height = lines.count + 4
  let x = (screen.width - width) / 2
  let y = max(2, (screen.height - height) / 2)
  box(&screen, x: x, y: y, width: width, height: height, title: "Confirm", glyphs)
  for (offset, line) in lines.enumerated() { screen.put(line, x: x + 2, y: y + 1 + offset, role: .warning) }
  let buttons = y + height - 2
  let no = "[ No ]"
  let yes = "[ Yes ]"
  let start = x + width - CellWidth.of(no + "  " + yes) - 2
  screen.put(no, x: start, y: buttons, role: yesFocused ? .text : .selection, bold: !yesFocused)
  screen.put(
    yes, x: start + CellWidth.of(no) + 2, y: buttons, role: yesFocused ? .selection : .text, bold: yesFocused)
}

/// Splits text into lines of at most `width` columns at spaces.
func wrap(_ text: String, width: Int) -> [String] {
  var lines: [String] = []
  var line = ""
  for word in text.split(separator: " ") {
    if !line.isEmpty && CellWidth.of(line) + 1 + CellWidth.of(String(word)) > width {
      lines.append(line)
      line = ""
    }
    line += (line.isEmpty ? "" : " ") + word
  }
  if !line.isEmpty { lines.append(line) }
  return lines.map { CellWidth.clip($0, to: width) }
}

/// A run of text in one style.
struct Span {
  var text: String
  var role: StyleRole
  var bold: Bool

  init(_ text: String, _ role: StyleRole = .text, bold: Bool = false) {
    self.text = text
    self.role = role
    self.bold = bold
  }
}

extension Workspace {
  func count(of tab: Tab) -> Int {
    switch tab {
    case .connections: connections.count
    case .variables: variables.count
    case .deployments: deployments.count
    }
  }
}
