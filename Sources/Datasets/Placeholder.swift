/// Placeholder until the Datasets target lands.
enum DatasetsPlaceholder {}
