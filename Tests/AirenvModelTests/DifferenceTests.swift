import AirenvModel
import Testing

@Suite("Differences between two Deployments")
struct DifferenceTests {
  @Test func valuesDifferSecretsOnlySayTheyDoAndOneSidedObjectsAreNamed() throws {
    var fixture = Fixture()
    try fixture.postgres()
    try fixture.run(link("db", "prod", [.host: "prod-db", .password: "prod-pw"]))
    try fixture.run(.createVariable(key: "env", fields: VariableChanges(value: "dev"), sharing: .linkedToAll))
    try fixture.run(
      .linkVariable(ref("env", .variable), deployment: "prod", overrides: VariableChanges(value: "prod")))
    try fixture.run(
      .createVariable(key: "api_token", fields: VariableChanges(value: "t"), sharing: .restricted))
    try fixture.run(
      .linkVariable(ref("api_token", .variable), deployment: "prod", overrides: VariableChanges()))

    let differences = fixture.workspace.differences(between: fixture.id("dev"), and: fixture.id("prod"))
    let db = try #require(differences.first { $0.key == "db" })
    #expect(db.status == .differs)
    #expect(db.fields.map(\.name) == ["host", "password"])
    #expect(db.fields[0].first == "dev-db" && db.fields[0].second == "prod-db" && !db.fields[0].secret)
    // A secret field says only that it differs.
    #expect(db.fields[1].first == nil && db.fields[1].second == nil && db.fields[1].secret)
    #expect(differences.first { $0.key == "env" }?.fields.first?.second == "prod")
    let token = try #require(differences.first { $0.key == "api_token" })
    #expect(token.status == .onlyInSecond && token.fields.isEmpty)
    #expect(fixture.workspace.differences(between: fixture.id("dev"), and: fixture.id("staging")).isEmpty)
  }

  /// Objects both Deployments get with the same override are skipped before resolving; one
  /// override apart, an exclusion, or a scoped object of the same id must still show.
  @Test func onlyWhatSetsTwoDeploymentsApartIsCompared() throws {
    var fixture = Fixture()
    try fixture.postgres()
    try fixture.postgres("same_override")
    try fixture.postgres("one_apart")
    try fixture.postgres("excluded")
    for deployment in ["staging", "prod"] {
      try fixture.run(link("same_override", deployment, [.host: "shared-override"]))
    }
    try fixture.run(link("one_apart", "prod", [.port: "6543"]))
    try fixture.run(.exclude(ref("excluded"), deployment: "prod"))
    let differences = fixture.workspace.differences(between: fixture.id("staging"), and: fixture.id("prod"))
    #expect(differences.map(\.key) == ["excluded", "one_apart"])
    #expect(differences.first { $0.key == "one_apart" }?.fields.map(\.name) == ["port"])
    #expect(differences.first { $0.key == "excluded" }?.status == .onlyInFirst)
    // Against a Deployment without the shared override, it differs again.
    let fromDev = fixture.workspace.differences(between: fixture.id("dev"), and: fixture.id("prod"))
    #expect(fromDev.map(\.key) == ["excluded", "one_apart", "same_override"])
  }
}
