/// Why the repository could not be read or written, worded for the person at the terminal.
public enum StoreError: Error, Equatable, Sendable {
  case notARepository(path: String)
  case corrupt(path: String, line: Int?, column: Int?, reason: String)
  case newerFormat(path: String, version: Int)
  case io(path: String, reason: String)
  case workspaceNotFound(name: String, available: [String])
  case noWorkspace
  case workspaceNotChosen(available: [String])
  /// The Workspace a screen showed under this name is not the one the name now stands for.
  case workspaceReplaced(name: String)
  case keyProblem(String)
  case keyMismatch(location: String, fingerprint: String, repository: String)
  case keyMissing(location: String, repository: String)
  /// A change to objects nobody allowed to has vouched for (each described with its file and
  /// why): saved, it would vouch for them as they are stored.
  case unverifiedChange(objects: [String], approval: String)
  /// A change of the member list or settings by someone the stored `workspace.json` calls an
  /// Owner but no signed change by an Owner made one: it would count for nothing.
  case notTrustedOwner(user: String, workspace: String)
  /// A delivery record that no Owner or Operator signed: it would say which objects in Airflow
  /// are airenv's to delete or overwrite.
  case unverifiedDeliveryRecord(path: String, reason: String)

  public var message: String {
    switch self {
    case .notARepository(let path):
      return "no airenv repository at \(path); create one with `airenv init` (or `airenv demo`), "
        + "or point --repo / AIRENV_REPO at an existing one"
    case .corrupt(let path, let line, let column, let reason):
      let position = line.map { ":\($0)" + (column.map { ":\($0)" } ?? "") } ?? ""
      return "\(path)\(position): \(reason); the file was left untouched — fix it by hand "
        + "or restore it from a backup or git"
    case .newerFormat(let path, let version):
      return "\(path) has format version \(version), newer than this airenv reads "
        + "(\(StoredFile.currentVersion)); upgrade airenv"
    case .io(let path, let reason):
      return "\(path): \(reason)"
    case .workspaceNotFound(let name, let available):
      return "no Workspace \"\(name)\" in this repository"
        + (available.isEmpty ? "" : " (Workspaces: \(available.joined(separator: ", ")))")
    case .noWorkspace:
      return "the repository has no Workspace yet; create one with `airenv workspace create NAME` "
        + "or fill it with `airenv demo`"
    case .workspaceNotChosen(let available):
      return "the repository has several Workspaces (\(available.joined(separator: ", "))); choose one "
        + "with --workspace NAME, AIRENV_WORKSPACE or `airenv workspace use NAME`"
    case .workspaceReplaced(let name):
      return "Workspace \"\(name)\" is not the one shown: it was renamed, deleted or replaced meanwhile; "
        + "nothing was changed — look at the list again"
    case .keyProblem(let reason):
      return "encryption key: \(reason)"
    case .keyMismatch(let location, let fingerprint, let repository):
      return "the key in \(location) (fingerprint \(fingerprint)) is not the key this repository's secrets "
        + "are encrypted with (fingerprint \(repository)); set AIRENV_KEY or AIRENV_KEY_FILE to the right key"
    case .unverifiedChange(let objects, let approval):
      return
        "not saved: this change would vouch for \(objects.count == 1 ? "an object" : "\(objects.count) objects") "
        + "as stored, and nobody allowed to has vouched for "
        + (objects.count == 1 ? "it" : "them") + ": " + objects.prefix(5).joined(separator: "; ")
        + (objects.count > 5 ? "; and \(objects.count - 5) more" : "")
        + ". Check \(objects.count == 1 ? "it" : "them"), approve with `\(approval)`"
        + (objects.count == 1 ? "" : " and so on (or `airenv approve --all`)")
        + ", then make the change again"
    case .notTrustedOwner(let user, let workspace):
      return "not saved: only an Owner may change the members or settings of Workspace \"\(workspace)\", and "
        + "signed changes by Owners did not make \(user.prefix(80)) one (workspace.json may say so: it was changed "
        + "outside airenv, see `airenv doctor`); restore workspace.json from git, or ask an Owner"
    case .unverifiedDeliveryRecord(let path, let reason):
      return
        "\(path): \(reason). This record says which objects in Airflow are airenv's (what `apply --prune` "
        + "deletes and what an apply overwrites without --adopt), so it is not used: restore it from git, or remove "
        + "it and its .sig (the next plan then treats every object there as not airenv's; `apply --adopt` takes "
        + "them back)"
    case .keyMissing(let location, let repository):
      return "no encryption key at \(location); this repository's secrets are encrypted with the key of "
        + "fingerprint \(repository): set AIRENV_KEY or AIRENV_KEY_FILE to it"
    }
  }

  /// The exit code SPEC §5.1 gives it: 3 for something asked for that is not there, 4 for a
  /// Workspace that changed under a screen that showed it, 1 for a failure.
  public var exitCode: Int32 {
    switch self {
    case .workspaceNotFound, .noWorkspace, .workspaceNotChosen: 3
    case .workspaceReplaced, .unverifiedChange, .unverifiedDeliveryRecord: 4
    case .notTrustedOwner: 5
    default: 1
    }
  }
}
