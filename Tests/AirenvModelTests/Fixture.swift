import AirenvModel
import Foundation

/// A Workspace with Deployments dev, staging and prod, built through commands.
struct Fixture {
  static let actor = Actor(user: "alice", time: Date(timeIntervalSince1970: 1_800_000_000))
  var workspace = Workspace(id: "ws_test", name: "test", stamp: Stamp(by: Fixture.actor))

  init(deployments: [String] = ["dev", "staging", "prod"]) {
    for name in deployments {
      try! workspace.apply(
        .createDeployment(name: name, description: nil, tags: [], branch: nil), by: Self.actor)
    }
  }

  func id(_ name: String) -> DeploymentID { workspace.deployment(named: name)!.id }

  @discardableResult
  mutating func run(_ command: Command, by user: String = "alice", confirmed: Bool = false) throws(ModelError)
    -> Outcome
  {
    try workspace.apply(command, by: Actor(user: user, time: Self.actor.time), confirmed: confirmed)
  }

  mutating func postgres(_ key: String = "db", sharing: Sharing = .linkedToAll) throws(ModelError) {
    try run(
      .createConnection(
        key: key,
        fields: ConnectionChanges(
          fields: [
            .connType: "postgres", .host: "dev-db", .login: "app", .password: "dev-pw", .port: "5432",
          ],
          extraSet: ["sslmode": .string("prefer"), "timeout": .integer(10)]),
        sharing: sharing))
  }

  func connection(_ key: String) -> Connection {
    try! workspace.connection(ObjectReference(.connection, key))
  }

  func resolved(_ key: String, for deployment: String) -> ResolvedConnection? {
    connection(key).resolved(for: id(deployment))
  }
}

func ref(_ key: String, _ kind: ObjectKind = .connection) -> ObjectReference { ObjectReference(kind, key) }

func link(_ key: String, _ deployment: String, _ fields: [ConnectionField: String] = [:]) -> Command {
  .linkConnection(ref(key), deployment: deployment, overrides: ConnectionChanges(fields: fields))
}
