import AirenvText

/// The full-screen pages (a resolved set, a diff, one history entry) as lines: `render` draws a
/// window of them and `update` clamps scrolling to them, so neither can run past the end.
func pageLines(_ state: AppState, _ glyphs: Glyphs) -> [[Span]] {
  switch state.mode {
  case .resolved(let id):
    // Everything the page's lines depend on besides the Workspace: shown or masked secrets above all.
    let key = "resolved|\(id)|\(state.mayViewValues)|\(state.revealed)|\(glyphs.ascii)"
    return state.pages.value(for: key) { ResolvedPage.lines(state, deployment: id, glyphs: glyphs) }
  case .diff(let first, let second):
    let key = "diff|\(first)|\(second)|\(state.mayViewValues)|\(state.revealed)|\(glyphs.ascii)"
    return state.pages.value(for: key) { ResolvedPage.diff(state, first, second, glyphs: glyphs) }
  case .historyEntry(let id):
    guard let entry = state.history.first(where: { $0.id == id }) else {
      return [[Span("this entry is no longer among the recent changes", .muted)]]
    }
    return [
      [
        Span("#\(entry.sequence)", .title, bold: true), Span("  " + entry.time + "  ", .muted),
        Span(entry.user, .accent),
      ],
      [Span(entry.command)], [],
    ] + entry.detail.map { line in [Span(line, line.hasPrefix("  ") ? .text : .title)] }
  case .plan(let id):
    let name = state.workspace.deployment(id: id)?.name ?? id
    guard let sync = state.sync[id] else {
      return [[Span("Deployment \(name) has no target; set one with `airenv target set`", .muted)]]
    }
    return [
      [Span("Plan of \(name)", .title, bold: true), Span("  → " + sync.target, .muted)],
      [Span(sync.summary, sync.role)], [],
    ] + sync.lines.map { [Span($0, $0.hasPrefix("  ") ? .text : .title)] }
      + [[], [Span("A applies it (asks first) · Esc back", .muted)]]
  case .list, .matrix, .history, .workspaces: return []
  }
}

/// The History screen: the entries the filter lets through, newest first.
func shownHistory(_ state: AppState) -> [HistoryLine] {
  state.history.filter { $0.matches(state.filter) }
}

/// Keeps the History screen's cursor on an entry and in view.
func clampHistory(_ state: inout AppState) {
  let count = shownHistory(state).count
  state.historyCursor = max(0, min(state.historyCursor, count - 1))
  let rows = state.layout.historyRows
  if state.historyCursor < state.pageScroll { state.pageScroll = state.historyCursor }
  if state.historyCursor >= state.pageScroll + rows { state.pageScroll = state.historyCursor - rows + 1 }
  state.pageScroll = max(0, min(state.pageScroll, count - rows))
}

/// Keeps a page's scroll between its first line and the last screenful.
func clampPage(_ state: inout AppState) {
  let count = pageLines(state, Glyphs(ascii: state.ascii)).count
  state.pageScroll = max(0, min(state.pageScroll, count - state.bodyHeight))
}
