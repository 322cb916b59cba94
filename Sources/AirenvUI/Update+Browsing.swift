import AirenvModel
import Foundation

/// Keys with no overlay open: those that mean the same on every screen, then the screen's own.
func updateBrowsing(_ state: inout AppState, _ action: Action) -> [Effect] {
  state.message = nil
  switch action {
  case .quit: return [.quit]
  case .help:
    state.overlay = .help
    state.pageScroll = 0
  case .startFilter: state.overlay = .filter(LineEditor(state.filter))
  case .startCommand: state.overlay = .command(LineEditor())
  case .undo:
    guard allowChange(&state) else { return [] }
    return [.undo]
  case .redo:
    guard allowChange(&state) else { return [] }
    return [.redo]
  case .showHistory:
    state.mode = .history
    state.pageScroll = 0
    state.historyCursor = 0
    return [.loadHistory]
  case .toggleReveal:
    if state.revealed {
      state.revealed = false
    } else if state.mayReveal {
      state.revealed = true
    } else {
      state.message = Message(text: "revealing secrets needs Operator or Owner", isError: true)
    }
  case .back: goBack(&state)
  case .nextTab, .previousTab, .selectTab: switchTab(&state, action)
  case .toggleMatrix:
    if state.mode == .matrix {
      state.selection[state.tab] = state.matrix.row
      state.mode = .list
    } else if state.tab == .deployments {
      state.message = Message(
        text: "the matrix shows connections or variables: press 1 or 2 first", isError: true)
    } else {
      state.mode = .matrix
      state.matrix.row = state.selection[state.tab] ?? 0
      state.matrix.column = max(state.matrix.column, 0)
      clampMatrix(&state)
    }
  case .showWorkspaces:
    state.mode = .workspaces
    state.workspaceCursor = 0
    return [.workspace(.list)]
  default: return updateScreen(&state, action)
  }
  return []
}

/// Esc: from a sub-screen to the one it came from; on the lists, clears the filter.
private func goBack(_ state: inout AppState) {
  switch state.mode {
  case .list: if !state.filter.isEmpty { state.setFilter("") }
  case .matrix, .resolved, .diff, .history, .workspaces, .plan: state.mode = .list
  case .historyEntry(let id):
    state.mode = .history
    state.historyCursor = shownHistory(state).firstIndex { $0.id == id } ?? 0
    state.pageScroll = 0
    clampHistory(&state)
  }
}

/// 1–3, Tab, Shift-Tab; the matrix has no Deployments tab.
private func switchTab(_ state: inout AppState, _ action: Action) {
  let all = Tab.allCases
  var next = state.tab
  if case .selectTab(let tab) = action { next = tab }
  if action == .nextTab { next = all[(state.tab.rawValue + 1) % all.count] }
  if action == .previousTab { next = all[(state.tab.rawValue + all.count - 1) % all.count] }
  if state.mode == .matrix && next == .deployments {
    next = action == .previousTab ? .variables : .connections
  }
  state.tab = next
  state.matrix.row = state.selection[next] ?? 0
  state.matrix.rowOffset = 0
  clampMatrix(&state)
}

/// The keys of the screen in view: a list, the matrix, the Workspaces, the History, a page.
private func updateScreen(_ state: inout AppState, _ action: Action) -> [Effect] {
  switch state.mode {
  case .list: return updateList(&state, action)
  case .matrix: return updateMatrix(&state, action)
  case .workspaces: return updateWorkspaces(&state, action)
  case .history:
    let rows = state.layout.historyRows
    switch action {
    case .moveDown: state.historyCursor += 1
    case .moveUp: state.historyCursor -= 1
    case .pageDown: state.historyCursor += rows
    case .pageUp: state.historyCursor -= rows
    case .moveHome: state.historyCursor = 0
    case .open:
      let shown = shownHistory(state)
      if shown.indices.contains(state.historyCursor) {
        state.mode = .historyEntry(shown[state.historyCursor].id)
        state.pageScroll = 0
      }
      return []
    default: break
    }
    clampHistory(&state)
  case .resolved, .diff, .historyEntry, .plan:
    if action == .deliver {
      if case .plan(let id) = state.mode { return proposeDelivery(&state, id) }
      state.message = Message(
        text: "A applies a plan: open one with p on the Deployments tab", isError: false)
      return []
    }
    switch action {
    case .moveDown: state.pageScroll += 1
    case .moveUp: state.pageScroll -= 1
    case .pageDown: state.pageScroll += state.bodyHeight
    case .pageUp: state.pageScroll -= state.bodyHeight
    case .moveHome: state.pageScroll = 0
    default: break
    }
    clampPage(&state)
  }
  return []
}

func updateList(_ state: inout AppState, _ action: Action) -> [Effect] {
  let count = state.count(in: state.tab)
  var position = state.selection[state.tab] ?? 0
  switch action {
  case .moveDown: position += 1
  case .moveUp: position -= 1
  case .pageDown: position += state.layout.listRows
  case .pageUp: position -= state.layout.listRows
  case .moveHome: position = 0
  case .moveEnd: position = count - 1
  case .open:
    if let deployment = state.selectedDeployment {
      state.mode = .resolved(deployment.id)
      state.pageScroll = 0
      return []
    }
    return updateList(&state, .edit)
  case .new:
    guard allowChange(&state) else { return [] }
    switch state.tab {
    case .connections: state.overlay = .form(.createConnection())
    case .variables: state.overlay = .form(.createVariable())
    case .deployments: state.overlay = .form(.createDeployment())
    }
  case .edit:
    guard allowChange(&state) else { return [] }
    if let connection = state.selectedConnection {
      state.overlay = .form(.editConnection(connection, revealing: state.revealed))
    }
    if let variable = state.selectedVariable { state.overlay = .form(.editVariable(variable)) }
    if let deployment = state.selectedDeployment { state.overlay = .form(.renameDeployment(deployment)) }
  case .rename:
    guard allowChange(&state) else { return [] }
    if let connection = state.selectedConnection { state.overlay = .form(.renameObject(connection)) }
    if let variable = state.selectedVariable { state.overlay = .form(.renameObject(variable)) }
    if let deployment = state.selectedDeployment { state.overlay = .form(.renameDeployment(deployment)) }
  case .delete:
    guard allowChange(&state) else { return [] }
    if let connection = state.selectedConnection {
      return propose(&state, [.delete(Form.reference(connection))])
    }
    if let variable = state.selectedVariable { return propose(&state, [.delete(Form.reference(variable))]) }
    if let deployment = state.selectedDeployment {
      return propose(&state, [.deleteDeployment(name: deployment.name)])
    }
  case .toggleLinkedToAll:
    guard allowChange(&state) else { return [] }
    return toggleAll(&state)
  case .showPlan, .deliver:
    guard let deployment = state.selectedDeployment else {
      state.message = Message(
        text: "p and A act on a Deployment: select one on the Deployments tab", isError: true)
      return []
    }
    if action == .deliver { return proposeDelivery(&state, deployment.id) }
    state.mode = .plan(deployment.id)
    state.pageScroll = 0
    return []
  default: break
  }
  position = max(0, min(position, count - 1))
  state.selection[state.tab] = position
  var top = state.scroll[state.tab] ?? 0
  let visible = state.layout.listRows
  if position < top { top = position }
  if position >= top + visible { top = position - visible + 1 }
  state.scroll[state.tab] = max(0, top)
  return []
}

/// Asks before applying a Deployment's plan, stating what it would do (No is focused); says why
/// when there is nothing to apply or it cannot be known yet.
func proposeDelivery(_ state: inout AppState, _ id: DeploymentID) -> [Effect] {
  guard allowChange(&state) else { return [] }
  let name = state.workspace.deployment(id: id)?.name ?? id
  guard let sync = state.sync[id] else {
    state.message = Message(
      text: "Deployment \(name) has no target; set one with `airenv target set`", isError: true)
    return []
  }
  switch sync.status {
  case .checking:
    state.message = Message(text: "still reading \(sync.target); try again in a moment", isError: false)
  case .unreachable:
    state.message = Message(text: "cannot apply: " + (sync.lines.first ?? sync.summary), isError: true)
  case .inSync:
    state.message = Message(text: "\(name) is in sync with \(sync.target): nothing to apply", isError: false)
  case .toApply, .drifted, .conflict:
    guard sync.toApply > 0 else {
      state.message = Message(
        text: "nothing airenv may apply: objects in conflict are taken over only with `airenv apply --adopt`",
        isError: false)
      return []
    }
    state.overlay = .confirm(
      Confirmation(
        question: "Apply to \(sync.target) for Deployment \(name)? \(sync.blastRadius)", onYes: .deliver(id)))
  }
  return []
}
