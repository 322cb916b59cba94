import AirenvModel
import AirenvStore
import AirenvText
import ArgumentParser

struct KeyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "key", abstract: "The key that encrypts secrets at rest.",
    subcommands: [Status.self, Rotate.self, Migrate.self])

  /// A command that rewrites every Workspace refuses read-only use and proves the acting user
  /// in each first.
  static func prepareToRewriteEveryWorkspace(_ session: Session) throws {
    try session.refuseIfReadonly()
    for summary in try session.repository.workspaceSummaries() {
      var application = session.application
      application.workspaceName = summary.name
      _ = try application.read(onlyObjectsKeyed: [])
    }
  }

  static func describe(_ change: DataKeyReport) -> String {
    "Workspace \(change.workspace): "
      + (change.renewed
        ? "a new data key, \(counted(change.resealed, "file")) sealed again, "
        : "the data key it has (no file sealed again), ")
      + "wrapped for \(change.readers.joined(separator: ", "))"
  }

  struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "status",
      abstract: "Where the key comes from and its fingerprint (never the key).")
    @OptionGroup var global: GlobalOptions
    @Option(name: .shortAndLong, help: "table or json.") var output: OutputFormat = .table

    struct View: Encodable {
      var source: String
      var location: String
      var exists: Bool
      var fingerprint: String?
      var repositoryFingerprint: String?
      var matches: Bool
      var undecryptable: [String]
      var warnings: [String]
      var otherFingerprints: [String]
      var dataKeys: [DataKey]
    }

    struct DataKey: Encodable {
      var workspace: String
      var fingerprint: String
      var wrappedFor: [String]
      var held: Bool
    }

    func run() throws {
      let status = try global.session.repository.keyStatus()
      let dataKeys = try global.session.repository.dataKeyStatus().map {
        DataKey(
          workspace: $0.workspace, fingerprint: $0.fingerprint, wrappedFor: $0.wrappedFor, held: $0.held)
      }
      let source: String =
        switch status.origin {
        case .environment: "environment variable AIRENV_KEY"
        case .file(_, let isDefault): isDefault ? "default key file" : "AIRENV_KEY_FILE"
        }
      let view = View(
        source: source, location: status.location, exists: status.fingerprint != nil,
        fingerprint: status.fingerprint, repositoryFingerprint: status.repositoryFingerprint,
        matches: status.fingerprint != nil && status.matches, undecryptable: status.undecryptable,
        warnings: status.warnings, otherFingerprints: status.otherFingerprints, dataKeys: dataKeys)
      let user = global.session.actor.user
      try Output.print(view, as: output) {
        // A Workspace with a data key of its own opens with identities, not with the key file.
        var lines = dataKeys.map {
          "data key     Workspace \($0.workspace): \($0.fingerprint), wrapped for \($0.wrappedFor.joined(separator: ", ")); "
            + ($0.held
              ? "\(user)'s identity opens it"
              : "\(user) cannot open it (not wrapped for \(user)'s identity here)")
        }
        if !dataKeys.isEmpty {
          lines.append("shared key   not used: every Workspace here keeps a data key (\(source) is not read)")
          lines.append(
            status.undecryptable.isEmpty
              ? "no secret fails authentication"
              : "\(counted(status.undecryptable.count, "secret")) fail authentication (changed or moved ciphertexts, "
                + "or sealed with a key replaced since):")
          lines += status.undecryptable.map { "  " + $0 }
          return lines.joined(separator: "\n") + "\n"
        }
        lines.append("key          \(source): \(status.location)")
        lines += status.warnings.map { "warning      " + $0 }
        lines.append("fingerprint  \(status.fingerprint ?? "(no key there yet)")")
        lines.append("repository   \(status.repositoryFingerprint ?? "(no secret stored yet)")")
        if !status.otherFingerprints.isEmpty {
          lines.append(
            "older keys   \(status.otherFingerprints.joined(separator: ", ")) (replaced by rotations; kept "
              + "for other repositories that share this key file)")
        }
        if status.fingerprint == nil && status.repositoryFingerprint != nil {
          lines.append("secrets are locked: this key is missing")
        } else if !status.matches {
          lines.append("secrets are locked: this is not the repository's key")
        } else if status.undecryptable.isEmpty {
          lines.append("secrets decrypt with this key")
        } else {
          lines.append(
            "\(counted(status.undecryptable.count, "secret")) fail authentication (changed or moved ciphertexts):"
          )
          lines += status.undecryptable.map { "  " + $0 }
        }
        return lines.joined(separator: "\n") + "\n"
      }
    }
  }

  struct Rotate: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "rotate",
      abstract:
        "Re-encrypt every secret with a new key, atomically (a new data key per Workspace where they have one)."
    )
    @OptionGroup var global: GlobalOptions

    func run() throws {
      let session = global.session
      try KeyCommand.prepareToRewriteEveryWorkspace(session)
      // Where Workspaces keep data keys, each gets a new one; the shared key file is left alone.
      if try session.repository.keepsDataKeys() {
        for renewal in try session.repository.renewDataKeys(by: session.actor) {
          Console.out(KeyCommand.describe(renewal))
        }
        return
      }
      let before = try session.repository.keyStatus()
      let after = try session.repository.rotateKey(by: session.actor.user)
      Console.out(
        "rotated the key in \(after.location): fingerprint \(before.fingerprint ?? "none") → "
          + "\(after.fingerprint ?? "none"); every secret is re-encrypted")
      if !after.otherFingerprints.isEmpty {
        Console.out(
          "the key file keeps \(after.otherFingerprints.count == 1 ? "the earlier key" : "\(after.otherFingerprints.count) earlier keys") "
            + "after the new one, for other repositories that share it; delete a line of it only when no "
            + "repository's `airenv key status` shows that fingerprint")
      }
    }
  }

  struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "migrate",
      abstract: "Give every Workspace a data key of its own, wrapped for each member who may read secrets.",
      discussion: """
        Replaces the key shared by everyone who can use the repository: each Workspace gets a new data \
        key, every secret is sealed again with it, and the key is wrapped (HPKE, X25519) for each Owner and \
        Operator whose public key is recorded (and everyone while secretsFetching is on). A Member then \
        cannot decrypt a secret with any client. One atomic change; you must hold your identity \
        (`airenv identity create`) and be an Owner of each Workspace, which records your public key.
        """)
    @OptionGroup var global: GlobalOptions

    func run() throws {
      let session = global.session
      try KeyCommand.prepareToRewriteEveryWorkspace(session)
      let migrations = try session.repository.migrateToDataKeys(by: session.actor)
      guard !migrations.isEmpty else {
        Console.out("every Workspace already has a data key of its own; nothing changed")
        return
      }
      for migration in migrations {
        Console.out(KeyCommand.describe(migration))
        if !migration.waitingForKeys.isEmpty {
          Console.out(
            "  note: \(migration.waitingForKeys.joined(separator: ", ")) may read secrets but have no public key "
              + "recorded: they receive the key once an Owner runs `airenv workspace member set USER ROLE "
              + "--public-key KEY`")
        }
      }
      if migrations.contains(where: \.fromSharedKey) {
        Console.out(
          "  note: the shared key in \(session.repository.keyring.location) opens nothing written from now on; "
            + "copies of the repository made before keep what they held")
      }
    }
  }
}
