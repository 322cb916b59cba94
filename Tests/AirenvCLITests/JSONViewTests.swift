import AirenvModel
import Foundation
import Testing

@testable import airenv

/// The views of `--output json` write their members themselves, in the encoder's key order;
/// what they write must be exactly the text of the value the same calls build (which YAML and
/// `Encodable` use), for every view and every policy.
@Suite("JSON views: streamed text and built value agree")
struct JSONViewTests {
  /// The demo, and a connection whose extra keys and override Deployments sort awkwardly by
  /// bytes (capitals, `_`, non-ASCII) to catch a member written out of order.
  static func workspace() throws -> Workspace {
    let actor = Actor(user: "owner", time: Date(timeIntervalSince1970: 1_800_000_000))
    var workspace = Workspace(id: "ws_views", name: "views", stamp: Stamp(by: actor))
    try DemoWorkspace.build(into: &workspace, by: actor)
    for name in ["B", "a", "a_b", "a-b"] {
      try workspace.apply(
        .createDeployment(name: name, description: nil, tags: [], branch: nil), by: actor)
    }
    try workspace.apply(
      .createConnection(
        key: "Odd",
        fields: ConnectionChanges(
          fields: [.connType: "http", .host: "h", .password: "p"],
          extraSet: ["Zed": .integer(1), "_x": .null, "é": .string("e"), "token": .string("t")]),
        sharing: .linkedToAll), by: actor)
    for name in ["B", "a", "a_b", "a-b"] {
      try workspace.apply(
        .linkConnection(
          ObjectReference(.connection, "Odd"), deployment: name,
          overrides: ConnectionChanges(fields: [.host: name], extraSet: ["Zed": .integer(2)])), by: actor)
      try workspace.apply(
        .linkVariable(
          ObjectReference(.variable, "environment_name"), deployment: name,
          overrides: VariableChanges(value: name)), by: actor)
    }
    return workspace
  }

  static let policies = [
    ViewPolicy.everything, ViewPolicy(reveal: false, values: true), ViewPolicy(reveal: false, values: false),
  ]

  func expectAgreement(_ view: some JSONShaped, _ what: String) {
    var text = PrettyJSONText()
    view.writeJSON(to: &text)
    #expect(text.text == view.json.prettyText, "\(what)")
  }

  @Test func everyViewWritesTheTextOfItsValue() throws {
    let workspace = try Self.workspace()
    for policy in Self.policies {
      for deployment in workspace.deployments {
        let resolved = try ResolvedSet(workspace: workspace, deployment: deployment.name, policy: policy)
        expectAgreement(resolved, "resolve \(deployment.name)")
      }
      for connection in workspace.connections {
        expectAgreement(ConnectionView(connection, in: workspace, policy: policy), connection.key)
      }
      for variable in workspace.variables {
        expectAgreement(VariableView(variable, in: workspace, policy: policy), variable.key)
      }
    }
  }

  /// A list long enough to be written on every core reads the same as one written in order.
  @Test func aLongListIsTheSameTextAsAShortOne() throws {
    let workspace = try Self.workspace()
    let views = workspace.connections.map { ConnectionView($0, in: workspace, policy: .everything) }
    let many = (0..<40).flatMap { _ in views }
    #expect(many.count >= 256)
    expectAgreement(many, "\(many.count) connections")
  }
}
