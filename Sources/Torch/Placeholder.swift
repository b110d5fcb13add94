/// Placeholder until the Torch target lands.
enum TorchPlaceholder {}
