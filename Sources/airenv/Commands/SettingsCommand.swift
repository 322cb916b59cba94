import AirenvModel
import AirenvStore
import ArgumentParser

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
