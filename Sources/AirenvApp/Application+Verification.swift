import AirenvModel
import AirenvStore

extension Application {
  /// The objects of `workspace` nobody allowed to has vouched for, by id (see
  /// `Repository.unverifiedObjects`).
  public func unverifiedObjects(in workspace: Workspace) throws -> [String: UnverifiedObject] {
    try repository.unverifiedObjects(in: workspace)
  }

  /// Refuses to export or deliver a Deployment that an unverified object reaches (or that is
  /// unverified itself: its target says where secrets go), naming each with its file and why.
  /// `unverified` is what `unverifiedObjects` said of `workspace`, when already asked.
  public func requireVerified(
    _ deployments: [Deployment], in workspace: Workspace, unverified known: [String: UnverifiedObject]? = nil
  ) throws {
    let unverified = try known ?? repository.unverifiedObjects(in: workspace)
    guard !unverified.isEmpty else { return }
    let connections = workspace.connections.filter { unverified[$0.id] != nil }
    let variables = workspace.variables.filter { unverified[$0.id] != nil }
    for deployment in deployments {
      let reaching =
        [unverified[deployment.id]].compactMap { $0 }
        + connections.filter { $0.reach(for: deployment.id) != nil }.compactMap { unverified[$0.id] }
        + variables.filter { $0.reach(for: deployment.id) != nil }.compactMap { unverified[$0.id] }
      if !reaching.isEmpty {
        throw ModelError.unverified(
          deployment: deployment.name, objects: reaching.map(\.description), approval: reaching[0].approval)
      }
    }
  }
}

extension Application {
  /// Approves objects as stored (`Command.approve`, `.approveDeployment`) in one change, which
  /// the acting user signs: refused where their public key is not recorded (the approval would
  /// prove nothing), and in a repository that keeps no identities.
  public func approve(_ commands: [Command]) throws -> Performed {
    guard try repository.keepsDataKeys() else { throw ApplicationError.verificationOff }
    let workspace = try read(openingSecrets: false)
    guard workspace.memberKeys[user] != nil else {
      throw ApplicationError.approvalUnsigned(user: user, workspace: workspace.name)
    }
    return try perform(commands, named: "approve", readingOnlyNamedObjects: true)
  }
}
