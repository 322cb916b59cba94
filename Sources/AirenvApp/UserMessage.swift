import AirenvDelivery
import AirenvFormats
import AirenvModel
import AirenvStore
import AirenvText
import Foundation

/// How a refusal or a failure reads for the person at the terminal, and the exit code SPEC §5.1
/// gives it: one mapping for the CLI's `airenv: error: …` and the TUI's message line.
public struct UserMessage: Equatable, Sendable {
  /// One line per problem.
  public var lines: [String]
  /// What follows the problems, when there are several (`nothing was imported`).
  public var conclusion: String?
  public var exitCode: Int32

  public init(_ text: String, exitCode: Int32) {
    self.init(lines: [text], conclusion: nil, exitCode: exitCode)
  }

  public init(lines: [String], conclusion: String?, exitCode: Int32) {
    self.lines = lines
    self.conclusion = conclusion
    self.exitCode = exitCode
  }

  /// The whole message on one line, for a status bar.
  public var oneLine: String { (lines + [conclusion].compactMap { $0 }).joined(separator: "; ") }

  /// nil for an error the application layer does not know (the caller's own).
  public init?(_ error: any Error) {
    switch error {
    case let error as ModelError:
      let code: Int32 =
        switch error.category {
        case .validation: 3
        case .conflict: 4
        case .confirmation: 2
        case .permission: 5
        }
      self.init(error.message, exitCode: code)
    case let error as StoreError:
      self.init(error.message, exitCode: error.exitCode)
    case let error as ImportProblems:
      let count = error.problems.count
      self.init(
        lines: error.problems.sorted { ($0.line ?? 0) < ($1.line ?? 0) }.map(\.message),
        conclusion: "nothing was imported (\(counted(count, "problem")))", exitCode: 3)
    case let error as ExportProblem:
      self.init(error.message, exitCode: error.isLocked ? 1 : 3)
    case let error as DeliveryError:
      let code: Int32 =
        switch error {
        case .refused: 3
        default: 1
        }
      self.init(TerminalText.escaped(error.message), exitCode: code)
    case ApplicationError.readonly:
      self.init("read-only mode (--readonly): this command changes the repository; refused", exitCode: 5)
    case ApplicationError.deletedMeanwhile(let what, let key, let by, let at, let entry):
      self.init(
        "\(what) \"\(key)\" was deleted by \(by) at \(at.formatted(.iso8601)) (history #\(entry)); "
          + "nothing was saved",
        exitCode: 4)
    case ApplicationError.identityNotHeld(let user, let workspace, let file, let problem):
      self.init(
        "Workspace \"\(workspace)\" knows \(user) by a public key, and \(user)'s private key is not held here"
          + (file.isEmpty ? "" : " (\(file))")
          + (problem.map { ": the identity file cannot be used: \($0)" }
            ?? ": act as yourself, or run airenv where \(user)'s identity is; naming a user is not enough"),
        exitCode: 5)
    case ApplicationError.approvalUnsigned(let user, let workspace):
      self.init(
        "an approval is a signed change, and Workspace \"\(workspace)\" records no public key for \(user); an Owner "
          + "records it with `airenv workspace member set \(user) ROLE --public-key KEY` (`airenv identity show` "
          + "prints yours)",
        exitCode: 5)
    case ApplicationError.approvalUnverifiable(let user, let workspace):
      self.init(
        "an approval by \(user) would verify nothing: Workspace \"\(workspace)\"'s data key is not wrapped for the "
          + "key recorded for \(user) (made Operator by hand, or by a merge no Owner's save followed?); an Owner "
          + "checks the member list and runs `airenv key migrate` to wrap it",
        exitCode: 5)
    case ApplicationError.approvalNotTrustedOwner(let user, let workspace):
      self.init(
        "only an Owner may approve the member list of Workspace \"\(workspace)\", and signed changes by Owners did not "
          + "make \(user) one (the member list as stored may say so: that is what needs approving); restore "
          + "`workspace.json` from git, or ask an Owner",
        exitCode: 5)
    case ApplicationError.approvalOfLookalikes(let first, let second, let workspace):
      self.init(
        "the member list of Workspace \"\(workspace)\" names \(UserNameLikeness.spelled(String(first.prefix(80)))) "
          + "and \(UserNameLikeness.spelled(String(second.prefix(80)))), who could be taken for one another: it is "
          + "not approved while it does; remove one by hand (or restore `workspace.json` from git) and check again",
        exitCode: 5)
    case ApplicationError.verificationOff:
      self.init(
        "this repository keeps one shared key and no identities, so no change in it is signed and nothing needs "
          + "approving; `airenv key migrate` moves it to identities",
        exitCode: 3)
    default:
      return nil
    }
  }
}

extension ExportProblem {
  var isLocked: Bool {
    if case .locked = self { return true }
    return false
  }
}
