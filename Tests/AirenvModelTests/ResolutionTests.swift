import AirenvModel
import Testing

@Suite("Resolution: linkedToAll × link × exclusion")
struct ResolutionTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var linkedToAll: Bool
    var linked: Bool
    var excluded: Bool
    var receives: Bool
    var state: CellState
    var testDescription: String { "all=\(linkedToAll) link=\(linked) excluded=\(excluded)" }
  }

  static let cases: [Case] = [
    Case(linkedToAll: false, linked: false, excluded: false, receives: false, state: .notLinked),
    Case(linkedToAll: false, linked: true, excluded: false, receives: true, state: .linked),
    Case(linkedToAll: false, linked: false, excluded: true, receives: false, state: .inertExclusion),
    Case(linkedToAll: true, linked: false, excluded: false, receives: true, state: .linkedViaAll),
    Case(linkedToAll: true, linked: true, excluded: false, receives: true, state: .linked),
    Case(linkedToAll: true, linked: false, excluded: true, receives: false, state: .excluded),
  ]

  @Test(arguments: cases)
  func combination(_ test: Case) throws {
    var fixture = Fixture()
    try fixture.postgres(sharing: test.linkedToAll ? .linkedToAll : .restricted)
    if test.linked { try fixture.run(link("db", "prod")) }
    if test.excluded { try fixture.run(.exclude(ref("db"), deployment: "prod")) }
    let connection = fixture.connection("db")
    #expect((connection.resolved(for: fixture.id("prod")) != nil) == test.receives)
    #expect(connection.cellState(for: fixture.id("prod")) == test.state)
    #expect(fixture.workspace.resolvedConnections(for: fixture.id("prod")).count == (test.receives ? 1 : 0))
  }

  @Test func overriddenCellAndProvenancePerField() throws {
    var fixture = Fixture()
    try fixture.postgres()
    try fixture.run(link("db", "prod", [.host: "prod-db", .password: "prod-pw"]))
    #expect(fixture.connection("db").cellState(for: fixture.id("prod")) == .overridden)
    let prod = try #require(fixture.resolved("db", for: "prod"))
    #expect(prod.fields[.host] == ResolvedValue("prod-db", .override))
    #expect(prod.fields[.password] == ResolvedValue("prod-pw", .override))
    #expect(prod.fields[.login] == ResolvedValue("app", .base))
    #expect(prod.fields[.connType] == ResolvedValue("postgres", .base))
    #expect(prod.extra["sslmode"] == ResolvedValue(.string("prefer"), .base))
    let dev = try #require(fixture.resolved("db", for: "dev"))
    #expect(dev.fields[.host] == ResolvedValue("dev-db", .base))
  }

  @Test func scopedObjectsResolveOnlyInTheirDeploymentWithScopedProvenance() throws {
    var fixture = Fixture()
    try fixture.postgres("scratch", sharing: .scoped(toDeployment: "dev"))
    let scratch = try fixture.workspace.connection(ObjectReference(.connection, "scratch"))
    #expect(scratch.resolved(for: fixture.id("dev"))?.fields[.host] == ResolvedValue("dev-db", .scoped))
    #expect(scratch.resolved(for: fixture.id("prod")) == nil)
    #expect(scratch.cellState(for: fixture.id("dev")) == .scoped)
  }

  @Test func extraKeysAreOverriddenAndRemovedKeyByKey() throws {
    var fixture = Fixture()
    try fixture.postgres()
    try fixture.run(
      .linkConnection(
        ref("db"), deployment: "prod",
        overrides: ConnectionChanges(extraSet: ["sslmode": .string("require")], extraUnset: ["timeout"])))
    let prod = try #require(fixture.resolved("db", for: "prod"))
    #expect(prod.extraObject == ["sslmode": .string("require")])
    #expect(prod.extra["sslmode"]?.provenance == .override)
    #expect(prod.removedExtraKeys == ["timeout"])
    let dev = try #require(fixture.resolved("db", for: "dev"))
    #expect(dev.extraObject == ["sslmode": .string("prefer"), "timeout": .integer(10)])

    // Resetting the removal makes the key inherit again; the other override stays.
    try fixture.run(.resetOverride(ref("db"), deployment: "prod", fields: ["extra.timeout"]))
    let after = try #require(fixture.resolved("db", for: "prod"))
    #expect(after.extraObject == ["sslmode": .string("require"), "timeout": .integer(10)])
  }

  @Test func anOverrideSetToEmptyDiffersFromInheriting() throws {
    var fixture = Fixture()
    try fixture.postgres()
    try fixture.run(link("db", "prod", [.login: "", .port: ""]))
    let prod = try #require(fixture.resolved("db", for: "prod"))
    #expect(prod.fields[.login] == ResolvedValue("", .override))
    #expect(prod.fields[.port] == nil)
    #expect(prod.removedFields == [.port])
    try fixture.run(.resetOverride(ref("db"), deployment: "prod", fields: ["login"]))
    #expect(fixture.resolved("db", for: "prod")?.fields[.login] == ResolvedValue("app", .base))
    #expect(fixture.connection("db").links[fixture.id("prod")]?.setFieldNames == ["port"])
  }

  @Test func resetWithoutFieldsClearsEveryOverrideButKeepsTheLink() throws {
    var fixture = Fixture()
    try fixture.postgres(sharing: .restricted)
    try fixture.run(link("db", "prod", [.host: "prod-db", .password: "x"]))
    try fixture.run(.resetOverride(ref("db"), deployment: "prod", fields: []))
    #expect(fixture.connection("db").cellState(for: fixture.id("prod")) == .linked)
    #expect(fixture.resolved("db", for: "prod")?.fields[.host]?.value == "dev-db")
  }

  @Test func variableOverridesResolveWithProvenance() throws {
    var fixture = Fixture()
    try fixture.run(.createVariable(key: "env", fields: VariableChanges(value: "dev"), sharing: .linkedToAll))
    try fixture.run(
      .linkVariable(ref("env", .variable), deployment: "prod", overrides: VariableChanges(value: "prod")))
    let variable = try fixture.workspace.variable(ref("env", .variable))
    #expect(variable.resolved(for: fixture.id("prod"))?.value == ResolvedValue("prod", .override))
    #expect(variable.resolved(for: fixture.id("dev"))?.value == ResolvedValue("dev", .base))
  }
}
