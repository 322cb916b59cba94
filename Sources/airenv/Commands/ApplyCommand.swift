import AirenvApp
import AirenvDelivery
import AirenvModel
import AirenvText
import ArgumentParser
import Foundation

struct ApplyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "apply",
    abstract: "Make each Deployment's Airflow hold its resolved set (Operator or Owner).",
    discussion: """
      Shows the plan, asks for confirmation on a terminal (or needs --yes), then sends only what differs:
      on Airflow 3.x in bulk requests of at most 100 objects, on 2.10 one request per object. Objects
      in conflict are left alone unless --adopt; objects airenv applied and no longer has are deleted
      only with --prune. What Airflow confirmed is recorded in the repository as one history entry, and
      read back to verify. A partial failure says which objects did not reach Airflow and exits 1;
      running apply again finishes the job. With --all, a Deployment that cannot be applied (its server
      down, a refusal) is reported and the others are still applied; the exit status is then non-zero.
      """)

  @OptionGroup var global: GlobalOptions
  @OptionGroup var scope: DeliveryScope
  @Flag(help: "Show the plan and change nothing.") var dryRun = false
  @Flag(help: "Apply without asking.") var yes = false

  func run() throws {
    let session = global.session
    var failure: Int32?
    for name in try scope.deployments(in: session) {
      do {
        if try !apply(to: name, in: session) { failure = failure ?? 1 }
      } catch let usage as Failure where usage.code == Failure.usageCode {
        throw usage
      } catch {
        // With --all, one Deployment's failure (a dead server, a refusal) is reported and the
        // others are still applied; the exit code is the first failure's.
        guard scope.all else { throw error }
        failure = failure ?? Failure.report(error, about: "Deployment \(TerminalText.escaped(name))").code
      }
    }
    if let failure { throw ExitCode(failure) }
  }

  /// Plans one Deployment and applies it after confirmation; false when part of it failed (the
  /// summary printed says which objects).
  private func apply(to name: String, in session: Session) throws -> Bool {
    let application = session.application
    let prepared = try application.prepareDelivery(of: name, prune: scope.prune, adopt: scope.adopt)
    let plan = prepared.plan
    Console.out(PlanText.table(plan, verbose: false))
    if dryRun || !plan.needsApply { return true }
    try application.refuseIfReadonly()
    if !yes {
      let question = "Apply to \(plan.target) for Deployment \(plan.deployment)? \(plan.blastRadius)"
      guard Console.interactive else {
        throw Failure.usage("\(question) Pass --yes to confirm (standard input is not a terminal).")
      }
      guard Console.confirm(question) else {
        // With --all, declining one Deployment is a choice, not a failure: the others follow.
        guard scope.all else { throw Failure(message: "cancelled; nothing was applied", code: 1) }
        Console.out("skipped \(TerminalText.escaped(plan.deployment)): not confirmed")
        return true
      }
    }
    let progress = ApplyProgress()
    // The progress line is cleared however the apply ends, before its error is printed.
    defer { progress.finish() }
    let report = try application.applyDelivery(prepared) { done, total in
      progress.update(done: done, total: total)
    }
    Console.out(Self.summary(report))
    return report.succeeded
  }

  static func summary(_ report: ApplyReport) -> String {
    var lines: [String] = []
    let applied = report.counts.filter { $0.1 > 0 }.map { "\($0.1) \($0.0)" }
    lines.append(
      "applied to \(TerminalText.escaped(report.plan.deployment)): "
        + (applied.isEmpty ? "nothing" : applied.joined(separator: ", ")))
    for failure in report.failed {
      lines.append(
        "not applied: \(failure.kind.rawValue) \(TerminalText.escaped(failure.id)): \(TerminalText.escaped(failure.reason))"
      )
    }
    lines += report.unverified.map { "not verified: " + TerminalText.escaped($0) }
    if let unwritten = report.unwritten { lines.append("not written: " + TerminalText.escaped(unwritten)) }
    if !report.failed.isEmpty {
      lines.append(
        "\(counted(report.failed.count, "object")) did not reach Airflow; run `airenv apply` again")
    }
    return lines.joined(separator: "\n")
  }
}

/// A progress line on a terminal's standard error, for applies that take longer than a second.
final class ApplyProgress {
  private let start = Date()
  private var shown = false

  func update(done: Int, total: Int) {
    guard isatty(STDERR_FILENO) == 1, Date().timeIntervalSince(start) > 1 else { return }
    FileHandle.standardError.write(Data("\r\u{1B}[Kapplying: \(done) of \(total)".utf8))
    shown = true
  }

  func finish() {
    if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
  }
}
