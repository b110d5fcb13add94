/// Placeholder until the Daemon target lands.
enum DaemonPlaceholder {}
