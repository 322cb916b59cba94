import AirenvModel
import Foundation

/// One Deployment's export: what it resolves to and the files of the chosen format.
public struct DeploymentExport: Sendable {
  public var set: ExportSet
  public var files: [ExportFile]
}

extension Exporter {
  /// Resolves and writes out several Deployments, as many at a time as there are cores, and
  /// hands each to `body` in the order of `deployments`. Only one batch is held in memory:
  /// all 100 exports of a large Workspace at once took 245 MB. Each object is resolved and
  /// rendered once for every Deployment that gets it without an override (`SharedExport`).
  public static func forEachExport(
    of workspace: Workspace, for deployments: [Deployment], includingSecrets: Bool, as format: ExportFormat,
    _ body: (Deployment, Result<DeploymentExport, ExportProblem>) throws -> Void
  ) rethrows {
    // One Deployment gains nothing from rendering every object of the Workspace beforehand.
    guard deployments.count > 1 else {
      for deployment in deployments {
        try body(
          deployment,
          Result { () throws(ExportProblem) in
            let set = try ExportSet(
              workspace: workspace, deployment: deployment, includingSecrets: includingSecrets)
            return DeploymentExport(set: set, files: try files(set, as: format))
          })
      }
      return
    }
    let shared = SharedExport(workspace: workspace, includingSecrets: includingSecrets, format: format)
    let batch = max(1, ProcessInfo.processInfo.activeProcessorCount)
    for start in stride(from: 0, to: deployments.count, by: batch) {
      let targets = Array(deployments[start..<min(start + batch, deployments.count)])
      let exports = targets.concurrentMap { deployment in shared.export(for: deployment) }
      for (target, export) in zip(targets, exports) { try body(target, export) }
    }
  }
}

/// Every object of a Workspace exported once as a Deployment gets it without an override,
/// with its text in the chosen format. In a Workspace where every object reaches every
/// Deployment, an export of 100 Deployments then renders 10,000 objects, not a million; only a
/// link that overrides something is resolved and rendered for its own Deployment.
struct SharedExport: Sendable {
  private struct Exported<Value: Sendable>: Sendable {
    var value: Value?
    var withheld: [String]
    /// The object's text in the format; nil when the format is written whole or cannot hold it.
    var text: String?
  }

  private let format: ExportFormat
  private let includingSecrets: Bool
  /// Sorted as an export lists them: by id ignoring case.
  private let connections: [Connection]
  private let variables: [Variable]
  private let sharedConnections: [Result<Exported<ExportConnection>, ExportProblem>]
  private let sharedVariables: [Result<Exported<ExportVariable>, ExportProblem>]
  /// The order of each list in the files, as indices into it.
  private let connectionFileOrder: [Int]
  private let variableFileOrder: [Int]

  init(workspace: Workspace, includingSecrets: Bool, format: ExportFormat) {
    self.format = format
    self.includingSecrets = includingSecrets
    connections = Self.sortedByKey(workspace.connections)
    variables = Self.sortedByKey(workspace.variables)
    sharedConnections = connections.concurrentMap { connection in
      Result { () throws(ExportProblem) in
        try Self.export(
          connection, connection.base.resolved(with: nil, baseProvenance: .base), includingSecrets, format)
      }
    }
    sharedVariables = variables.concurrentMap { variable in
      Result { () throws(ExportProblem) in
        try Self.export(
          variable, variable.base.resolved(with: nil, baseProvenance: .base), includingSecrets, format)
      }
    }
    connectionFileOrder = Self.fileOrder(connections.map(\.key), format)
    variableFileOrder = Self.fileOrder(variables.map(\.key), format)
  }

  /// One Deployment's set and files: the shared export of each object it gets unchanged, its
  /// own for each link with an override.
  func export(for deployment: Deployment) -> Result<DeploymentExport, ExportProblem> {
    Result { () throws(ExportProblem) in
      var set = ExportSet(deployment: deployment.name, connections: [], variables: [])
      var connectionTexts = [String?](repeating: nil, count: connections.count)
      var variableTexts = [String?](repeating: nil, count: variables.count)
      var assembled = Exporter.isAssembled(format)
      for (index, connection) in connections.enumerated() {
        guard let reach = connection.reach(for: deployment.id) else { continue }
        let exported: Exported<ExportConnection>
        if reach != .scoped, let override = connection.links[deployment.id], !override.isEmpty {
          exported = try Self.export(
            connection, connection.base.resolved(with: override, baseProvenance: .base), includingSecrets,
            format)
        } else {
          exported = try sharedConnections[index].get()
        }
        set.connections.append(exported.value!)
        set.withheld += exported.withheld
        connectionTexts[index] = exported.text
        assembled = assembled && exported.text != nil
      }
      for (index, variable) in variables.enumerated() {
        guard let reach = variable.reach(for: deployment.id) else { continue }
        let exported: Exported<ExportVariable>
        if reach != .scoped, let override = variable.links[deployment.id], !override.isEmpty {
          exported = try Self.export(
            variable, variable.base.resolved(with: override, baseProvenance: .base), includingSecrets, format)
        } else {
          exported = try sharedVariables[index].get()
        }
        if let value = exported.value {
          set.variables.append(value)
          variableTexts[index] = exported.text
          assembled = assembled && exported.text != nil
        }
        set.withheld += exported.withheld
      }
      // Anything a text could not be made for is written (or refused, saying why) whole.
      guard assembled, IdentifierRules.problem(withDeploymentName: deployment.name) == nil else {
        return DeploymentExport(set: set, files: try Exporter.files(set, as: format))
      }
      let files = Exporter.assembled(
        deployment: deployment.name, connections: connectionFileOrder.compactMap { connectionTexts[$0] },
        variables: variableFileOrder.compactMap { variableTexts[$0] }, as: format)
      return DeploymentExport(set: set, files: files)
    }
  }

  private static func export(
    _ connection: Connection, _ resolved: ResolvedConnection, _ includingSecrets: Bool, _ format: ExportFormat
  ) throws(ExportProblem) -> Exported<ExportConnection> {
    let (value, withheld) = try ExportSet.exporting(connection, resolved, includingSecrets: includingSecrets)
    return Exported(value: value, withheld: withheld, text: Exporter.fragment(of: value, as: format))
  }

  private static func export(
    _ variable: Variable, _ resolved: ResolvedVariable, _ includingSecrets: Bool, _ format: ExportFormat
  ) throws(ExportProblem) -> Exported<ExportVariable> {
    let (value, withheld) = try ExportSet.exporting(variable, resolved, includingSecrets: includingSecrets)
    return Exported(
      value: value, withheld: withheld, text: value.flatMap { Exporter.fragment(of: $0, as: format) })
  }

  /// Sorted by id ignoring case, as `Workspace.resolvedConnections` sorts.
  private static func sortedByKey<P>(_ objects: [EnvironmentObject<P>]) -> [EnvironmentObject<P>] {
    objects.map { ($0.key.lowercased(), $0) }.sorted { $0.0 < $1.0 }.map(\.1)
  }

  private static func fileOrder(_ keys: [String], _ format: ExportFormat) -> [Int] {
    guard Exporter.sortsByEncoderOrder(format) else { return Array(keys.indices) }
    return keys.indices.sorted { JSONValue.precedesInEncoderOrder(keys[$0], keys[$1]) }
  }
}
