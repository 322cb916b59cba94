import AirenvModel
import Foundation
import Testing

@testable import AirenvFormats

/// `export --all` renders each object once for every Deployment that gets it unchanged; what it
/// writes for each Deployment must be exactly what exporting that Deployment alone writes.
@Suite("Exporting many Deployments at once")
struct SharedExportTests {
  private static let stamp = Stamp(by: Actor(user: "test", time: Date(timeIntervalSince1970: 0)))

  /// Every way an object reaches a Deployment: linked to all, excluded, linked with and
  /// without overrides, scoped; secrets in passwords, extras and variables; ids whose order
  /// differs by case and by byte; a value a format cannot hold.
  static func workspace(hostileValue: String? = nil) -> Workspace {
    let deployments = ["dev", "prod", "staging"].map { name in
      Deployment(id: "dep_" + name, name: name, description: nil, tags: [], branch: nil, stamp: stamp)
    }
    var connections: [Connection] = []
    for (index, key) in ["db", "Api", "api_2", "Zeta", "a-b.c", "_under"].enumerated() {
      connections.append(
        Connection(
          id: "con_\(index)", key: key, scope: .workspace,
          base: ConnectionPayload(
            fields: [
              .connType: "postgres", .host: "h\(index).example.com", .password: "pw'\(index)\\\"x",
              .port: "5432",
            ],
            extra: [
              "sslmode": .string("require"), "api_key": .string("k\(index)"),
              "n": .object(["token": .string("t")]),
            ],
            secretExtraKeys: index == 0 ? ["sslmode"] : []),
          linkedToAll: index % 2 == 0,
          links: [
            "dep_prod": ConnectionOverride(
              fields: [.host: "prod-\(index)", .password: "prod-pw"], extraUnset: ["n"]),
            "dep_staging": ConnectionOverride(),
          ],
          exclusions: index == 2 ? ["dep_dev"] : [], stamp: stamp))
    }
    connections.append(
      Connection(
        id: "con_scoped", key: "Api", scope: .deployment("dep_dev"),
        base: ConnectionPayload(fields: [.connType: "http", .host: "scoped"]), stamp: stamp))
    var variables: [Variable] = []
    for (index, key) in ["region", "Region_2", "json_var", "secret_token", "empty"].enumerated() {
      let value =
        switch key {
        case "json_var": "{\"a\": [1, 2]}"
        case "empty": hostileValue ?? ""
        default: "v\(index) \u{1}é"
        }
      variables.append(
        Variable(
          id: "var_\(index)", key: key, scope: .workspace,
          base: VariablePayload(value: value, secret: key == "secret_token"), linkedToAll: true,
          links: ["dep_prod": VariableOverride(value: "prod-\(index)"), "dep_dev": VariableOverride()],
          stamp: stamp))
    }
    return Workspace(
      id: "ws_t", name: "t", stamp: stamp, deployments: deployments, connections: connections,
      variables: variables,
      members: [:], settings: WorkspaceSettings())
  }

  private func alone(
    _ workspace: Workspace, _ deployment: Deployment, _ secrets: Bool, _ format: ExportFormat
  )
    -> Result<DeploymentExport, ExportProblem>
  {
    Result { () throws(ExportProblem) in
      let set = try ExportSet(workspace: workspace, deployment: deployment, includingSecrets: secrets)
      return DeploymentExport(set: set, files: try Exporter.files(set, as: format))
    }
  }

  @Test(arguments: ExportFormat.allCases, [false, true])
  func everyDeploymentGetsWhatItsOwnExportWrites(format: ExportFormat, includingSecrets: Bool) throws {
    for workspace in [Self.workspace(), Self.workspace(hostileValue: "line\nbreak\u{0}")] {
      var seen = 0
      Exporter.forEachExport(
        of: workspace, for: workspace.sortedDeployments, includingSecrets: includingSecrets, as: format
      ) { deployment, shared in
        seen += 1
        let expected = alone(workspace, deployment, includingSecrets, format)
        switch (shared, expected) {
        case (.success(let shared), .success(let expected)):
          #expect(shared.set == expected.set, "\(deployment.name)")
          #expect(shared.files == expected.files, "\(deployment.name) \(format)")
        case (.failure(let shared), .failure(let expected)):
          #expect(shared == expected, "\(deployment.name)")
        default:
          Issue.record("\(deployment.name) \(format): \(shared) against \(expected)")
        }
      }
      #expect(seen == 3)
    }
  }

  /// The pieces of a file are streamed as they are; joined, they read as JSON with every member.
  @Test func anAssembledJSONFileIsOneObjectWithEveryMember() throws {
    let workspace = Self.workspace()
    let files = try Exporter.files(
      ExportSet(
        workspace: workspace, deployment: workspace.deployment(named: "prod")!, includingSecrets: true),
      as: .airflowJSON)
    #expect(files[0].chunks.count > 1)
    let connections = try JSONSerialization.jsonObject(with: Data(files[0].contents.utf8)) as? [String: Any]
    #expect(connections.map { Set($0.keys) } == ["Api", "Zeta", "_under", "a-b.c", "api_2", "db"])
  }
}
