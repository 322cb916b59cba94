import AirenvModel
import Foundation

extension Repository {
  /// Records that `actor` agrees to the deletion of each object of `objects` whose file is gone
  /// though no change that counts deleted it (removed by hand, or deleted by someone the member
  /// list does not let change the Workspace now: a Member, an Operator who left): one signed
  /// change that deletes them, so that export and delivery take the Workspace as it is. An object
  /// that is back, or whose deletion counts by now, is left out. Returns those recorded.
  public func approveDeletions(of objects: [UnverifiedObject], workspace name: String?, by actor: Actor)
    throws -> [UnverifiedObject]
  {
    try withLock(exclusive: true) { () throws -> [UnverifiedObject] in
      let id = try chooseWorkspace(name).id
      let workspace = try loadWorkspace(id, allowingConflicts: true)
      try workspace.authorize(.change, for: actor.user)
      let gone = verify(workspace, learning: false, whole: true).filter(\.value.fileGone)
      let approved = objects.filter { gone[$0.id] != nil }.sorted { ($0.kind, $0.id) < ($1.kind, $1.id) }
      guard !approved.isEmpty else { return [] }
      // `before` is empty, not missing: the change deletes what it cannot show (a missing one
      // would read as a creation). Undo passes over it (`HistoryEntry.approvesDeletions`).
      let changes = approved.map {
        ObjectChange(
          kind: $0.kind, id: $0.id, key: $0.name, fields: [], before: .object([:]), afterDigest: nil,
          revision: nil, after: nil, parents: nil)
      }
      let (sequence, time, fileName) = try nextHistoryEntry(id, at: actor.time)
      let entry = HistoryEntry(
        sequence: sequence, time: time, user: actor.user, command: Self.approval, deployment: nil,
        changes: changes, undoes: nil, redoes: nil, sealed: nil)
      try Journal.commit(
        writes: try historyWrites(entry, named: fileName, workspace: id), deletes: [], layout: layout)
      return approved
    }
  }
}
