import AirenvModel

/// What applying would do to one object.
public enum PlanState: String, Sendable, CaseIterable {
  case create
  case update
  /// Changed in Airflow since airenv applied it; applying puts airenv's version back.
  case drifted
  /// An object airenv did not create already has this id in Airflow: left alone unless adopted.
  case conflict
  /// airenv applied it and no longer has it: deleted with `--prune`, else left.
  case orphaned
  case delete
  case unchanged

  /// Whether the plan reports it as something to act on.
  public var isDifference: Bool { self != .unchanged }
}

public struct PlannedObject: Sendable {
  public var kind: ObjectKind
  public var id: String
  public var state: PlanState
  /// Fields airenv would send a new value for (secret ones named, never shown).
  public var fields: [String]
  /// Fields changed in Airflow since airenv applied them.
  public var drifted: [String]
  /// What could not be known or needs saying ("password not verifiable: …").
  public var notes: [String]
  /// What applying sends for it, in order; empty when it is left alone.
  public var operations: [DeliveryOperation]
  /// The record this object gets once its operations succeed (nil: it leaves the record).
  public internal(set) var recorded: DeliveredObject?

  /// What a plan line says after the state: the fields, what changed in Airflow, the notes.
  public var detail: [String] {
    var detail: [String] = []
    if !fields.isEmpty { detail.append(fields.joined(separator: ", ")) }
    if !drifted.isEmpty { detail.append("changed in Airflow: " + drifted.joined(separator: ", ")) }
    return detail + notes
  }
}

/// What applying a Deployment's resolved set to its target would do.
public struct DeliveryPlan: Sendable {
  public var deployment: String
  public var target: String
  public var airflowVersion: String
  public var objects: [PlannedObject]
  /// Said once for the whole plan (shadowing, a record of another target …).
  public var warnings: [String]

  /// directory targets: files changed outside airenv since it wrote them (applying rewrites them).
  public var driftedFiles: [String] = []

  /// Whether anything differs: something to apply, drift, a conflict or an orphan.
  public var hasDifferences: Bool { objects.contains { $0.state.isDifference } || !driftedFiles.isEmpty }

  public func count(_ state: PlanState) -> Int { objects.filter { $0.state == state }.count }
  public var operations: [DeliveryOperation] { objects.flatMap(\.operations) }
  /// The objects an apply sends something for.
  public var sending: [PlannedObject] { objects.filter { !$0.operations.isEmpty } }
  /// Whether an apply would write anything: objects to send, or a directory's files to rewrite.
  public var needsApply: Bool { !sending.isEmpty || !driftedFiles.isEmpty }

  /// What an apply would do there, for a confirmation.
  public var blastRadius: String {
    let adopted = sending.filter { $0.state == .conflict }.count
    return "It creates \(count(.create)), updates \(count(.update) + count(.drifted)), adopts \(adopted) and "
      + "deletes \(count(.delete)) objects there; objects in conflict without --adopt are left alone."
  }
}

/// Compares a Deployment's resolved set with what its target holds and what airenv last
/// applied there. Pure: the server was read before, the record is handed in.
public struct Planner: Sendable {
  public var prune = false
  public var adopt = false
  let digest: @Sendable (String, String) -> String?

  public init(
    prune: Bool, adopt: Bool, digest: @escaping @Sendable (_ value: String, _ field: String) -> String?
  ) {
    self.prune = prune
    self.adopt = adopt
    self.digest = digest
  }

  public func plan(
    deployment: String, target: String, desired: DesiredSet, live: LiveState, record: DeliveryRecord?
  ) -> DeliveryPlan {
    var warnings = live.warnings
    var record = record
    if let stale = record, stale.target != target {
      warnings.append(
        "what airenv applied before went to \(stale.target), not \(target): every object already in Airflow "
          + "counts as not airenv's")
      record = nil
    }
    var objects: [PlannedObject] = []
    var wanted: [ObjectKind: Set<String>] = [.connection: [], .variable: []]
    for object in desired.objects {
      wanted[object.kind]!.insert(object.id)
      objects.append(plan(object, live: live, recorded: record?[object.kind][object.id]))
    }
    for kind in ObjectKind.allCases {
      for (id, recorded) in (record?[kind] ?? [:]).sorted(by: { $0.key < $1.key })
      where !wanted[kind]!.contains(id) {
        let exists = kind == .connection ? live.connections[id] != nil : live.variables[id] != nil
        guard exists else { continue }
        let delete: DeliveryOperation = kind == .connection ? .deleteConnection(id) : .deleteVariable(id)
        objects.append(
          PlannedObject(
            kind: kind, id: id, state: prune ? .delete : .orphaned, fields: [], drifted: [],
            notes: prune ? [] : ["no longer in airenv; `--prune` deletes it"],
            operations: prune ? [delete] : [], recorded: prune ? nil : recorded))
      }
    }
    return DeliveryPlan(
      deployment: deployment, target: target, airflowVersion: live.version,
      objects: objects.sorted {
        ($0.kind.rawValue, $0.id.lowercased()) < ($1.kind.rawValue, $1.id.lowercased())
      },
      warnings: warnings)
  }

  private func plan(_ object: DesiredObject, live: LiveState, recorded: DeliveredObject?) -> PlannedObject {
    let digests = object.secrets.reduce(into: [String: String]()) { result, secret in
      result[secret.key] = digest(secret.value, secret.key)
    }
    let record = DeliveredObject(fields: object.fields, secrets: digests)
    var planned = PlannedObject(
      kind: object.kind, id: object.id, state: .unchanged, fields: [], drifted: [], notes: [], operations: [],
      recorded: record)
    let shown: [String: JSONValue]
    let password: LiveSecret
    var shownSecrets: [String: String] = [:]
    switch object.kind {
    case .connection:
      guard let connection = live.connections[object.id] else { return creating(object, planned, recorded) }
      shown = connection.fields
      password = connection.password
      shownSecrets = connection.secretValues
      if let text = connection.unreadableExtra {
        planned.notes.append("its extra in Airflow is not a JSON object (\(text.count) characters)")
      }
    case .variable:
      guard let variable = live.variables[object.id] else { return creating(object, planned, recorded) }
      shown = variable.fields
      password = .unknown
      if variable.valueIsExact && object.secrets["value"] != nil { shownSecrets = ["value": variable.value] }
    }
    // Secrets a file shows are compared by digest; an API shows none.
    func secretsDiffering(from expected: [String: String]) -> [String] {
      guard live.showsSecrets else { return [] }
      return Set(expected.keys).union(shownSecrets.keys).filter { field in
        shownSecrets[field].flatMap { digest($0, field) } != expected[field]
      }.sorted()
    }
    // Non-secret fields: what airenv wants against what Airflow shows.
    let names = Set(shown.keys).union(object.fields.keys).subtracting(object.secrets.keys)
    let differing =
      names.filter { !MaskedComparison.matches(shown: shown[$0], known: object.fields[$0]) }.sorted()
      + secretsDiffering(from: digests)
    guard let recorded else {
      planned.state = .conflict
      planned.fields = live.showsSecrets ? differing : differing + object.secrets.keys.sorted()
      planned.notes.append(
        adopt
          ? "adopted: airenv's version replaces it"
          : "not created by airenv: Airflow uses that row, not airenv's, until `--adopt` takes it over")
      if !object.secrets.isEmpty && !live.showsSecrets {
        planned.notes.append(
          "\(object.secrets.keys.sorted().joined(separator: ", ")) not verifiable: applied by someone else")
      }
      if adopt {
        planned.operations = sending(object, recreate: object.hasNoPassword && password != .absent)
      } else {
        planned.recorded = nil
      }
      return planned
    }
    if recorded.pending == true {
      planned.state = .update
      planned.fields = differing + object.secrets.keys.sorted()
      planned.notes.append("an earlier apply was interrupted: sent again")
      planned.operations = sending(object, recreate: object.hasNoPassword && password != .absent)
      return planned
    }
    // Drift: what Airflow shows against what airenv applied.
    let recordedNames = Set(shown.keys).union(recorded.fields.keys).subtracting(recorded.secrets.keys)
      .subtracting(object.secrets.keys)
    var drifted = recordedNames.filter {
      !MaskedComparison.matches(shown: shown[$0], known: recorded.fields[$0])
    }
    .sorted()
    drifted += secretsDiffering(from: recorded.secrets)
    if password == .absent && recorded.secrets["password"] != nil {
      drifted.append("password (removed in Airflow)")
    }
    if password == .masked && recorded.secrets["password"] == nil {
      drifted.append("password (set in Airflow)")
    }
    let secretChanges = Set(object.secrets.keys).union(recorded.secrets.keys).filter {
      digests[$0] == nil || digests[$0] != recorded.secrets[$0]
    }.sorted()
    planned.fields = Array(Set(differing).union(secretChanges)).sorted()
    planned.drifted = drifted
    if planned.fields.isEmpty && drifted.isEmpty { return planned }
    planned.state = drifted.isEmpty ? .update : .drifted
    let clearsPassword =
      object.hasNoPassword && (recorded.secrets["password"] != nil || password == .masked)
    planned.operations = sending(object, recreate: clearsPassword)
    return planned
  }

  private func creating(_ object: DesiredObject, _ planned: PlannedObject, _ recorded: DeliveredObject?)
    -> PlannedObject
  {
    var planned = planned
    planned.state = .create
    planned.fields = (Array(object.fields.keys) + Array(object.secrets.keys)).sorted()
    if recorded != nil && recorded?.pending != true {
      planned.notes.append("deleted in Airflow since airenv applied it")
    }
    planned.operations = [object.operation(create: true)]
    return planned
  }

  /// An update, or (to clear a password, which the API cannot do) a delete and a create.
  private func sending(_ object: DesiredObject, recreate: Bool) -> [DeliveryOperation] {
    guard recreate else { return [object.operation(create: false)] }
    return [.deleteConnection(object.id), object.operation(create: true)]
  }
}
