import AirenvModel
import AirenvText
import Foundation
import Testing

@testable import AirenvUI

@Suite("Line editing on grapheme clusters")
struct LineEditorTests {
  /// Code points that join the character before them, and the characters they join.
  static let alphabet: [Character] = [
    "a", " ", "é", "e", "\u{301}", "\u{308}", "👍", "\u{1F3FD}", "\u{200D}", "👩", "👧", "🇫", "🇷",
    "\u{FE0F}", "\u{20E3}", "1", "漢", "\n", "\u{1B}", "\u{0915}", "\u{094D}", "\u{0937}",
  ]

  /// Every cluster kind the issue names, typed one code point at a time as a terminal sends a
  /// paste, with keys in between: nothing crashes, nothing typed vanishes, and the cursor is
  /// always between two characters of the text as it reads.
  @Test func randomEditingNeverCrashesNorLosesWhatWasTyped() {
    var random = SystemRandomNumberGenerator()
    for _ in 0..<400 {
      var editor = LineEditor()
      for _ in 0..<40 {
        let before = editor
        switch Int.random(in: 0..<10, using: &random) {
        case 0: _ = editor.apply(.moveLeft)
        case 1: _ = editor.apply(.moveRight)
        case 2: _ = editor.apply(.deleteBackward)
        case 3: _ = editor.apply(.cursorStart)
        default:
          let character = Self.alphabet.randomElement(using: &random)!
          _ = editor.apply(.insert(character))
          // What was typed is in the text, right where the cursor was.
          let expected =
            Array(before.beforeCursor.unicodeScalars) + Array(character.unicodeScalars)
            + Array(
              before.text[before.text.index(before.text.startIndex, offsetBy: before.cursor)...]
                .unicodeScalars)
          #expect(Array(editor.text.unicodeScalars) == expected)
        }
        let position = editor.text.index(editor.text.startIndex, offsetBy: editor.cursor)
        #expect(String(editor.text[..<position]) == String(editor.beforeCursor))
        #expect(editor.cursor <= editor.text.count)
      }
    }
  }

  @Test(arguments: [
    ("e\u{301}", "é"), ("👍\u{1F3FD}", "👍🏽"), ("👨\u{200D}👩\u{200D}👧", "👨‍👩‍👧"), ("🇫🇷", "🇫🇷"),
    ("1\u{FE0F}\u{20E3}", "1️⃣"),
  ])
  func aClusterTypedOneCodePointAtATimeIsOneCharacter(keys: String, cluster: String) {
    var editor = LineEditor()
    for scalar in keys.unicodeScalars { _ = editor.apply(.insert(Character(scalar))) }
    for character in "xy" { _ = editor.apply(.insert(character)) }
    // The characters typed after the cluster follow it, in order, and the cursor is at the end.
    #expect(editor.text == cluster + "xy")
    #expect(editor.cursor == 3)
    _ = editor.apply(.moveLeft)
    _ = editor.apply(.moveLeft)
    _ = editor.apply(.deleteBackward)
    #expect(editor.text == "xy")
    #expect(editor.cursor == 0)
  }

  @Test func aMarkTypedBeforeACharacterJoinsItAndTheCursorStaysOnABoundary() {
    var editor = LineEditor("\u{301}x")
    _ = editor.apply(.cursorStart)
    _ = editor.apply(.insert("e"))
    #expect(editor.text == "e\u{301}x")
    #expect(editor.cursor == 1)
    _ = editor.apply(.insert("z"))
    #expect(Array(editor.text.unicodeScalars) == Array("e\u{301}zx".unicodeScalars))
  }

  @Test func deletingAControlBetweenTwoCharactersThatThenJoinKeepsTheCursorOnABoundary() {
    // "e", a line feed, a lone accent: deleting the line feed joins "e" and the accent.
    var editor = LineEditor("e\n\u{301}")
    _ = editor.apply(.moveLeft)
    _ = editor.apply(.deleteBackward)
    #expect(Array(editor.text.unicodeScalars) == ["e", "\u{301}"])
    #expect(editor.cursor == 0)
    _ = editor.apply(.insert("!"))
    #expect(Array(editor.text.unicodeScalars) == ["!", "e", "\u{301}"])
  }

  @Test(arguments: [LineEditorTests.Place.filter, .command, .form])
  func everyLineEditorTakesEveryCluster(place: Place) {
    var state = UIFixture.state()
    switch place {
    case .filter: _ = update(&state, .startFilter)
    case .command: _ = update(&state, .startCommand)
    case .form: _ = update(&state, .new)
    }
    for scalar in "e\u{301}👍\u{1F3FD}👨\u{200D}👩\u{200D}👧🇫🇷1\u{FE0F}\u{20E3}xyz".unicodeScalars {
      _ = update(&state, .insert(Character(scalar)))
      _ = render(state)
    }
    let text: String
    switch state.overlay {
    case .filter(let editor)?, .command(let editor)?: text = editor.text
    case .form(let form)?: text = form.fields[form.focus].value
    default: text = ""
    }
    #expect(text == "é👍🏽👨‍👩‍👧🇫🇷1️⃣xyz")
  }

  enum Place: CaseIterable { case filter, command, form }
}

@Suite("Nothing acts unseen; every action reaches the object on screen")
struct BlindChangeTests {
  @Test func whileTooSmallOnlyQuitResizeAndRedrawAct() {
    var state = UIFixture.after([.moveEnd, .resize(width: 60, height: 15)])
    #expect(state.isTooSmall)
    #expect(state.keyContext == .tooSmall)
    for action: Action in [.delete, .confirmYes, .new, .edit, .toggleMatrix, .undo, .insert("y"), .open] {
      let before = state
      #expect(update(&state, action).isEmpty, "\(action)")
      #expect(state == before, "\(action) changed the state")
    }
    // The keys that delete and confirm do not even map to an action there.
    #expect(Keymap.action(for: .character("d"), in: .tooSmall) == nil)
    #expect(Keymap.action(for: .character("y"), in: .tooSmall) == nil)
    #expect(Keymap.action(for: .character("q"), in: .tooSmall) == .quit)
    #expect(update(&state, .redraw) == [.redraw])
    #expect(update(&state, .quit) == [.quit])
    _ = update(&state, .resize(width: 80, height: 24))
    #expect(update(&state, .delete).isEmpty && state.overlay != nil)
  }

  @Test func aConfirmationOpenWhenTheTerminalShrankIsNotAnswered() {
    var state = UIFixture.after([.moveEnd, .delete])
    guard case .confirm? = state.overlay else {
      Issue.record("no confirmation")
      return
    }
    _ = update(&state, .resize(width: 40, height: 10))
    #expect(update(&state, .confirmYes).isEmpty)
    #expect(update(&state, .open).isEmpty)
  }

  /// A Deployment-scoped "warehouse_db" beside the Workspace one: every command from the row of
  /// the scoped one names that object, by its stable id.
  @Test func actionsOnAScopedRowReachTheScopedObject() throws {
    var workspace = UIFixture.workspace
    try workspace.apply(
      .createConnection(
        key: "warehouse_db", fields: ConnectionChanges(fields: [.connType: "postgres"]),
        sharing: .scoped(toDeployment: "feature-billing-v2")), by: UIFixture.actor)
    let scoped = try #require(
      workspace.connections.first { $0.key == "warehouse_db" && $0.scope != .workspace })
    var state = AppState(
      workspace: workspace, session: UIFixture.state().session, width: 100, height: 30)
    _ = update(&state, .moveEnd)
    if state.selectedConnection?.id != scoped.id { _ = update(&state, .moveUp) }
    #expect(state.selectedConnection?.id == scoped.id)
    _ = update(&state, .delete)
    guard case .confirm(let confirmation)? = state.overlay else {
      Issue.record("no confirmation")
      return
    }
    #expect(confirmation.question.contains("of Deployment \"feature-billing-v2\""))
    #expect(confirmation.commands == [.delete(Form.reference(scoped))])
    var applied = workspace
    try applied.apply(confirmation.commands[0], by: UIFixture.actor, confirmed: true)
    #expect(applied.connections.contains { $0.id != scoped.id && $0.key == "warehouse_db" })
    #expect(!applied.connections.contains { $0.id == scoped.id })

    state.overlay = nil
    _ = update(&state, .edit)
    guard case .form(let form)? = state.overlay, case .editConnection(let reference) = form.purpose else {
      Issue.record("no edit form")
      return
    }
    #expect(reference.objectID == scoped.id)
  }

  @Test func anEditOfAnObjectDeletedMeanwhileIsTriedAndItsFailureKeepsTheForm() throws {
    var state = UIFixture.after([.moveEnd, .edit])
    var gone = UIFixture.workspace
    try gone.apply(
      .delete(ObjectReference(.connection, "warehouse_db")), by: UIFixture.actor, confirmed: true)
    _ = update(&state, .reloaded(gone))
    for _ in 0..<2 { _ = update(&state, .nextField) }
    _ = update(&state, .insert("x"))
    let effects = update(&state, .submit)
    guard case .apply(let commands, _)? = effects.first else {
      Issue.record("the save was dropped: \(effects)")
      return
    }
    #expect(commands.first?.reference?.objectID == UIFixture.reference(.connection, "warehouse_db").objectID)
    _ = update(&state, .failed("connection \"warehouse_db\" was deleted by bob at 2027-01-15T09:00:00Z"))
    guard case .form(let form)? = state.overlay else {
      Issue.record("the form closed")
      return
    }
    #expect(form.error?.contains("deleted by bob") == true)
    #expect(form.fields[form.focus].value.hasSuffix("x"))
  }
}

@Suite("Secrets in forms: a fixed mask until revealed")
struct FormSecretTests {
  @Test func aMaskedSecretShowsTheSameMaskWhateverItsLength() throws {
    var state = UIFixture.after([.moveEnd, .edit], from: UIFixture.state(width: 120, height: 40))
    for _ in 0..<10 {
      guard case .form(let form)? = state.overlay, form.fields[form.focus].name != "password" else { break }
      _ = update(&state, .nextField)
    }
    guard case .form(let form)? = state.overlay else { throw CancellationError() }
    #expect(form.fields[form.focus].kind == .secret)
    let secret = form.fields[form.focus].value
    #expect(!secret.isEmpty)
    let screen = render(state).text
    #expect(!screen.contains(secret))
    #expect(screen.contains(Secrecy.mask + " ") && !screen.contains(Secrecy.mask + "•"))
    _ = update(&state, .insert("z"))
    let typed = render(state).text
    #expect(typed.contains(Secrecy.mask + " (edited)") && !typed.contains(secret + "z"))
  }

  @Test func secretExtrasInTheJSONEditorAreMaskedAndKeptWhenUntouched() throws {
    var workspace = UIFixture.workspace
    try workspace.apply(
      .createConnection(
        key: "api",
        fields: ConnectionChanges(
          fields: [.connType: "http"],
          extraSet: [
            "api_key": .string("sk-live-123"), "nested": .object(["password": .string("pw-9")]),
            "timeout": .integer(3),
          ]), sharing: .linkedToAll), by: UIFixture.actor)
    var state = AppState(workspace: workspace, session: UIFixture.state().session, width: 120, height: 40)
    _ = update(&state, .edit)
    guard case .form(var form)? = state.overlay,
      let index = form.fields.firstIndex(where: { $0.name == "extra" })
    else { throw CancellationError() }
    let shown = form.fields[index].value
    #expect(!shown.contains("sk-live-123") && !shown.contains("pw-9"))
    #expect(!render(state).text.contains("sk-live"))
    // Change the timeout only: the masked secrets stay as they were.
    form.fields[index].editor = LineEditor(
      shown.replacingOccurrences(of: "\"timeout\":3", with: "\"timeout\":5"))
    form.focus = index
    state.overlay = .form(form)
    let effects = update(&state, .submit)
    guard case .apply(let commands, _)? = effects.first,
      case .updateConnection(_, let changes, _) = commands[0]
    else {
      Issue.record("\(effects)")
      return
    }
    #expect(changes.extraSet == ["timeout": .integer(5)])
    #expect(changes.extraUnset.isEmpty)

    // Revealed, the editor holds the values themselves.
    state.overlay = nil
    _ = update(&state, .toggleReveal)
    _ = update(&state, .edit)
    guard case .form(let revealed)? = state.overlay else { throw CancellationError() }
    #expect(revealed.field("extra")?.value.contains("sk-live-123") == true)
  }
}

extension FormSecretTests {
  /// A mask moved to another key, or typed into, would be saved as the secret itself.
  @Test(arguments: [("\"api_key\":", "\"zapi_key\":"), ("\"••••••••\"", "\"••••x••••\"")])
  func aMovedOrEditedMaskIsRefusedNotSaved(from: String, to: String) throws {
    var workspace = UIFixture.workspace
    try workspace.apply(
      .createConnection(
        key: "api",
        fields: ConnectionChanges(fields: [.connType: "http"], extraSet: ["api_key": .string("sk-1")]),
        sharing: .linkedToAll), by: UIFixture.actor)
    var state = AppState(workspace: workspace, session: UIFixture.state().session, width: 120, height: 40)
    let effects = try submitEditedExtra(&state) { $0.replacingOccurrences(of: from, with: to) }
    #expect(effects.isEmpty)
    guard case .form(let refused)? = state.overlay else { throw CancellationError() }
    #expect(refused.field("extra")?.error?.contains("masked value") == true)
  }
}

@Suite("Long lines scroll instead of trapping")
struct LongLineTests {
  @Test(arguments: [80, 100, 120])
  func aLongCommandOrFilterLineKeepsTheCursorInView(width: Int) {
    for start in [Action.startCommand, .startFilter] {
      var state = UIFixture.state(width: width, height: 24)
      _ = update(&state, start)
      for index in 0..<(width * 3) {
        _ = update(&state, .insert(index % 7 == 0 ? "漢" : "x"))
        let screen = render(state)
        #expect(screen.lines.last.map { CellWidth.of($0) } == width)
      }
      _ = update(&state, .cursorStart)
      #expect(render(state).lines.last?.hasPrefix(start == .startCommand ? ":漢" : "/漢") == true)
    }
  }

  @Test func aLongFormValueScrollsSideways() {
    var state = UIFixture.after([.new])
    for _ in 0..<300 { _ = update(&state, .insert("a")) }
    _ = update(&state, .insert("Z"))
    #expect(render(state).text.contains("aZ"))
    _ = update(&state, .cursorStart)
    #expect(!render(state).text.contains("aZ"))
  }
}

@Suite("Screen diff: what the terminal writes")
struct ScreenDiffTests {
  @Test func theFirstFrameIsWrittenWholeAndAnEqualOneNotAtAll() {
    var screen = ScreenBuffer(width: 10, height: 2)
    screen.put("hello", x: 0, y: 0)
    #expect(screen.changes(since: nil).map(\.count).reduce(0, +) == 20)
    #expect(screen.changes(since: screen).isEmpty)
  }

  @Test func onlyChangedCellsAreWrittenInRunsOfOneStyle() {
    var before = ScreenBuffer(width: 10, height: 1)
    before.put("abcdefghij", x: 0, y: 0)
    var after = before
    after.put("XY", x: 3, y: 0)
    after.put("Z", x: 8, y: 0, role: .accent)
    #expect(
      after.changes(since: before) == [
        ScreenBuffer.Run(x: 3, y: 0, count: 2, role: .text, bold: false),
        ScreenBuffer.Run(x: 8, y: 0, count: 1, role: .accent, bold: false),
      ])
  }

  /// A wide character is written whole from its first column, even when only its second
  /// column's cell changed (a style, say), so no half of it is left on the terminal.
  @Test func aWideCharacterIsAlwaysWrittenWhole() {
    var before = ScreenBuffer(width: 10, height: 1)
    before.put("a👍🏽b", x: 0, y: 0)
    #expect(before[1, 0].character == "👍🏽" && before[4, 0].character == nil && before[5, 0].character == "b")
    var after = before
    after.restyle(x: 3, y: 0, width: 1, role: .selection)
    #expect(
      after.changes(since: before) == [ScreenBuffer.Run(x: 1, y: 0, count: 4, role: .text, bold: false)])
    var moved = ScreenBuffer(width: 10, height: 1)
    moved.put("ab👍🏽", x: 0, y: 0)
    let runs = moved.changes(since: before)
    #expect(runs.map(\.x) == [1] && runs[0].count == 5)
  }

  @Test func aControlCharacterInTheDataIsDrawnAsItsEscape() {
    var screen = ScreenBuffer(width: 30, height: 1)
    let end = screen.put("a\u{1B}]0;pwned\u{7}b", x: 0, y: 0)
    #expect(screen.lines[0].hasPrefix("a\\x1B]0;pwned\\x07b"))
    #expect(end == CellWidth.of("a\u{1B}]0;pwned\u{7}b"))
    #expect(
      screen.cells.allSatisfy { cell in
        cell.character.map { $0.unicodeScalars.allSatisfy { !TerminalText.isControl($0) } } ?? true
      })
  }
}

@Suite("Secrets nested inside an extra value")
struct NestedSecretTests {
  static let secrets = ["NESTSECRET", "TOKA", "TOKB"]

  /// The demo Workspace plus a connection, first in the list, whose extra hides secrets below
  /// the top level: in an object and in a list.
  static func state(user: String = "alice") throws -> AppState {
    var workspace = UIFixture.workspace
    try workspace.apply(
      .createConnection(
        key: "a_nested",
        fields: ConnectionChanges(
          fields: [.connType: "http"],
          extraSet: [
            "cfg": .object(["password": .string("NESTSECRET"), "region": .string("eu")]),
            "list": .array([.object(["token": .string("TOKA")]), .object(["token": .string("TOKB")])]),
          ]), sharing: .linkedToAll), by: UIFixture.actor)
    try workspace.apply(.setMember(user: "alice", role: .owner), by: UIFixture.actor)
    try workspace.apply(.setMember(user: "carol", role: .author), by: UIFixture.actor)
    return AppState(
      workspace: workspace,
      session: SessionInfo(repository: "/r", user: user, readonly: false), width: 160, height: 50)
  }

  func expectNoSecret(_ state: AppState, _ place: String) {
    let screen = render(state).text
    for secret in Self.secrets { #expect(!screen.contains(secret), "\(place) shows \(secret)") }
  }

  @Test func theDetailPaneTheResolvedViewAndTheOverrideFormMaskThem() throws {
    var state = try Self.state()
    #expect(render(state).text.contains("a_nested"))
    expectNoSecret(state, "detail pane")
    #expect(render(state).text.contains("\"region\":\"eu\""))

    let resolved = UIFixture.after(
      [.startCommand] + "resolve prod".map { .insert($0) } + [.submit], from: state)
    #expect(render(resolved).text.contains("extra.cfg"))
    expectNoSecret(resolved, "resolved view")

    state = UIFixture.after([.toggleMatrix, .moveRight, .overrideForm], from: state)
    guard case .form(let form)? = state.overlay else { throw CancellationError() }
    #expect(form.title.contains("a_nested"))
    #expect(form.field("extra.cfg")?.kind == .secret && form.field("extra.list")?.kind == .secret)
    expectNoSecret(state, "override form")
  }

  @Test func revealedTheyShowForAnOwner() throws {
    let state = UIFixture.after([.toggleReveal], from: try Self.state())
    #expect(render(state).text.contains("NESTSECRET"))
  }

  @Test func anAuthorNeverSeesThem() throws {
    let state = UIFixture.after([.toggleReveal], from: try Self.state(user: "carol"))
    #expect(render(state).text.contains("carol (Author)"))
    expectNoSecret(state, "Author's detail pane")
  }

  /// A mask in a list element is put back by position: after the list changed, the position
  /// may hold another element's secret, so the save is refused rather than swap secrets.
  @Test(arguments: [
    ("[{\"token\":\"••••••••\"},{\"token\":\"••••••••\"}]", "[{\"token\":\"••••••••\"}]"),
    (
      "[{\"token\":\"••••••••\"},{\"token\":\"••••••••\"}]",
      "[{\"token\":\"••••••••\"},{\"token\":\"••••••••\"},{}]"
    ),
    ("\"region\":\"eu\"", "\"region\":\"us\"}, \"other\":{\"x\":1"),
  ])
  func aMaskInAListThatChangedIsRefused(from: String, to: String) throws {
    var state = try Self.state()
    let effects = try submitEditedExtra(&state) { $0.replacingOccurrences(of: from, with: to) }
    if from.hasPrefix("\"region") {
      // Outside the list, the masks are kept as they were.
      guard case .apply(let commands, _)? = effects.first,
        case .updateConnection(_, let changes, _) = commands[0]
      else { throw CancellationError() }
      #expect(
        changes.extraSet["cfg"] == .object(["password": .string("NESTSECRET"), "region": .string("us")]))
      #expect(changes.extraSet["list"] == nil)
      return
    }
    #expect(effects.isEmpty)
    guard case .form(let refused)? = state.overlay else { throw CancellationError() }
    #expect(refused.field("extra")?.error?.contains("list that changed") == true)
  }

  @Test func reorderedElementsThatReadDifferentlyAreRefused() throws {
    var workspace = UIFixture.workspace
    try workspace.apply(
      .createConnection(
        key: "a_pairs",
        fields: ConnectionChanges(
          fields: [.connType: "http"],
          extraSet: [
            "pairs": .array([
              .object(["name": .string("a"), "token": .string("T1")]),
              .object(["name": .string("b"), "token": .string("T2")]),
            ])
          ]), sharing: .linkedToAll), by: UIFixture.actor)
    var state = AppState(workspace: workspace, session: UIFixture.state().session, width: 160, height: 50)
    let a = "{\"name\":\"a\",\"token\":\"••••••••\"}"
    let b = "{\"name\":\"b\",\"token\":\"••••••••\"}"
    let effects = try submitEditedExtra(&state) {
      $0.replacingOccurrences(of: a + "," + b, with: b + "," + a)
    }
    #expect(effects.isEmpty)
  }
}

@Suite("The Deployments pane's counts")
struct DeploymentCountTests {
  /// Counted for all Deployments in one pass; each must equal asking every object the rule.
  @Test func eachDeploymentsCountsFollowTheReachRule() throws {
    var workspace = UIFixture.workspace
    let prod = try #require(workspace.deployment(named: "prod"))
    let linkedToAll = try #require(workspace.connections.first { $0.linkedToAll })
    let restricted = try #require(workspace.variables.first { !$0.linkedToAll && $0.scope == .workspace })
    try workspace.apply(
      .exclude(ObjectReference(.connection, linkedToAll.key), deployment: prod.name), by: UIFixture.actor,
      confirmed: true)
    try workspace.apply(
      .linkVariable(
        ObjectReference(.variable, restricted.key), deployment: prod.name,
        overrides: VariableChanges(value: "prod-only")), by: UIFixture.actor)
    var state = AppState(workspace: workspace, session: UIFixture.state().session, width: 160, height: 50)
    _ = update(&state, .selectTab(.deployments))
    for _ in workspace.deployments {
      let screen = render(state).text
      let deployment = try #require(state.selectedDeployment)
      let connections = workspace.connections.filter { $0.reach(for: deployment.id) != nil }
      let variables = workspace.variables.filter { $0.reach(for: deployment.id) != nil }
      let overridden =
        connections.filter { !($0.links[deployment.id]?.isEmpty ?? true) }.count
        + variables.filter { !($0.links[deployment.id]?.isEmpty ?? true) }.count
      let line = "Gets \(connections.count) connections and \(variables.count) variables"
      #expect(
        screen.contains(line) && screen.contains("\(overridden) of them with overrides"),
        "\(deployment.name): \(line), \(overridden) overridden")
      _ = update(&state, .moveDown)
    }
  }
}

/// Opens the edit form of the connection under the cursor, rewrites its extra JSON with `edit`
/// (which must change it) and submits the form; the effects of the submission.
func submitEditedExtra(_ state: inout AppState, _ edit: (String) -> String) throws -> [Effect] {
  _ = update(&state, .edit)
  guard case .form(var form)? = state.overlay,
    let index = form.fields.firstIndex(where: { $0.name == "extra" })
  else { throw CancellationError() }
  let edited = edit(form.fields[index].value)
  #expect(edited != form.fields[index].value, "the edit changed nothing")
  form.fields[index].editor = LineEditor(edited)
  state.overlay = .form(form)
  return update(&state, .submit)
}
