import AirenvApp
import AirenvModel
import AirenvText
import ArgumentParser
import Foundation

struct TargetCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "target",
    abstract: "Bind a Deployment to the Airflow it describes (set/remove: Operator or Owner).",
    subcommands: [Set.self, Show.self, Remove.self, Check.self])

  struct Set: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "set",
      abstract: "Deliver a Deployment to a running Airflow's REST API, or to a directory of files.",
      discussion: """
        airflow-api: Airflow 3.x (/api/v2, a token from /auth/token) or 2.10 (/api/v1, basic auth); the
        version is found from /version. TLS certificates are verified. The password or token is read
        from standard input or an environment variable, never from the command line, and stored
        encrypted like any other secret.
        directory: `airenv export` of that format written there (what LocalFilesystemBackend or a mounted
        Kubernetes Secret reads).
        """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The Deployment.") var deployment: String
    @Option(help: "The Airflow base URL (https://airflow.example.com), without /api/v2.") var airflowUrl:
      String?
    @Option(help: "The Airflow user to log in as.") var username: String?
    @Flag(help: "Read the password from standard input.") var passwordStdin = false
    @Option(help: "Read the password from this environment variable.") var passwordEnv: String?
    @Option(help: "Read a bearer token from this environment variable (instead of a username).")
    var tokenEnv: String?
    @Option(help: "Seconds each request may take (1–600, default 10).") var timeout: Int?
    @Option(
      help: "PEM certificates to trust for this server instead of the system's CA store (a private CA).",
      completion: .file())
    var caFile: String?
    @Option(help: "A directory to write the Deployment's files to.") var directory: String?
    @Option(help: "The format written to the directory: airflow-json, airflow-yaml or airflow-env.")
    var format: String?

    func run() throws {
      let session = global.session
      try session.refuseIfReadonly()
      var target: DeliveryTarget
      switch (airflowUrl, directory) {
      case (let url?, nil):
        guard format == nil else { throw Failure.usage("--format goes with --directory, not --airflow-url") }
        if tokenEnv != nil {
          guard username == nil, !passwordStdin, passwordEnv == nil else {
            throw Failure.usage("give either --token-env or --username with a password, not both")
          }
          guard
            let token = try SecretInput.read(
              stdin: false, environmentVariable: tokenEnv, plain: nil, what: "token", flag: "token")
          else { throw Failure.usage("the token is empty") }
          target = .airflowAPI(url: url, token: token, timeoutSeconds: timeout)
        } else {
          guard let username else {
            throw Failure.usage(
              "--airflow-url needs --username with --password-stdin or --password-env, or --token-env")
          }
          guard passwordStdin || passwordEnv != nil else {
            throw Failure.usage(
              "give the password with --password-stdin or --password-env VAR (never on the command line)")
          }
          guard
            let password = try SecretInput.read(
              stdin: passwordStdin, environmentVariable: passwordEnv, plain: nil, what: "password",
              flag: "password")
          else { throw Failure.usage("the password is empty") }
          target = .airflowAPI(url: url, username: username, password: password, timeoutSeconds: timeout)
        }
      case (nil, let path?):
        guard username == nil, !passwordStdin, passwordEnv == nil, tokenEnv == nil, timeout == nil,
          caFile == nil
        else {
          throw Failure.usage("a directory target takes only --directory and --format")
        }
        guard let format else {
          throw Failure.usage("--directory needs --format (airflow-json, airflow-yaml or airflow-env)")
        }
        target = .directory(
          path: path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path,
          format: format)
      case (nil, nil): throw Failure.usage("give --airflow-url URL or --directory PATH")
      default: throw Failure.usage("give --airflow-url or --directory, not both")
      }
      if let caFile {
        target.certificateAuthority = try InputFile.text(
          caFile, limit: DeliveryTarget.certificateAuthorityBytes, advice: "more than a CA bundle holds")
      }
      try session.apply(.setTarget(deployment: deployment, target: target))
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "show",
      abstract: "Show a Deployment's target (never its credentials).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The Deployment.") var deployment: String

    func run() throws {
      let (_, deployment, target) = try global.session.application.configuredTarget(of: deployment)
      var lines: [(String, String)] = [("Deployment", deployment.name), ("kind", target.kind.rawValue)]
      switch target.kind {
      case .airflowAPI:
        lines.append(("url", target.url ?? ""))
        if let username = target.username {
          lines.append(("username", username))
          lines.append(("password", target.password == nil ? "not set" : "set (hidden)"))
        }
        if target.token != nil { lines.append(("token", "set (hidden)")) }
        lines.append(("timeout", "\(target.timeout) s"))
        lines.append(
          (
            "trusts",
            target.certificateAuthority.map {
              "the CA certificates given with --ca-file (\(counted($0.components(separatedBy: "-----BEGIN CERTIFICATE-----").count - 1, "certificate")))"
            } ?? "the system's CA store"
          ))
      case .directory:
        lines.append(("directory", target.path ?? ""))
        lines.append(("format", target.format ?? ""))
      }
      let width = lines.map(\.0.count).max() ?? 0
      for (name, value) in lines {
        Console.out(
          name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + TerminalText.escaped(value))
      }
    }
  }

  struct Remove: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "remove",
      abstract: "Stop delivering a Deployment (what was applied stays in Airflow).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The Deployment.") var deployment: String

    func run() throws {
      try global.session.apply(.setTarget(deployment: deployment, target: nil))
    }
  }

  struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "check",
      abstract:
        "Connect to a Deployment's target: reachable, version, credentials, permission to manage objects.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The Deployment.") var deployment: String

    func run() throws {
      let check = try global.session.application.checkTarget(of: deployment)
      Console.out("target          \(TerminalText.escaped(check.address))")
      guard check.api != "files" else {
        Console.out("kind            directory (nothing to connect to)")
        return
      }
      Console.out("reachable       yes (Airflow \(TerminalText.escaped(check.airflowVersion)), \(check.api))")
      Console.out("credentials     accepted")
      Console.out(
        "permission      may list connections and variables (\(counted(check.connections, "connection")), "
          + "\(counted(check.variables, "variable")) in its database)")
      let backend = check.secretsBackend.map { TerminalText.escaped($0) }
      Console.out("secrets backend \(backend ?? "not shown by the server ([api] expose_config is off)")")
      for warning in check.warnings { Console.out("warning: " + TerminalText.escaped(warning)) }
    }
  }
}
