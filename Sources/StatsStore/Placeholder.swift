/// Placeholder until the StatsStore target lands.
enum StatsStorePlaceholder {}
