import AirenvModel
import AirenvStore
import AirenvUI
import Foundation
import Testing

/// Role × surface: what each role may see of a connection — field values, and secrets on
/// request — is answered the same by the CLI (`connection get [--reveal]`) and by the TUI
/// (its detail pane, and `r`), from one rule.
@Suite("Roles: the CLI and the TUI show and reveal alike")
struct RoleSurfaceTests {
  struct Expected: Sendable, CustomTestStringConvertible {
    var role: String
    var values: Bool
    var reveal: Bool
    var testDescription: String { role }
  }

  static let table = [
    Expected(role: "owner", values: true, reveal: true),
    Expected(role: "operator", values: true, reveal: true),
    Expected(role: "author", values: true, reveal: false),
    Expected(role: "member", values: false, reveal: false),
  ]

  @Test(arguments: table)
  func everyRoleSeesTheSameOnBothSurfaces(_ expected: Expected) throws {
    let cli = CLI()
    try cli.ok("workspace", "create", "w")
    try cli.ok("deployment", "create", "dev")
    try cli.ok(
      "connection", "create", "db", "--type", "postgres", "--host", "db-host.example", "--password-stdin",
      "--link-all", input: "s3cr3t-Ω")
    let user = expected.role == "owner" ? "alice" : "reader"
    if user != "alice" { try cli.ok("workspace", "member", "set", "reader", expected.role) }
    let acting = ["AIRENV_USER": user]

    // The CLI.
    let shown = try cli.run("connection", "get", "db", environment: acting)
    #expect(shown.status == 0, "\(shown.stderr)")
    #expect(shown.stdout.contains("db-host.example") == expected.values, "CLI values: \(shown.stdout)")
    #expect(!shown.stdout.contains("s3cr3t-Ω"))
    let revealed = try cli.run("connection", "get", "db", "--reveal", environment: acting)
    #expect((revealed.status == 0) == expected.reveal, "CLI reveal: \(revealed.stderr)")
    #expect(revealed.stdout.contains("s3cr3t-Ω") == expected.reveal)
    if !expected.reveal { #expect(revealed.status == 5) }

    // The TUI, on the same repository.
    let repository = Repository(
      root: cli.repository, keyring: Keyring(environment: cli.environment.merging(acting) { $1 }))
    var state = AppState(
      workspace: try repository.read(workspace: "w"),
      session: SessionInfo(repository: cli.repository, user: user, readonly: false), width: 120, height: 30)
    let screen = render(state).text
    #expect(screen.contains("db-host.example") == expected.values, "TUI values: \(screen)")
    #expect(!screen.contains("s3cr3t-Ω"))
    _ = update(&state, .toggleReveal)
    let after = render(state).text
    #expect(after.contains("s3cr3t-Ω") == expected.reveal, "TUI reveal: \(after)")
    #expect(state.revealed == expected.reveal)
  }
}
