import AirenvModel
import AirenvStore
import AirenvUI

/// Changes another process makes to the Workspace on screen, noticed by polling its change
/// stamp between keys: each poll yields at most one action for `update` — the new Workspace,
/// or why it cannot be read now (reported at once, cleared by the next good read).
struct LiveChanges {
  let application: Application
  /// The Workspace watched.
  let workspace: WorkspaceID
  private var stamp: [Int]
  /// The Workspace as a git merge left it, when the last poll found it in conflict.
  private var conflicted: Workspace?

  init(application: Application, workspace: WorkspaceID) {
    self.application = application
    self.workspace = workspace
    stamp = application.repository.changeStamp(workspace: workspace)
  }

  /// What changed since the last poll (or the last `acknowledge`), if anything did.
  mutating func poll(_ workspace: Workspace) -> Action? {
    let now = application.repository.changeStamp(workspace: workspace.id)
    guard now != stamp else { return nil }
    stamp = now
    do {
      // Followed by id: renamed elsewhere it is still this Workspace; deleted, it is gone.
      guard let current = try application.repository.read(workspaceID: workspace.id) else {
        return .reloadFailed("the Workspace on screen was deleted by another process; W opens another")
      }
      // A change may have made the acting user no longer a member, or recorded their key: what
      // follows is then not shown.
      _ = try current.role(of: application.user)
      try application.requireIdentity(in: current)
      return .reloaded(current)
    } catch {
      if let merged = try? application.repository.read(workspaceID: workspace.id, allowingConflicts: true),
        merged.conflicts().contains(where: { $0.kind == .duplicate }),
        (try? merged.role(of: application.user)) != nil, (try? application.requireIdentity(in: merged)) != nil
      {
        conflicted = merged
        return nil
      }
      // The status line is one row: the file (from the repository's root), its line, the reason.
      let message: String
      if case StoreError.corrupt(let path, let line, _, let reason) = error {
        message = path + (line.map { ":\($0)" } ?? "") + ": " + reason
      } else {
        message = UserMessage(error)?.oneLine ?? "\(error)"
      }
      return .reloadFailed(message.replacingOccurrences(of: application.repository.root + "/", with: ""))
    }
  }

  /// A Workspace found in conflict by the last poll, once.
  mutating func takeConflicted() -> Workspace? {
    defer { conflicted = nil }
    return conflicted
  }

  /// The runtime's own save is not news: it already shows what it wrote.
  mutating func acknowledge(_ workspace: Workspace) {
    stamp = application.repository.changeStamp(workspace: workspace.id)
  }
}
