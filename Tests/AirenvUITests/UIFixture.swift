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

  /// Applies actions in order, discarding effects.
  static func after(_ actions: [Action], from start: AppState = state()) -> AppState {
    var state = start
    for action in actions { _ = update(&state, action) }
    return state
  }
}
