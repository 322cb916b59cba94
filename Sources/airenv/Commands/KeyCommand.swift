import AirenvModel
import AirenvStore
import AirenvText
import ArgumentParser

struct KeyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "key", abstract: "The key that encrypts secrets at rest.",
    subcommands: [Status.self, Rotate.self])

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
    }

    func run() throws {
      let status = try global.session.repository.keyStatus()
      let source: String =
        switch status.origin {
        case .environment: "environment variable AIRENV_KEY"
        case .file(_, let isDefault): isDefault ? "default key file" : "AIRENV_KEY_FILE"
        }
      let view = View(
        source: source, location: status.location, exists: status.fingerprint != nil,
        fingerprint: status.fingerprint, repositoryFingerprint: status.repositoryFingerprint,
        matches: status.fingerprint != nil && status.matches, undecryptable: status.undecryptable,
        warnings: status.warnings, otherFingerprints: status.otherFingerprints)
      try Output.print(view, as: output) {
        var lines = ["key          \(source): \(status.location)"]
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
      abstract: "Re-encrypt every secret with a new key, atomically, and replace the key file.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
      let session = global.session
      try session.refuseIfReadonly()
      // A rotation rewrites every Workspace: the acting user is proven in each first.
      for summary in try session.repository.workspaceSummaries() {
        var application = session.application
        application.workspaceName = summary.name
        _ = try application.read(onlyObjectsKeyed: [])
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
}
