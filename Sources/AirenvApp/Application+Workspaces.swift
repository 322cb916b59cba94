import AirenvModel
import AirenvStore
import AirenvText

/// Workspaces as a whole: listed, created, renamed, deleted — the rules the CLI's
/// `workspace` commands and the TUI's Workspaces screen share.
extension Application {
  /// Every Workspace in the repository, by name.
  public func workspaces() throws -> [WorkspaceSummary] {
    try repository.workspaceSummaries().sorted { $0.name.lowercased() < $1.name.lowercased() }
  }

  /// A new, empty Workspace; whoever creates it is its Owner.
  @discardableResult
  public func createWorkspace(named name: String) throws -> Workspace {
    try refuseIfReadonly()
    try repository.initialize()
    return try repository.createWorkspace(named: name, by: actor)
  }

  /// Renaming needs the Owner role in that Workspace. With `expectedID` (a screen that showed
  /// it), refused unless `name` still stands for that very Workspace.
  public func renameWorkspace(_ name: String, to newName: String, expectedID: WorkspaceID? = nil) throws {
    try refuseIfReadonly()
    let workspace = try repository.read(workspace: name, onlyObjectsKeyed: [])
    try requireIdentity(in: workspace)
    try workspace.authorize(.administer, for: user)
    try repository.renameWorkspace(name, to: newName, by: actor, expectedID: expectedID)
  }

  /// Deleting needs the Owner role in that Workspace, and a confirmation that says what goes
  /// (`ModelError.needsConfirmation` until `confirmed`).
  public func deleteWorkspace(_ name: String, expectedID: WorkspaceID? = nil, confirmed: Bool) throws {
    try refuseIfReadonly()
    let workspace = try repository.read(workspace: name)
    try requireIdentity(in: workspace)
    if let expectedID, workspace.id != expectedID { throw StoreError.workspaceReplaced(name: name) }
    try workspace.authorize(.administer, for: user)
    guard confirmed else {
      throw ModelError.needsConfirmation(
        Impact(
          question: "Delete Workspace \"\(workspace.name)\" with its "
            + "\(counted(workspace.deployments.count, "Deployment")), "
            + "\(counted(workspace.connections.count, "connection")), "
            + "\(counted(workspace.variables.count, "variable")) and its history? This cannot be undone.",
          deploymentCount: workspace.deployments.count))
    }
    try repository.deleteWorkspace(workspace.name, expectedID: expectedID ?? workspace.id)
  }
}
