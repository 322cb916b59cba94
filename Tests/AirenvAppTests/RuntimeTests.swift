import AirenvModel
import AirenvStore
import AirenvUI
import Foundation
import Testing

@testable import AirenvApp

/// The TUI's loop run in-process under a scripted terminal, on a real repository.
@Suite("Runtime: the TUI loop under a scripted terminal")
struct RuntimeTests {
  final class Fixture {
    let root = NSTemporaryDirectory() + "airenv-runtime-\(UUID().uuidString)"
    let repository: Repository
    let application: Application

    init() throws {
      repository = Repository(root: root, keyring: Keyring(environment: ["AIRENV_KEY_FILE": root + ".key"]))
      try repository.initialize()
      let actor = Actor(user: "alice", time: Date())
      _ = try repository.createWorkspace(named: "demo", by: actor)
      try repository.update(workspace: "demo", command: "demo", by: "alice") { workspace in
        try DemoWorkspace.build(into: &workspace, by: actor)
      }
      application = Application(repository: repository, workspaceName: "demo", user: "alice", readonly: false)
    }

    deinit {
      try? FileManager.default.removeItem(atPath: root)
      try? FileManager.default.removeItem(atPath: root + ".key")
    }

    /// Plays `script` through the runtime from the Workspace on disk; the final state.
    @discardableResult
    func play(_ driver: ScriptedDriver) throws -> AppState {
      var state = AppState(
        workspace: try application.read(),
        session: SessionInfo(repository: root, user: "alice", readonly: false),
        width: driver.size.width, height: driver.size.height)
      TUIRuntime(application: application, driver: driver, stopRequested: { driver.played })
        .run(&state)
      if let failure = driver.failure { throw failure }
      return state
    }

    /// Another process's change: the CLI's way, through its own Application.
    func changeElsewhere(_ command: Command, user: String = "alice") throws {
      let other = Application(repository: repository, workspaceName: "demo", user: user, readonly: false)
      try other.perform([command], confirmed: true)
    }

    var variablesDirectory: String {
      let workspaces = root + "/workspaces"
      let id = (try? FileManager.default.contentsOfDirectory(atPath: workspaces).first) ?? ""
      return "\(workspaces)/\(id)/variables"
    }
  }

  @Test func aVariableTypedIntoTheFormIsSavedWithOneHistoryEntry() throws {
    let fixture = try Fixture()
    let before = try fixture.repository.history(workspace: "demo").count
    let driver = ScriptedDriver(
      script: [.key(.character("2")), .key(.character("n"))] + ScriptedDriver.typing("region_label")
        + [.key(.tab)] + ScriptedDriver.typing("👩🏽‍💻 région ключ") + [.key(.control("s"))])
    let state = try fixture.play(driver)

    let workspace = try fixture.repository.read(workspace: "demo")
    let saved = try #require(workspace.variables.first { $0.key == "region_label" })
    #expect(saved.base.value == "👩🏽‍💻 région ключ")
    let history = try fixture.repository.history(workspace: "demo")
    #expect(history.count == before + 1)
    #expect(history.last?.command == "variable create" && history.last?.user == "alice")
    #expect(state.overlay == nil)
    #expect(driver.screen.contains("region_label"))
    // A change says how to take it back.
    #expect(driver.screen.contains("u undoes it"), "\(driver.screen)")
  }

  @Test func aChangeFromAnotherProcessAppearsAtTheNextIdlePoll() throws {
    let fixture = try Fixture()
    let driver = ScriptedDriver(script: [
      .key(.character("2")),
      .run {
        try fixture.changeElsewhere(
          .createVariable(key: "from_the_cli", fields: VariableChanges(value: "v"), sharing: .linkedToAll))
      },
      .idle,
    ])
    let state = try fixture.play(driver)
    #expect(state.workspace.variables.contains { $0.key == "from_the_cli" })
    #expect(driver.screen.contains("from_the_cli"))
  }

  @Test func aCorruptFileSeenByLiveReloadIsReportedAndClearedOnceFixed() throws {
    let fixture = try Fixture()
    let directory = fixture.variablesDirectory
    let victim = try #require(
      try FileManager.default.contentsOfDirectory(atPath: directory).sorted().first { $0.hasSuffix(".json") })
    let path = directory + "/" + victim
    let good = try Data(contentsOf: URL(fileURLWithPath: path))
    let count = try fixture.application.read().variables.count
    var reported = ""
    var cleared = ""
    let driver = ScriptedDriver(script: [
      // A teammate's broken merge: the file is replaced (a new inode, as git writes it).
      .run {
        try FileManager.default.removeItem(atPath: path)
        try Data("{\"id\": \"x\",,}\n".utf8).write(to: URL(fileURLWithPath: path))
      },
      .idle,
    ])
    var state = try fixture.play(driver)
    reported = driver.screen
    #expect(state.repositoryProblem?.contains(victim) == true)
    #expect(state.repositoryProblem != nil)
    #expect(reported.contains(victim))
    // The last good state stays on screen: every demo variable is still listed.
    #expect(state.workspace.variables.count == count)

    let fixing = ScriptedDriver(script: [
      .run {
        try FileManager.default.removeItem(atPath: path)
        try good.write(to: URL(fileURLWithPath: path))
      },
      .idle,
    ])
    var runtimeState = state
    TUIRuntime(application: fixture.application, driver: fixing, stopRequested: { fixing.played })
      .run(&runtimeState)
    state = runtimeState
    cleared = fixing.screen
    #expect(state.repositoryProblem == nil)
    #expect(!cleared.contains("unreadable"))
  }

  @Test func ctrlLRepaintsAndAResizeRelaysOutEveryCell() throws {
    let fixture = try Fixture()
    let driver = ScriptedDriver(script: [.key(.control("l")), .key(.resize)])
    let state = try fixture.play(driver)
    #expect(driver.repaints == 1)
    #expect(driver.invalidations == 1)
    #expect((state.width, state.height) == (80, 24))
    #expect(driver.frames.last?.width == 80 && driver.frames.last?.height == 24)
  }

  @Test func aSaveRefusedByTheRepositoryKeepsTheFormWithTheReason() throws {
    let fixture = try Fixture()
    // Someone else deletes the variable while its form is open here.
    let driver = ScriptedDriver(
      script: [.key(.character("2")), .key(.character("e"))]
        + [
          .run {
            let workspace = try fixture.repository.read(workspace: "demo")
            let first = try #require(workspace.variables.sorted { $0.key < $1.key }.first)
            try fixture.changeElsewhere(.delete(ObjectReference(.variable, first.key)), user: "bob")
          }
        ]
        + [.key(.control("u"))] + ScriptedDriver.typing("new value") + [.key(.control("s"))])
    let state = try fixture.play(driver)
    guard case .form(let form)? = state.overlay else {
      Issue.record("the form was closed")
      return
    }
    #expect(form.error?.contains("bob") == true)
    #expect(driver.screen.contains("deleted"))
  }
  /// The History screen's entry in full comes from the repository's own record: values before
  /// and after for a user who may see field values, only the fact of the change for a Member.
  @Test(arguments: [("alice", true), ("mo", false)])
  func aHistoryEntryInFullShowsValuesToThoseWhoMaySeeThem(user: String, values: Bool) throws {
    let fixture = try Fixture()
    let workspace = try fixture.application.read()
    let variable = try #require(workspace.variables.first { !$0.isSecret })
    try fixture.changeElsewhere(
      .updateVariable(
        ObjectReference(.variable, variable.key), VariableChanges(value: "after-Ω"), linkedToAll: nil))
    try fixture.changeElsewhere(.setMember(user: "mo", role: .member))
    let application = Application(
      repository: fixture.repository, workspaceName: "demo", user: user, readonly: false)
    var state = AppState(
      workspace: try application.read(),
      session: SessionInfo(repository: fixture.root, user: user, readonly: false),
      width: 120, height: 30)
    // The newest entry is the member change; the one below it is the update.
    let driver = ScriptedDriver(
      width: 120, height: 30, script: [.key(.character("H")), .key(.down), .key(.enter)])
    TUIRuntime(application: application, driver: driver, stopRequested: { driver.played }).run(&state)
    let screen = driver.screen
    #expect(screen.contains("changed variable \(variable.key)"), "\(screen)")
    #expect(screen.contains("after-Ω") == values, "\(screen)")
    #expect(screen.contains("values need the Author role") == !values, "\(screen)")
  }
  /// W lists the repository's Workspaces: create one, open it, rename it while it is on screen,
  /// delete the other one (confirmed) — each through the application layer, on disk.
  @Test func workspacesAreCreatedOpenedRenamedAndDeletedFromTheScreen() throws {
    let fixture = try Fixture()
    let driver = ScriptedDriver(
      script: [.key(.character("W")), .key(.character("n"))] + ScriptedDriver.typing("team-b")
        + [.key(.control("s")), .key(.enter)]
        // Now on team-b: rename it, then delete demo (the one not on screen).
        + [.key(.character("W")), .key(.down), .key(.character("R")), .key(.control("u"))]
        + ScriptedDriver.typing("team-c") + [.key(.enter)]
        + [.key(.home), .key(.character("d")), .key(.character("y"))])
    let state = try fixture.play(driver)
    #expect(state.workspace.name == "team-c")
    #expect(try fixture.application.workspaces().map(\.name) == ["team-c"])
    #expect(driver.screen.contains("deleted Workspace \"demo\""), "\(driver.screen)")
    #expect(state.workspaces.map(\.name) == ["team-c"])
  }

  /// The Workspace on screen is never deleted from under the user.
  @Test func theWorkspaceOnScreenCannotBeDeleted() throws {
    let fixture = try Fixture()
    let driver = ScriptedDriver(script: [.key(.character("W")), .key(.character("d")), .key(.character("y"))])
    let state = try fixture.play(driver)
    #expect(state.overlay == nil)
    #expect(driver.screen.contains("is the Workspace on screen"))
    #expect(try fixture.application.workspaces().map(\.name) == ["demo"])
  }
  /// The Workspace on screen is followed by id: renamed by another process it stays on screen
  /// under its new name and saves go on working; deleted, the screen says so.
  @Test func theWorkspaceOnScreenIsFollowedByIdThroughARenameAndADeletion() throws {
    let fixture = try Fixture()
    try fixture.application.createWorkspace(named: "spare")
    let driver = ScriptedDriver(
      script: [.run { try fixture.application.renameWorkspace("demo", to: "demo3") }, .idle]
        + [.key(.character("2")), .key(.character("n"))] + ScriptedDriver.typing("after_rename")
        + [.key(.tab)] + ScriptedDriver.typing("v") + [.key(.control("s"))]
        + [.run { try fixture.application.deleteWorkspace("demo3", confirmed: true) }, .idle])
    let state = try fixture.play(driver)
    #expect(state.workspace.name == "demo3")
    #expect(state.repositoryProblem?.contains("deleted by another process") == true)
    #expect(driver.frames.contains { $0.text.contains("created variable \"after_rename\"") })
  }

  /// A deletion confirmed on screen acts on exactly the Workspace shown: if its name has come to
  /// stand for another one meanwhile, nothing is deleted.
  @Test func aConfirmedDeletionNeverReachesAWorkspaceThatTookTheName() throws {
    let fixture = try Fixture()
    try fixture.application.createWorkspace(named: "zeta")
    try fixture.application.createWorkspace(named: "victim")
    // Sorted: demo, victim, zeta.
    let driver = ScriptedDriver(
      script: [.key(.character("W")), .idle, .key(.down), .key(.down), .key(.character("d"))]
        + [
          .run {
            try fixture.application.renameWorkspace("zeta", to: "zeta-old")
            try fixture.application.renameWorkspace("victim", to: "zeta")
          }
        ] + [.key(.character("y"))])
    try fixture.play(driver)
    #expect(try fixture.application.workspaces().map(\.name) == ["demo", "zeta", "zeta-old"])
    #expect(driver.screen.contains("is not the one shown"), "\(driver.screen)")
    // The CLI would say the same as a conflict.
    #expect(UserMessage(StoreError.workspaceReplaced(name: "zeta"))?.exitCode == 4)
  }
  /// A paste arrives as one key per character: 20,000 of them fill the field without the
  /// runtime drawing a frame per key or rescanning the whole line per key (it took 51 s for
  /// 10,000 before), and a field never takes more than a value may hold.
  @Test func aLongPasteIsTakenInWholeWithoutAFramePerKey() throws {
    let fixture = try Fixture()
    let pasted = String(repeating: "0123456789", count: 2_000)
    let driver = ScriptedDriver(
      script: [.key(.character("2")), .key(.character("n")), .key(.tab)] + ScriptedDriver.typing(pasted))
    let started = Date()
    let state = try fixture.play(driver)
    guard case .form(let form)? = state.overlay else {
      Issue.record("the form closed")
      return
    }
    #expect(form.field("value")?.value == pasted)
    #expect(driver.frames.count < 500, "\(driver.frames.count) frames for 20,000 keys")
    #expect(Date().timeIntervalSince(started) < 30)
    var editor = LineEditor(String(repeating: "x", count: Limits.valueBytes - 1))
    _ = editor.apply(.insert("y"))
    _ = editor.apply(.insert("z"))
    #expect(editor.text.utf8.count == Limits.valueBytes && editor.text.hasSuffix("y"))
  }
  /// A damaged history entry is named on the History screen, not shown as an empty history.
  @Test func aDamagedHistoryEntryIsNamedNotHidden() throws {
    let fixture = try Fixture()
    let directory = fixture.variablesDirectory.replacingOccurrences(of: "/variables", with: "/history")
    let entry = try #require(try FileManager.default.contentsOfDirectory(atPath: directory).sorted().last)
    try Data("{".utf8).write(to: URL(fileURLWithPath: directory + "/" + entry))
    let driver = ScriptedDriver(width: 160, height: 30, script: [.key(.character("H"))])
    try fixture.play(driver)
    #expect(driver.screen.contains("the history cannot be read"), "\(driver.screen)")
    #expect(driver.screen.contains(entry))
    #expect(!driver.screen.contains("no changes recorded yet"))
  }
  /// The TUI asks the CLI's question before deleting a Workspace (what goes, counted), and the
  /// list follows Workspaces another process creates while it is open.
  @Test func theWorkspacesScreenAsksWhatGoesAndFollowsOtherProcesses() throws {
    let fixture = try Fixture()
    try fixture.application.createWorkspace(named: "spare")
    var questions: [String] = []
    let driver = ScriptedDriver(
      script: [
        .key(.character("W")), .run { try fixture.application.createWorkspace(named: "later") }, .idle,
      ]
        + [.key(.down), .key(.down), .key(.character("d"))])
    let state = try fixture.play(driver)
    if case .confirm(let confirmation)? = state.overlay { questions.append(confirmation.question) }
    #expect(state.workspaces.map(\.name) == ["demo", "later", "spare"])
    #expect(
      questions == [
        "Delete Workspace \"spare\" with its 0 Deployments, 0 connections, 0 variables and its history? "
          + "This cannot be undone."
      ])
  }
  /// A long value in a history entry is shortened with its length said, not cut at the edge.
  @Test func aLongValueInAHistoryEntryIsShortenedVisibly() {
    let long = JSONValue.string(String(repeating: "v", count: 5_000))
    #expect(HistoryDetail.text(long) == "\"" + String(repeating: "v", count: 119) + "… (5002 characters)")
    #expect(HistoryDetail.text(.string("short")) == "\"short\"")
    #expect(HistoryDetail.text(nil) == "(none)")
  }
}
