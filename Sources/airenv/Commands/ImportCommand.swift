import AirenvFormats
import AirenvModel
import AirenvStore
import ArgumentParser
import Foundation

struct ImportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract: "Import connections and variables from the files teams already have.",
    discussion: """
      Reads airflow_settings.yaml, dotenv files (AIRFLOW_CONN_* as URI or JSON, AIRFLOW_VAR_*),
      LocalFilesystemBackend JSON/YAML/.env files, `airflow connections export` and
      `airflow variables export` files, and conn_id<TAB>URI lines. All or nothing: every problem
      is reported with file:line and, if there is any, nothing is written.
      """)

  @OptionGroup var global: GlobalOptions
  @Argument(help: "The file to import.", completion: .file()) var file: String
  @Option(
    help:
      "auto (by extension and content) or \(ImportFormat.allCases.dropFirst().map(\.rawValue).joined(separator: ", "))."
  )
  var format: ImportFormat = .auto
  @Option(
    name: .customLong("scope-deployment"), help: "Import as objects of this Deployment only.",
    completion: Completions.deployments)
  var scopeDeployment: String?
  @Flag(help: "Link the imported objects to all Deployments.") var linkAll = false
  @Option(help: "When an id exists: fail (default), skip it, or overwrite its base fields (links stay).")
  var onConflict: ImportConflictPolicy = .fail
  @Flag(help: "Report what would change and write nothing.") var dryRun = false

  func validate() throws {
    if linkAll && scopeDeployment != nil {
      throw ValidationError("--link-all and --scope-deployment exclude each other")
    }
  }

  func run() throws {
    let session = global.session
    let text = try InputFile.text(file, limit: Limits.importFileBytes)
    let set = Importer.read(text, file: file, format: format)
    let sharing: Sharing =
      scopeDeployment.map { .scoped(toDeployment: $0) } ?? (linkAll ? .linkedToAll : .restricted)
    let report = try session.application.importing(
      set, from: file, conflicts: onConflict, sharing: sharing, dryRun: dryRun)
    let verb = dryRun ? "would import" : "imported"
    Console.out(
      "\(verb) \(file) (\(set.format.rawValue)): created \(report.created.count), updated \(report.updated.count), "
        + "skipped \(report.skipped.count)")
    for line in report.created { Console.out("  created \(line)") }
    for line in report.updated { Console.out("  updated \(line)") }
    for line in report.skipped { Console.out("  skipped \(line)") }
    for line in set.ignored { Console.out("  ignored \(line)") }
    if !dryRun && scopeDeployment == nil && !linkAll && !report.created.isEmpty {
      Console.out("  note: new objects are linked to no Deployment yet; link them, or import with --link-all")
    }
  }
}
