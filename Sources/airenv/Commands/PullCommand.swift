import AirenvApp
import AirenvText
import ArgumentParser

struct PullCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pull",
    abstract: "Read a Deployment's Airflow into airenv (Operator or Owner; --dry-run: anyone).",
    discussion: """
      Objects only Airflow has become objects of the Deployment. For objects airenv has, the fields that
      differ are listed; --take FIELD (repeatable) or --all-fields takes them over, on a shared object as
      the Deployment's override so that no other Deployment changes. Airflow never reveals secrets: a
      masked one is stored as missing, and resolve, export and apply refuse it until someone sets it.
      Everything pulled is one history entry.
      """)

  @OptionGroup var global: GlobalOptions
  @Option(name: .shortAndLong, help: "The Deployment to pull into.") var deployment: String
  @Flag(help: "Show what would change and change nothing.") var dryRun = false
  @Option(help: "Take Airflow's value of this field (host, login, extra.KEY, value …).") var take: [String] =
    []
  @Flag(help: "Take Airflow's value of every differing field.") var allFields = false

  func run() throws {
    let report = try global.session.application.pull(
      from: deployment, dryRun: dryRun, take: take, allFields: allFields)
    for added in report.added {
      Console.out("\(dryRun ? "would add" : "added") \(TerminalText.escaped(added))")
    }
    for difference in report.differences {
      Console.out(
        "differs: \(difference.kind.rawValue) \(TerminalText.escaped(difference.id)): "
          + TerminalText.escaped(difference.fields.joined(separator: ", ")))
    }
    for taken in report.taken {
      Console.out("\(dryRun ? "would take" : "took") \(TerminalText.escaped(taken))")
    }
    for missing in report.missingSecrets {
      Console.out(
        "secret missing: \(TerminalText.escaped(missing)) (Airflow shows it masked; set it in airenv)")
    }
    for warning in report.warnings { Console.error("airenv: warning: " + TerminalText.escaped(warning)) }
    if report.added.isEmpty && report.differences.isEmpty {
      Console.out(
        "nothing to pull: airenv already has everything Airflow holds for \(TerminalText.escaped(deployment))"
      )
    } else if !report.differences.isEmpty && report.taken.isEmpty {
      Console.out(
        "differences are kept as they are in airenv; --take FIELD or --all-fields takes Airflow's values")
    }
  }
}
