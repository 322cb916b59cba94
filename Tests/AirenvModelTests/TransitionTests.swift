import AirenvModel
import Testing

@Suite("Transitions, cascades and partial updates")
struct TransitionTests {
  @Test func turningLinkedToAllOffKeepsLinksAndInertExclusionsThatReturnWhenTurnedOn() throws {
    var fixture = Fixture()
    try fixture.postgres()
    try fixture.run(link("db", "prod", [.host: "prod-db"]))
    try fixture.run(.exclude(ref("db"), deployment: "staging"))

    let off = try fixture.run(.updateConnection(ref("db"), ConnectionChanges(), linkedToAll: false))
    var connection = fixture.connection("db")
    #expect(connection.cellState(for: fixture.id("dev")) == .notLinked)
    #expect(connection.cellState(for: fixture.id("staging")) == .inertExclusion)
    #expect(connection.resolved(for: fixture.id("prod"))?.fields[.host]?.value == "prod-db")
    #expect(off.notes.contains { $0.contains("inert") })

    try fixture.run(.updateConnection(ref("db"), ConnectionChanges(), linkedToAll: true))
    connection = fixture.connection("db")
    #expect(connection.cellState(for: fixture.id("staging")) == .excluded)
    #expect(connection.cellState(for: fixture.id("dev")) == .linkedViaAll)
    #expect(connection.cellState(for: fixture.id("prod")) == .overridden)
  }

  @Test func turningLinkedToAllOnKeepsExplicitLinksAndOverrides() throws {
    var fixture = Fixture()
    try fixture.postgres(sharing: .restricted)
    try fixture.run(link("db", "prod", [.password: "prod-pw"]))
    try fixture.run(.updateConnection(ref("db"), ConnectionChanges(), linkedToAll: true))
    #expect(fixture.resolved("db", for: "prod")?.fields[.password] == ResolvedValue("prod-pw", .override))
    #expect(fixture.resolved("db", for: "dev")?.fields[.password] == ResolvedValue("dev-pw", .base))
  }

  @Test func excludingALinkedDeploymentNeedsConfirmationNamingTheLoss() throws {
    var fixture = Fixture()
    try fixture.postgres()
    try fixture.run(link("db", "prod", [.host: "prod-db"]))
    #expect(throws: ModelError.self) { try fixture.run(.exclude(ref("db"), deployment: "prod")) }
    do {
      try fixture.run(.exclude(ref("db"), deployment: "prod"))
    } catch {
      guard case .needsConfirmation(let impact) = error else { Issue.record("\(error)"); return }
      #expect(impact.question.contains("overrides of host"))
    }
    #expect(fixture.connection("db").cellState(for: fixture.id("prod")) == .overridden)
    try fixture.run(.exclude(ref("db"), deployment: "prod"), confirmed: true)
    let connection = fixture.connection("db")
    #expect(connection.links.isEmpty)
    #expect(connection.cellState(for: fixture.id("prod")) == .excluded)
  }

  @Test func linkingAnExcludedDeploymentLiftsTheExclusion() throws {
    var fixture = Fixture()
    try fixture.postgres()
    try fixture.run(.exclude(ref("db"), deployment: "prod"))
    let outcome = try fixture.run(link("db", "prod"))
    #expect(fixture.connection("db").exclusions.isEmpty)
    #expect(outcome.notes.contains { $0.contains("lifted the exclusion") })
  }

  @Test func includeRestoresTheLinkedToAllValue() throws {
    var fixture = Fixture()
    try fixture.postgres()
    try fixture.run(.exclude(ref("db"), deployment: "dev"))
    try fixture.run(.include(ref("db"), deployment: "dev"))
    #expect(fixture.connection("db").cellState(for: fixture.id("dev")) == .linkedViaAll)
  }

  @Test func aNewDeploymentGetsEveryLinkedToAllObjectAndNothingElse() throws {
    var fixture = Fixture()
    try fixture.postgres("shared")
    try fixture.postgres("chosen", sharing: .restricted)
    try fixture.run(.createVariable(key: "env", fields: VariableChanges(value: "x"), sharing: .linkedToAll))
    let outcome = try fixture.run(
      .createDeployment(name: "feature-x", description: nil, tags: [], branch: "feature/x"))
    let id = fixture.id("feature-x")
    #expect(fixture.workspace.resolvedConnections(for: id).map(\.0.key) == ["shared"])
    #expect(fixture.workspace.resolvedVariables(for: id).map(\.0.key) == ["env"])
    #expect(outcome.notes == ["it gets 2 objects that are linked to all Deployments"])
  }

  @Test func deletingAnObjectRemovesItsLinksAfterConfirmingTheBlastRadius() throws {
    var fixture = Fixture()
    try fixture.postgres()
    try fixture.run(link("db", "prod", [.host: "p"]))
    do {
      try fixture.run(.delete(ref("db")))
      Issue.record("delete without confirmation went through")
    } catch {
      guard case .needsConfirmation(let impact) = error else { Issue.record("\(error)"); return }
      #expect(impact.deploymentCount == 3)
      #expect(impact.question.contains("3 Deployments"))
    }
    try fixture.run(.delete(ref("db")), confirmed: true)
    #expect(fixture.workspace.connections.isEmpty)
  }

  @Test func deletingADeploymentCascadesToLinksExclusionsAndScopedObjects() throws {
    var fixture = Fixture()
    try fixture.postgres("linked")
    try fixture.postgres("excluded")
    try fixture.postgres("scoped", sharing: .scoped(toDeployment: "prod"))
    try fixture.run(link("linked", "prod", [.host: "p"]))
    try fixture.run(.exclude(ref("excluded"), deployment: "prod"))
    let prod = fixture.id("prod")
    #expect(throws: ModelError.self) { try fixture.run(.deleteDeployment(name: "prod")) }
    let outcome = try fixture.run(.deleteDeployment(name: "prod"), confirmed: true)
    #expect(outcome.message.contains("1 link, 1 exclusion and 1 Deployment-scoped object"))
    #expect(fixture.workspace.deployment(named: "prod") == nil)
    #expect(fixture.workspace.connections.map(\.key).sorted() == ["excluded", "linked"])
    #expect(
      fixture.workspace.connections.allSatisfy { $0.links[prod] == nil && !$0.exclusions.contains(prod) })
  }

  @Test func updatesNeverClearWhatTheyDoNotName() throws {
    var fixture = Fixture()
    try fixture.postgres()
    try fixture.run(link("db", "prod", [.host: "prod-db", .password: "prod-pw"]))
    try fixture.run(.exclude(ref("db"), deployment: "staging"))
    let before = fixture.connection("db")
    try fixture.run(
      .updateConnection(ref("db"), ConnectionChanges(fields: [.host: "new-dev-db"]), linkedToAll: nil))
    let after = fixture.connection("db")
    var expected = before.base
    expected.fields[.host] = "new-dev-db"
    #expect(after.base == expected)
    #expect(after.links == before.links)
    #expect(after.exclusions == before.exclusions)
    #expect(after.linkedToAll == before.linkedToAll)
    #expect(after.stamp.revision == before.stamp.revision + 1)

    // A link command that names one override field keeps the others.
    try fixture.run(link("db", "prod", [.login: "prod-user"]))
    #expect(
      fixture.connection("db").links[fixture.id("prod")]?.fields == [
        .host: "prod-db", .password: "prod-pw", .login: "prod-user",
      ])
  }

  @Test func clearingABaseFieldIsItsOwnExplicitAction() throws {
    var fixture = Fixture()
    try fixture.postgres()
    try fixture.run(.updateConnection(ref("db"), ConnectionChanges(clear: [.password]), linkedToAll: nil))
    #expect(fixture.connection("db").base.fields[.password] == nil)
    #expect(fixture.connection("db").base.fields[.login] == "app")
  }

  @Test func promotingAScopedObjectKeepsItLinkedToItsDeployment() throws {
    var fixture = Fixture()
    try fixture.postgres("scratch", sharing: .scoped(toDeployment: "dev"))
    let before = fixture.resolved("scratch", for: "dev")
    try fixture.run(.promote(ref("scratch")))
    let connection = fixture.connection("scratch")
    #expect(connection.scope == .workspace)
    #expect(connection.cellState(for: fixture.id("dev")) == .linked)
    #expect(
      fixture.resolved("scratch", for: "dev")?.fields.mapValues(\.value) == before?.fields.mapValues(\.value))
  }

  @Test func aStaleRevisionIsRefusedNamingWhoChangedItAndWhen() throws {
    var fixture = Fixture()
    try fixture.postgres()
    let revision = fixture.connection("db").stamp.revision
    try fixture.run(
      .updateConnection(ref("db"), ConnectionChanges(fields: [.host: "h2"]), linkedToAll: nil), by: "bob")
    var stale = ref("db")
    stale.expectedRevision = revision
    #expect {
      try fixture.run(.updateConnection(stale, ConnectionChanges(fields: [.host: "h3"]), linkedToAll: nil))
    } throws: { error in
      guard let error = error as? ModelError, error.category == .conflict else { return false }
      return error.message.contains("changed by bob at 2027-01-15T08:00:00Z")
    }
    #expect(fixture.connection("db").base.fields[.host] == "h2")
  }
}
