import AirenvModel
import Testing

@testable import AirenvUI

@Suite("update: every action")
struct UpdateTests {
  @Test func movingInTheListStaysInBoundsAndScrolls() {
    var state = UIFixture.state(height: 24)
    _ = update(&state, .moveUp)
    #expect(state.selection[.connections] == 0)
    _ = update(&state, .moveEnd)
    #expect(state.selection[.connections] == 12)
    _ = update(&state, .moveDown)
    #expect(state.selection[.connections] == 12)
    _ = update(&state, .pageUp)
    #expect(state.selection[.connections] == 0)
    state = UIFixture.after([.pageDown], from: UIFixture.state(height: 24))
    #expect(state.selection[.connections] == 12)
  }

  @Test func tabsSwitchByKeyAndNumberAndTheMatrixSkipsDeployments() {
    var state = UIFixture.state()
    _ = update(&state, .nextTab)
    #expect(state.tab == .variables)
    _ = update(&state, .selectTab(.deployments))
    #expect(state.tab == .deployments)
    _ = update(&state, .previousTab)
    #expect(state.tab == .variables)
    _ = update(&state, .toggleMatrix)
    _ = update(&state, .nextTab)
    #expect(state.tab == .connections)
    _ = update(&state, .toggleMatrix)
    #expect(state.mode == .list)
  }

  @Test func matrixSpaceLinksExcludesIncludesAndUnlinksAsTheCellSays() {
    // Cursor on warehouse_db (last row); columns: All, dev, feature-billing-v2, feature-login-flow, prod, staging.
    let base = UIFixture.after([.toggleMatrix, .moveEnd])
    func effects(column: Int) -> [Effect] {
      var state = base
      for _ in 0..<column { _ = update(&state, .moveRight) }
      return update(&state, .toggleLink)
    }
    let reference = UIFixture.reference(.connection, "warehouse_db", expectedRevision: 4)
    #expect(effects(column: 1) == [.apply([.exclude(reference, deployment: "dev")], confirmed: false)])
    #expect(
      effects(column: 2) == [
        .apply([.include(reference, deployment: "feature-billing-v2")], confirmed: false)
      ])
    #expect(
      effects(column: 0) == [
        .apply([.updateConnection(reference, ConnectionChanges(), linkedToAll: false)], confirmed: false)
      ])
    // Unlinking prod would lose its overrides: it asks first, with "No" focused.
    var state = base
    for _ in 0..<4 { _ = update(&state, .moveRight) }
    #expect(update(&state, .toggleLink).isEmpty)
    guard case .confirm(let confirmation)? = state.overlay else {
      Issue.record("no confirmation")
      return
    }
    #expect(confirmation.question.contains("lose its overrides of host, login, password, extra.sslmode"))
    #expect(!confirmation.yesFocused)
    #expect(update(&state, .open).isEmpty)
    #expect(state.overlay == nil)
  }

  /// News from a background apply (progress, its end) changes the message line only: a form
  /// being typed into stays open with what was typed, where `.applied` (a save) closes it.
  @Test func aNoticeLeavesAnOpenFormAsItWas() {
    var state = UIFixture.after([.new, .insert("x")])
    guard case .form(let before)? = state.overlay else {
      Issue.record("no form open")
      return
    }
    _ = update(&state, .notice("applying to prod… 10/20", isError: false))
    guard case .form(let after)? = state.overlay else {
      Issue.record("the notice closed the form")
      return
    }
    #expect(after == before)
    #expect(state.message?.text == "applying to prod… 10/20" && state.message?.isError == false)
    _ = update(&state, .applied(Outcome(message: "saved")))
    #expect(state.overlay == nil)
  }

  @Test func confirmingAppliesTheCommandConfirmed() {
    var state = UIFixture.after([.moveEnd, .delete])
    _ = update(&state, .moveRight)
    let effects = update(&state, .open)
    #expect(
      effects == [
        .apply(
          [.delete(UIFixture.reference(.connection, "warehouse_db", expectedRevision: 4))], confirmed: true)
      ])
  }

  @Test func theOverrideFormSetsAndResetsFieldsAsOneSave() {
    var state = UIFixture.after([
      .toggleMatrix, .moveEnd, .moveRight, .moveRight, .moveRight, .moveRight, .overrideForm,
    ])
    // host: type a new value; login: back to inheriting.
    for _ in 0..<2 { _ = update(&state, .nextField) }
    _ = update(&state, .killToStart)
    for character in "db-9" { _ = update(&state, .insert(character)) }
    _ = update(&state, .nextField)
    _ = update(&state, .nextField)
    _ = update(&state, .clearField)
    let effects = update(&state, .submit)
    guard case .apply(let commands, false)? = effects.first else {
      Issue.record("no save: \(effects)")
      return
    }
    guard case .linkConnection(_, "prod", let overrides) = commands[0] else {
      Issue.record("\(commands)")
      return
    }
    #expect(overrides.fields[.host] == "db-9")
    #expect(overrides.fields[.login] == nil)
    #expect(
      commands[1]
        == .resetOverride(
          UIFixture.reference(.connection, "warehouse_db"), deployment: "prod", fields: ["login"])
    )
  }

  @Test func theOverrideFormRemovesAnInheritedExtraKeyAndAddsANewOne() {
    // staging: its link overrides only the host; sslmode comes from the base.
    var state = UIFixture.after(
      [.toggleMatrix, .moveEnd] + Array(repeating: .moveRight, count: 5) + [.overrideForm])
    guard case .form(let form)? = state.overlay else {
      Issue.record("no override form")
      return
    }
    let sslmode = form.fields.firstIndex { $0.name == "extra.sslmode" }!
    for _ in 0..<sslmode { _ = update(&state, .nextField) }
    _ = update(&state, .toggleRemoval)
    _ = update(&state, .nextField)
    for character in "retries=3" { _ = update(&state, .insert(character)) }
    let effects = update(&state, .submit)
    guard case .apply(let commands, false)? = effects.first,
      case .linkConnection(_, "staging", let overrides) = commands[0]
    else {
      Issue.record("no save: \(effects)")
      return
    }
    #expect(overrides.extraUnset == ["sslmode"])
    #expect(overrides.extraSet == ["retries": .integer(3)])
    // The host override is sent again unchanged, which changes nothing.
    #expect(overrides.fields == [.host: "staging-db.internal.example.com"])
  }

  @Test func theCreateFormValidatesInlineBeforeSaving() {
    var state = UIFixture.after([.new])
    for character in "bad id" { _ = update(&state, .insert(character)) }
    #expect(update(&state, .submit).isEmpty)
    guard case .form(let form)? = state.overlay else {
      Issue.record("form closed")
      return
    }
    #expect(form.fields[0].error == "it contains a space")
    // Choosing another type rebuilds the type's fields and keeps what was typed.
    _ = update(&state, .nextField)
    _ = update(&state, .cycleOption)
    guard case .form(let next)? = state.overlay else {
      Issue.record("form closed")
      return
    }
    #expect(next.field("conn_type")?.value == "mysql")
    #expect(next.field("port")?.value == "3306")
    #expect(next.field("conn_id")?.value == "bad id")
  }

  @Test func aSavedFormClosesAndAFailedOneKeepsItsError() {
    var state = UIFixture.after([.new])
    for character in "new_db" { _ = update(&state, .insert(character)) }
    #expect(!update(&state, .submit).isEmpty)
    _ = update(&state, .failed("conn_id \"new_db\" is already used"))
    guard case .form(let form)? = state.overlay else {
      Issue.record("form closed")
      return
    }
    #expect(form.error == "conn_id \"new_db\" is already used" && !form.saving)
    _ = update(&state, .submit)
    _ = update(&state, .applied(Outcome(message: "created connection \"new_db\"")))
    #expect(state.overlay == nil)
    #expect(state.message?.text == "created connection \"new_db\"")
  }

  @Test func theFilterNarrowsEveryListAndEscClearsIt() {
    var state = UIFixture.after([.startFilter, .insert("s"), .insert("q"), .insert("l")])
    #expect(state.count(in: .connections) == 2)  // mssql_finance, mysql_legacy
    _ = update(&state, .back)
    #expect(state.filter.isEmpty && state.count(in: .connections) == 13)
  }

  @Test func revealNeedsOperatorAndChangesNeedOperatorToo() {
    var workspace = UIFixture.workspace
    try! workspace.apply(.setMember(user: "bob", role: .author), by: UIFixture.actor)
    var state = AppState(
      workspace: workspace, session: SessionInfo(repository: "r", user: "bob", readonly: false), width: 80,
      height: 24)
    _ = update(&state, .toggleReveal)
    #expect(!state.revealed)
    #expect(state.message?.text == "revealing secrets needs Operator or Owner")
    #expect(update(&state, .new).isEmpty && state.overlay == nil)
    #expect(state.message?.text.contains("needs Operator or higher") == true)
  }

  /// The resolved page's lines are kept between frames; showing and hiding secrets must still
  /// change what it shows, both ways, and a reload must show the new values.
  @Test func theResolvedPageFollowsRevealAndReloads() throws {
    // Tall enough to show the whole page, variables included.
    var state = UIFixture.after(
      [.startCommand] + "resolve prod".map { .insert($0) } + [.submit], from: UIFixture.state(height: 120))
    let masked = render(state).text
    #expect(masked.contains(Secrecy.mask))
    _ = update(&state, .toggleReveal)
    let shown = render(state).text
    #expect(shown != masked && !shown.contains(Secrecy.mask))
    _ = update(&state, .toggleReveal)
    #expect(render(state).text == masked)
    #expect(render(state).text.contains("data-team@example.com"))
    var changed = UIFixture.workspace
    try changed.apply(
      .updateVariable(
        ObjectReference(.variable, "alert_email"), VariableChanges(value: "oncall@example.com"),
        linkedToAll: nil),
      by: UIFixture.actor)
    _ = update(&state, .reloaded(changed))
    let reloaded = render(state).text
    #expect(reloaded.contains("oncall@example.com") && !reloaded.contains("data-team@example.com"))
  }

  @Test func readonlyRefusesChangesAndSaysWhy() {
    var state = AppState(
      workspace: UIFixture.workspace, session: SessionInfo(repository: "r", user: "alice", readonly: true),
      width: 80,
      height: 24)
    #expect(update(&state, .toggleLinkedToAll).isEmpty)
    #expect(state.message?.text == "read-only mode (--readonly): changes are off")
  }

  @Test func reloadingKeepsTheCursorOnTheSameObject() {
    var state = UIFixture.after([.moveEnd])
    var changed = UIFixture.workspace
    try! changed.apply(
      .createConnection(
        key: "aaa_first", fields: ConnectionChanges(fields: [.connType: "http"]), sharing: .restricted),
      by: UIFixture.actor)
    _ = update(&state, .reloaded(changed))
    #expect(state.selectedConnection?.key == "warehouse_db")
    #expect(state.selection[.connections] == 13)
  }

  @Test func theDeploymentCountsFollowAReload() {
    // Counts are remembered per Deployment until the Workspace changes.
    var state = UIFixture.after([.selectTab(.deployments), .moveDown])
    #expect(render(state).text.contains("Gets 5 connections and 9 variables"))
    var changed = UIFixture.workspace
    try! changed.apply(
      .createConnection(
        key: "aaa_first", fields: ConnectionChanges(fields: [.connType: "http"]), sharing: .linkedToAll),
      by: UIFixture.actor)
    _ = update(&state, .reloaded(changed))
    #expect(render(state).text.contains("Gets 6 connections and 9 variables"))
  }

  @Test func commandLineOpensResolvedAndDiffViewsAndQuits() {
    var state = UIFixture.after([.startCommand] + "resolve prod".map { .insert($0) } + [.submit])
    #expect(state.mode == .resolved(UIFixture.workspace.deployment(named: "prod")!.id))
    _ = update(&state, .back)
    #expect(state.mode == .list)
    state = UIFixture.after([.startCommand, .insert("q")], from: state)
    #expect(update(&state, .submit) == [.quit])
    state = UIFixture.after([.startCommand] + "nonsense".map { .insert($0) } + [.submit])
    #expect(state.message?.isError == true)
  }

  @Test func lineEditingKeys() {
    var editor = LineEditor("hello big world")
    _ = editor.apply(.killWord)
    #expect(editor.text == "hello big ")
    _ = editor.apply(.cursorStart)
    _ = editor.apply(.deleteForward)
    #expect(editor.text == "ello big ")
    _ = editor.apply(.cursorEnd)
    _ = editor.apply(.moveLeft)
    _ = editor.apply(.killToEnd)
    #expect(editor.text == "ello big")
    _ = editor.apply(.killToStart)
    #expect(editor.text.isEmpty && editor.cursor == 0)
  }
}

@Suite("Keymap: the help overlay and the input agree")
struct KeymapTests {
  /// A state where `context` is active and moving has room in both directions.
  static func state(in context: KeyContext) -> AppState {
    switch context {
    case .list: UIFixture.after([.moveDown, .moveDown])
    case .matrix: UIFixture.after([.toggleMatrix, .moveDown, .moveDown, .moveRight, .moveRight])
    case .resolved:
      UIFixture.after([.selectTab(.deployments), .moveDown, .moveDown, .moveDown, .open, .moveDown])
    case .form: UIFixture.after([.new, .insert("a"), .insert("b"), .moveLeft, .nextField])
    case .line: UIFixture.after([.startFilter, .insert("s"), .insert("q"), .moveLeft])
    case .confirm: UIFixture.after([.moveEnd, .delete])
    case .help: UIFixture.after([.help, .moveDown])
    case .tooSmall: UIFixture.after([.resize(width: 60, height: 15)])
    case .picker: UIFixture.state()  // not an AppState screen: see the picker's own test
    case .conflicts: UIFixture.state()  // not an AppState screen: see ConflictScreenTests
    case .workspaces:
      UIFixture.after(
        [
          .showWorkspaces,
          .workspacesLoaded(
            ["alpha", "demo", "zeta"].map { WorkspaceEntry(id: "ws_" + $0, name: $0, isDefault: false) }),
          .moveDown,
        ])
    }
  }

  /// The Workspace picker reads its keys from the same table.
  @Test func everyPickerKeyDoesSomething() {
    for binding in Keymap.bindings where binding.contexts.contains(.picker) {
      for key in binding.keys {
        var picker = WorkspacePicker(names: ["a", "b", "c"], width: 80, height: 24, ascii: false)
        picker.selection = 1
        let before = picker
        let outcome = picker.handle(key)
        #expect(picker != before || outcome != .stay, "\(key.label) (\(binding.summary)) did nothing")
      }
    }
    var picker = WorkspacePicker(names: ["a", "b"], width: 80, height: 24, ascii: false)
    #expect(picker.handle(.down) == .stay && picker.handle(.enter) == .open("b"))
    #expect(picker.handle(.character("q")) == .quit)
  }

  @Test(arguments: KeyContext.allCases.filter { $0 != .picker && $0 != .conflicts })
  func everyBoundKeyDoesSomething(context: KeyContext) {
    for binding in Keymap.bindings where binding.contexts.contains(context) {
      for key in binding.keys {
        var state = Self.state(in: context)
        if context == .form, binding.action == .toggleOption || binding.action == .clearField {
          _ = update(&state, .previousField)  // conn_id: a text field
          if binding.action == .toggleOption {
            state = UIFixture.after([.new] + Array(repeating: .previousField, count: 1))
          }
        }
        if context == .form, binding.action == .cycleOption || binding.action == .cycleOptionBack {
          state = UIFixture.after([.new, .nextField])
        }
        // Actions that only mean something from elsewhere: another tab, an active filter.
        if case .selectTab(let tab) = binding.action, state.tab == tab {
          _ = update(&state, tab == .connections ? .selectTab(.variables) : .selectTab(.connections))
        }
        if context == .resolved, binding.action == .open {
          state.mode = .history
          _ = update(&state, .historyLoaded(UIFixture.history))
        }
        if context == .list, binding.action == .back {
          state = UIFixture.after([.startFilter, .insert("s"), .submit])
        }
        let before = state
        guard let action = Keymap.action(for: key, in: context) else {
          Issue.record("\(key.label) in \(context) maps to nothing")
          continue
        }
        let effects = update(&state, action)
        #expect(
          state != before || !effects.isEmpty,
          "\(key.label) (\(binding.summary)) in \(context.rawValue) did nothing")
      }
    }
  }

  /// The filter and command lines have their own keys, in the help and the footer, instead of
  /// the form's (which offered "save" and "inherit the base again" while typing a filter).
  @Test func theFilterLineShowsItsOwnKeys() {
    var state = UIFixture.after([.help])
    var pages = ""
    for _ in 0..<10 {
      pages += render(state).text
      _ = update(&state, .pageDown)
    }
    #expect(pages.contains("Filter and command line"))
    #expect(pages.contains("apply (keep the filter; run the command)"))
    let filtering = render(UIFixture.after([.startFilter, .insert("s")])).text
    #expect(filtering.contains("Enter apply") && filtering.contains("Esc cancel"))
    #expect(!filtering.contains("save"))
  }

  /// SPEC §5.2: `q` quits from the top level only; from a sub-screen it goes back, and Ctrl-C
  /// quits from anywhere.
  @Test func qLeavesASubScreenBeforeItQuits() {
    let prod = UIFixture.workspace.deployment(named: "prod")!.id
    let staging = UIFixture.workspace.deployment(named: "staging")!.id
    for mode in [Mode.matrix, .resolved(prod), .diff(prod, staging), .history] {
      var state = UIFixture.state(width: 160)
      state.mode = mode
      let q = Keymap.action(for: .character("q"), in: state.keyContext)!
      #expect(update(&state, q).isEmpty, "\(mode)")
      #expect(state.mode == .list, "\(mode)")
      #expect(render(state).text.contains("q quit"))
      state.mode = mode
      #expect(render(state).text.contains("q back"), "\(mode)")
      let interrupt = Keymap.action(for: .control("c"), in: state.keyContext)!
      #expect(update(&state, interrupt) == [.quit], "\(mode)")
    }
    // Ctrl-C quits from an open form, the filter and command lines and a confirmation too.
    for opened in [[Action.new], [.startFilter], [.startCommand], [.moveEnd, .delete]] {
      var state = UIFixture.after(opened)
      let interrupt = Keymap.action(for: .control("c"), in: state.keyContext)
      #expect(interrupt == .quit && update(&state, interrupt!) == [.quit], "\(opened)")
    }
    var help = UIFixture.after([.help])
    #expect(update(&help, Keymap.action(for: .character("q"), in: help.keyContext)!).isEmpty)
    #expect(help.overlay == nil)
    var list = UIFixture.state()
    #expect(update(&list, Keymap.action(for: .character("q"), in: list.keyContext)!) == [.quit])
  }

  /// A variable whose key names a secret is secret whatever its flag: the form says so instead
  /// of showing a toggle at "no", and saving it unchanged asks for no change.
  @Test func theSecretToggleShowsTheRealState() {
    var workspace = UIFixture.workspace
    try! workspace.apply(
      .createVariable(key: "aaa_api_token", fields: VariableChanges(value: "t0k3n"), sharing: .linkedToAll),
      by: UIFixture.actor)
    var state = UIFixture.state(width: 120, height: 40)
    _ = update(&state, .reloaded(workspace))
    state = UIFixture.after([.selectTab(.variables), .moveHome, .edit], from: state)
    let screen = render(state).text
    #expect(screen.contains("Edit variable aaa_api_token"))
    #expect(screen.contains("yes, by its key's name"))
    #expect(!screen.contains("[ ] no"))
    #expect(!screen.contains("t0k3n"))
    let effects = update(&state, .submit)
    guard case .apply(let commands, _)? = effects.first,
      case .updateVariable(_, let changes, _)? = commands.first
    else {
      Issue.record("no update: \(effects)")
      return
    }
    #expect(changes == VariableChanges())
  }

  /// The History screen has a cursor; Enter shows its entry in full, Esc (or q) comes back to
  /// the same entry.
  @Test func enterOpensAHistoryEntryAndBackReturnsToIt() {
    var lines = UIFixture.history
    lines[1].detail = ["changed connection warehouse_db", "  links.prod.fields.host: \"a\" → \"b\""]
    var state = UIFixture.after([.showHistory])
    _ = update(&state, .historyLoaded(lines))
    state = UIFixture.after([.moveDown, .open], from: state)
    #expect(state.mode == .historyEntry(lines[1].id))
    let screen = render(state).text
    #expect(screen.contains("HISTORY #3") && screen.contains("links.prod.fields.host: \"a\" → \"b\""))
    state = UIFixture.after([Keymap.action(for: .character("q"), in: state.keyContext)!], from: state)
    #expect(state.mode == .history && state.historyCursor == 1)
    // The cursor stops at either end instead of running past it.
    state = UIFixture.after(Array(repeating: .moveDown, count: 50), from: state)
    #expect(state.historyCursor == lines.count - 1)
    state = UIFixture.after([.moveHome, .moveUp], from: state)
    #expect(state.historyCursor == 0)
  }

  /// After a git merge two entries may share a sequence number: Enter opens the one under the
  /// cursor, and a newer entry arriving above keeps the cursor on its entry.
  @Test func historyEntriesAreToldApartBeyondTheirSequence() {
    var lines = UIFixture.history
    var twin = lines[1]
    twin.user = "carol"
    twin.detail = ["carol's change"]
    lines[1].detail = ["alice's change"]
    lines.insert(twin, at: 2)
    var state = UIFixture.after([.showHistory])
    _ = update(&state, .historyLoaded(lines))
    state = UIFixture.after([.moveDown, .moveDown], from: state)
    var newer = lines[0]
    newer.sequence = 5
    newer.time = "2027-01-15T09:30:00Z"
    _ = update(&state, .historyLoaded([newer] + lines))
    #expect(shownHistory(state)[state.historyCursor].user == "carol")
    state = UIFixture.after([.open], from: state)
    let screen = render(state).text
    #expect(screen.contains("carol's change") && !screen.contains("alice's change"))
  }

  /// Scrolling past the end of a page or the help does not store up presses to undo first.
  @Test func pageAndHelpScrollingIsClamped() {
    let prod = UIFixture.workspace.deployment(named: "prod")!.id
    var state = UIFixture.state()
    state.mode = .resolved(prod)
    state = UIFixture.after(Array(repeating: .pageDown, count: 100), from: state)
    let bottom = state.pageScroll
    #expect(bottom > 0)
    let last = render(state).text
    state = UIFixture.after([.moveUp], from: state)
    #expect(state.pageScroll == bottom - 1)
    #expect(render(state).text != last)
    var help = UIFixture.after([.help] + Array(repeating: .moveDown, count: 500))
    let helpBottom = help.pageScroll
    help = UIFixture.after([.moveUp], from: help)
    #expect(help.pageScroll == helpBottom - 1)
  }

  /// An extra key's label shows whole when the pane has room for it (it was cut at 12 columns:
  /// `extra.regio…`), in the detail pane and on the resolved page alike.
  @Test func labelsAreWholeWhenThePaneHasRoom() {
    let state = UIFixture.state(width: 100, height: 30)
    #expect(render(state).text.contains("extra.region_name \"eu-west-1\""))
    var resolved = state
    resolved.mode = .resolved(UIFixture.workspace.deployment(named: "prod")!.id)
    #expect(render(resolved).text.contains("extra.region_name \"eu-west-1\""))
  }

  /// Sixty feature Deployments: an `@` word of the filter narrows the matrix to the columns it
  /// names, each column shows its whole name, and the cell under the cursor is spelled out.
  @Test func aFilterNarrowsTheMatrixColumnsToTheDeploymentsItNames() {
    var workspace = UIFixture.workspace
    for number in 0..<60 {
      try! workspace.apply(
        .createDeployment(name: "feature-login-\(number)", description: nil, tags: [], branch: nil),
        by: UIFixture.actor)
    }
    var state = UIFixture.state(width: 120, height: 30)
    _ = update(&state, .reloaded(workspace))
    state = UIFixture.after(
      [.toggleMatrix, .startFilter] + "@login-4".map { .insert($0) } + [.submit], from: state)
    // feature-login-4 and feature-login-40 … 49.
    #expect(state.deploymentColumns.count == 11)
    #expect(state.count(in: .connections) == workspace.connections.count)
    state = UIFixture.after([.moveRight, .moveRight, .moveRight], from: state)
    let screen = render(state).text
    #expect(screen.contains("11 of 65 Deployments"), "\(screen)")
    // The cursor's column names its Deployment whole in the header, whatever the column width.
    let header = screen.split(separator: "\n")[2]
    #expect(header.contains("feature-login-41 "), "\(header)")
    #expect(screen.contains("aws_default on feature-login-41: linked via all"), "\(screen)")
    // The Deployments tab shows the same narrowing; Esc clears it everywhere.
    state = UIFixture.after([.toggleMatrix, .selectTab(.deployments)], from: state)
    #expect(state.count(in: .deployments) == 11)
    state = UIFixture.after([.back], from: state)
    #expect(state.count(in: .deployments) == 65 && state.deploymentColumns.count == 65)
  }

  /// R renames the object under the cursor: exactly that object (by its stable id), with the
  /// new id checked in the form as the CLI checks it.
  @Test func rRenamesTheObjectUnderTheCursor() {
    var state = UIFixture.after([.selectTab(.variables), .moveHome, .rename])
    guard case .form(let form)? = state.overlay, case .renameObject(let reference) = form.purpose else {
      Issue.record("no rename form")
      return
    }
    #expect(reference.objectID != nil)
    state = UIFixture.after([.killToStart] + "bad key!".map { .insert($0) } + [.submit], from: state)
    guard case .form(let refused)? = state.overlay else {
      Issue.record("the form closed on a bad key")
      return
    }
    #expect(refused.field("key")?.error != nil)
    state = UIFixture.after([.killToStart] + "alerts_to".map { .insert($0) }, from: state)
    #expect(update(&state, .submit) == [.apply([.rename(reference, newKey: "alerts_to")], confirmed: false)])
  }

  /// Editing an object never edits its id (R renames): the conn_id or key is read-only, and the
  /// focus starts on the first field that can change.
  @Test func theIdIsReadOnlyOnEditAndFocusStartsOnTheFirstEditableField() {
    for tab in [Tab.connections, .variables] {
      var state = UIFixture.after([.selectTab(tab), .moveHome, .edit])
      guard case .form(let form)? = state.overlay else {
        Issue.record("no edit form on \(tab)")
        continue
      }
      let id = tab == .connections ? "conn_id" : "key"
      #expect(form.field(id)?.kind == .readOnly)
      #expect(form.fields[form.focus].kind != .readOnly, "\(tab): focus on \(form.fields[form.focus].name)")
      let before = form.field(id)?.value
      state = UIFixture.after(
        Array(repeating: .previousField, count: form.focus) + [.insert("x")], from: state)
      guard case .form(let after)? = state.overlay else { continue }
      #expect(after.fields[after.focus].name == id && after.field(id)?.value == before)
    }
  }

  /// A value longer than its field scrolls sideways around the cursor: the end while typing at
  /// the end, the start after Home, and the cursor's cell is always drawn.
  @Test func aLongFieldScrollsAroundTheCursor() {
    let long = (0..<40).map { "w\($0)" }.joined(separator: "-")  // 158 characters
    var state = UIFixture.after([.selectTab(.variables), .new, .nextField] + long.map { .insert($0) })
    var screen = render(state)
    #expect(screen.text.contains("w39"), "the end is not shown while typing there")
    #expect(!screen.text.contains("w0-w1-w2"))
    #expect(screen.cells.contains { $0.role == .selection })
    state = UIFixture.after([.cursorStart], from: state)
    screen = render(state)
    #expect(screen.text.contains("w0-w1-w2") && !screen.text.contains("w39"))
    #expect(screen.cells.contains { $0.role == .selection })
  }

  /// Nothing that works is missing from the help: every user intent has a key.
  @Test func everyUserIntentHasAKey() {
    let intents = Action.userIntents
    #expect(intents.allSatisfy { $0.isUserIntent })
    for intent in intents {
      #expect(Keymap.bindings.contains { $0.action == intent }, "\(intent) has no key")
    }
    #expect(Keymap.action(for: .character("/"), in: .resolved) == .startFilter)
  }
}
