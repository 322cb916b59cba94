import AirenvModel
import Testing

/// `Workspace.trial` checks a command on only the objects it can touch; it must answer
/// exactly as `apply` on the whole Workspace does: the same success, refusal or question.
@Suite("Trying a command before applying it")
struct TrialTests {
  /// dev, staging, prod; `db` linked to all with prod overridden; `Cache` restricted and a
  /// dev-scoped `cache`; a variable `region` linked to prod only.
  func fixture() throws -> Fixture {
    var fixture = Fixture()
    try fixture.postgres("db")
    try fixture.run(
      .linkConnection(
        ObjectReference(.connection, "db"), deployment: "prod",
        overrides: ConnectionChanges(fields: [.host: "prod-db", .password: "prod-pw"])))
    try fixture.postgres("Cache", sharing: .restricted)
    try fixture.postgres("cache", sharing: .scoped(toDeployment: "dev"))
    try fixture.run(
      .createVariable(key: "region", fields: VariableChanges(value: "eu"), sharing: .restricted))
    try fixture.run(
      .linkVariable(ObjectReference(.variable, "region"), deployment: "prod", overrides: VariableChanges()))
    for index in 0..<20 { try fixture.postgres("other_\(index)") }
    return fixture
  }

  static let commands: [(String, Command)] = [
    (
      "link",
      .linkConnection(ObjectReference(.connection, "db"), deployment: "dev", overrides: ConnectionChanges())
    ),
    (
      "a link that resolves twice",
      .linkConnection(
        ObjectReference(.connection, "Cache"), deployment: "dev", overrides: ConnectionChanges())
    ),
    ("exclude with overrides", .exclude(ObjectReference(.connection, "db"), deployment: "prod")),
    ("exclude", .exclude(ObjectReference(.connection, "db"), deployment: "staging")),
    ("include", .include(ObjectReference(.connection, "db"), deployment: "staging")),
    ("unlink", .unlink(ObjectReference(.variable, "region"), deployment: "prod")),
    ("reset", .resetOverride(ObjectReference(.connection, "db"), deployment: "prod", fields: ["host"])),
    ("rename onto another key", .rename(ObjectReference(.connection, "db"), newKey: "CACHE")),
    ("rename", .rename(ObjectReference(.connection, "db"), newKey: "warehouse")),
    (
      "create a duplicate",
      .createVariable(key: "REGION", fields: VariableChanges(value: "x"), sharing: .linkedToAll)
    ),
    ("create", .createVariable(key: "zone", fields: VariableChanges(value: "x"), sharing: .linkedToAll)),
    ("delete", .delete(ObjectReference(.connection, "db"))),
    ("promote onto a shared key", .promote(ObjectReference(.connection, "cache", scopeDeployment: "dev"))),
    ("an ambiguous key", .exclude(ObjectReference(.connection, "CACHE"), deployment: "prod")),
    ("a missing object", .exclude(ObjectReference(.connection, "nope"), deployment: "prod")),
    ("a missing Deployment", .exclude(ObjectReference(.connection, "db"), deployment: "nope")),
    (
      "turn Linked to all off",
      .updateConnection(ObjectReference(.connection, "db"), ConnectionChanges(), linkedToAll: false)
    ),
    ("delete a Deployment", .deleteDeployment(name: "prod")),
  ]

  @Test func aTrialAnswersAsApplyingToTheWholeWorkspace() throws {
    let workspace = try fixture().workspace
    let actor = Fixture.actor
    var outcomes: Set<String> = []
    for (name, command) in Self.commands {
      var whole = workspace
      let applied = Result { () throws(ModelError) in _ = try whole.apply(command, by: actor) }
      let tried = Result { () throws(ModelError) in try workspace.trial([command], by: actor) }
      #expect("\(applied)" == "\(tried)", "\(name)")
      switch applied {
      case .success: outcomes.insert("applied")
      case .failure(.needsConfirmation): outcomes.insert("asks")
      case .failure: outcomes.insert("refused")
      }
    }
    // The table reaches successes, refusals and questions alike.
    #expect(outcomes == ["applied", "asks", "refused"])
  }
}

/// `Workspace.apply(batch:)` applies each command on the objects sharing its key; it must end
/// where applying them one by one to the whole Workspace ends, with the same answers.
@Suite("Applying commands in a batch")
struct BatchTests {
  /// The objects in a stable order, without the ids generated for the ones created since.
  static func objects<P>(_ objects: [EnvironmentObject<P>], known: Set<ObjectID>) -> [EnvironmentObject<P>] {
    objects.map { object in
      var copy = object
      if !known.contains(copy.id) { copy.id = "" }
      return copy
    }.sorted { ($0.key, $0.id, "\($0.scope)") < ($1.key, $1.id, "\($1.scope)") }
  }

  @Test(arguments: [false, true])
  func aBatchEndsWhereOneByOneEnds(confirmed: Bool) throws {
    let workspace = try TrialTests().fixture().workspace
    let commands =
      TrialTests.commands.map(\.1) + [
        .createConnection(
          key: "fresh", fields: ConnectionChanges(fields: [.connType: "http"]), sharing: .linkedToAll),
        .createConnection(
          key: "FRESH", fields: ConnectionChanges(fields: [.connType: "http"]), sharing: .linkedToAll),
        .updateConnection(
          ObjectReference(.connection, "fresh"), ConnectionChanges(fields: [.host: "h"]), linkedToAll: nil),
      ]
    var sequential = workspace
    var answers: [String] = []
    for command in commands {
      answers.append(
        "\(Result { () throws(ModelError) in try sequential.apply(command, by: Fixture.actor, confirmed: confirmed) })"
      )
    }
    var batched = workspace
    let results = batched.apply(batch: commands, by: Fixture.actor, confirmed: confirmed)
    #expect(results.map { "\($0)" } == answers)
    let known = Set(workspace.connections.map(\.id) + workspace.variables.map(\.id))
    #expect(
      Self.objects(batched.connections, known: known) == Self.objects(sequential.connections, known: known))
    #expect(Self.objects(batched.variables, known: known) == Self.objects(sequential.variables, known: known))
    #expect(batched.deployments == sequential.deployments)
  }
}
