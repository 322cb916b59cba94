import AirenvModel
import AirenvStore
import ArgumentParser

extension Role: ExpressibleByArgument {
  public init?(argument: String) {
    switch argument.lowercased() {
    case "owner": self = .owner
    case "operator": self = .`operator`
    case "author": self = .author
    case "member": self = .member
    default: return nil
    }
  }

  public static var allValueStrings: [String] { ["owner", "operator", "author", "member"] }
}

struct MemberCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "member", abstract: "List, set or remove Workspace members and their roles.",
    discussion: """
      Roles, highest first: owner (everything, including members and settings), operator (create, \
      edit, delete, link, override, exclude; reveal secrets), author (view everything, secrets masked), \
      member (names, types and links only). A Workspace without members treats every user as Owner.
      """,
    subcommands: [List.self, Set.self, Remove.self])

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the members and their roles.")
    @OptionGroup var global: GlobalOptions
    @Option(name: .shortAndLong, help: "table, json or yaml.") var output: OutputFormat = .table

    struct Item: Encodable {
      var user: String
      var role: Role
    }

    func run() throws {
      let workspace = try global.session.read()
      let items = workspace.members.map { Item(user: $0.key, role: $0.value) }
        .sorted { ($0.role, $1.user) > ($1.role, $0.user) }
      try Output.print(items, as: output) {
        guard !items.isEmpty else { return "no members: every user acts as Owner of this Workspace\n" }
        var table = TextTable("USER", "ROLE")
        for item in items { table.add([item.user, item.role.title]) }
        return table.rendered
      }
    }
  }

  struct Set: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Add a member or change their role (Owner only).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The user name, as --user or AIRENV_USER give it.") var user: String
    @Argument(help: "owner, operator, author or member.") var role: Role

    func run() throws { try global.session.apply(.setMember(user: user, role: role)) }
  }

  struct Remove: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Remove a member (Owner only).")
    @OptionGroup var global: GlobalOptions
    @Argument var user: String

    func run() throws { try global.session.apply(.removeMember(user: user)) }
  }
}

struct SettingsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "settings", abstract: "Show or change Workspace settings (changes: Owner only).")
  @OptionGroup var global: GlobalOptions

  enum Toggle: String, ExpressibleByArgument {
    case on, off
  }

  @Option(help: "on: Authors and Members may export resolved sets with secrets for local development.")
  var secretsFetching: Toggle?

  func run() throws {
    let session = global.session
    if let secretsFetching {
      try session.apply(.setSecretsFetching(secretsFetching == .on))
      return
    }
    let workspace = try session.read()
    Console.out("secretsFetching  \(workspace.settings.secretsFetching ? "on" : "off")")
  }
}

struct KeyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "key", abstract: "The key that encrypts secrets at rest.",
    subcommands: [Status.self, Rotate.self])

  struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
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
            "\(status.undecryptable.count) secrets fail authentication (changed or moved ciphertexts):")
          lines += status.undecryptable.map { "  " + $0 }
        }
        return lines.joined(separator: "\n") + "\n"
      }
    }
  }

  struct Rotate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Re-encrypt every secret with a new key, atomically, and replace the key file.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
      let session = global.session
      try session.refuseIfReadonly()
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
