import AirenvDelivery
import AirenvModel
import AirenvText
import AirenvUI
import Foundation

/// Measures each targeted Deployment's sync state on a thread of its own, so that a slow or
/// dead server never holds up a keystroke: the runtime asks for a refresh and, between keys,
/// takes whatever has arrived. A request made while a measurement runs is served after it,
/// with the newest Workspace.
public final class SyncMonitor: @unchecked Sendable {
  private let lock = NSLock()
  private let application: Application
  private var requested: Workspace?
  private var working = false
  private var states: [DeploymentID: DeploymentSync] = [:]
  private var changed = false
  private var requestedAt = Date.distantPast

  public init(application: Application) {
    self.application = application
  }

  /// Measures every targeted Deployment of `workspace` again; new targets show as checking at once.
  public func refresh(_ workspace: Workspace) {
    lock.lock()
    requested = workspace
    requestedAt = Date()
    var kept = states.filter { id, _ in workspace.deployment(id: id)?.target != nil }
    for deployment in workspace.deployments {
      if let target = deployment.target,
        kept[deployment.id] == nil || kept[deployment.id]?.target != target.address
      {
        kept[deployment.id] = .checking(target.address)
      }
    }
    if kept != states {
      states = kept
      changed = true
    }
    let start = !working
    working = true
    lock.unlock()
    if start { Thread.detachNewThread { [self] in work() } }
  }

  /// A refresh when the last one is older than `seconds` (a target changes without airenv knowing).
  func refresh(_ workspace: Workspace, ifOlderThan seconds: TimeInterval) {
    lock.lock()
    let stale = Date().timeIntervalSince(requestedAt) > seconds
    lock.unlock()
    if stale { refresh(workspace) }
  }

  /// Whether a measurement is running (the benchmark times keys until it has ended).
  public var isWorking: Bool {
    lock.lock()
    defer { lock.unlock() }
    return working
  }

  /// The states, when any changed since the last call.
  public func take() -> [DeploymentID: DeploymentSync]? {
    lock.lock()
    defer { lock.unlock() }
    guard changed else { return nil }
    changed = false
    return states
  }

  private func work() {
    while true {
      lock.lock()
      guard let workspace = requested else {
        working = false
        lock.unlock()
        return
      }
      requested = nil
      lock.unlock()
      var application = application
      application.workspaceName = workspace.name
      // Verified once for every Deployment planned.
      let unverified = try? application.unverifiedObjects(in: workspace, whole: true)
      for deployment in workspace.sortedDeployments {
        guard let target = deployment.target else { continue }
        let state: DeploymentSync
        do {
          // The Workspace on screen is planned, not read again for each Deployment.
          state = Self.state(
            of: try application.planDelivery(
              workspace: workspace, deployment: deployment, target: target, prune: false, adopt: false,
              unverified: unverified
            ).plan)
        } catch {
          let message = UserMessage(error)?.oneLine ?? "\(error)"
          state = DeploymentSync(
            status: .unreachable, summary: error is DeliveryError ? "unreachable" : "cannot plan",
            target: target.address, lines: [message])
        }
        lock.lock()
        if states[deployment.id] != nil, states[deployment.id] != state {
          states[deployment.id] = state
          changed = true
        }
        lock.unlock()
      }
    }
  }

  /// A plan in the words of the list, the plan page and the confirmation.
  static func state(of plan: DeliveryPlan) -> DeploymentSync {
    var lines = plan.warnings.map { "warning: " + $0 }
    var objects: [String: String] = [:]
    for object in plan.objects where object.state.isDifference {
      let detail = object.detail
      lines.append(
        "  \(object.state.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(object.kind.rawValue) "
          + "\(object.id)" + (detail.isEmpty ? "" : ": " + detail.joined(separator: "; ")))
      objects[object.kind.rawValue + "/" + object.id] = object.state.rawValue
    }
    let drifted = plan.count(.drifted) + plan.driftedFiles.count
    let conflicts = plan.count(.conflict)
    let sending = plan.sending.count
    let status: DeploymentSync.Status
    let summary: String
    if !plan.hasDifferences {
      status = .inSync
      summary = "in sync"
      lines.append("  nothing to apply: \(counted(plan.objects.count, "object")) as airenv has them")
    } else if drifted > 0 {
      status = .drifted
      summary = "drifted (\(drifted))"
    } else if sending == 0 {
      status = .conflict
      summary = conflicts > 0 ? counted(conflicts, "conflict") : "\(plan.count(.orphaned)) orphaned"
    } else {
      status = .toApply
      summary = "\(sending) to apply"
    }
    return DeploymentSync(
      status: status, summary: summary, target: plan.target, lines: lines, toApply: sending,
      blastRadius: plan.blastRadius, objects: objects)
  }
}
