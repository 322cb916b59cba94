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
  /// all 100 exports of a large Workspace at once took 245 MB.
  public static func forEachExport(
    of workspace: Workspace, for deployments: [Deployment], includingSecrets: Bool, as format: ExportFormat,
    _ body: (Deployment, Result<DeploymentExport, ExportProblem>) throws -> Void
  ) rethrows {
    let batch = max(1, ProcessInfo.processInfo.activeProcessorCount)
    for start in stride(from: 0, to: deployments.count, by: batch) {
      let targets = Array(deployments[start..<min(start + batch, deployments.count)])
      let exports = targets.concurrentMap { deployment in
        Result { () throws(ExportProblem) in
          let set = try ExportSet(
            workspace: workspace, deployment: deployment, includingSecrets: includingSecrets)
          return DeploymentExport(set: set, files: try files(set, as: format))
        }
      }
      for (target, export) in zip(targets, exports) { try body(target, export) }
    }
  }
}
