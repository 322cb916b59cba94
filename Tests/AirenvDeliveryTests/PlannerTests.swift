import AirenvFormats
import AirenvModel
import Testing

@testable import AirenvDelivery

@Suite struct PlannerTests {
  let planner = Planner(prune: false, adopt: false) { value, field in
    "d:\(field)=\(value.count)-\(value.hashValue)"
  }

  func desired(password: String? = "pw", host: String = "h") -> DesiredSet {
    DesiredSet(objects: [
      DesiredSet.desired(
        ExportConnection(
          connId: "db", connType: "postgres", host: host, password: password, extra: ["a": .integer(1)])
      ) { key, _ in key == "token" },
      DesiredSet.desired(ExportVariable(key: "v", value: #"{"x": 1}"#), secret: false),
    ])
  }

  func live(host: String = "h", password: LiveSecret = .masked, value: String = #"{"x":1}"#) -> LiveState {
    LiveState(
      version: "3.3.2",
      connections: [
        LiveConnection(
          id: "db",
          fields: ["conn_type": .string("postgres"), "host": .string(host), "extra.a": .integer(1)],
          password: password)
      ],
      variables: [LiveVariable(key: "v", value: value, description: nil)])
  }

  /// The record an apply of `desired` leaves.
  func record(_ set: DesiredSet) -> DeliveryRecord {
    let plan = planner.plan(
      deployment: "p", target: "t", desired: set,
      live: LiveState(version: "3", connections: [], variables: []), record: nil)
    var record = DeliveryRecord(target: "t")
    for object in plan.objects { record[object.kind][object.id] = object.recorded }
    return record
  }

  func states(_ plan: DeliveryPlan) -> [String: PlanState] {
    Dictionary(uniqueKeysWithValues: plan.objects.map { ($0.id, $0.state) })
  }

  @Test func anEmptyTargetGetsEverythingCreatedAndAnAppliedOneIsInSync() {
    let empty = LiveState(version: "3", connections: [], variables: [])
    let first = planner.plan(deployment: "p", target: "t", desired: desired(), live: empty, record: nil)
    #expect(states(first) == ["db": .create, "v": .create])
    let second = planner.plan(
      deployment: "p", target: "t", desired: desired(), live: live(), record: record(desired()))
    #expect(!second.hasDifferences)
    // Nothing secret is in the record: only a digest.
    #expect(record(desired()).connections["db"]?.secrets["password"]?.hasPrefix("d:password") == true)
    #expect(record(desired()).connections["db"]?.fields["password"] == nil)
  }

  @Test func aChangeInAirenvIsAnUpdateNamingItsFields() {
    let plan = planner.plan(
      deployment: "p", target: "t", desired: desired(password: "new", host: "h2"), live: live(),
      record: record(desired()))
    let db = plan.objects.first { $0.id == "db" }
    #expect(db?.state == .update)
    #expect(db?.fields == ["host", "password"])
  }

  @Test func aChangeInAirflowIsDriftAndASecretRemovedThereToo() {
    let plan = planner.plan(
      deployment: "p", target: "t", desired: desired(), live: live(host: "evil", password: .absent),
      record: record(desired()))
    let db = plan.objects.first { $0.id == "db" }
    #expect(db?.state == .drifted)
    #expect(db?.drifted == ["host", "password (removed in Airflow)"])
  }

  @Test func anUnknownObjectIsAConflictUnlessAdopted() {
    let plan = planner.plan(deployment: "p", target: "t", desired: desired(), live: live(), record: nil)
    #expect(states(plan) == ["db": .conflict, "v": .conflict])
    #expect(plan.operations.isEmpty)
    #expect(plan.objects[0].notes.contains { $0.contains("password not verifiable") })
    let adopting = Planner(prune: false, adopt: true, digest: planner.digest)
    #expect(
      adopting.plan(deployment: "p", target: "t", desired: desired(), live: live(), record: nil).operations
        .count == 2)
  }

  @Test func onlyRecordedObjectsArePrunedAndOnlyWithPrune() {
    let withoutVariable = DesiredSet(objects: desired().objects.filter { $0.kind == .connection })
    let kept = planner.plan(
      deployment: "p", target: "t", desired: withoutVariable, live: live(), record: record(desired()))
    #expect(states(kept)["v"] == .orphaned && kept.operations.isEmpty)
    let pruning = Planner(prune: true, adopt: false, digest: planner.digest)
    let pruned = pruning.plan(
      deployment: "p", target: "t", desired: withoutVariable, live: live(), record: record(desired()))
    #expect(states(pruned)["v"] == .delete)
    // An object in Airflow that airenv never applied is never deleted.
    let unmanaged = pruning.plan(
      deployment: "p", target: "t", desired: withoutVariable, live: live(), record: nil)
    #expect(unmanaged.objects.allSatisfy { $0.id != "v" })
  }

  @Test func clearingAPasswordRecreatesTheConnection() {
    let plan = planner.plan(
      deployment: "p", target: "t", desired: desired(password: nil), live: live(), record: record(desired()))
    let operations = plan.objects.first { $0.id == "db" }?.operations ?? []
    #expect(operations.map(\.action) == ["delete", "create"])
  }

  @Test func anInterruptedApplyIsSentAgainNotAConflict() {
    var pending = record(desired())
    pending.connections["db"]?.pending = true
    let plan = planner.plan(deployment: "p", target: "t", desired: desired(), live: live(), record: pending)
    #expect(states(plan)["db"] == .update)
  }

  @Test func aRecordOfAnotherTargetCountsForNothing() {
    let plan = planner.plan(
      deployment: "p", target: "elsewhere", desired: desired(), live: live(), record: record(desired()))
    #expect(states(plan) == ["db": .conflict, "v": .conflict])
    #expect(plan.warnings.count == 1)
  }
}
