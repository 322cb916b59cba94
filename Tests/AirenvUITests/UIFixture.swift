import AirenvModel
import AirenvUI
import Foundation

/// The demo Workspace in an AppState, built the same way every time.
enum UIFixture {
  static let actor = Actor(user: "alice", time: Date(timeIntervalSince1970: 1_800_000_000))

  static let workspace: Workspace = {
    var workspace = Workspace(id: "ws_demo", name: "demo", stamp: Stamp(by: actor))
    try! DemoWorkspace.build(into: &workspace, by: actor)
    return workspace
  }()

  static func state(width: Int = 80, height: Int = 24, ascii: Bool = false, user: String = "alice")
    -> AppState
  {
    AppState(
      workspace: workspace,
      session: SessionInfo(repository: "/home/alice/.local/share/airenv", user: user, readonly: false),
      width: width, height: height, ascii: ascii)
  }

  /// A few saved changes, newest first, as the runtime hands them to the History screen.
  static let history: [HistoryLine] = [
    HistoryLine(
      sequence: 4, time: "2027-01-15T09:12:40Z", user: "bob", command: "undo #3",
      summary: "changed connection warehouse_db (links)", keys: ["warehouse_db"]),
    HistoryLine(
      sequence: 3, time: "2027-01-15T09:10:02Z", user: "alice", command: "link-connection",
      summary: "changed connection warehouse_db (links)", keys: ["warehouse_db", "prod"]),
    HistoryLine(
      sequence: 2, time: "2027-01-15T08:55:17Z", user: "alice", command: "update-variable",
      summary: "changed variable alert_email (base.value)", keys: ["alert_email"]),
    HistoryLine(
      sequence: 1, time: "2027-01-15T08:00:03Z", user: "alice", command: "create-deployment",
      summary: "created deployment feature-login-flow", keys: ["feature-login-flow"]),
  ]

  /// How the screens name one demo object: by its stable id (ids are random in the demo).
  static func reference(_ kind: ObjectKind, _ key: String, expectedRevision: Int? = nil) -> ObjectReference {
    let id =
      kind == .connection
      ? workspace.connections.first { $0.key == key }!.id : workspace.variables.first { $0.key == key }!.id
    return ObjectReference(kind, key, objectID: id, expectedRevision: expectedRevision)
  }

  /// Applies actions in order, discarding effects.
  static func after(_ actions: [Action], from start: AppState = state()) -> AppState {
    var state = start
    for action in actions { _ = update(&state, action) }
    return state
  }
}
