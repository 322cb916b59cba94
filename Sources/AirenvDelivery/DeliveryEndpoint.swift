/// Where a plan's operations go: a running Airflow's API, or a directory of files.
public protocol DeliveryEndpoint: Sendable {
  /// The Airflow version, or what the endpoint is (`files`).
  var version: String { get }
  /// Everything it holds now.
  func liveState() throws(DeliveryError) -> LiveState
  /// Sends operations in order; `progress` is told how many are done.
  func send(_ operations: [DeliveryOperation], progress: (Int) -> Void) -> DeliveryOutcome
}

extension AirflowClient: DeliveryEndpoint {}
