import AirenvDelivery
import AirenvFormats
import AirenvModel
import AirenvStore
import Foundation

/// What an apply did: how many objects of each kind of change reached Airflow, which did not
/// and why, and what did not read back as sent.
public struct ApplyReport: Sendable {
  public var plan: DeliveryPlan
  public var applied: [PlanState: Int] = [:]
  public var failed: [(kind: ObjectKind, id: String, reason: String)] = []
  public var unverified: [String] = []
  /// Why nothing could be written at all (a directory target), when so.
  public var unwritten: String?

  public var succeeded: Bool { failed.isEmpty && unverified.isEmpty && unwritten == nil }

  /// What reached the target, by what happened to it (the history entry and every summary).
  public var counts: [(String, Int)] {
    [
      ("created", applied[.create] ?? 0), ("updated", (applied[.update] ?? 0) + (applied[.drifted] ?? 0)),
      ("adopted", applied[.conflict] ?? 0), ("deleted", applied[.delete] ?? 0),
    ]
  }
}

/// A plan and what applying it needs: the state it was made from and the open endpoint.
public struct PreparedDelivery: Sendable {
  public let plan: DeliveryPlan
  let workspace: Workspace
  let deployment: Deployment
  let target: DeliveryTarget
  let endpoint: any DeliveryEndpoint
  let record: DeliveryRecord?
}

/// What `target check` found.
public struct TargetCheck: Sendable {
  public var address: String
  public var airflowVersion: String
  public var api: String
  public var connections: Int
  public var variables: Int
  public var secretsBackend: String?
  /// Shadowing and other things worth knowing before an apply.
  public var warnings: [String] = []
}

extension Application {
  /// The Deployment and its target, to connect to; refused when it has none, and while the
  /// Deployment's file or the member list is unverified.
  public func target(of deploymentName: String) throws -> (Workspace, Deployment, DeliveryTarget) {
    let (workspace, deployment, target) = try configuredTarget(of: deploymentName)
    // The target says where its credentials go (and a pull, what is read into the Workspace):
    // a Deployment file nobody allowed to vouched for, or an unverified member list, is not
    // connected to, for a check or a pull either.
    let unverified = try repository.unverifiedObjects(in: workspace)
    if let problem = unverified[deployment.id] ?? unverified[workspace.id] {
      throw ModelError.unverified(
        deployment: deployment.name, objects: [problem.description], approval: problem.approval)
    }
    return (workspace, deployment, target)
  }

  /// The same, as configured, to show (`target show`): connects to nothing.
  public func configuredTarget(of deploymentName: String) throws -> (Workspace, Deployment, DeliveryTarget) {
    let workspace = try read()
    guard let deployment = workspace.deployment(named: deploymentName) else {
      throw ModelError.notFound(what: "Deployment", name: deploymentName, workspace: workspace.name)
    }
    guard let target = deployment.target else {
      throw DeliveryError.refused(
        "Deployment \"\(deployment.name)\" has no target; set one with `airenv target set \(deployment.name) "
          + "--airflow-url URL …` or `--directory PATH --format F`")
    }
    return (workspace, deployment, target)
  }

  /// Connects to the target and reads what it holds: proves the URL, the credentials and the
  /// permission to list connections and variables.
  public func checkTarget(of deploymentName: String) throws -> TargetCheck {
    let (workspace, deployment, target) = try self.target(of: deploymentName)
    let warnings = Self.sharedTargets(workspace, deployment, target)
    guard target.kind == .airflowAPI else {
      return TargetCheck(
        address: target.address, airflowVersion: "-", api: "files", connections: 0, variables: 0,
        secretsBackend: nil, warnings: warnings)
    }
    let client = try AirflowClient(target: target)
    let live = try client.liveState()
    let backend = client.secretsBackend()
    return TargetCheck(
      address: target.address, airflowVersion: client.version, api: client.api.rawValue,
      connections: live.connections.count, variables: live.variables.count, secretsBackend: backend,
      warnings: [AirflowClient.shadowing(by: backend)].compactMap { $0 } + warnings)
  }

  /// The plan for one Deployment: its resolved set against its target and the record.
  public func planDelivery(of deploymentName: String, prune: Bool, adopt: Bool) throws -> DeliveryPlan {
    try prepareDelivery(of: deploymentName, prune: prune, adopt: adopt).plan
  }

  /// A plan together with what applying it needs, so that `apply` sends what was shown without
  /// reading the target a second time.
  public func prepareDelivery(of deploymentName: String, prune: Bool, adopt: Bool) throws -> PreparedDelivery
  {
    // Planning refuses what is unverified (`requireVerified`) before it connects.
    let (workspace, deployment, target) = try configuredTarget(of: deploymentName)
    return try planDelivery(
      workspace: workspace, deployment: deployment, target: target, prune: prune, adopt: adopt)
  }

  /// `unverified`: what `unverifiedObjects` said of `workspace`, when already asked.
  func planDelivery(
    workspace: Workspace, deployment: Deployment, target: DeliveryTarget, prune: Bool, adopt: Bool,
    unverified: [String: UnverifiedObject]? = nil
  ) throws -> PreparedDelivery {
    try requireVerified([deployment], in: workspace, unverified: unverified)
    let record = try repository.deliveryRecord(workspace: workspace.id, deployment: deployment.id)
    // The server is asked first and answers while the Workspace is resolved here.
    let reading = target.kind == .airflowAPI ? LiveReading(target: target) : nil
    let desired: DesiredSet
    do {
      desired = try DesiredSet(workspace: workspace, deployment: deployment)
    } catch {
      reading?.abandon()
      throw error
    }
    let endpoint: any DeliveryEndpoint
    let live: LiveState
    var driftedFiles: [String] = []
    var fileWarnings: [String] = []
    if let reading {
      (endpoint, live) = try reading.wait()
    } else {
      let directory = try DirectoryEndpoint(target: target, set: desired.exportSet!, record: record)
      driftedFiles = directory.driftedFiles()
      fileWarnings = directory.warnings(drifted: driftedFiles)
      endpoint = directory
      live = try endpoint.liveState()
    }
    let digester = try repository.secretDigester(
      workspace: workspace.id, deployment: deployment.id, target: target.address)
    // A directory's files are airenv's alone and rewritten whole: what left airenv leaves them.
    let planner = Planner(prune: prune || target.kind == .directory, adopt: adopt) { value, field in
      digester.digest(value, field: field)
    }
    var plan = planner.plan(
      deployment: deployment.name, target: target.address, desired: desired, live: live, record: record)
    plan.driftedFiles = driftedFiles
    plan.warnings += Self.sharedTargets(workspace, deployment, target) + fileWarnings
    return PreparedDelivery(
      plan: plan, workspace: workspace, deployment: deployment, target: target, endpoint: endpoint,
      record: record)
  }

  /// Shadowing airenv can see: another Deployment delivering to the same Airflow puts the same
  /// ids there too, and whichever applies last wins.
  static func sharedTargets(_ workspace: Workspace, _ deployment: Deployment, _ target: DeliveryTarget)
    -> [String]
  {
    func ids(_ deployment: Deployment) -> Set<String> {
      Set(
        workspace.resolvedConnections(for: deployment.id).map { "connection " + $0.0.key }
          + workspace.resolvedVariables(for: deployment.id).map { "variable " + $0.0.key })
    }
    let mine = ids(deployment)
    return workspace.sortedDeployments.compactMap { other in
      guard other.id != deployment.id, other.target?.address == target.address else { return nil }
      let both = mine.intersection(ids(other)).sorted()
      guard !both.isEmpty else { return nil }
      let named =
        both.prefix(5).joined(separator: ", ") + (both.count > 5 ? " and \(both.count - 5) more" : "")
      return
        "Deployment \(other.name) delivers to the same target: \(named) would be written by both, and the "
        + "last apply wins; give each Deployment its own Airflow"
    }
  }

  /// Makes the target equal the Deployment's resolved set. Before anything is sent, the objects
  /// about to be sent are recorded as pending, so an apply killed half-way is finished by the next
  /// one instead of leaving conflicts; afterwards only what Airflow confirmed is recorded, with one
  /// history entry.
  public func applyDelivery(
    to deploymentName: String, prune: Bool, adopt: Bool, progress: (Int, Int) -> Void = { _, _ in }
  ) throws -> ApplyReport {
    try refuseIfReadonly()
    // Refused before any request is made (planning refuses what is unverified).
    let (workspace, deployment, target) = try configuredTarget(of: deploymentName)
    try workspace.authorize(.change, for: user)
    let prepared = try planDelivery(
      workspace: workspace, deployment: deployment, target: target, prune: prune, adopt: adopt)
    return try applyDelivery(prepared, progress: progress)
  }

  /// Applies a prepared plan (see `applyDelivery(to:)`).
  public func applyDelivery(_ prepared: PreparedDelivery, progress: (Int, Int) -> Void = { _, _ in }) throws
    -> ApplyReport
  {
    try refuseIfReadonly()
    try prepared.workspace.authorize(.change, for: user)
    let (plan, endpoint, previous) = (prepared.plan, prepared.endpoint, prepared.record)
    let (workspace, deployment, target) = (prepared.workspace, prepared.deployment, prepared.target)
    var report = ApplyReport(plan: plan)
    var record = previous?.target == target.address ? previous! : DeliveryRecord(target: target.address)
    let sending = plan.sending
    for object in plan.objects where object.state == .unchanged || object.state == .orphaned {
      record[object.kind][object.id] = object.recorded
    }
    guard plan.needsApply else { return report }
    var intent = record
    for object in sending where object.state != .delete {
      var pending = object.recorded
      pending?.pending = true
      intent[object.kind][object.id] = pending
    }
    try repository.saveDelivery(intent, workspace: workspace.id, deployment: deployment, by: user, note: nil)
    let operations = Self.ordered(sending.flatMap(\.operations))
    let outcome = endpoint.send(operations) { done in progress(done, operations.count) }
    let failedIDs = Set(outcome.failed.map { "\($0.0.kind.rawValue)/\($0.0.id)" })
    for (operation, reason) in outcome.failed {
      report.failed.append((operation.kind, operation.id, reason))
    }
    for object in sending {
      if failedIDs.contains("\(object.kind.rawValue)/\(object.id)") {
        record[object.kind][object.id] =
          previous?.target == target.address ? previous?[object.kind][object.id] : nil
        continue
      }
      record[object.kind][object.id] = object.recorded
      report.applied[object.state, default: 0] += 1
    }
    record.airflowVersion = endpoint.version
    record.appliedBy = user
    record.appliedAt = ISO8601DateFormatter().string(from: Date())
    report.unwritten = outcome.unwritten
    if let directory = endpoint as? DirectoryEndpoint {
      if outcome.unwritten == nil {
        record.files = directory.fileDigests
        report.unverified = directory.driftedFiles(against: directory.fileDigests).map {
          "\($0) does not hold what was written"
        }
      }
    } else {
      report.unverified = try verify(
        sending.filter { !failedIDs.contains("\($0.kind.rawValue)/\($0.id)") }, endpoint)
    }
    try repository.saveDelivery(
      record, workspace: workspace.id, deployment: deployment, by: user,
      note: DeliveryNote(
        user: user, command: "apply", counts: report.counts + [("failed", report.failed.count)]))
    return report
  }

  /// Deletes first (a password is cleared by re-creating), then creates, then updates; each
  /// group connections before variables, so a bulk request carries one kind and one action.
  private static func ordered(_ operations: [DeliveryOperation]) -> [DeliveryOperation] {
    func rank(_ operation: DeliveryOperation) -> Int {
      let action =
        switch operation {
        case .deleteConnection, .deleteVariable: 0
        case .createConnection, .createVariable: 1
        case .updateConnection, .updateVariable: 2
        }
      return action * 2 + (operation.kind == .connection ? 0 : 1)
    }
    return operations.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }
      .map(\.element)
  }

  /// Reads the target again: every object sent must now show what was sent.
  private func verify(_ sent: [PlannedObject], _ endpoint: any DeliveryEndpoint) throws -> [String] {
    guard !sent.isEmpty else { return [] }
    let live = try endpoint.liveState()
    var problems: [String] = []
    for object in sent {
      if object.state == .delete {
        let present =
          object.kind == .connection ? live.connections[object.id] != nil : live.variables[object.id] != nil
        if present { problems.append("\(object.kind.rawValue) \(object.id) is still in Airflow") }
        continue
      }
      guard let expected = object.recorded else { continue }
      if let mismatch = DeliveryVerification.mismatch(expected, kind: object.kind, id: object.id, in: live) {
        problems.append(mismatch)
      }
    }
    return problems
  }
}
