/// The demo Workspace: the branch-deploy story with every feature on show. It is built
/// from ordinary commands, so it obeys every rule the user's own data does.
public enum DemoWorkspace {
  public static let name = "demo"

  public static func build(into workspace: inout Workspace, by actor: Actor) throws(ModelError) {
    for command in commands { try workspace.apply(command, by: actor, confirmed: true) }
  }

  static func connection(
    _ key: String, _ type: String, _ fields: [ConnectionField: String] = [:],
    extra: [String: JSONValue] = [:], sharing: Sharing = .linkedToAll
  ) -> Command {
    var all = fields
    all[.connType] = type
    return .createConnection(
      key: key, fields: ConnectionChanges(fields: all, extraSet: extra), sharing: sharing)
  }

  static func override(
    _ key: String, _ deployment: String, _ fields: [ConnectionField: String] = [:],
    extra: [String: JSONValue] = [:], unset: Set<String> = []
  ) -> Command {
    .linkConnection(
      ObjectReference(.connection, key), deployment: deployment,
      overrides: ConnectionChanges(fields: fields, extraSet: extra, extraUnset: unset))
  }

  static func variable(
    _ key: String, _ value: String, secret: Bool = false, description: String? = nil,
    sharing: Sharing = .linkedToAll
  ) -> Command {
    .createVariable(
      key: key, fields: VariableChanges(value: value, description: description, secret: secret),
      sharing: sharing)
  }

  static func variableOverride(_ key: String, _ deployment: String, _ value: String) -> Command {
    .linkVariable(
      ObjectReference(.variable, key), deployment: deployment, overrides: VariableChanges(value: value))
  }

  /// The demo's content as the commands a user would type.
  public static let commands: [Command] = [
    .createDeployment(name: "dev", description: "Shared development", tags: ["development"], branch: "main"),
    .createDeployment(name: "staging", description: "Pre-release checks", tags: ["staging"], branch: nil),
    .createDeployment(name: "prod", description: "Production", tags: ["production"], branch: nil),
    .createDeployment(
      name: "feature-login-flow", description: "Branch deploy", tags: ["development"],
      branch: "feature/login-flow"),
    .createDeployment(
      name: "feature-billing-v2", description: "Branch deploy", tags: ["development"],
      branch: "feature/billing-v2"),

    connection(
      "warehouse_db", "postgres",
      [
        .description: "Analytics warehouse", .host: "dev-db.internal.example.com", .schema: "analytics",
        .login: "airflow_dev", .password: "dev-password-not-secret", .port: "5432",
      ], extra: ["sslmode": .string("prefer")]),
    override(
      "warehouse_db", "prod",
      [.host: "prod-db.internal.example.com", .login: "airflow_prod", .password: "Pr0d#p@ss/w:rd%"],
      extra: ["sslmode": .string("require")]),
    override("warehouse_db", "staging", [.host: "staging-db.internal.example.com"]),
    .exclude(ObjectReference(.connection, "warehouse_db"), deployment: "feature-billing-v2"),

    connection(
      "snowflake_default", "snowflake",
      [.login: "AIRFLOW_DEV", .password: "snow-dev-pass", .schema: "PUBLIC"],
      extra: [
        "account": .string("xy12345.eu-west-1"), "warehouse": .string("DEV_WH"),
        "database": .string("ANALYTICS_DEV"), "role": .string("TRANSFORMER"),
      ]),
    override(
      "snowflake_default", "prod", [.login: "AIRFLOW_PROD", .password: "snow-prod-pass"],
      extra: ["warehouse": .string("PROD_WH"), "database": .string("ANALYTICS")]),

    connection(
      "aws_default", "aws", [.login: "AKIAEXAMPLEDEV000001", .password: "dev/aws+secret=key"],
      extra: ["region_name": .string("eu-west-1")]),
    override(
      "aws_default", "prod", [.login: "AKIAEXAMPLEPROD00001", .password: "prod/aws+secret=key"],
      extra: ["role_arn": .string("arn:aws:iam::123456789012:role/airflow-prod")]),

    connection(
      "google_cloud_default", "google_cloud_platform",
      extra: [
        "project": .string("acme-analytics-staging"), "num_retries": .integer(5),
        "keyfile_dict": .object([
          "type": .string("service_account"), "client_email": .string("airflow@acme.iam.example.com"),
          "private_key": .string(
            "-----BEGIN PRIVATE KEY-----\\nnot-a-real-key\\n-----END PRIVATE KEY-----\\n"),
        ]),
      ], sharing: .restricted),
    override("google_cloud_default", "staging"),
    override("google_cloud_default", "prod", extra: ["project": .string("acme-analytics")]),

    connection(
      "partner_api", "http",
      [.host: "https://sandbox.partner.example.com", .login: "acme", .password: "sandbox-key"],
      extra: ["timeout": .integer(30), "verify": .bool(true), "X-Client": .string("airflow")]),
    override("partner_api", "prod", [.host: "https://api.partner.example.com", .password: "live-key"]),

    connection(
      "databricks_default", "databricks",
      [.host: "https://dbc-dev.cloud.databricks.example.com", .password: "dapi-dev-token"],
      extra: ["http_path": .string("/sql/1.0/warehouses/dev")], sharing: .restricted),
    override("databricks_default", "dev"),
    override(
      "databricks_default", "prod",
      [.host: "https://dbc-prod.cloud.databricks.example.com", .password: "dapi-prod-token"],
      extra: ["http_path": .string("/sql/1.0/warehouses/prod")]),

    connection("slack_alerts", "slack", [.password: "xoxb-demo-token"], extra: ["timeout": .integer(10)]),
    override("slack_alerts", "prod", [.password: "xoxb-prod-token"]),

    connection(
      "mysql_legacy", "mysql",
      [
        .host: "legacy-mysql.internal.example.com", .schema: "orders", .login: "reader",
        .password: "legacy-pw", .port: "3306",
      ],
      extra: ["charset": .string("utf8mb4")], sharing: .restricted),
    override("mysql_legacy", "staging"),
    override("mysql_legacy", "prod", [.login: "reader_prod"]),

    connection(
      "redshift_reporting", "redshift",
      [
        .host: "reporting.abc123.eu-west-1.redshift.example.com", .schema: "reports", .login: "reporter",
        .password: "rs-pass", .port: "5439",
      ],
      sharing: .restricted),
    override("redshift_reporting", "prod"),

    connection(
      "vendor_sftp", "sftp",
      [.host: "sftp.vendor.example.com", .login: "acme-drop", .password: "sftp-pass", .port: "22"],
      extra: ["no_host_key_check": .bool(false)], sharing: .restricted),
    override("vendor_sftp", "prod"),

    connection(
      "bastion_ssh", "ssh", [.host: "bastion.example.com", .login: "airflow", .port: "22"],
      extra: ["key_file": .string("/home/astro/.ssh/id_ed25519"), "conn_timeout": .integer(10)]),
    override("bastion_ssh", "prod", extra: ["conn_timeout": .integer(30)], unset: ["key_file"]),

    connection(
      "mssql_finance", "mssql",
      [
        .host: "finance-sql.internal.example.com", .schema: "ledger", .login: "etl", .password: "ms-pass",
        .port: "1433",
      ],
      sharing: .restricted),
    override("mssql_finance", "staging"),
    override("mssql_finance", "prod", [.host: "finance-sql-prod.internal.example.com"]),

    connection(
      "scratch_db", "postgres",
      [.host: "localhost", .schema: "scratch", .login: "dev", .password: "dev", .port: "5433"],
      sharing: .scoped(toDeployment: "dev")),

    variable("environment_name", "dev", description: "Which environment DAGs run in"),
    variableOverride("environment_name", "staging", "staging"),
    variableOverride("environment_name", "prod", "prod"),
    variable("alert_email", "data-team@example.com"),
    variable(
      "etl_config", #"{"batch_size": 500, "retries": 2, "targets": ["warehouse"]}"#,
      description: "JSON settings"),
    variableOverride(
      "etl_config", "prod", #"{"batch_size": 5000, "retries": 5, "targets": ["warehouse", "lake"]}"#),
    variable("feature_flags", #"{"new_scoring": true, "legacy_export": false}"#),
    variable("raw_bucket", "s3://acme-raw-dev"),
    variableOverride("raw_bucket", "prod", "s3://acme-raw"),
    variable("max_active_runs", "4"),
    variableOverride("max_active_runs", "prod", "16"),
    variable("data_retention_days", "30"),
    variable("slack_channel", "#data-alerts-dev"),
    variableOverride("slack_channel", "prod", "#data-alerts"),
    variable("partner_api_key", "sandbox-api-key-123", secret: true, sharing: .restricted),
    variableOverride("partner_api_key", "prod", "live-api-key-456"),
    variable("dbt_cloud_token", "dbt-demo-token", description: "Secret by name (contains \"token\")"),
    .exclude(ObjectReference(.variable, "dbt_cloud_token"), deployment: "feature-login-flow"),
    variable("ml_model_version", "2024.11-rc1", sharing: .restricted),
    variableOverride("ml_model_version", "feature-login-flow", "2024.12-beta"),
    variable("login_banner", "Try the new login flow", sharing: .scoped(toDeployment: "feature-login-flow")),
  ]
}
