import AirenvApp
import AirenvModel
import AirenvStore
import ArgumentParser
import Foundation

/// One command's view of the repository: where it is, which Workspace, who is acting.
struct Session {
  var repository: Repository
  var workspaceName: String?
  var actor: Actor
  var readonly: Bool
  var identityFile: IdentityFile
  /// The identities held here, read once for the session (or why they could not be).
  var identities: Result<[LocalIdentity], StoreError>

  /// A session as the options give it: the identity file read once; without a user named, the
  /// acting user is the one identity held here, else the login name.
  init(
    repository: Repository, workspaceName: String?, explicitUser: String?, readonly: Bool,
    environment: [String: String]
  ) {
    let file = IdentityFile(environment: environment)
    let identities = Result { () throws(StoreError) in try file.load() }
    self.repository = repository
    self.workspaceName = workspaceName
    self.actor = Actor(
      user: GlobalOptions.userName(
        explicit: explicitUser, environment: environment, held: (try? identities.get()) ?? []),
      time: Date())
    self.readonly = readonly
    identityFile = file
    self.identities = identities
    repository.hold((try? identities.get()) ?? [], actingAs: actor.user)
  }

  /// The Workspace, for a user who is allowed to read it.
  func read(allowingConflicts: Bool = false) throws -> Workspace {
    try application.read(allowingConflicts: allowingConflicts)
  }

  /// Says on standard error what a git merge left unsettled, once per conflict, for a listing
  /// that shows such a Workspace anyway.
  func warn(about conflicts: [Conflict]) {
    for conflict in conflicts {
      Console.error(
        "airenv: warning: \(conflict.subject) \"\(conflict.name)\": \(conflict.reason) "
          + "(\(conflict.files.joined(separator: " and "))); see `airenv conflicts`")
    }
  }

  /// The objects of `workspace` (as read) that nobody allowed to has vouched for, by id; said on
  /// standard error for a listing or a view that shows them (see `airenv approve`).
  func unverified(in workspace: Workspace) throws -> [String: UnverifiedObject] {
    let unverified = try application.unverifiedObjects(in: workspace)
    if !unverified.isEmpty {
      let names = unverified.values.map { "\($0.kind) \($0.name)" }.sorted()
      Console.error(
        "airenv: warning: \(unverified.count == 1 ? "1 object is" : "\(unverified.count) objects are") unverified "
          + "(edited outside airenv, or last written by someone who may not change it): "
          + names.prefix(5).joined(separator: ", ") + (names.count > 5 ? " and \(names.count - 5) more" : "")
          + "; export and delivery refuse the Deployments they reach until an Owner or Operator runs `airenv approve`"
      )
    }
    return unverified
  }

  /// The Workspace and what the acting user may see of it; revealing secrets needs
  /// Operator or Owner.
  /// With `onlyObjectsKeyed`, the Workspace holds only the objects of those keys: for a
  /// command that shows one object, which then need not build the other 10,000. With
  /// `onlyKind`, it holds objects of that kind only: for a listing of it. Without
  /// `openingSecrets` no secret is decrypted (see `Repository.read`).
  func read(
    reveal: Bool, onlyObjectsKeyed keys: [String]? = nil, onlyKind kind: ObjectKind? = nil,
    openingSecrets: Bool = true, allowingConflicts: Bool = false
  ) throws -> (Workspace, ViewPolicy) {
    precondition(openingSecrets || !reveal, "a revealed view needs its secrets opened")
    let workspace = try application.read(
      onlyObjectsKeyed: keys, onlyKind: kind, openingSecrets: openingSecrets,
      allowingConflicts: allowingConflicts)
    if reveal { try workspace.authorize(.revealSecrets, for: actor.user) }
    return (workspace, ViewPolicy(reveal: reveal, values: workspace.allows(.viewValues, for: actor.user)))
  }

  /// Refuses to show a revealed view that holds secrets the current key cannot open.
  func requireUnlocked(_ locked: [String], reveal: Bool) throws {
    guard reveal, !locked.isEmpty else { return }
    // A read-only command leaves an interrupted change (a new key half written) as it is.
    let pending =
      repository.hasInterruptedChange
      ? "; an interrupted change is pending, which any command without --readonly finishes" : ""
    if (try? repository.keepsDataKeys()) == true {
      throw Failure(
        message:
          "cannot reveal \(locked.joined(separator: ", ")): the Workspace's data key is not wrapped for "
          + "\(actor.user)'s identity held here (only Owners and Operators whose public key is recorded receive "
          + "it, once an Owner's save wraps it for them: a trusted Owner's next change, or `airenv key migrate`, "
          + "does), or the ciphertext was changed; see `airenv key status`" + pending,
        code: 1)
    }
    throw Failure(
      message: "cannot reveal \(locked.joined(separator: ", ")): "
        + "the secrets do not decrypt with the key in \(repository.keyring.location) "
        + "(missing, not this repository's key, or the ciphertext was changed); see `airenv key status`"
        + pending,
      code: 1)
  }

  /// The application layer for this command: the one way the CLI and the TUI change things.
  var application: Application {
    // An identity file that cannot be read holds nothing; why is said where it matters.
    var problem: String?
    if case .failure(let error) = identities { problem = error.message }
    return Application(
      repository: repository, workspaceName: workspaceName, user: actor.user, readonly: readonly,
      heldIdentities: ((try? identities.get()) ?? []).filter { $0.user == actor.user }.map(\.publicText),
      identityFile: identityFile.path, identityProblem: problem)
  }

  /// Applies a model command to the latest state on disk. A destructive command is
  /// confirmed on a terminal, or needs `--yes` when there is none. `inspect` first sees that
  /// state (once, even when the command then asks for confirmation), without a read of its own.
  @discardableResult
  func apply(_ command: Command, yes: Bool = false, inspect: (Workspace) -> Void = { _ in }) throws -> Outcome
  {
    do {
      // Only the outcome is shown: the command reads only the objects it names.
      var outcome = try application.perform(
        [command], confirmed: yes, readingOnlyNamedObjects: true, inspect: inspect
      ).outcome
      // A deletion can be taken back: say how.
      switch command {
      case .delete, .deleteDeployment:
        if outcome.changed { outcome.notes.append("`airenv undo` restores it") }
      default: break
      }
      report(outcome)
      return outcome
    } catch ModelError.needsConfirmation(let impact) {
      guard Console.interactive else {
        throw Failure.usage(
          "\(impact.question) This cannot be undone from here; pass --yes to confirm "
            + "(standard input is not a terminal).")
      }
      guard Console.confirm(impact.question) else {
        throw Failure(message: "cancelled; nothing changed", code: 1)
      }
      return try apply(command, yes: true)
    }
  }

  func refuseIfReadonly() throws { try application.refuseIfReadonly() }

  /// Adds the demo Workspace through ordinary commands, recorded in its history.
  func createDemoWorkspace() throws -> Workspace {
    var application = application
    let workspace = try application.createWorkspace(named: DemoWorkspace.name)
    application.workspaceName = workspace.name
    return try application.perform(DemoWorkspace.commands, named: "demo", confirmed: true).workspace
  }

  /// Whether the locale is UTF-8 (LC_ALL, else LC_CTYPE, else LANG); otherwise draw in ASCII.
  static func localeIsUTF8(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
    let locale =
      ["LC_ALL", "LC_CTYPE", "LANG"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty } ?? ""
    return locale.uppercased().contains("UTF-8") || locale.uppercased().contains("UTF8")
  }

  func report(_ outcome: Outcome) {
    Console.out(outcome.message)
    for note in outcome.notes { Console.out("  note: \(note)") }
  }
}
