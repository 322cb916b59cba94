import AirenvModel
import Testing

/// States the commands never make but a git merge of two clones does: found as conflicts that
/// name both files and the Deployments they make ambiguous, and settled by a command.
@Suite("Name clashes a merge can bring")
struct NameClashTests {
  @Test func aStateTheCommandsMadeHasNone() throws {
    var fixture = Fixture()
    try fixture.postgres("db")
    try fixture.postgres("db_prod", sharing: .scoped(toDeployment: "prod"))
    try fixture.postgres("db_dev", sharing: .restricted)
    #expect(fixture.workspace.nameClashes().isEmpty)
  }

  @Test func twoDeploymentsOrTwoObjectsWithOneNameClash() throws {
    var fixture = Fixture()
    try fixture.postgres("db")
    try fixture.postgres("other")
    var workspace = fixture.workspace
    workspace.deployments[1].name = "DEV"
    workspace.connections[1].key = "DB"
    let clashes = workspace.nameClashes()
    #expect(clashes.map(\.kind) == ["deployment", "connection"])
    #expect(
      clashes[1].first == workspace.connections[0].id && clashes[1].second == workspace.connections[1].id)
  }

  @Test func aScopedObjectClashesOnlyWithAWorkspaceObjectThatReachesItsDeployment() throws {
    var fixture = Fixture()
    try fixture.postgres("db", sharing: .restricted)
    try fixture.postgres("local", sharing: .scoped(toDeployment: "prod"))
    var workspace = fixture.workspace
    let scoped = try #require(workspace.connections.firstIndex { $0.key == "local" })
    workspace.connections[scoped].key = "db"
    // Linked nowhere, db does not reach prod: no clash.
    #expect(workspace.nameClashes().isEmpty)
    try fixture.run(
      .linkConnection(ObjectReference(.connection, "db"), deployment: "prod", overrides: ConnectionChanges()))
    workspace.connections[workspace.connections.firstIndex { $0.key == "db" && $0.scope == .workspace }!] =
      fixture.connection("db")
    #expect(
      workspace.nameClashes().map(\.reason) == ["Deployment prod would get two connections with this conn_id"]
    )
  }

  /// Two linked-to-all "db": every Deployment would get both, so each is refused by name, and
  /// so is a lookup of "db"; keeping one settles it.
  @Test func aDuplicateIsRefusedWhereItIsAmbiguousAndSettledByKeepingOne() throws {
    var fixture = Fixture()
    try fixture.postgres("db")
    try fixture.postgres("other")
    var workspace = fixture.workspace
    workspace.connections[1].key = "db"
    let (first, second) = (workspace.connections[0].id, workspace.connections[1].id)
    let conflicts = workspace.conflicts()
    #expect(conflicts.count == 1 && conflicts[0].kind == .duplicate)
    #expect(conflicts[0].files == ["connections/\(first).json", "connections/\(second).json"])
    #expect(Set(conflicts[0].deployments) == Set(workspace.deployments.map(\.id)))
    let dev = try #require(workspace.deployment(named: "dev"))
    #expect(
      throws: ModelError.conflicted(
        what: "Deployment \"dev\" would get two connections \"db\"", files: conflicts[0].files)
    ) {
      try workspace.requireSettled(dev)
    }
    #expect(throws: ModelError.self) { try workspace.connection(ObjectReference(.connection, "db")) }
    // A change on the object is refused too, not applied to one of the two at random.
    #expect(throws: ModelError.self) {
      try workspace.apply(.delete(ObjectReference(.connection, "db")), by: Fixture.actor, confirmed: true)
    }
    #expect(Self.needsConfirmation { _ = try workspace.apply(.settle(.keep(id: second)), by: Fixture.actor) })
    try workspace.apply(.settle(.keep(id: second)), by: Fixture.actor, confirmed: true)
    #expect(workspace.conflicts().isEmpty)
    #expect(workspace.connections.map(\.id) == [second])
  }

  /// Objects linked to disjoint Deployments share a key without making any resolved set
  /// ambiguous: listed, but nothing is refused; renaming one settles it.
  @Test func aDuplicateThatNoDeploymentGetsTwiceRefusesNoDeployment() throws {
    var fixture = Fixture()
    try fixture.postgres("db", sharing: .restricted)
    try fixture.postgres("other", sharing: .restricted)
    try fixture.run(
      .linkConnection(ObjectReference(.connection, "db"), deployment: "dev", overrides: ConnectionChanges()))
    try fixture.run(
      .linkConnection(
        ObjectReference(.connection, "other"), deployment: "prod", overrides: ConnectionChanges()))
    var workspace = fixture.workspace
    workspace.connections[1].key = "DB"
    #expect(workspace.conflicts().map(\.deployments) == [[]])
    for deployment in workspace.deployments { try workspace.requireSettled(deployment) }
    try workspace.apply(.settle(.rename(id: workspace.connections[1].id, to: "db_prod")), by: Fixture.actor)
    #expect(workspace.conflicts().isEmpty)
  }

  @Test func twoDeploymentsOfOneNameAreRefusedByNameAndSettledByRenamingOne() throws {
    var workspace = Fixture().workspace
    workspace.deployments[2].name = "Dev"
    #expect(workspace.conflicts().map(\.subject) == ["deployment"])
    #expect(throws: ModelError.self) { try workspace.requireOneDeployment(named: "dev") }
    #expect(throws: ModelError.self) {
      try workspace.apply(
        .createConnection(
          key: "x", fields: ConnectionChanges(fields: [.connType: "http"]),
          sharing: .scoped(toDeployment: "dev")),
        by: Fixture.actor)
    }
    try workspace.apply(.settle(.rename(id: workspace.deployments[2].id, to: "dev-2")), by: Fixture.actor)
    #expect(workspace.conflicts().isEmpty)
  }

  /// Three Deployments of one name (each clashing with the first) are one conflict of three:
  /// keeping any one deletes both others, and the question names both files before it does.
  @Test func keepingOneOfThreeDeletesBothOthersAndSaysSo() throws {
    var workspace = Fixture().workspace
    workspace.deployments[1].name = "DEV"
    workspace.deployments[2].name = "Dev"
    let conflicts = workspace.conflicts()
    #expect(conflicts.count == 1 && conflicts[0].ids.count == 3)
    let kept = conflicts[0].ids[1]
    let others = conflicts[0].ids.filter { $0 != kept }
    var asking = workspace
    let question = try #require(
      Self.question { _ = try asking.apply(.settle(.keep(id: kept)), by: Fixture.actor) })
    #expect(question.hasPrefix("Keep deployments/\(kept).json and delete "))
    for other in others { #expect(question.contains("deployments/\(other).json")) }
    try workspace.apply(.settle(.keep(id: kept)), by: Fixture.actor, confirmed: true)
    #expect(workspace.conflicts().isEmpty)
    #expect(workspace.deployments.map(\.id) == [kept])
  }

  /// A Workspace connection that two Deployment-scoped ones of its key clash with (in two
  /// Deployments): two conflicts; keeping the shared one deletes both scoped ones, and keeping a
  /// scoped one deletes the shared one only.
  @Test func keepingAnObjectInTwoConflictsWinsBoth() throws {
    var fixture = Fixture()
    try fixture.postgres("db")
    try fixture.postgres("local_dev", sharing: .scoped(toDeployment: "dev"))
    try fixture.postgres("local_prod", sharing: .scoped(toDeployment: "prod"))
    var merged = fixture.workspace
    for index in merged.connections.indices where merged.connections[index].key.hasPrefix("local") {
      merged.connections[index].key = "db"
    }
    let conflicts = merged.conflicts()
    #expect(conflicts.count == 2)
    let shared = try #require(merged.connections.first { $0.scope == .workspace }).id
    var keepingShared = merged
    try keepingShared.apply(.settle(.keep(id: shared)), by: Fixture.actor, confirmed: true)
    #expect(keepingShared.connections.map(\.id) == [shared] && keepingShared.conflicts().isEmpty)

    let scoped = conflicts[1].ids[1]
    var keepingScoped = merged
    try keepingScoped.apply(.settle(.keep(id: scoped)), by: Fixture.actor, confirmed: true)
    #expect(!keepingScoped.connections.contains { $0.id == shared })
    #expect(keepingScoped.connections.count == 2 && keepingScoped.conflicts().isEmpty)
  }

  /// Links, exclusions and scopes naming a Deployment that is gone: listed, affecting no
  /// Deployment; dropping them keeps everything else of the objects.
  @Test func danglingReferencesAreDroppedKeepingTheRest() throws {
    var fixture = Fixture()
    try fixture.postgres("db", sharing: .restricted)
    try fixture.postgres("local", sharing: .scoped(toDeployment: "staging"))
    try fixture.run(
      .linkConnection(
        ObjectReference(.connection, "db"), deployment: "dev",
        overrides: ConnectionChanges(fields: [.host: "d"])))
    try fixture.run(
      .linkConnection(
        ObjectReference(.connection, "db"), deployment: "staging",
        overrides: ConnectionChanges(fields: [.host: "s"])))
    var workspace = fixture.workspace
    workspace.deployments.removeAll { $0.name == "staging" }
    let conflicts = workspace.conflicts()
    #expect(conflicts.map(\.kind) == [.dangling, .dangling] && conflicts.allSatisfy(\.deployments.isEmpty))
    #expect(Self.needsConfirmation { _ = try workspace.apply(.settle(.dropDangling), by: Fixture.actor) })
    try workspace.apply(.settle(.dropDangling), by: Fixture.actor, confirmed: true)
    #expect(workspace.conflicts().isEmpty)
    #expect(workspace.connections.map(\.key) == ["db"])
    #expect(workspace.connections[0].links.count == 1 && workspace.connections[0].stamp.revision > 1)
  }

  /// The question a command asked instead of acting, or nil when it acted or failed otherwise.
  static func question(_ body: () throws -> Void) -> String? {
    do {
      try body()
    } catch let ModelError.needsConfirmation(impact) {
      return impact.question
    } catch {}
    return nil
  }

  static func needsConfirmation(_ body: () throws -> Void) -> Bool {
    do {
      try body()
      return false
    } catch ModelError.needsConfirmation {
      return true
    } catch {
      return false
    }
  }
}
