import AirenvModel
import Testing

/// States the commands never make but a git merge of two clones does; the store refuses them
/// on reading, naming both files.
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
}
