import AirenvModel
import Foundation

/// The one place where actions change the state. It does no I/O: saving, reloading and
/// quitting are effects that the runtime carries out.
public func update(_ state: inout AppState, _ action: Action) -> [Effect] {
  switch action {
  case .resize(let width, let height):
    state.width = width
    state.height = height
    clampMatrix(&state)
    return []
  case .reloaded(let workspace):
    state.repositoryProblem = nil
    state.replaceWorkspace(workspace)
    clampMatrix(&state)
    return []
  case .applied(let outcome):
    if case .form? = state.overlay { state.overlay = nil }
    state.message = Message(text: ([outcome.message] + outcome.notes).joined(separator: "; "), isError: false)
    return []
  case .reloadFailed(let reason):
    state.repositoryProblem = reason
    return []
  case .workspacesLoaded(let entries):
    let current =
      state.workspaces.indices.contains(state.workspaceCursor)
      ? state.workspaces[state.workspaceCursor].name : nil
    state.workspaces = entries
    state.workspaceCursor = entries.firstIndex { $0.name == current } ?? state.workspaceCursor
    clampWorkspaceCursor(&state)
    return []
  case .historyLoaded(let lines):
    state.history = lines
    if state.mode == .history { clampHistory(&state) }
    return []
  case .redraw:
    return [.redraw]
  case .failed(let text):
    if case .form(var form)? = state.overlay, form.saving {
      form.saving = false
      form.error = text
      state.overlay = .form(form)
    }
    state.message = Message(text: text, isError: true)
    return []
  default:
    break
  }
  // Nothing the user cannot see may act: only quitting, a redraw or a resize (above).
  if state.isTooSmall { return action == .quit ? [.quit] : [] }
  switch state.overlay {
  case .help?: return updateHelp(&state, action)
  case .confirm(let confirmation)?: return updateConfirm(&state, confirmation, action)
  case .form(let form)?: return updateForm(&state, form, action)
  case .filter(let editor)?: return updateFilter(&state, editor, action)
  case .command(let editor)?: return updateCommandLine(&state, editor, action)
  case nil: return updateBrowsing(&state, action)
  }
}

// MARK: Browsing

private func updateBrowsing(_ state: inout AppState, _ action: Action) -> [Effect] {
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
  case .back:
    switch state.mode {
    case .list: if !state.filter.isEmpty { state.setFilter("") }
    case .matrix, .resolved, .diff, .history, .workspaces: state.mode = .list
    case .historyEntry(let sequence):
      state.mode = .history
      state.historyCursor = shownHistory(state).firstIndex { $0.sequence == sequence } ?? 0
      state.pageScroll = 0
      clampHistory(&state)
    }
  case .nextTab, .previousTab, .selectTab:
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
  default:
    switch state.mode {
    case .list: return updateList(&state, action)
    case .matrix: return updateMatrix(&state, action)
    case .workspaces: return updateWorkspaces(&state, action)
    case .history:
      let rows = historyRows(state)
      switch action {
      case .moveDown: state.historyCursor += 1
      case .moveUp: state.historyCursor -= 1
      case .pageDown: state.historyCursor += rows
      case .pageUp: state.historyCursor -= rows
      case .moveHome: state.historyCursor = 0
      case .open:
        let shown = shownHistory(state)
        if shown.indices.contains(state.historyCursor) {
          state.mode = .historyEntry(shown[state.historyCursor].sequence)
          state.pageScroll = 0
        }
        return []
      default: break
      }
      clampHistory(&state)
    case .resolved, .diff, .historyEntry:
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
  }
  return []
}

private func updateList(_ state: inout AppState, _ action: Action) -> [Effect] {
  let count = state.count(in: state.tab)
  var position = state.selection[state.tab] ?? 0
  switch action {
  case .moveDown: position += 1
  case .moveUp: position -= 1
  case .pageDown: position += state.bodyHeight - 1
  case .pageUp: position -= state.bodyHeight - 1
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
  default: break
  }
  position = max(0, min(position, count - 1))
  state.selection[state.tab] = position
  var top = state.scroll[state.tab] ?? 0
  let visible = max(1, state.bodyHeight - 1)
  if position < top { top = position }
  if position >= top + visible { top = position - visible + 1 }
  state.scroll[state.tab] = max(0, top)
  return []
}

// MARK: The linking matrix

private func updateMatrix(_ state: inout AppState, _ action: Action) -> [Effect] {
  let rows = state.count(in: state.tab)
  let columns = state.deploymentColumns.count + 1
  switch action {
  case .moveDown: state.matrix.row += 1
  case .moveUp: state.matrix.row -= 1
  case .moveLeft: state.matrix.column -= 1
  case .moveRight: state.matrix.column += 1
  case .pageDown: state.matrix.row += state.bodyHeight - 4
  case .pageUp: state.matrix.row -= state.bodyHeight - 4
  case .moveHome: state.matrix.row = 0
  case .moveEnd: state.matrix.row = rows - 1
  case .toggleLinkedToAll:
    guard allowChange(&state) else { return [] }
    return toggleAll(&state)
  case .toggleLink:
    guard allowChange(&state) else { return [] }
    guard let deployment = state.matrixDeploymentID else { return toggleAll(&state) }
    let name = state.workspace.deployment(id: deployment)!.name
    guard let (reference, cell) = matrixObject(state, deployment) else { return [] }
    switch cell {
    case .notLinked: return propose(&state, [link(reference, name)])
    case .linked, .overridden: return propose(&state, [.unlink(reference, deployment: name)])
    case .linkedViaAll: return propose(&state, [.exclude(reference, deployment: name)])
    case .excluded, .inertExclusion: return propose(&state, [.include(reference, deployment: name)])
    case .scoped:
      state.message = Message(
        text: "a Deployment-scoped object is not linked; promote it to share it", isError: true)
    }
  case .overrideForm:
    guard allowChange(&state) else { return [] }
    guard let id = state.matrixDeploymentID, let deployment = state.workspace.deployment(id: id) else {
      state.message = Message(text: "move to a Deployment's column to override its fields", isError: true)
      return []
    }
    if let connection = state.selectedConnection {
      guard connection.scope == .workspace else {
        state.message = Message(
          text: "a Deployment-scoped object has no overrides; edit it with e", isError: true)
        return []
      }
      state.overlay = .form(.override(connection, deployment: deployment))
    } else if let variable = state.selectedVariable {
      guard variable.scope == .workspace else {
        state.message = Message(
          text: "a Deployment-scoped object has no overrides; edit it with e", isError: true)
        return []
      }
      state.overlay = .form(.override(variable, deployment: deployment))
    }
  case .clearOverride:
    guard allowChange(&state) else { return [] }
    guard let id = state.matrixDeploymentID, let (reference, cell) = matrixObject(state, id) else {
      return []
    }
    guard cell == .overridden else {
      state.message = Message(text: "this cell has no overrides to clear", isError: true)
      return []
    }
    let name = state.workspace.deployment(id: id)!.name
    var confirmation = Confirmation(
      question: "Clear every override of \(reference.key) on \(name)? It inherits the base values again.",
      commands: [.resetOverride(reference, deployment: name, fields: [])])
    confirmation.yesFocused = false
    state.overlay = .confirm(confirmation)
  default: break
  }
  _ = rows
  _ = columns
  clampMatrix(&state)
  state.selection[state.tab] = state.matrix.row
  return []
}

private func link(_ reference: ObjectReference, _ deployment: String) -> Command {
  reference.kind == .connection
    ? .linkConnection(reference, deployment: deployment, overrides: ConnectionChanges())
    : .linkVariable(reference, deployment: deployment, overrides: VariableChanges())
}

private func matrixObject(_ state: AppState, _ deployment: DeploymentID) -> (ObjectReference, CellState)? {
  if let connection = state.selectedConnection {
    return (Form.reference(connection), connection.cellState(for: deployment))
  }
  if let variable = state.selectedVariable {
    return (Form.reference(variable), variable.cellState(for: deployment))
  }
  return nil
}

private func toggleAll(_ state: inout AppState) -> [Effect] {
  if let connection = state.selectedConnection {
    return propose(
      &state,
      [
        .updateConnection(
          Form.reference(connection), ConnectionChanges(), linkedToAll: !connection.linkedToAll)
      ])
  }
  if let variable = state.selectedVariable {
    return propose(
      &state,
      [.updateVariable(Form.reference(variable), VariableChanges(), linkedToAll: !variable.linkedToAll)])
  }
  return []
}

/// Keeps the matrix cursor inside the grid and on screen, scrolling rows and columns.
func clampMatrix(_ state: inout AppState) {
  let rows = state.count(in: state.tab)
  let columns = state.deploymentColumns.count + 1
  state.matrix.row = max(0, min(state.matrix.row, rows - 1))
  state.matrix.column = max(0, min(state.matrix.column, columns - 1))
  let visibleRows = max(1, state.bodyHeight - 4)
  if state.matrix.row < state.matrix.rowOffset { state.matrix.rowOffset = state.matrix.row }
  if state.matrix.row >= state.matrix.rowOffset + visibleRows {
    state.matrix.rowOffset = state.matrix.row - visibleRows + 1
  }
  let visibleColumns = MatrixLayout(state: state).visibleDeploymentColumns
  let deploymentColumn = state.matrix.column - 1
  if deploymentColumn >= 0 {
    if deploymentColumn < state.matrix.columnOffset { state.matrix.columnOffset = deploymentColumn }
    if deploymentColumn >= state.matrix.columnOffset + visibleColumns {
      state.matrix.columnOffset = deploymentColumn - visibleColumns + 1
    }
  }
  state.matrix.columnOffset = max(0, min(state.matrix.columnOffset, max(0, columns - 1 - visibleColumns)))
}

// MARK: Proposing a change

private func allowChange(_ state: inout AppState) -> Bool {
  guard let refusal = state.changeRefusal else { return true }
  state.message = Message(text: refusal, isError: true)
  return false
}

/// Tries the commands on a copy: a destructive one asks first, stating its blast radius; a
/// refused one says why; the others go to the runtime to be saved.
private func propose(_ state: inout AppState, _ commands: [Command]) -> [Effect] {
  let actor = Actor(user: state.session.user, time: Date(timeIntervalSince1970: 0))
  do {
    try state.workspace.trial(commands, by: actor)
    return [.apply(commands, confirmed: false)]
  } catch .needsConfirmation(let impact) {
    state.overlay = .confirm(Confirmation(question: impact.question, commands: commands))
  } catch {
    state.message = Message(text: error.message, isError: true)
  }
  return []
}

// MARK: Overlays

private func updateHelp(_ state: inout AppState, _ action: Action) -> [Effect] {
  switch action {
  case .quit: return [.quit]
  case .back, .help:
    state.overlay = nil
    state.pageScroll = 0
  case .moveDown: state.pageScroll += 1
  case .moveUp: state.pageScroll -= 1
  case .pageDown: state.pageScroll += helpRows(state)
  case .pageUp: state.pageScroll -= helpRows(state)
  case .moveHome: state.pageScroll = 0
  default: break
  }
  state.pageScroll = max(
    0, min(state.pageScroll, helpLines(Glyphs(ascii: state.ascii)).count - helpRows(state)))
  return []
}

private func updateConfirm(_ state: inout AppState, _ confirmation: Confirmation, _ action: Action)
  -> [Effect]
{
  var confirmation = confirmation
  switch action {
  case .confirmYes:
    state.overlay = nil
    return [confirmation.onYes]
  case .confirmNo:
    state.overlay = nil
    state.message = Message(text: "cancelled; nothing changed", isError: false)
  case .moveRight, .moveLeft, .nextTab:
    confirmation.yesFocused.toggle()
    state.overlay = .confirm(confirmation)
  case .open:
    return updateConfirm(&state, confirmation, confirmation.yesFocused ? .confirmYes : .confirmNo)
  default: break
  }
  return []
}

private func updateForm(_ state: inout AppState, _ form: Form, _ action: Action) -> [Effect] {
  var form = form
  guard !form.saving else { return [] }
  let index = form.focus
  switch action {
  case .back:
    state.overlay = nil
    state.message = Message(text: "cancelled; nothing changed", isError: false)
    return []
  case .nextField: form.focus = (index + 1) % form.fields.count
  case .previousField: form.focus = (index + form.fields.count - 1) % form.fields.count
  case .submit:
    switch form.commands(in: state.workspace) {
    case .failure(let invalid):
      form = invalid.form
      form.error = "fix the marked fields"
    case .success(let commands):
      if let request = form.workspaceRequest {
        form.saving = true
        form.error = nil
        state.overlay = .form(form)
        return [.workspace(request)]
      }
      guard !commands.isEmpty else {
        state.overlay = nil
        state.message = Message(text: "nothing changed", isError: false)
        return []
      }
      form.saving = true
      form.error = nil
      state.overlay = .form(form)
      return [.apply(commands, confirmed: false)]
    }
  case .clearField:
    if form.isOverride {
      form.fields[index].isSet = false
      form.fields[index].editor = LineEditor()
    } else {
      form.fields[index].editor = LineEditor()
    }
  case .toggleRemoval:
    guard form.isOverride, form.fields[index].name.hasPrefix("extra."),
      !(form.fields[index].base ?? "").isEmpty
    else {
      form.error = "Ctrl-X removes an inherited extra key, in an override form"
      break
    }
    form.fields[index].removed.toggle()
    if form.fields[index].removed {
      form.fields[index].isSet = false
      form.fields[index].editor = LineEditor()
    }
  case .toggleOption:
    guard form.fields[index].kind == .toggle else { break }
    form.fields[index].editor = LineEditor(form.fields[index].isOn ? "no" : "yes")
  case .insert(" ") where form.fields[index].kind == .toggle:
    form.fields[index].editor = LineEditor(form.fields[index].isOn ? "no" : "yes")
  case .cycleOption, .cycleOptionBack:
    guard case .choice(let options) = form.fields[index].kind else { break }
    let current = options.firstIndex(of: form.fields[index].value) ?? -1
    let step = action == .cycleOption ? 1 : options.count - 1
    let next = options[(current + step + options.count) % options.count]
    if form.purpose == .createConnection {
      form = .createConnection(type: next, keeping: form)
    } else {
      form.fields[index].editor = LineEditor(next)
    }
  default:
    let field = form.fields[index]
    guard field.kind != .readOnly, field.kind != .toggle else { break }
    if form.fields[index].editor.apply(action) {
      form.fields[index].isSet = true
      form.fields[index].removed = false
      form.fields[index].error = nil
      if field.name == "conn_type", form.purpose == .createConnection,
        ConnectionTypeCatalogue.type(form.fields[index].value) != nil
      {
        form = .createConnection(type: form.fields[index].value, keeping: form)
      }
    }
  }
  state.overlay = .form(form)
  return []
}

private func updateFilter(_ state: inout AppState, _ editor: LineEditor, _ action: Action) -> [Effect] {
  var editor = editor
  switch action {
  case .submit, .nextField:
    state.overlay = nil
  case .back:
    state.overlay = nil
    state.setFilter("")
  default:
    if editor.apply(action) {
      state.overlay = .filter(editor)
      state.setFilter(editor.text)
    }
  }
  return []
}

private func updateCommandLine(_ state: inout AppState, _ editor: LineEditor, _ action: Action) -> [Effect] {
  var editor = editor
  switch action {
  case .back:
    state.overlay = nil
  case .submit:
    state.overlay = nil
    return runCommandLine(&state, editor.text)
  default:
    if editor.apply(action) { state.overlay = .command(editor) }
  }
  return []
}

/// Runs what was typed on the `:` line (the verbs of `CommandVerb`).
private func runCommandLine(_ state: inout AppState, _ text: String) -> [Effect] {
  let words = text.split(separator: " ").map(String.init)
  func deployment(_ name: String) -> Deployment? {
    let found = state.workspace.deployment(named: name)
    if found == nil { state.message = Message(text: "no Deployment \"\(name)\"", isError: true) }
    return found
  }
  switch CommandVerb.parse(words) {
  case .quit?: return [.quit]
  case .help?: state.overlay = .help
  case .matrix?: return updateBrowsing(&state, .toggleMatrix)
  case .history?: return updateBrowsing(&state, .showHistory)
  case .workspaces?: return updateBrowsing(&state, .showWorkspaces)
  case .workspace?: return [.workspace(.open(words[1]))]
  case .resolve?:
    if let target = deployment(words[1]) {
      state.mode = .resolved(target.id)
      state.pageScroll = 0
    }
  case .diff?:
    if let first = deployment(words[1]), let second = deployment(words[2]) {
      state.mode = .diff(first.id, second.id)
      state.pageScroll = 0
    }
  case nil:
    state.message = Message(text: "unknown command \":\(text)\"; try \(CommandVerb.usages)", isError: true)
  }
  return []
}
