import AirenvModel
import Foundation

/// The Deployments tab's counts, computed when a Deployment is first shown and kept until the
/// Workspace changes (`AppState` starts a new memo then). A memo of values derived from the
/// Workspace, so two states compare equal whatever it holds.
final class ReachMemo: Equatable, @unchecked Sendable {
  typealias Counts = (reaching: Int, overridden: Int)
  private var counts: [DeploymentID: (connections: Counts, variables: Counts)] = [:]
  private let lock = NSLock()

  func counts(for deployment: DeploymentID, compute: () -> (Counts, Counts)) -> (Counts, Counts) {
    lock.lock()
    defer { lock.unlock() }
    if let known = counts[deployment] { return (known.connections, known.variables) }
    let computed = compute()
    counts[deployment] = computed
    return computed
  }

  static func == (left: ReachMemo, right: ReachMemo) -> Bool { true }
}
