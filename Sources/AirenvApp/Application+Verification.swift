import AirenvModel
import AirenvStore

extension Application {
  /// The objects of `workspace` nobody allowed to has vouched for, by id (see
  /// `Repository.unverifiedObjects`).
  /// With `whole` (the Workspace read whole), objects whose files are gone are among them.
  public func unverifiedObjects(in workspace: Workspace, whole: Bool = false) throws -> [String:
    UnverifiedObject]
  {
    try repository.unverifiedObjects(in: workspace, whole: whole)
  }

  /// Refuses to export or deliver a Deployment while an unverified connection or variable is in
  /// the Workspace, or the Deployment itself is unverified (its target says where secrets go),
  /// naming each with its file and why. Every Deployment, not only those such an object reaches
  /// now: a hand edit that unlinks or excludes an object takes it out of a Deployment's set,
  /// which delivery would then delete from Airflow.
  /// `unverified` is what `unverifiedObjects` said of `workspace`, when already asked.
  public func requireVerified(
    _ deployments: [Deployment], in workspace: Workspace, unverified known: [String: UnverifiedObject]? = nil
  ) throws {
    let unverified = try known ?? repository.unverifiedObjects(in: workspace, whole: true)
    guard !unverified.isEmpty else { return }
    let objects = unverified.values.filter { $0.kind != "deployment" }.sorted {
      ($0.kind, $0.name) < ($1.kind, $1.name)
    }
    for deployment in deployments {
      let blocking = [unverified[deployment.id]].compactMap { $0 } + objects
      if let first = blocking.first {
        throw ModelError.unverified(
          deployment: deployment.name, objects: blocking.map(\.description), approval: first.approval)
      }
    }
  }
}

extension Application {
  /// Approves objects as stored (`Command.approve`, `.approveDeployment`) in one change, which
  /// the acting user signs: refused where their public key is not recorded (the approval would
  /// prove nothing), and in a repository that keeps no identities.
  /// `workspace` is the Workspace as the caller read it, to check the approver against.
  public func approve(_ commands: [Command], in workspace: Workspace) throws -> Performed {
    try requireVerifiableApproval(in: workspace)
    if commands.contains(.approveWorkspace), try !repository.isTrustedOwner(user, in: workspace) {
      throw ApplicationError.approvalNotTrustedOwner(user: user, workspace: workspace.name)
    }
    if commands.contains(.approveWorkspace),
      let (first, second) = try repository.alikeMemberNames(in: workspace)
    {
      throw ApplicationError.approvalOfLookalikes(first: first, second: second, workspace: workspace.name)
    }
    let name = commands.contains(.approveWorkspace) ? Repository.memberListApproval : Repository.approval
    return try perform(commands, named: name, readingOnlyNamedObjects: true)
  }

  /// Records the acting user's agreement to the deletion of `objects` whose files are gone
  /// (`UnverifiedObject.fileGone`), as one signed change; those recorded.
  public func approveDeletions(of objects: [UnverifiedObject], in workspace: Workspace) throws
    -> [UnverifiedObject]
  {
    try refuseIfReadonly()
    try requireVerifiableApproval(in: workspace)
    return try repository.approveDeletions(of: objects, workspace: workspace.name, by: actor)
  }

  /// An approval must be signed, with a key an Owner wrapped the data key for: else it would
  /// verify nothing.
  private func requireVerifiableApproval(in workspace: Workspace) throws {
    guard try repository.verifiesObjects(in: workspace) else { throw ApplicationError.verificationOff }
    guard workspace.memberKeys[user] != nil else {
      throw ApplicationError.approvalUnsigned(user: user, workspace: workspace.name)
    }
    guard try repository.signsVerifiably(user, in: workspace) || workspace.role(of: user) < .`operator` else {
      throw ApplicationError.approvalUnverifiable(user: user, workspace: workspace.name)
    }
  }
}
