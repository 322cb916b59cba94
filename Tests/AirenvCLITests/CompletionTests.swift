import Foundation
import Testing

/// The completion scripts airenv generates, loaded into real bash, zsh and fish in a real
/// terminal: Tab completes Deployment names, conn_ids, variable keys, formats and file paths
/// from the repository the command would use.
@Suite("Shell completion in bash, zsh and fish")
struct CompletionTests {
  @Test(arguments: ["bash", "zsh", "fish"])
  func tabCompletesFromTheRepository(shell: String) throws {
    let cli = CLI()
    try cli.ok("demo")
    let script = try cli.ok("--generate-completion-script", shell)
    let bin = cli.scratch + "/bin"
    try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(atPath: bin + "/airenv", withDestinationPath: CLI.binary)
    let importable = cli.scratch + "/import-me.json"
    try Data("{}".utf8).write(to: URL(fileURLWithPath: importable))

    var environment = ["PATH": bin + ":/usr/bin:/bin"]
    let command: String
    switch shell {
    case "bash":
      let rc = cli.scratch + "/bashrc"
      try write(script, to: cli.scratch + "/airenv.bash")
      try write("source \(cli.scratch)/airenv.bash\nPS1='READY> '\n", to: rc)
      command = "bash --rcfile \(rc) -i"
    case "zsh":
      try FileManager.default.createDirectory(
        atPath: cli.scratch + "/zfunc", withIntermediateDirectories: true)
      try write(script, to: cli.scratch + "/zfunc/_airenv")
      try write(
        "fpath=(\(cli.scratch)/zfunc $fpath)\nautoload -U compinit && compinit -u\nPROMPT='READY> '\n",
        to: cli.scratch + "/.zshrc")
      environment["ZDOTDIR"] = cli.scratch
      command = "zsh -i"
    default:
      try write(script, to: cli.scratch + "/airenv.fish")
      command =
        "fish --no-config -C 'function fish_prompt; echo -n READY\\>\\ ; end; source \(cli.scratch)/airenv.fish'"
    }
    let terminal = try TmuxSession(
      cli: cli, width: 160, height: 30, environment: environment, command: command)
    try terminal.wait(for: "READY>")
    for (typed, completed) in [
      ("airenv resolve --deployment stag", "--deployment staging"),
      ("airenv diff feature-b", "diff feature-billing-v2"),
      ("airenv variable get dbt_c", "get dbt_cloud_token"),
      ("airenv connection delete warehouse_", "delete warehouse_db"),
      ("airenv export --deployment prod --format airflow-y", "--format airflow-yaml"),
      ("airenv import \(cli.scratch)/import-m", "import-me.json"),
    ] {
      try terminal.type(typed)
      try terminal.press("Tab")
      try terminal.wait(for: "\(shell): \(typed)") { $0.contains(completed) }
      try terminal.press("C-u")
      try terminal.wait(for: "an empty line") { !$0.contains(completed) }
    }
  }

  private func write(_ text: String, to path: String) throws {
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
  }
}
